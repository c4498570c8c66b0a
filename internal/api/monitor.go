package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/monitor"
)

// registerMonitor adds the routes of dynamic monitoring: the warning queue, one warning, its
// assignment, visits and decision; the dashboard; screening campaigns and their task visits.
// Who may assign, visit and decide is the store's decision, not the route's: the street officer
// directs its street's warnings, the district its escalated ones, and a grid worker records the
// visit of a warning assigned to it.
func (a *API) registerMonitor() {
	a.handle("GET", "/monitor/warnings", auth.MonitorView, a.listWarnings)
	a.handle("GET", "/monitor/warnings/{id}", auth.MonitorView, a.getWarning)
	a.handle("POST", "/monitor/warnings/{id}/assignment", auth.MonitorHandle, a.assignWarning)
	a.handle("POST", "/monitor/warnings/{id}/visits", auth.MonitorHandle, a.visitWarning)
	a.handle("POST", "/monitor/warnings/{id}/decision", auth.MonitorHandle, a.decideWarning)
	a.handle("GET", "/monitor/dashboard", auth.MonitorView, a.monitorDashboard)
	a.registerMonitorCampaigns()
	a.registerMonitorBatches()
}

// monitorToday is the current day in China, which decides whether a warning is overdue.
func (a *API) monitorToday() civil.Date {
	if a.deps.Monitor != nil && a.deps.Monitor.Now != nil {
		return civil.Today(a.deps.Monitor.Now())
	}
	return civil.Today(time.Now())
}

// listWarnings answers GET /monitor/warnings: a page of the warnings of the caller's scope,
// newest first, filtered by state, rule, kind, level, region and overdue.
func (a *API) listWarnings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	f := monitor.Filter{State: q.Get("state"), Rule: q.Get("rule"), Kind: q.Get("kind"), Level: q.Get("level"),
		Region: q.Get("region"), Overdue: q.Get("overdue") == "true" || q.Get("overdue") == "1", Page: max(page, 1), PerPage: perPage}
	ws, total, err := a.deps.Monitor.Warnings(r.Context(), auth.FromContext(r.Context()), f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	today := a.monitorToday()
	out := make([]warningJSON, 0, len(ws))
	for i := range ws {
		out = append(out, toWarningJSON(&ws[i], today))
	}
	writeJSON(w, http.StatusOK, map[string]any{"warnings": out, "total": total, "page": f.Page})
}

// findWarning is the finder of a warning within the caller's scope.
func (a *API) findWarning(ctx context.Context, p *auth.Principal, id int64) error {
	_, _, _, err := a.deps.Monitor.Warning(ctx, p, id)
	return err
}

// getWarning answers GET /monitor/warnings/{id}: the warning with its history and visits.
func (a *API) getWarning(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "monitor.notfound")
	if !ok {
		return
	}
	a.writeWarning(w, r, http.StatusOK, id)
}

// writeWarning writes warning id as it now stands, with its history and visits.
func (a *API) writeWarning(w http.ResponseWriter, r *http.Request, status int, id int64) {
	wn, events, visits, err := a.deps.Monitor.Warning(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, status, toWarningDetailJSON(wn, events, visits, a.monitorToday()))
}

// assignmentJSON is the body of POST /monitor/warnings/{id}/assignment.
type assignmentJSON struct {
	Version  int    `json:"version"`
	Assignee string `json:"assignee"`
}

// requireVersion refuses a write that does not say which version of the warning it was made
// from: without it, the write could overwrite someone else's.
func requireVersion(v int) error {
	if v < 1 {
		return apperr.FieldMsg("version", "monitor.ui.version_required")
	}
	return nil
}

// assignWarning answers POST /monitor/warnings/{id}/assignment: gives the warning, as seen at
// version, to a grid worker or street officer to visit.
func (a *API) assignWarning(w http.ResponseWriter, r *http.Request) {
	var in assignmentJSON
	p, id, ok := a.writeInput(w, r, "monitor.notfound", a.findWarning, &in)
	if !ok {
		return
	}
	err := requireVersion(in.Version)
	if err == nil {
		_, err = a.deps.Monitor.Assign(r.Context(), p, id, in.Version, in.Assignee, httpx.ClientIP(r))
	}
	a.answerWarning(w, r, http.StatusOK, id, err)
}

