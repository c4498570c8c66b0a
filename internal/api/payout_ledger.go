package api

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

// statsMaxMonths bounds GET /payouts/stats to ten years of monthly rows.
const statsMaxMonths = 120

// trialBalance answers GET /ledger/trial-balance?month=: every account the caller may see with
// the month's debits and credits and its closing balance, and the sum of the closing balances
// (zero for the whole ledger; a district user's own position otherwise).
func (a *API) trialBalance(w http.ResponseWriter, r *http.Request) {
	m, err := queryMonth(r, "month")
	if err == nil && m.IsZero() {
		err = apperr.FieldMsg("month", "payout.bad_month")
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	balances, sum, err := a.deps.Payout.TrialBalance(r.Context(), auth.FromContext(r.Context()), m)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]balanceJSON, 0, len(balances))
	for _, b := range balances {
		out = append(out, balanceJSON{Account: b.Account, Name: b.Name, Kind: b.Kind, DebitsFen: int64(b.Debits),
			CreditsFen: int64(b.Credits), ClosingFen: int64(b.Closing)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"month": m, "accounts": out, "sum_fen": int64(sum)})
}

// verifyLedger answers GET /ledger/verification: whether the ledger balances and matches the
// rosters, with every inconsistency found.
func (a *API) verifyLedger(w http.ResponseWriter, r *http.Request) {
	v, err := a.deps.Payout.Verify(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	problems := append([]string{}, v.Problems...)
	writeJSON(w, http.StatusOK, map[string]any{"balanced": len(problems) == 0, "transactions": v.Transactions,
		"entries": v.Entries, "debits_fen": int64(v.Debits), "rosters": v.Rosters, "problems": problems})
}

// payoutStats answers GET /payouts/stats?from=&to=: per month, program and district, the
// households, persons, person-times and amount paid by the approved rosters of the caller's
// scope (lines the bank returned not counted).
func (a *API) payoutStats(w http.ResponseWriter, r *http.Request) {
	from, err := queryMonth(r, "from")
	if err == nil && from.IsZero() {
		err = apperr.FieldMsg("from", "payout.bad_month")
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	to, err := queryMonth(r, "to")
	if err == nil && to.IsZero() {
		to = from
	}
	if err == nil && (to.Before(from) || from.AddMonths(statsMaxMonths).Before(to)) {
		err = apperr.FieldMsg("to", "payout.ui.bad_range", statsMaxMonths)
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	rows, err := a.deps.Payout.Stats(r.Context(), auth.FromContext(r.Context()), from, to)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]statJSON, 0, len(rows))
	for _, st := range rows {
		out = append(out, statJSON{Month: st.Month, Program: st.Program, District: st.District, Households: st.Households,
			Persons: st.Persons, PersonTimes: st.PersonTimes, AmountFen: int64(st.Amount)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "rows": out})
}

// getPayee answers GET /households/{id}/payee: where the household is paid, the account masked;
// "recorded" is false while none is on record.
func (a *API) getPayee(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "registry.notfound")
	if ok {
		a.writePayee(w, r, id)
	}
}

func (a *API) writePayee(w http.ResponseWriter, r *http.Request, id int64) {
	pe, err := a.deps.Payout.PayeeOf(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := payeeJSON{HouseholdID: id}
	if pe != nil {
		out = payeeJSON{HouseholdID: id, Recorded: true, HolderName: pe.HolderName, Bank: pe.Bank, AccountMasked: pe.AccountMasked}
	}
	writeJSON(w, http.StatusOK, out)
}

// payeeInputJSON is the body of PUT /households/{id}/payee.
type payeeInputJSON struct {
	HolderName string `json:"holder_name"`
	Bank       string `json:"bank"`
	Account    string `json:"account"`
}

// putPayee answers PUT /households/{id}/payee: records the household's bank account (sealed in
// the database, masked in every answer) and answers with the payee as now recorded.
func (a *API) putPayee(w http.ResponseWriter, r *http.Request) {
	var in payeeInputJSON
	p, id, ok := a.writeInput(w, r, "registry.notfound", found(a.deps.Registry.Get), &in)
	if !ok {
		return
	}
	if err := a.deps.Payout.SetPayee(r.Context(), p, id, in.HolderName, in.Bank, in.Account, httpx.ClientIP(r)); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writePayee(w, r, id)
}
