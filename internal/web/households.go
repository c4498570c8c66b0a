package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/registry"
)

type householdsContent struct {
	Rows      []registry.Row
	Total     int
	Page      int
	Pages     int
	Q         url.Values
	Tiers     []registry.Tier
	PrevURL   string
	NextURL   string
	Error     string
	Today     interface{ String() string }
	Names     map[string]string // region code → path below the caller's scope
	Sorts     []string
	CanEdit   bool
	CanReveal bool
	ExportURL string
}

const householdsPerPage = 50

func (s *Site) registerHouseholds() {
	nav := &NavEntry{Section: "nav.section.registry", Label: "nav.households", Order: 100}
	s.page("GET", "/households", auth.HouseholdView, s.householdsPage, nav)
}

// queryFrom reads the search form of the households page.
func queryFrom(q url.Values) registry.Query {
	on := func(k string) bool { return q.Get(k) == "1" }
	return registry.Query{Name: strings.TrimSpace(q.Get("name")), NameExact: on("exact"), IDNumber: q.Get("id_number"),
		Phone: q.Get("phone"), Address: q.Get("address"), Region: q.Get("region"), Tier: registry.Tier(q.Get("tier")),
		Disabled: on("disabled"), Elderly: on("elderly"), Minor: on("minor"), Ill: on("ill"), Sort: q.Get("sort"),
		Page: max(1, atoi(q.Get("page"))), PerPage: householdsPerPage}
}

// householdsPage searches the low-income population database within the caller's scope.
func (s *Site) householdsPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	query := queryFrom(q)
	c := householdsContent{Page: query.Page, Q: q, Tiers: registry.Tiers(), Names: map[string]string{},
		Sorts: []string{"", "name", "birth", "-birth", "region"}, CanEdit: p.Can(auth.HouseholdEdit),
		CanReveal: p.Can(auth.PIIReveal)}
	exportQuery := url.Values{}
	for k, vs := range q {
		if k != "page" {
			exportQuery[k] = vs
		}
	}
	c.ExportURL = "/households/export.xlsx?" + exportQuery.Encode()
	rows, total, err := s.deps.Registry.Search(r.Context(), p, query)
	if err != nil {
		f := &form{Errors: map[string]string{}}
		if err := f.fail(err); err != nil {
			s.renderError(w, r, err)
			return
		}
		c.Error = f.Error
		for _, m := range f.Errors {
			c.Error = m
		}
		s.render(w, r, http.StatusUnprocessableEntity, "households", s.msg.T("nav.households"), c)
		return
	}
	c.Rows, c.Total = rows, total
	c.Pages = max(1, (total+householdsPerPage-1)/householdsPerPage)
	for _, row := range rows {
		if _, ok := c.Names[row.RegionCode]; !ok {
			c.Names[row.RegionCode] = s.regionBelow(r, p, row.RegionCode)
		}
	}
	pageURL := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/households?" + v.Encode()
	}
	if c.Page > 1 {
		c.PrevURL = pageURL(c.Page - 1)
	}
	if c.Page < c.Pages {
		c.NextURL = pageURL(c.Page + 1)
	}
	s.render(w, r, http.StatusOK, "households", s.msg.T("nav.households"), c)
}
