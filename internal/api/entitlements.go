package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
)

// registerEntitlements adds the entitlement routes: an entitlement with its history, the
// decisions that suspend, resume or end it, the reviews that re-examine it, a reported death,
// and the list of reviews falling due.
func (a *API) registerEntitlements() {
	a.handle("GET", "/entitlements/{id}", auth.CaseView, a.getEntitlement)
	a.handle("POST", "/entitlements/{id}/suspension", auth.CaseHandle, a.suspendEntitlement)
	a.handle("POST", "/entitlements/{id}/resumption", auth.CaseHandle, a.resumeEntitlement)
	a.handle("POST", "/entitlements/{id}/termination", auth.CaseHandle, a.terminateEntitlement)
	a.handle("POST", "/entitlements/{id}/reviews", auth.CaseHandle, a.startReview)
	a.handle("POST", "/entitlements/{id}/deaths", auth.CaseHandle, a.reportDeath)
	a.handle("GET", "/reviews/due", auth.CaseView, a.dueReviews)
}

// getEntitlement answers GET /entitlements/{id}: the entitlement with every change made to it,
// who made it and the decision behind it.
func (a *API) getEntitlement(w http.ResponseWriter, r *http.Request) {
	if id, ok := a.pathID(w, r, "id", "case.entitlement_notfound"); ok {
		a.writeEntitlement(w, r, id)
	}
}

func (a *API) writeEntitlement(w http.ResponseWriter, r *http.Request, id int64) {
	p := auth.FromContext(r.Context())
	e, err := a.deps.Cases.Entitlement(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	history, err := a.deps.Cases.EntitlementHistory(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := toEntitlementJSON(e)
	out.History = []entitlementChangeJSON{}
	for _, c := range history {
		out.History = append(out.History, entitlementChangeJSON{At: dbStamp(c.At), Actor: c.Actor, Field: c.Field, Old: c.Old,
			New: c.New, DecisionID: c.DecisionID})
	}
	writeJSON(w, http.StatusOK, out)
}

// entitlementDecision is the store's signature of a decision on an entitlement.
type entitlementDecision func(ctx context.Context, p *auth.Principal, id int64, version int, reason, ip string) (assistance.Decision, error)

// entitlementInput reads a write on entitlement {id}: the entitlement is looked up first so that
// one outside the caller's scope answers 404 before the store checks the body and the caller's
// role; then the body, into in.
func (a *API) entitlementInput(w http.ResponseWriter, r *http.Request, in any) (*auth.Principal, int64, bool) {
	return a.writeInput(w, r, "case.entitlement_notfound", found(a.deps.Cases.Entitlement), in)
}

// decideOnEntitlement reads {version, reason} and lets decide issue its decision (201).
func (a *API) decideOnEntitlement(w http.ResponseWriter, r *http.Request, decide entitlementDecision) {
	var in versionReasonJSON
	p, id, ok := a.entitlementInput(w, r, &in)
	if !ok {
		return
	}
	d, err := decide(r.Context(), p, id, in.Version, in.Reason, httpx.ClientIP(r))
	a.decisionAnswer(w, r, d, err)
}

// suspendEntitlement answers POST /entitlements/{id}/suspension: the district approver stops
// payments from next month pending a review, with a notice.
func (a *API) suspendEntitlement(w http.ResponseWriter, r *http.Request) {
	a.decideOnEntitlement(w, r, a.deps.Cases.Suspend)
}

// resumeEntitlement answers POST /entitlements/{id}/resumption: a suspended entitlement pays
// again.
func (a *API) resumeEntitlement(w http.ResponseWriter, r *http.Request) {
	a.decideOnEntitlement(w, r, a.deps.Cases.Resume)
}

// terminateEntitlement answers POST /entitlements/{id}/termination: the entitlement ends at the
// end of this month with a 终止通知书, which the household may appeal.
func (a *API) terminateEntitlement(w http.ResponseWriter, r *http.Request) {
	a.decideOnEntitlement(w, r, a.deps.Cases.Terminate)
}

// reviewJSON is the body of POST /entitlements/{id}/reviews.
type reviewJSON struct {
	Reason string `json:"reason"` // scheduled, change or death
	Note   string `json:"note"`
}

// startReview answers POST /entitlements/{id}/reviews: the street opens a review (scheduled, a
// change of circumstances, a death); the answer (201) is the new review case, its household
// check already run. Scope and the note are checked first, as for appeals.
func (a *API) startReview(w http.ResponseWriter, r *http.Request) {
	var in reviewJSON
	p, id, ok := a.entitlementInput(w, r, &in)
	if !ok {
		return
	}
	if strings.TrimSpace(in.Note) == "" {
		a.writeError(w, r, apperr.FieldMsg("note", "case.reason_required"))
		return
	}
	c, err := a.deps.Cases.StartReview(r.Context(), p, id, in.Reason, in.Note, httpx.ClientIP(r))
	a.answerNewCase(w, r, c, err)
}

// deathJSON is the body of POST /entitlements/{id}/deaths.
type deathJSON struct {
	Version int        `json:"version"`
	DiedOn  civil.Date `json:"died_on"`
	Note    string     `json:"note"`
}

// reportDeath answers POST /entitlements/{id}/deaths: the street records a member's death, which
// brings the entitlement's review forward to within three months; the answer is the entitlement.
func (a *API) reportDeath(w http.ResponseWriter, r *http.Request) {
	var in deathJSON
	p, id, ok := a.entitlementInput(w, r, &in)
	if !ok {
		return
	}
	if err := a.deps.Cases.ReportDeath(r.Context(), p, id, in.Version, in.DiedOn, in.Note, httpx.ClientIP(r)); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeEntitlement(w, r, id)
}

// maxReviewDays bounds how far ahead GET /reviews/due looks.
const maxReviewDays = 366

// dueReviews answers GET /reviews/due?days=30: the caller's entitlements whose review falls due
// within days (overdue ones included) and that have no review open, soonest first.
func (a *API) dueReviews(w http.ResponseWriter, r *http.Request) {
	days := 30
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxReviewDays {
			a.writeError(w, r, apperr.FieldMsg("days", "api.days_invalid", maxReviewDays))
			return
		}
		days = n
	}
	ents, err := a.deps.Cases.DueReviews(r.Context(), auth.FromContext(r.Context()), days)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]entitlementJSON, 0, len(ents))
	for _, e := range ents {
		out = append(out, toEntitlementJSON(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"days": days, "entitlements": out})
}
