package api

import (
	"net/http"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

// registerDecisions adds the decision routes: an issued decision notice and the appeal (复核)
// against it.
func (a *API) registerDecisions() {
	a.handle("GET", "/decisions/{id}", auth.CaseView, a.getDecision)
	a.handle("POST", "/decisions/{id}/appeals", auth.CaseHandle, a.appealDecision)
}

// getDecision answers GET /decisions/{id}: the decision exactly as issued — it is never changed;
// a correction is a new decision whose corrects names it — with the entitlement it granted.
func (a *API) getDecision(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "case.decision_notfound")
	if !ok {
		return
	}
	p := auth.FromContext(r.Context())
	d, err := a.deps.Cases.Decision(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := toCaseDecisionJSON(d)
	if d.HouseholdID != 0 {
		ents, err := a.deps.Cases.Entitlements(r.Context(), p, d.HouseholdID)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		for _, e := range ents {
			if e.DecisionID == d.ID {
				out.GrantedEntitlementID = e.ID
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// appealJSON is the body of POST /decisions/{id}/appeals.
type appealJSON struct {
	Reason string `json:"reason"`
}

// appealDecision answers POST /decisions/{id}/appeals: the street officer records the applicant's
// request for a 复核 of a refusal or a termination; the answer (201) is the new appeal case. The
// decision is looked up and the reason checked here, before the store's role check, so that a
// decision outside the caller's scope answers 404 and an empty request 400 whoever sends them.
func (a *API) appealDecision(w http.ResponseWriter, r *http.Request) {
	var in appealJSON
	p, id, ok := a.writeInput(w, r, "case.decision_notfound", found(a.deps.Cases.Decision), &in)
	if !ok {
		return
	}
	if strings.TrimSpace(in.Reason) == "" {
		a.writeError(w, r, apperr.FieldMsg("reason", "case.reason_required"))
		return
	}
	c, err := a.deps.Cases.StartAppeal(r.Context(), p, id, in.Reason, httpx.ClientIP(r))
	a.answerNewCase(w, r, c, renameField(err, "note", "reason"))
}

// renameField reports a store error about field from under the name the API calls it.
func renameField(err error, from, to string) error {
	e := apperr.As(err)
	if e.Kind != apperr.Internal && e.Field == from {
		renamed := *e
		renamed.Field = to
		return &renamed
	}
	return err
}

// decisionAnswer writes a decision the store has just issued (201).
func (a *API) decisionAnswer(w http.ResponseWriter, r *http.Request, d assistance.Decision, err error) {
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toCaseDecisionJSON(d))
}
