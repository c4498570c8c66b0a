package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/region"
)

// The pages of the 资金发放 module: the monthly rosters with their generation, one roster with
// its approval, bank file and returns, the funds ledger, the statistics of what was paid, and a
// household's payee. They hold no rule of their own: internal/payout decides who may generate,
// approve, export and reconcile, and what a roster contains.

// registerPayout registers the payout pages and their navigation entries.
func (s *Site) registerPayout() {
	s.page("GET", "/payouts", auth.PayoutView, s.payoutsPage,
		&NavEntry{Section: "nav.section.payout", Label: "nav.payout_rosters", Order: 400})
	s.page("POST", "/payouts/generate", auth.PayoutManage, s.payoutGenerate, nil)
	s.registerPayoutRoster()
	s.registerPayoutBank()
	s.page("GET", "/payouts/ledger", auth.PayoutView, s.payoutLedgerPage,
		&NavEntry{Section: "nav.section.payout", Label: "nav.payout_ledger", Order: 410})
	s.page("GET", "/payouts/stats", auth.PayoutView, s.payoutStatsPage,
		&NavEntry{Section: "nav.section.payout", Label: "nav.payout_stats", Order: 420})
	s.page("GET", "/payouts/prices", auth.PayoutView, s.payoutPricesPage, nil)
	s.page("POST", "/payouts/prices", auth.PayoutManage, s.payoutPricesSave, nil)
	s.page("GET", "/households/{id}/payee", auth.HouseholdEdit, s.payeePage, nil)
	s.page("POST", "/households/{id}/payee", auth.HouseholdEdit, s.payeeSave, nil)
}

// payoutsContent is the roster list: its filters, the rosters of the caller's scope with their
// sum, and, for whoever may generate, the generate form.
type payoutsContent struct {
	Month, Program, Status string
	Programs, Statuses     []string
	Rows                   []rosterRow
	Lines                  int
	Total                  money.Fen
	// CanGenerate shows the generate form; Districts are its choices (one, fixed, for a district
	// user).
	CanGenerate bool
	Districts   []region.ChildCount
	Gen         *form
	ThisMonth   string
}

// rosterRow is a roster as the list shows it, its district named and its status coloured.
type rosterRow struct {
	*payout.Roster
	DistrictName string
	StatusClass  string
}

// rosterStatusClass is the badge colour of a roster status; the badge always carries the text.
func rosterStatusClass(status string) string {
	switch status {
	case payout.Draft:
		return "warn"
	case payout.Approved:
		return "ok"
	}
	return ""
}

// rosterURL is the page of roster id.
func rosterURL(id int64) string { return "/payouts/" + strconv.FormatInt(id, 10) }

// thisMonth is the month of the site's clock in China.
func (s *Site) thisMonth() civil.Month { return civil.MonthOf(civil.Today(s.deps.Now())) }

// payoutsPage lists the rosters of the caller's scope by month, program and status.
func (s *Site) payoutsPage(w http.ResponseWriter, r *http.Request) {
	s.showPayouts(w, r, http.StatusOK, emptyForm())
}

func (s *Site) showPayouts(w http.ResponseWriter, r *http.Request, status int, gen *form) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	c := payoutsContent{Month: q.Get("month"), Program: q.Get("program"), Status: q.Get("status"), Programs: payout.Programs(),
		Statuses: []string{payout.Draft, payout.Approved, payout.Locked}, CanGenerate: p.Can(auth.PayoutManage), Gen: gen,
		ThisMonth: s.thisMonth().String()}
	rq := payout.RosterQuery{Program: c.Program, Status: c.Status}
	if c.Month != "" {
		m, err := civil.ParseMonth(c.Month)
		if err != nil {
			s.renderError(w, r, apperr.FieldMsg("month", "payout.bad_month"))
			return
		}
		rq.Month = m
	}
	if c.Program != "" && !slices.Contains(c.Programs, c.Program) {
		c.Program, rq.Program = "", ""
	}
	if c.Status != "" && !slices.Contains(c.Statuses, c.Status) {
		c.Status, rq.Status = "", ""
	}
	rosters, err := s.deps.Payout.Rosters(r.Context(), p, rq)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := s.regionNamer(r, p)
	for _, ro := range rosters {
		c.Rows = append(c.Rows, rosterRow{Roster: ro, DistrictName: names(ro.District), StatusClass: rosterStatusClass(ro.Status)})
		c.Lines += ro.Lines
		c.Total += ro.Total
	}
	if c.CanGenerate {
		if c.Districts, err = s.payoutDistricts(r, p); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, status, "payouts", s.msg.T("nav.payout_rosters"), c)
}

// payoutDistricts are the districts p may generate rosters for: every district of the city for
// a city-wide user, the user's own for a district user.
func (s *Site) payoutDistricts(r *http.Request, p *auth.Principal) ([]region.ChildCount, error) {
	code := p.Scope.Code()
	if p.Scope.Level() >= region.County {
		code = code[:region.County.Len()]
		return []region.ChildCount{{Code: code, Name: s.regionBelow(r, p, code)}}, nil
	}
	if code == "" || p.Scope.Level() < region.City {
		code = s.deps.Root
	}
	return region.Counts(r.Context(), s.deps.DB, code)
}

// payoutGenerate generates (or regenerates, while it is a draft) the roster of a month, program
// and district and shows it. A district user generates for their own district whatever the form
// says.
func (s *Site) payoutGenerate(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := newForm(r)
	district := strings.TrimSpace(f.Get("district"))
	if p.Scope.Level() >= region.County {
		district = p.Scope.Code()[:region.County.Len()]
	}
	m, err := civil.ParseMonth(strings.TrimSpace(f.Get("month")))
	if err != nil {
		err = apperr.FieldMsg("month", "payout.bad_month")
	}
	var ro *payout.Roster
	if err == nil {
		ro, err = s.deps.Payout.Generate(r.Context(), p, m, f.Get("program"), district)
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) { s.showPayouts(w, r, status, f) })
		return
	}
	http.Redirect(w, r, rosterURL(ro.ID)+"?"+url.Values{"done": {"generated"}}.Encode(), http.StatusSeeOther)
}
