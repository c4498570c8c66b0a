package web

import (
	"net/http"
	"slices"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/monitor"
)

// The grid worker's phone pages (铁脚板): the warnings assigned to the caller, and the visit form
// of one of them. They follow the 适老化 conventions of the public pages — large type, 48 px tap
// targets, one column that fits a 360 px screen, one task per page — because they are used
// standing in a stairwell.

// mineLimit is how many assigned warnings the phone list reads: a grid worker has a handful at a
// time, never hundreds.
const mineLimit = 200

// monitorMineContent is the phone list of the caller's assigned warnings.
type monitorMineContent struct {
	Rows []warningRow
	Done string
}

// monitorMinePage lists the warnings assigned to the caller that still wait for a visit, most
// urgent (earliest due) first.
func (s *Site) monitorMinePage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	ws, _, err := s.deps.Monitor.Warnings(r.Context(), p, monitor.Filter{State: monitor.StateAssigned, Page: 1, PerPage: mineLimit})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var mine []monitor.Warning
	for _, wn := range ws {
		if wn.Assignee == p.Login {
			mine = append(mine, wn)
		}
	}
	rows := s.warningRows(r, p, mine)
	slices.SortStableFunc(rows, func(a, b warningRow) int { return a.Due.Compare(b.Due) })
	s.render(w, r, http.StatusOK, "monitor_mine", s.msg.T("monitor.ui.nav.mine"), monitorMineContent{Rows: rows, Done: r.URL.Query().Get("done")})
}

// monitorPhoneContent is the phone visit page: where to go and why, and the visit form.
type monitorPhoneContent struct {
	*monitorWarningContent
	Address string
	Head    string
	Form    *form
}

// loadPhoneVisit reads the warning for the phone page, with the household's address, which is
// what the visitor needs at the door.
func (s *Site) loadPhoneVisit(r *http.Request) (*monitorPhoneContent, error) {
	c, err := s.loadWarning(r)
	if err != nil {
		return nil, err
	}
	pc := &monitorPhoneContent{monitorWarningContent: c, Form: emptyForm(), Head: c.Row.PersonLabel}
	if c.W.HouseholdID > 0 {
		if h, err := s.deps.Registry.Get(r.Context(), auth.FromContext(r.Context()), c.W.HouseholdID); err == nil {
			pc.Address = h.Address
		}
	}
	if pc.Address == "" {
		pc.Address = c.W.Evidence["address"]
	}
	return pc, nil
}

// monitorPhoneVisitPage shows the phone visit form, or why the caller cannot use it.
func (s *Site) monitorPhoneVisitPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadPhoneVisit(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.showPhoneVisit(w, r, http.StatusOK, c)
}

func (s *Site) showPhoneVisit(w http.ResponseWriter, r *http.Request, status int, c *monitorPhoneContent) {
	s.render(w, r, status, "monitor_visit", s.msg.T("monitor.ui.visit_title"), c)
}

// monitorPhoneVisit records the visit from the phone page and goes back to the list.
func (s *Site) monitorPhoneVisit(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadPhoneVisit(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	if err := s.recordVisit(r, c.W.ID, f); err != nil {
		c.Form = f
		s.refused(w, r, f, onlyFields(err, visitFields), func(status int) { s.showPhoneVisit(w, r, status, c) })
		return
	}
	http.Redirect(w, r, doneURL("/m/warnings", "visited"), http.StatusSeeOther)
}