// visitInJSON is a field visit as a body carries it.
type visitInJSON struct {
	VisitedOn string `json:"visited_on"` // 2024-03-01; empty is today
	Findings  string `json:"findings"`
	Latitude  string `json:"latitude"`
	Longitude string `json:"longitude"`
}

// warningVisitJSON is the body of POST /monitor/warnings/{id}/visits.
type warningVisitJSON struct {
	Version int `json:"version"`
	visitInJSON
}

// visitInput reads a visit body; a date that cannot be read is an error on its field.
func visitInput(in visitInJSON) (monitor.VisitInput, error) {
	v := monitor.VisitInput{Findings: in.Findings, Latitude: in.Latitude, Longitude: in.Longitude}
	if s := strings.TrimSpace(in.VisitedOn); s != "" {
		d, err := civil.ParseDate(s)
		if err != nil {
			return v, apperr.FieldMsg("visited_on", "field.date_invalid")
		}
		v.VisitedOn = d
	}
	return v, nil
}

// visitWarning answers POST /monitor/warnings/{id}/visits: records the field visit (201).
func (a *API) visitWarning(w http.ResponseWriter, r *http.Request) {
	var in warningVisitJSON
	p, id, ok := a.writeInput(w, r, "monitor.notfound", a.findWarning, &in)
	if !ok {
		return
	}
	err := requireVersion(in.Version)
	var v monitor.VisitInput
	if err == nil {
		v, err = visitInput(in.visitInJSON)
	}
	if err == nil {
		_, err = a.deps.Monitor.RecordVisit(r.Context(), p, id, in.Version, v, httpx.ClientIP(r))
	}
	a.answerWarning(w, r, http.StatusCreated, id, err)
}

// warningDecisionJSON is the body of POST /monitor/warnings/{id}/decision.
type warningDecisionJSON struct {
	Version int    `json:"version"`
	Outcome string `json:"outcome"`
	Program string `json:"program"`
	Note    string `json:"note"`
}

// decideWarning answers POST /monitor/warnings/{id}/decision: closes a visited warning with its
// outcome, fed back to the assistance module (an application, a review, a suspension), or
// dismissed with a reason.
func (a *API) decideWarning(w http.ResponseWriter, r *http.Request) {
	var in warningDecisionJSON
	p, id, ok := a.writeInput(w, r, "monitor.notfound", a.findWarning, &in)
	if !ok {
		return
	}
	err := requireVersion(in.Version)
	if err == nil {
		_, err = a.deps.Monitor.Decide(r.Context(), p, id, in.Version,
			monitor.Decision{Outcome: in.Outcome, Program: in.Program, Note: in.Note}, httpx.ClientIP(r))
	}
	a.answerWarning(w, r, http.StatusOK, id, err)
}

// answerWarning writes warning id after a write on it, or the write's error.
func (a *API) answerWarning(w http.ResponseWriter, r *http.Request, status int, id int64, err error) {
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeWarning(w, r, status, id)
}

// monitorDashboard answers GET /monitor/dashboard: the figures of the caller's scope.
func (a *API) monitorDashboard(w http.ResponseWriter, r *http.Request) {
	d, err := a.deps.Monitor.Dashboard(r.Context(), auth.FromContext(r.Context()))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"open": d.Open, "overdue": d.Overdue,
		"by_rule": toCountsJSON(d.ByRule), "by_district": toCountsJSON(d.ByDistrict), "by_state": toCountsJSON(d.ByState),
		"by_age": toCountsJSON(d.ByAge),
		"funnel": map[string]int{"warned": d.Funnel.Warned, "visited": d.Funnel.Visited, "assisted": d.Funnel.Assisted,
			"dismissed": d.Funnel.Dismissed},
	})
}
