package web

import (
	"net/http"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/region"
)

// ledgerContent is the funds ledger of a month: the trial balance of the accounts the caller
// may see, its sum line, and the verification of the whole ledger against the rosters.
type ledgerContent struct {
	Month    civil.Month
	Accounts []ledgerAccount
	Debits   money.Fen
	Credits  money.Fen
	// Sum is the sum of the closing balances: zero for the whole ledger, a district's own
	// position for a district user (the city's share is not theirs to see).
	Sum      money.Fen
	CityWide bool
	Check    payout.Verification
}

// ledgerAccount is one account line of the trial balance.
type ledgerAccount struct {
	payout.Balance
	KindKey string
}

// ledgerMonth reads ?month=, defaulting to this month; a malformed month is a field error.
func (s *Site) ledgerMonth(r *http.Request, name string, def civil.Month) (civil.Month, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return def, nil
	}
	m, err := civil.ParseMonth(v)
	if err != nil {
		return m, apperr.FieldMsg(name, "payout.bad_month")
	}
	return m, nil
}

// payoutLedgerPage shows the trial balance of a month and whether the ledger proves out.
func (s *Site) payoutLedgerPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	m, err := s.ledgerMonth(r, "month", s.thisMonth())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	balances, sum, err := s.deps.Payout.TrialBalance(r.Context(), p, m)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c := ledgerContent{Month: m, Sum: sum, CityWide: p.Scope.Level() < region.County}
	for _, b := range balances {
		c.Accounts = append(c.Accounts, ledgerAccount{Balance: b, KindKey: "payout.ui.account_kind." + b.Kind})
		c.Debits += b.Debits
		c.Credits += b.Credits
	}
	if c.Check, err = s.deps.Payout.Verify(r.Context()); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "payout_ledger", s.msg.T("nav.payout_ledger"), c)
}
