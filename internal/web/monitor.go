package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

// The pages of the 动态监测 module: the warning queue, one warning with its assignment, visit and
// outcome forms, the grid worker's phone pages, the dashboard, and screening campaigns. They hold
// no rule of their own: internal/monitor decides who may assign, visit and decide, and reports
// an out-of-scope warning as not found. What a page offers mirrors what the store allows, and the
// store checks again on submit.

// registerMonitor registers the monitoring pages and their navigation entries.
func (s *Site) registerMonitor() {
	s.page("GET", "/monitor", auth.MonitorView, s.monitorQueuePage,
		&NavEntry{Section: "monitor.ui.nav.section", Label: "monitor.ui.nav.queue", Order: 500})
	s.page("GET", "/monitor/dashboard", auth.MonitorView, s.monitorDashboardPage,
		&NavEntry{Section: "monitor.ui.nav.section", Label: "monitor.ui.nav.dashboard", Order: 510})
	s.page("GET", "/monitor/campaigns", auth.MonitorView, s.monitorCampaignsPage,
		&NavEntry{Section: "monitor.ui.nav.section", Label: "monitor.ui.nav.campaigns", Order: 520})
	s.page("GET", "/m/warnings", auth.MonitorHandle, s.monitorMinePage,
		&NavEntry{Section: "monitor.ui.nav.section", Label: "monitor.ui.nav.mine", Order: 530})
	s.page("GET", "/monitor/warnings/{id}", auth.MonitorView, s.monitorWarningPage, nil)
	s.page("POST", "/monitor/warnings/{id}/assign", auth.MonitorHandle, s.monitorAssign, nil)
	s.page("POST", "/monitor/warnings/{id}/visit", auth.MonitorHandle, s.monitorVisit, nil)
	s.page("POST", "/monitor/warnings/{id}/decide", auth.MonitorHandle, s.monitorDecide, nil)
	s.page("GET", "/m/warnings/{id}/visit", auth.MonitorHandle, s.monitorPhoneVisitPage, nil)
	s.page("POST", "/m/warnings/{id}/visit", auth.MonitorHandle, s.monitorPhoneVisit, nil)
	s.page("POST", "/monitor/campaigns", auth.MonitorCampaign, s.monitorCampaignCreate, nil)
	s.page("GET", "/monitor/campaigns/{id}", auth.MonitorView, s.monitorCampaignPage, nil)
	s.page("POST", "/monitor/tasks/{id}/visit", auth.MonitorHandle, s.monitorTaskVisit, nil)
	s.registerMonitorBatches()
}

// monitorQueueContent is the warning queue: the filters as chosen, their choices, and a page of
// warnings.
type monitorQueueContent struct {
	F       monitor.Filter
	Rules   []ruleChoice
	States  []string
	Kinds   []string
	Levels  []string
	Regions []region.ChildCount
	Rows    []warningRow
	pager
}

// ruleChoice is a rule as a filter offers it: its id and its label.
type ruleChoice struct{ ID, Label string }

const monitorPerPage = 50

// monitorFilter reads the queue's filters from the query; unknown values are dropped rather than
// refused, so an old bookmark still opens the queue.
func monitorFilter(q url.Values) monitor.Filter {
	pick := func(v string, allowed []string) string {
		if slices.Contains(allowed, v) {
			return v
		}
		return ""
	}
	f := monitor.Filter{State: pick(q.Get("state"), monitorStates()), Kind: pick(q.Get("kind"), monitorKinds()),
		Level: pick(q.Get("level"), []string{monitor.LevelStreet, monitor.LevelDistrict}), Rule: q.Get("rule"),
		Region: q.Get("region"), Overdue: q.Get("overdue") == "1", Page: max(1, atoi(q.Get("page"))), PerPage: monitorPerPage}
	if region.ValidCode(f.Region) != nil {
		f.Region = ""
	}
	return f
}

func monitorStates() []string {
	return []string{monitor.StateOpen, monitor.StateAssigned, monitor.StateVisited, monitor.StateClosed}
}

func monitorKinds() []string {
	return []string{monitor.KindNeed, monitor.KindIneligible, monitor.KindDiscovery}
}

