package api

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/money"
)

// actionJSON is the body of POST /cases/{id}/actions: one act on the case's current step. Only
// the record of the step acted on is read (visit, meeting or council).
type actionJSON struct {
	Step        string              `json:"step"`
	Version     int                 `json:"version"`
	Outcome     string              `json:"outcome"`
	Note        string              `json:"note"`
	HouseholdID int64               `json:"household_id"`
	Visit       *assistance.Visit   `json:"visit"`
	Meeting     *assistance.Meeting `json:"meeting"`
	Council     *assistance.Council `json:"council"`
	AmountFen   int64               `json:"amount_fen"`
}

// actOnCase answers POST /cases/{id}/actions. The store refuses a step that is not the current
// one (409, so none can be skipped), a version other than the one the caller read (409, so two
// officers acting at once do not overwrite each other), and a caller whose role or scope the
// step's level does not name (403). On success the answer is the case as it now stands.
func (a *API) actOnCase(w http.ResponseWriter, r *http.Request) {
	var in actionJSON
	p, id, ok := a.writeInput(w, r, "case.notfound", nil, &in)
	if !ok {
		return
	}
	_, err := a.deps.Cases.Act(r.Context(), p, id, assistance.Action{Step: in.Step, Version: in.Version,
		Outcome: in.Outcome, Note: in.Note, HouseholdID: in.HouseholdID, Visit: in.Visit, Meeting: in.Meeting, Council: in.Council,
		Amount: money.Fen(in.AmountFen), IP: httpx.ClientIP(r)})
	a.answerCase(w, r, http.StatusOK, id, err)
}

// versionReasonJSON is the body of the writes that need only the version read and a reason.
type versionReasonJSON struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

// extendCase answers POST /cases/{id}/extension: the statutory limit is lengthened once, with a
// reason, as the rules allow for complicated cases (低保 30 → 45 working days).
func (a *API) extendCase(w http.ResponseWriter, r *http.Request) {
	a.versionReason(w, r, func(p *auth.Principal, id int64, in versionReasonJSON) error {
		_, err := a.deps.Cases.Extend(r.Context(), p, id, in.Version, in.Reason, httpx.ClientIP(r))
		return err
	})
}

// withdrawCase answers POST /cases/{id}/withdrawal: the applicant withdraws before a decision,
// recorded by the street officer.
func (a *API) withdrawCase(w http.ResponseWriter, r *http.Request) {
	a.versionReason(w, r, func(p *auth.Principal, id int64, in versionReasonJSON) error {
		_, err := a.deps.Cases.Withdraw(r.Context(), p, id, in.Version, in.Reason, httpx.ClientIP(r))
		return err
	})
}

// versionReason reads {version, reason} for a write on case {id}, lets fn make it and answers with
// the case.
func (a *API) versionReason(w http.ResponseWriter, r *http.Request, fn func(*auth.Principal, int64, versionReasonJSON) error) {
	var in versionReasonJSON
	p, id, ok := a.writeInput(w, r, "case.notfound", nil, &in)
	if !ok {
		return
	}
	a.answerCase(w, r, http.StatusOK, id, fn(p, id, in))
}

// resolutionJSON is the body of POST /cases/{id}/objections/{objection}/resolution.
type resolutionJSON struct {
	Version    int    `json:"version"`
	Upheld     bool   `json:"upheld"`
	Resolution string `json:"resolution"`
}

// resolveObjection answers POST /cases/{id}/objections/{objection}/resolution: the street
// settles an objection to the public notice. An upheld objection reopens the case at the home
// visit; a dismissed one lets the notice run to its end.
func (a *API) resolveObjection(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "case.notfound")
	if !ok {
		return
	}
	oid, ok := a.pathID(w, r, "objection", "case.objection_notfound")
	if !ok {
		return
	}
	var in resolutionJSON
	if !a.body(w, r, &in) {
		return
	}
	_, err := a.deps.Cases.ResolveObjection(r.Context(), auth.FromContext(r.Context()), id, in.Version, oid, in.Upheld,
		in.Resolution, httpx.ClientIP(r))
	a.answerCase(w, r, http.StatusOK, id, err)
}
