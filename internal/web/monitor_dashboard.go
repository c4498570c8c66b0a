package web

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/monitor"
)

// monitorDashboardContent is the monitoring dashboard of the caller's scope: open and overdue
// warnings, warnings by rule, area, state and age, and the discovery funnel. Each figure is a
// number with a bar drawn by the browser's own <meter> element: no script, no chart library, and
// nothing the page's Content-Security-Policy would block.
type monitorDashboardContent struct {
	D                              *monitor.Dashboard
	ByRule, ByArea, ByState, ByAge []countBar
	Funnel                         []countBar
}

// countBar is one figure of the dashboard with the largest figure of its group, which is the
// full length of its bar.
type countBar struct {
	Key, Label string
	N, Max     int
	// Percent is N as a share of the group's base (the funnel's warned), rounded down.
	Percent int
}

// bars turns counts into bars labelled by label(key) when the store gave no label.
func bars(cs []monitor.Count, label func(key string) string) []countBar {
	most := 0
	for _, c := range cs {
		most = max(most, c.N)
	}
	out := make([]countBar, 0, len(cs))
	for _, c := range cs {
		l := c.Label
		if l == "" {
			l = label(c.Key)
		}
		out = append(out, countBar{Key: c.Key, Label: l, N: c.N, Max: max(most, 1)})
	}
	return out
}

// monitorDashboardPage shows the dashboard of the caller's scope.
func (s *Site) monitorDashboardPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	d, err := s.deps.Monitor.Dashboard(r.Context(), p)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := s.regionNamer(r, p)
	c := monitorDashboardContent{D: d,
		ByRule:  bars(d.ByRule, s.ruleLabel),
		ByArea:  bars(d.ByDistrict, names),
		ByState: bars(d.ByState, func(k string) string { return s.msg.T("monitor.ui.state." + k) }),
		ByAge:   bars(d.ByAge, func(k string) string { return s.msg.T("monitor.ui.age_days", k) }),
	}
	base := max(d.Funnel.Warned, 1)
	for _, f := range []struct {
		key string
		n   int
	}{{"warned", d.Funnel.Warned}, {"visited", d.Funnel.Visited}, {"assisted", d.Funnel.Assisted}, {"dismissed", d.Funnel.Dismissed}} {
		c.Funnel = append(c.Funnel, countBar{Key: f.key, Label: s.msg.T("monitor.ui.funnel." + f.key), N: f.n, Max: base,
			Percent: f.n * 100 / base})
	}
	s.render(w, r, http.StatusOK, "monitor_dashboard", s.msg.T("monitor.ui.nav.dashboard"), c)
}
