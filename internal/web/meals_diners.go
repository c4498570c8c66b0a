package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

// The diner pages of the 老年助餐 module: the roster of registered elderly diners in the caller's
// area with search, the registration form that issues a card, and one diner's page with their
// categories, card, status, recent meals and the relatives who may order for them, with the form
// that marks them deceased or left. internal/meals decides who reads diners (staff and auditors
// by the diner's home area; a canteen operator reads none) and who registers them and changes
// their status (city, district, street and community staff).

// registerMealDiners registers the pages of diners and their relatives.
func (s *Site) registerMealDiners() {
	s.page("GET", "/meals/diners", auth.MealsView, s.mealDinersPage,
		&NavEntry{Section: "meals.ui.nav.section", Label: "meals.ui.nav.diners", Order: 620})
	s.page("GET", "/meals/diners/new", auth.MealsDiners, s.mealDinerNew, nil)
	s.page("POST", "/meals/diners/new", auth.MealsDiners, s.mealDinerRegister, nil)
	s.page("GET", "/meals/diners/{id}", auth.MealsView, s.mealDinerPage, nil)
	s.page("POST", "/meals/diners/{id}/relatives", auth.MealsDiners, s.mealRelativeAdd, nil)
	s.page("POST", "/meals/diners/{id}/relatives/{rel}/remove", auth.MealsDiners, s.mealRelativeRemove, nil)
	s.page("POST", "/meals/diners/{id}/status", auth.MealsDiners, s.mealDinerStatus, nil)
}

// mealDinersPerPage is the length of a page of the diner roster.
const mealDinersPerPage = 50

// mealDinersContent is the diner roster: the filters as chosen, their choices, and a page.
type mealDinersContent struct {
	F           meals.DinerFilter
	Categories  []string
	Statuses    []string
	Regions     []region.ChildCount
	Rows        []dinerRow
	CanRegister bool
	// ReadsNone is set for a caller who holds the permission but reads no diners (a canteen
	// operator), so the page says why it is empty.
	ReadsNone bool
	pager
}

// dinerRow is a diner as the roster shows them: name masked, home named below the caller's scope.
type dinerRow struct {
	meals.DinerRecord
	NameMasked  string
	Age         int
	RegionName  string
	StatusClass string
}

// dinerCategories lists the subsidy categories a diner may hold, in the order pages show them.
func dinerCategories() []string {
	return []string{meals.CategoryDibao, meals.CategoryTekun, meals.CategoryDisabled}
}

// dinerStatuses lists a diner's statuses in the order the filter offers them.
func dinerStatuses() []string { return meals.DinerStatuses() }

// mealDinerFilter reads the roster's filters from the query; unknown values are dropped.
func mealDinerFilter(q url.Values) meals.DinerFilter {
	f := meals.DinerFilter{Query: strings.TrimSpace(q.Get("q")), Region: q.Get("region"),
		Page: max(1, atoi(q.Get("page"))), PerPage: mealDinersPerPage}
	if slices.Contains(dinerCategories(), q.Get("category")) {
		f.Category = q.Get("category")
	}
	if slices.Contains(dinerStatuses(), q.Get("status")) {
		f.Status = q.Get("status")
	}
	if region.ValidCode(f.Region) != nil {
		f.Region = ""
	}
	if len([]rune(f.Query)) > 40 {
		f.Query = string([]rune(f.Query)[:40])
	}
	return f
}

// mealDinersPage lists the diners of the caller's area by the filters, newest first.
func (s *Site) mealDinersPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := mealDinerFilter(r.URL.Query())
	rows, total, err := s.deps.Meals.ListDiners(r.Context(), p, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c := mealDinersContent{F: f, Categories: dinerCategories(), Statuses: dinerStatuses(),
		CanRegister: meals.RegistersDinersIn(p, p.Scope.Code()), ReadsNone: !meals.ReadsDiners(p)}
	names := s.regionNamer(r, p)
	today := s.todayOf()
	for _, d := range rows {
		c.Rows = append(c.Rows, dinerRow{DinerRecord: d, NameMasked: pii.MaskName(d.Name), Age: d.AgeOn(today),
			RegionName: names(d.HomeRegion), StatusClass: dinerStatusClass(d.Status)})
	}
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Query, "category": f.Category, "status": f.Status, "region": f.Region} {
		if v != "" {
			q.Set(k, v)
		}
	}
	c.pager = paging(total, f.Page, mealDinersPerPage, pageLink("/meals/diners", q))
	if !c.ReadsNone {
		if c.Regions, err = s.monitorRegions(r, p); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "meals_diners", s.msg.T("meals.ui.nav.diners"), c)
}

// dinerStatusClass is the badge colour of a diner's status; the badge always carries text.
func dinerStatusClass(status string) string {
	switch status {
	case meals.DinerActive:
		return "ok"
	case meals.DinerDeceased:
		return "danger"
	}
	return "warn"
}

// dinerURL is the page of diner id.
func dinerURL(id int64) string { return "/meals/diners/" + strconv.FormatInt(id, 10) }
