package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/region"
)

// The canteen pages of the 老年助餐 module: the list of canteens in the caller's area, the new
// and edit forms, one canteen with its menu and terminal tokens, and the counter where a canteen
// operator serves meals. internal/meals decides who sees and changes which canteen (staff by
// region, an operator only their own); the pages offer only what the store will accept and the
// store checks again on submit.

// registerMealCanteens registers the pages of canteens, menus, terminal tokens and the counter page.
func (s *Site) registerMealCanteens() {
	s.page("GET", "/meals/canteens", auth.MealsView, s.mealCanteensPage,
		&NavEntry{Section: "meals.ui.nav.section", Label: "meals.ui.nav.canteens", Order: 600})
	s.page("GET", "/meals/canteens/new", auth.MealsManage, s.mealCanteenNew, nil)
	s.page("POST", "/meals/canteens/new", auth.MealsManage, s.mealCanteenCreate, nil)
	s.page("GET", "/meals/canteens/{id}", auth.MealsView, s.mealCanteenPage, nil)
	s.page("GET", "/meals/canteens/{id}/edit", auth.MealsManage, s.mealCanteenEdit, nil)
	s.page("POST", "/meals/canteens/{id}/edit", auth.MealsManage, s.mealCanteenUpdate, nil)
	s.page("POST", "/meals/canteens/{id}/menu", auth.MealsManage, s.mealMenuAdd, nil)
	s.page("POST", "/meals/canteens/{id}/menu/{item}/active", auth.MealsManage, s.mealMenuActive, nil)
	s.page("POST", "/meals/canteens/{id}/tokens", auth.MealsManage, s.mealTokenIssue, nil)
	s.page("POST", "/meals/canteens/{id}/tokens/{token}/revoke", auth.MealsManage, s.mealTokenRevoke, nil)
	s.registerMealCounter()
}

// mealCanteensPerPage is the length of a page of the canteen list.
const mealCanteensPerPage = 50

// mealCanteensContent is the canteen list: its filters, their choices and a page of canteens.
type mealCanteensContent struct {
	F         meals.CanteenFilter
	Regions   []region.ChildCount
	Statuses  []string
	Rows      []canteenRow
	CanCreate bool
	pager
}

// canteenRow is a canteen as the list shows it: its area named below the caller's scope and its
// opening days spelled out.
type canteenRow struct {
	meals.CanteenRow
	RegionName  string
	OpenDays    string
	StatusClass string
}

// canteenStatuses lists the statuses of a canteen in the order the filter offers them.
func canteenStatuses() []string {
	return []string{meals.CanteenOpen, meals.CanteenSuspended, meals.CanteenClosed}
}

// mealCanteenFilter reads the list's filters from the query; unknown values are dropped, so an
// old bookmark still opens the list.
func mealCanteenFilter(q url.Values) meals.CanteenFilter {
	f := meals.CanteenFilter{Region: q.Get("region"), Page: max(1, atoi(q.Get("page"))), PerPage: mealCanteensPerPage}
	if slices.Contains(canteenStatuses(), q.Get("status")) {
		f.Status = q.Get("status")
	}
	if region.ValidCode(f.Region) != nil {
		f.Region = ""
	}
	return f
}

// mealCanteensPage lists the canteens of the caller's area (an operator's own), by the filters.
func (s *Site) mealCanteensPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := mealCanteenFilter(r.URL.Query())
	rows, total, err := s.deps.Meals.ListCanteens(r.Context(), p, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c := mealCanteensContent{F: f, Statuses: canteenStatuses(), CanCreate: meals.ManagesCanteensIn(p, p.Scope.Code())}
	names := s.regionNamer(r, p)
	for _, row := range rows {
		c.Rows = append(c.Rows, canteenRow{CanteenRow: row, RegionName: names(row.RegionCode), OpenDays: s.openDaysText(row.OpenDays),
			StatusClass: canteenStatusClass(row.Status)})
	}
	q := url.Values{}
	for k, v := range map[string]string{"region": f.Region, "status": f.Status} {
		if v != "" {
			q.Set(k, v)
		}
	}
	c.pager = paging(total, f.Page, mealCanteensPerPage, pageLink("/meals/canteens", q))
	if p.Role != auth.CanteenOperator {
		if c.Regions, err = s.monitorRegions(r, p); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "meals_canteens", s.msg.T("meals.ui.nav.canteens"), c)
}

// openDaysText spells a canteen's opening days: 每天, or the weekdays it opens (周一至周五 as
// 一二三四五).
func (s *Site) openDaysText(days string) string {
	switch days {
	case "1111111":
		return s.msg.T("meals.ui.canteen.every_day")
	case "0000000":
		return s.msg.T("meals.ui.canteen.no_day")
	}
	out := ""
	for i := 0; i < len(days) && i < 7; i++ {
		if days[i] == '1' {
			out += s.msg.T("meals.ui.canteen.day_short." + strconv.Itoa(i))
		}
	}
	return s.msg.T("meals.ui.canteen.weekdays", out)
}

// canteenStatusClass is the badge colour of a canteen's status; the badge always carries text.
func canteenStatusClass(status string) string {
	switch status {
	case meals.CanteenOpen:
		return "ok"
	case meals.CanteenSuspended:
		return "warn"
	}
	return "danger"
}

// canteenURL is the page of canteen id.
func canteenURL(id int64) string { return "/meals/canteens/" + strconv.FormatInt(id, 10) }

// todayOf is today in China, by the site's clock.
func (s *Site) todayOf() civil.Date { return civil.Today(s.deps.Now()) }
