package api

import (
	"net/http"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/monitor"
)

// registerMonitorCampaigns adds the routes of screening campaigns (专项排查): the list, the
// definition of a new one (city and district), one campaign with its progress per community and
// its tasks, and the visit of a task.
func (a *API) registerMonitorCampaigns() {
	a.handle("GET", "/monitor/campaigns", auth.MonitorView, a.listCampaigns)
	a.handle("POST", "/monitor/campaigns", auth.MonitorCampaign, a.createCampaign)
	a.handle("GET", "/monitor/campaigns/{id}", auth.MonitorView, a.getCampaign)
	a.handle("POST", "/monitor/tasks/{id}/visit", auth.MonitorHandle, a.visitTask)
}

// listCampaigns answers GET /monitor/campaigns: the campaigns overlapping the caller's scope,
// newest first, with their counts within that scope.
func (a *API) listCampaigns(w http.ResponseWriter, r *http.Request) {
	cs, err := a.deps.Monitor.Campaigns(r.Context(), auth.FromContext(r.Context()))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]campaignJSON, 0, len(cs))
	for i := range cs {
		out = append(out, toCampaignJSON(&cs[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaigns": out, "total": len(out)})
}

// campaignInJSON is the body of POST /monitor/campaigns.
type campaignInJSON struct {
	Name       string   `json:"name"`
	RegionCode string   `json:"region_code"`
	Tiers      []string `json:"tiers"`
	MinAge     int      `json:"min_age"`
	StartsOn   string   `json:"starts_on"`
	EndsOn     string   `json:"ends_on"`
}

// jsonDate reads an optional date of a body; empty is the zero date, which the store refuses
// where a date is required.
func jsonDate(field, v string) (civil.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return civil.Date{}, nil
	}
	d, err := civil.ParseDate(v)
	if err != nil {
		return d, apperr.FieldMsg(field, "field.date_invalid")
	}
	return d, nil
}

// createCampaign answers POST /monitor/campaigns: defines a campaign and generates its tasks
// (201), one per household of the target group in the area.
func (a *API) createCampaign(w http.ResponseWriter, r *http.Request) {
	var in campaignInJSON
	if !a.body(w, r, &in) {
		return
	}
	c := monitor.Campaign{Name: in.Name, RegionCode: in.RegionCode,
		Target: monitor.CampaignTarget{Tiers: in.Tiers, MinAge: in.MinAge}}
	var err error
	if c.StartsOn, err = jsonDate("starts_on", in.StartsOn); err != nil {
		a.writeError(w, r, err)
		return
	}
	if c.EndsOn, err = jsonDate("ends_on", in.EndsOn); err != nil {
		a.writeError(w, r, err)
		return
	}
	out, err := a.deps.Monitor.CreateCampaign(r.Context(), auth.FromContext(r.Context()), c, httpx.ClientIP(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toCampaignJSON(out))
}

// getCampaign answers GET /monitor/campaigns/{id}: the campaign, its progress per community and
// its tasks within the caller's scope, optionally only those of one area (region) and state.
func (a *API) getCampaign(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "monitor.campaign_notfound")
	if !ok {
		return
	}
	p := auth.FromContext(r.Context())
	c, progress, err := a.deps.Monitor.CampaignProgress(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	tasks, err := a.deps.Monitor.Tasks(r.Context(), p, id, q.Get("region"), q.Get("state"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	communities := make([]progressJSON, 0, len(progress))
	for _, cp := range progress {
		communities = append(communities, progressJSON{RegionCode: cp.RegionCode, Name: cp.Name, Tasks: cp.Tasks, Done: cp.Done,
			Persons: cp.Persons, PersonsDone: cp.PersonsDone})
	}
	ts := make([]campaignTaskJSON, 0, len(tasks))
	for i := range tasks {
		ts = append(ts, toCampaignTaskJSON(&tasks[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaign": toCampaignJSON(c), "communities": communities, "tasks": ts})
}

// taskVisitJSON is the body of POST /monitor/tasks/{id}/visit.
type taskVisitJSON struct {
	visitInJSON
	Outcome string `json:"outcome"`
}

// visitTask answers POST /monitor/tasks/{id}/visit: records the visit of a campaign task with
// its outcome and marks it done. The store reads the task within the caller's scope before it
// looks at the body, so a task outside the scope answers 404 whatever was sent.
func (a *API) visitTask(w http.ResponseWriter, r *http.Request) {
	var in taskVisitJSON
	p, id, ok := a.writeInput(w, r, "monitor.task_notfound", nil, &in)
	if !ok {
		return
	}
	v, err := visitInput(in.visitInJSON)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	t, err := a.deps.Monitor.RecordTaskVisit(r.Context(), p, id, v, strings.TrimSpace(in.Outcome), httpx.ClientIP(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toCampaignTaskJSON(t))
}
