package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/monitor"
)

// The acts on a warning from its page: assign a grid worker, record the visit, decide the
// outcome. Each handler reads the warning first, so that one outside the caller's scope is not
// found whatever the form holds; it then refuses a form it cannot read (nothing chosen, a bad
// date, no confirmation) before the store decides whether the caller may act and whether the
// warning is still at the version the form was drawn from.

// visitFields are the fields of the visit forms, on the warning page and on the phone page.
var visitFields = []string{"visited_on", "findings", "latitude", "longitude"}

// visitFrom reads a visit form. The findings are required here as well as in the store, so that
// an empty form is refused before anything else is checked.
func visitFrom(f *form) (monitor.VisitInput, error) {
	v := monitor.VisitInput{Findings: strings.TrimSpace(f.Get("findings")), Latitude: strings.TrimSpace(f.Get("latitude")),
		Longitude: strings.TrimSpace(f.Get("longitude"))}
	var err error
	if v.VisitedOn, err = requiredDate(f, "visited_on", "monitor.ui.visited_on_required"); err != nil {
		return v, err
	}
	if v.Findings == "" {
		return v, apperr.FieldMsg("findings", "monitor.ui.findings_required")
	}
	return v, nil
}

// doneURL is the page to return to after an act, saying what was done.
func doneURL(path, done string) string {
	return path + "?" + url.Values{"done": {done}}.Encode()
}

// monitorAssign gives a warning to a grid worker (or a street officer) to visit.
func (s *Site) monitorAssign(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadWarning(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	assignee := strings.TrimSpace(f.Get("assignee"))
	if assignee == "" {
		err = apperr.FieldMsg("assignee", "monitor.ui.assignee_required")
	} else {
		_, err = s.deps.Monitor.Assign(r.Context(), auth.FromContext(r.Context()), c.W.ID, atoi(f.Get("version")), assignee, httpx.ClientIP(r))
	}
	if err != nil {
		s.warningFailed(w, r, c, "assign", f, err, "assignee")
		return
	}
	http.Redirect(w, r, doneURL(warningURL(c.W.ID), "assigned"), http.StatusSeeOther)
}

// monitorVisit records the field visit from the warning page (an officer at a desk, or a grid
// worker on a tablet); the phone page has its own handler with its own page.
func (s *Site) monitorVisit(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadWarning(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	if err := s.recordVisit(r, c.W.ID, f); err != nil {
		s.warningFailed(w, r, c, "visit", f, err, visitFields...)
		return
	}
	http.Redirect(w, r, doneURL(warningURL(c.W.ID), "visited"), http.StatusSeeOther)
}

// monitorDecide closes a visited warning with its outcome: an application opened, a review
// started, the payment suspended, or the warning dismissed with a reason. None of these can be
// undone from here, so the form carries a confirmation box stating the consequence.
func (s *Site) monitorDecide(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadWarning(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	d := monitor.Decision{Outcome: f.Get("outcome"), Note: strings.TrimSpace(f.Get("note")), Program: strings.TrimSpace(f.Get("program"))}
	switch {
	case !slices.Contains(c.Outcomes, d.Outcome):
		err = apperr.FieldMsg("outcome", "monitor.ui.outcome_required")
	case d.Outcome == monitor.OutcomeAssist && d.Program == "":
		err = apperr.FieldMsg("program", "monitor.ui.program_required")
	case d.Outcome == monitor.OutcomeDismiss && d.Note == "":
		err = apperr.FieldMsg("note", "monitor.ui.reason_required")
	case !confirmed(r):
		err = apperr.FieldMsg("confirm", "action.confirm_required")
	default:
		_, err = s.deps.Monitor.Decide(r.Context(), auth.FromContext(r.Context()), c.W.ID, atoi(f.Get("version")), d, httpx.ClientIP(r))
	}
	if err != nil {
		s.warningFailed(w, r, c, "decide", f, err, "outcome", "program", "note", "confirm")
		return
	}
	http.Redirect(w, r, doneURL(warningURL(c.W.ID), "decided"), http.StatusSeeOther)
}

// recordVisit records the visit posted in form f for warning id: the desk and the phone pages
// post the same fields.
func (s *Site) recordVisit(r *http.Request, id int64, f *form) error {
	v, err := visitFrom(f)
	if err != nil {
		return err
	}
	_, err = s.deps.Monitor.RecordVisit(r.Context(), auth.FromContext(r.Context()), id, atoi(f.Get("version")), v, httpx.ClientIP(r))
	return err
}
