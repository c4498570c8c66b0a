package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
)

// registerChain adds the household's assistance chain (一户一条救助链), the services delivered
// beside the cash (物质+服务), and the caller's reminders of overdue steps.
func (a *API) registerChain() {
	a.handle("GET", "/households/{id}/chain", auth.CaseView, a.householdChain)
	a.handle("GET", "/households/{id}/services", auth.CaseView, a.householdServices)
	a.handle("POST", "/households/{id}/services", auth.CaseHandle, a.recordService)
	a.handle("GET", "/reminders", auth.CaseView, a.reminders)
}

type chainEventJSON struct {
	At    *time.Time `json:"at,omitempty"`
	Kind  string     `json:"kind"`
	Title string     `json:"title"`
	Text  string     `json:"text"`
	Link  string     `json:"link,omitempty"`
}

// householdChain answers GET /households/{id}/chain: every application and step, decision,
// entitlement, service, and what other modules add (payments, warnings), newest first.
func (a *API) householdChain(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "registry.notfound")
	if !ok {
		return
	}
	events, err := a.deps.Cases.Chain(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]chainEventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, chainEventJSON{At: stamp(e.At), Kind: e.Kind, Title: e.Title, Text: e.Text, Link: e.Link})
	}
	writeJSON(w, http.StatusOK, map[string]any{"household_id": id, "events": out})
}

// householdServices answers GET /households/{id}/services, newest first. The household is read
// first: one outside the caller's scope answers 404, not an empty list.
func (a *API) householdServices(w http.ResponseWriter, r *http.Request) {
	p, id, ok := a.writeInput(w, r, "registry.notfound", found(a.deps.Registry.Get), nil)
	if !ok {
		return
	}
	services, err := a.deps.Cases.Services(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]serviceJSON, 0, len(services))
	for _, s := range services {
		out = append(out, toServiceJSON(s))
	}
	writeJSON(w, http.StatusOK, map[string]any{"services": out})
}

// serviceInputJSON is the body of POST /households/{id}/services.
type serviceInputJSON struct {
	Kind     string     `json:"kind"`
	Provider string     `json:"provider"`
	ServedOn civil.Date `json:"served_on"`
	Note     string     `json:"note"`
}

// recordService answers POST /households/{id}/services (201, the service). The household and
// the kind are checked before the store checks the caller's role, so that a household outside
// the scope answers 404 and an unknown kind 400 whoever sends them.
func (a *API) recordService(w http.ResponseWriter, r *http.Request) {
	var in serviceInputJSON
	p, id, ok := a.writeInput(w, r, "registry.notfound", found(a.deps.Registry.Get), &in)
	if !ok {
		return
	}
	if !slices.Contains(assistance.ServiceKinds(), in.Kind) {
		a.writeError(w, r, apperr.FieldMsg("kind", "case.bad_service_kind"))
		return
	}
	sid, err := a.deps.Cases.RecordService(r.Context(), p, id, assistance.ServiceInput{Kind: in.Kind, Provider: in.Provider,
		ServedOn: in.ServedOn, Note: in.Note}, httpx.ClientIP(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	services, err := a.deps.Cases.Services(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	for _, s := range services {
		if s.ID == sid {
			writeJSON(w, http.StatusCreated, toServiceJSON(s))
			return
		}
	}
	a.writeError(w, r, apperr.New(apperr.Internal, "internal", "service recorded but not found"))
}

// reminders answers GET /reminders: the unseen reminders of overdue steps the caller is
// responsible for (street officers and district approvers; others have none).
func (a *API) reminders(w http.ResponseWriter, r *http.Request) {
	rems, err := a.deps.Cases.Reminders(r.Context(), auth.FromContext(r.Context()))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]taskJSON, 0, len(rems))
	for _, rem := range rems {
		t := toTaskJSON(rem.Task)
		t.RaisedAt = dbStamp(rem.RaisedAt)
		out = append(out, t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"reminders": out})
}
