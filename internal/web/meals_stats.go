package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/region"
)

// registerMealStats registers the statistics page of meal assistance: meals served (人次),
// diners (人数), canteens, and the subsidy by funding source, by region and month, with a drill
// down from the city to its districts, streets and communities, and a CSV download.
func (s *Site) registerMealStats() {
	s.page("GET", "/meals/stats", auth.MealsView, s.mealStatsPage,
		&NavEntry{Section: "meals.ui.nav.section", Label: "meals.ui.stats.nav", Order: 660})
}

// mealStatsContent is the statistics page: the filter, the way back up, the figures.
type mealStatsContent struct {
	From, To civil.Month
	Region   string
	// Crumbs lead from the caller's own area down to Region, each a link to its statistics.
	Crumbs []mealStatsCrumb
	// Canteen is set for a canteen operator: the figures are of their canteen alone.
	Canteen  bool
	LevelKey string
	ByRegion []mealStatsLine
	ByMonth  []mealStatsLine
	Total    mealStatsLine
	CSVURL   string
}

// mealStatsCrumb is one step of the way up.
type mealStatsCrumb struct {
	Name, URL string
}

// mealStatsLine is a row as the tables show it: its name, and the link one level down if there
// is one. Operator marks a canteen operator's figures, which have no register of diners.
type mealStatsLine struct {
	meals.StatsRow
	Name, URL string
	Operator  bool
}

// mealStatsQuery reads the page's filter: from and to default to last month and this month, so
// that the first view covers every meal of the last few weeks; region defaults to the caller's
// own area.
func (s *Site) mealStatsQuery(r *http.Request, p *auth.Principal) (meals.StatsFilter, error) {
	now := s.thisMonth()
	f := meals.StatsFilter{Region: r.URL.Query().Get("region")}
	var err error
	if f.From, err = s.mealStatsMonth(r, "from", now.Prev()); err != nil {
		return f, err
	}
	if f.To, err = s.mealStatsMonth(r, "to", now); err != nil {
		return f, err
	}
	if f.Region == "" {
		f.Region = s.homeRoot(p)
	}
	return f, nil
}

// mealStatsMonth reads query parameter name as a month, def when empty.
func (s *Site) mealStatsMonth(r *http.Request, name string, def civil.Month) (civil.Month, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	m, err := civil.ParseMonth(v)
	if err != nil {
		return m, apperr.FieldMsg(name, "meals.stats.bad_month")
	}
	return m, nil
}

// mealStatsPage shows the statistics; with format=csv the same figures as a CSV file.
func (s *Site) mealStatsPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f, err := s.mealStatsQuery(r, p)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	st, err := s.deps.Meals.Stats(r.Context(), p, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		s.mealStatsCSV(w, r, p, st)
		return
	}
	link := func(code string) string {
		return "/meals/stats?" + url.Values{"from": {st.From.String()}, "to": {st.To.String()}, "region": {code}}.Encode()
	}
	op := st.CanteenID != 0
	c := mealStatsContent{From: st.From, To: st.To, Region: st.Region, Canteen: op, Total: mealStatsLine{StatsRow: st.Total, Operator: op},
		LevelKey: fmt.Sprintf("meals.ui.stats.level.%d", st.Level),
		CSVURL: "/meals/stats?" + url.Values{"from": {st.From.String()}, "to": {st.To.String()}, "region": {st.Region},
			"format": {"csv"}}.Encode()}
	if path, err := region.PathTo(r.Context(), s.deps.DB, st.Region); err == nil {
		top := region.LevelOf(s.homeRoot(p))
		for _, d := range path {
			if d.Level >= top {
				c.Crumbs = append(c.Crumbs, mealStatsCrumb{Name: d.Name, URL: link(d.Code)})
			}
		}
	}
	names := s.regionNamer(r, p)
	for _, row := range st.ByRegion {
		l := mealStatsLine{StatsRow: row, Name: names(row.Region), Operator: op}
		if !op && region.LevelOf(row.Region) < region.Community {
			l.URL = link(row.Region)
		}
		c.ByRegion = append(c.ByRegion, l)
	}
	for _, row := range st.ByMonth {
		c.ByMonth = append(c.ByMonth, mealStatsLine{StatsRow: row, Name: row.Month.Chinese(), Operator: op})
	}
	s.render(w, r, http.StatusOK, "meals_stats", s.msg.T("meals.ui.stats.title"), c)
}

// mealStatsCSV writes the figures as CSV: every region in every month, then each region over the
// range, each month over every region, and the total. Amounts are in yuan with two decimals; a
// byte-order mark makes spreadsheet programs read the Chinese right.
func (s *Site) mealStatsCSV(w http.ResponseWriter, r *http.Request, p *auth.Principal, st *meals.Stats) {
	t := s.msg.T
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	head := []string{t("meals.ui.stats.region_code"), t("meals.ui.stats.region"), t("meals.ui.stats.month")}
	for _, k := range mealStatsColumns {
		head = append(head, t("meals.ui.stats.col."+k))
	}
	_ = cw.Write(head)
	names := s.regionNamer(r, p)
	whole := t("meals.ui.stats.range", st.From.String(), st.To.String())
	line := func(code, name, month string, row meals.StatsRow) {
		rec := []string{code, name, month}
		for _, k := range mealStatsColumns {
			v := mealStatsValue(row, k)
			if k == "diners_registered" && st.CanteenID != 0 {
				v = "" // an operator reads no register of diners
			}
			rec = append(rec, v)
		}
		_ = cw.Write(rec)
	}
	for _, row := range st.Cells {
		line(row.Region, names(row.Region), row.Month.String(), row)
	}
	for _, row := range st.ByRegion {
		line(row.Region, names(row.Region), whole, row)
	}
	all := t("meals.ui.stats.all_regions")
	for _, row := range st.ByMonth {
		line(st.Region, all, row.Month.String(), row)
	}
	line(st.Region, t("meals.ui.stats.sum"), whole, st.Total)
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="meals-stats-%s-%s-%s.csv"`, st.Region, st.From, st.To))
	_, _ = w.Write(buf.Bytes())
}

// mealStatsColumns are the figures of a row, in the order of the tables and the CSV.
var mealStatsColumns = []string{"meals", "diners", "canteens", "canteens_registered", "diners_registered", "price",
	"diner_paid", "city", "district", "street", "subsidy", "online", "online_percent", "delivered"}

// mealStatsValue is one figure of row as the CSV writes it.
func mealStatsValue(row meals.StatsRow, k string) string {
	switch k {
	case "meals":
		return strconv.Itoa(row.Meals)
	case "diners":
		return strconv.Itoa(row.Diners)
	case "canteens":
		return strconv.Itoa(row.Canteens)
	case "canteens_registered":
		return strconv.Itoa(row.CanteensRegistered)
	case "diners_registered":
		return strconv.Itoa(row.DinersRegistered)
	case "price":
		return row.Price.Plain()
	case "diner_paid":
		return row.DinerPaid.Plain()
	case "city":
		return row.City.Plain()
	case "district":
		return row.District.Plain()
	case "street":
		return row.Street.Plain()
	case "subsidy":
		return row.Subsidy().Plain()
	case "online":
		return strconv.Itoa(row.OnlineMeals)
	case "online_percent":
		return strconv.Itoa(row.OnlinePercent())
	case "delivered":
		return strconv.Itoa(row.DeliveredMeals)
	}
	return ""
}
