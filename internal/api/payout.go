package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/payout"
)

// registerPayout adds the routes of the payout module: the monthly rosters, their generation,
// lines, approval and bank returns; the funds ledger's trial balance and verification; the
// statistics of what was paid; a household's payee; and the months' price indices the
// price-subsidy rosters rest on. Who may generate, approve, reconcile or record an index is the
// store's decision (approval and returns are the district approver's, the CPI the city
// administrator's), not the route's.
func (a *API) registerPayout() {
	a.handle("GET", "/payouts", auth.PayoutView, a.listRosters)
	a.handle("POST", "/payouts", auth.PayoutManage, a.generateRoster)
	a.handle("GET", "/payouts/stats", auth.PayoutView, a.payoutStats)
	a.handle("GET", "/payouts/{id}", auth.PayoutView, a.getRoster)
	a.handle("GET", "/payouts/{id}/lines", auth.PayoutView, a.rosterLines)
	a.handle("POST", "/payouts/{id}/approval", auth.PayoutManage, a.approveRoster)
	a.handle("POST", "/payouts/{id}/returns", auth.PayoutManage, a.applyReturns)
	a.handle("GET", "/ledger/trial-balance", auth.PayoutView, a.trialBalance)
	a.handle("GET", "/ledger/verification", auth.PayoutView, a.verifyLedger)
	a.handle("GET", "/households/{id}/payee", auth.HouseholdEdit, a.getPayee)
	a.handle("PUT", "/households/{id}/payee", auth.HouseholdEdit, a.putPayee)
	a.handle("GET", "/price-indices", auth.PayoutView, a.listPriceIndices)
	a.handle("PUT", "/price-indices/{month}", auth.PayoutManage, a.putPriceIndex)
}

// queryMonth reads query parameter name as a month (2024-03); empty is the zero month.
func queryMonth(r *http.Request, name string) (civil.Month, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return civil.Month{}, nil
	}
	m, err := civil.ParseMonth(v)
	if err != nil {
		return m, apperr.FieldMsg(name, "payout.bad_month")
	}
	return m, nil
}

// listRosters answers GET /payouts: the rosters of the caller's scope, newest month first,
// filtered by month, program and status.
func (a *API) listRosters(w http.ResponseWriter, r *http.Request) {
	m, err := queryMonth(r, "month")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	rosters, err := a.deps.Payout.Rosters(r.Context(), auth.FromContext(r.Context()),
		payout.RosterQuery{Month: m, Program: q.Get("program"), Status: q.Get("status")})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]rosterJSON, 0, len(rosters))
	for _, ro := range rosters {
		out = append(out, toRosterJSON(ro))
	}
	writeJSON(w, http.StatusOK, map[string]any{"rosters": out, "total": len(out)})
}

// generateJSON is the body of POST /payouts.
type generateJSON struct {
	Month    string `json:"month"` // 2024-03
	Program  string `json:"program"`
	District string `json:"district"`
}

// generateRoster answers POST /payouts: generates the roster of a month, program and district
// (201). A draft is rebuilt with the same result; an approved roster comes back unchanged.
func (a *API) generateRoster(w http.ResponseWriter, r *http.Request) {
	var in generateJSON
	if !a.body(w, r, &in) {
		return
	}
	var m civil.Month
	if in.Month != "" {
		var err error
		if m, err = civil.ParseMonth(strings.TrimSpace(in.Month)); err != nil {
			a.writeError(w, r, apperr.FieldMsg("month", "payout.bad_month"))
			return
		}
	}
	ro, err := a.deps.Payout.Generate(r.Context(), auth.FromContext(r.Context()), m, in.Program, in.District)
	a.answerRoster(w, r, http.StatusCreated, ro, err)
}

// getRoster answers GET /payouts/{id}.
func (a *API) getRoster(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "payout.notfound")
	if !ok {
		return
	}
	ro, err := a.deps.Payout.Roster(r.Context(), auth.FromContext(r.Context()), id)
	a.answerRoster(w, r, http.StatusOK, ro, err)
}

func (a *API) answerRoster(w http.ResponseWriter, r *http.Request, status int, ro *payout.Roster, err error) {
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, status, toRosterJSON(ro))
}

// rosterLines answers GET /payouts/{id}/lines: a page of the roster's lines in household order,
// accounts masked; a street user gets its own streets' lines.
func (a *API) rosterLines(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "payout.notfound")
	if !ok {
		return
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	lines, total, err := a.deps.Payout.Lines(r.Context(), auth.FromContext(r.Context()), id, max(page, 1), perPage)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]lineJSON, 0, len(lines))
	for _, l := range lines {
		out = append(out, toLineJSON(l))
	}
	writeJSON(w, http.StatusOK, map[string]any{"lines": out, "total": total, "page": max(page, 1)})
}

// approvalJSON is the body of POST /payouts/{id}/approval.
type approvalJSON struct {
	Version int `json:"version"`
}

// approveRoster answers POST /payouts/{id}/approval: the district approver approves a draft
// seen at version; the payment is posted to the ledger and the roster can no longer be
// regenerated. The roster is looked up first, so one outside the caller's scope answers 404.
func (a *API) approveRoster(w http.ResponseWriter, r *http.Request) {
	var in approvalJSON
	p, id, ok := a.writeInput(w, r, "payout.notfound", found(a.deps.Payout.Roster), &in)
	if !ok {
		return
	}
	if in.Version < 1 {
		a.writeError(w, r, apperr.FieldMsg("version", "payout.api.version_required"))
		return
	}
	ro, err := a.deps.Payout.Approve(r.Context(), p, id, in.Version, httpx.ClientIP(r))
	a.answerRoster(w, r, http.StatusOK, ro, err)
}

// returnJSON is one verdict of the bank on a roster line.
type returnJSON struct {
	LineID int64  `json:"line_id"`
	Failed bool   `json:"failed"`
	Reason string `json:"reason"`
}

// applyReturns answers POST /payouts/{id}/returns: the bank's verdicts on the lines of a locked
// roster, applied all or nothing. Failed lines go back to the funds and to the re-issue queue.
func (a *API) applyReturns(w http.ResponseWriter, r *http.Request) {
	var in []returnJSON
	p, id, ok := a.writeInput(w, r, "payout.notfound", found(a.deps.Payout.Roster), &in)
	if !ok {
		return
	}
	if len(in) == 0 {
		a.writeError(w, r, apperr.Msg(apperr.Invalid, "payout.api.returns_empty"))
		return
	}
	returns := make([]payout.Return, 0, len(in))
	for _, rt := range in {
		returns = append(returns, payout.Return{LineID: rt.LineID, Failed: rt.Failed, Reason: rt.Reason})
	}
	res, err := a.deps.Payout.ApplyReturns(r.Context(), p, id, returns, httpx.ClientIP(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"paid": res.Paid, "failed": res.Failed, "refunded_fen": int64(res.Refunded)})
}