// filterQuery writes f back as the query of the queue, for the pager's links.
func filterQuery(f monitor.Filter) url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"state": f.State, "rule": f.Rule, "kind": f.Kind, "level": f.Level, "region": f.Region} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	return v
}

// monitorQueuePage lists the warnings of the caller's scope, newest first, by the filters.
func (s *Site) monitorQueuePage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := monitorFilter(r.URL.Query())
	c := monitorQueueContent{F: f, Rules: s.ruleChoices(), States: monitorStates(), Kinds: monitorKinds(),
		Levels: []string{monitor.LevelStreet, monitor.LevelDistrict}}
	warnings, total, err := s.deps.Monitor.Warnings(r.Context(), p, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Rows = s.warningRows(r, p, warnings)
	c.pager = paging(total, f.Page, monitorPerPage, pageLink("/monitor", filterQuery(f)))
	if c.Regions, err = s.monitorRegions(r, p); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "monitor", s.msg.T("monitor.ui.nav.queue"), c)
}

// monitorRegions are the areas directly below the caller's scope, for the region filter and the
// campaign form; a community user has none.
func (s *Site) monitorRegions(r *http.Request, p *auth.Principal) ([]region.ChildCount, error) {
	code := p.Scope.Code()
	if p.Scope.Level() < region.City {
		code = s.deps.Root
	}
	if p.Scope.Level() >= region.Community {
		return nil, nil
	}
	return region.Counts(r.Context(), s.deps.DB, code)
}

// ruleChoices lists the warning rules with their labels, for the rule filter.
func (s *Site) ruleChoices() []ruleChoice {
	var out []ruleChoice
	for _, rl := range monitor.Rules() {
		out = append(out, ruleChoice{ID: rl.ID, Label: s.ruleLabel(rl.ID)})
	}
	return out
}

// ruleLabel names a rule: its catalogue label, or its id while the catalogue has none.
func (s *Site) ruleLabel(id string) string { return monitor.RuleLabel(id) }

// warningRow is a warning as the queue shows it: its rule named, the person masked, the area
// named below the caller's scope, and whether it is overdue.
type warningRow struct {
	monitor.Warning
	RuleLabel   string
	PersonLabel string
	RegionName  string
	StateClass  string
	IsOverdue   bool
	// CreatedOn is the day the warning was raised, in China.
	CreatedOn string
}

// warningRows prepares a page of warnings for display.
func (s *Site) warningRows(r *http.Request, p *auth.Principal, ws []monitor.Warning) []warningRow {
	names := s.regionNamer(r, p)
	today := civil.Today(s.deps.Now())
	out := make([]warningRow, 0, len(ws))
	for _, wn := range ws {
		created, _ := db.ParseTime(wn.CreatedAt)
		out = append(out, warningRow{CreatedOn: formatDate(created), Warning: wn, RuleLabel: s.ruleLabel(wn.Rule), PersonLabel: s.personLabel(r, p, &wn),
			RegionName: names(wn.RegionCode), StateClass: warningStateClass(wn.State), IsOverdue: wn.Overdue(today)})
	}
	return out
}

// personLabel names the warning's person masked (张*明); someone not in the database by the name
// the agency gave, masked too, or as 未登记人员.
func (s *Site) personLabel(r *http.Request, p *auth.Principal, wn *monitor.Warning) string {
	if wn.PersonID > 0 {
		if ident, err := s.deps.Registry.IdentityOf(r.Context(), p, wn.PersonID); err == nil {
			return pii.MaskName(ident.Name)
		}
		return s.msg.T("monitor.ui.person_no", wn.PersonID)
	}
	if name := wn.Evidence["name"]; name != "" {
		return pii.MaskName(name) + s.msg.T("monitor.ui.unregistered_suffix")
	}
	return s.msg.T("monitor.ui.unregistered")
}

// warningStateClass is the badge colour of a warning's state; the badge always carries the text.
func warningStateClass(state string) string {
	switch state {
	case monitor.StateOpen:
		return "warn"
	case monitor.StateClosed:
		return "ok"
	}
	return ""
}

// warningURL is the page of warning id.
func warningURL(id int64) string { return "/monitor/warnings/" + strconv.FormatInt(id, 10) }
