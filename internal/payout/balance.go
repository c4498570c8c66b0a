package payout

import (
	"context"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// Balance is one account's movement in a month and its balance at the month's end.
type Balance struct {
	Account string
	Name    string
	Kind    string // fund or expense
	// Debits and Credits are the month's movements (credits as a positive amount).
	Debits, Credits money.Fen
	// Closing is the balance at the end of the month: debits minus credits since the start.
	Closing money.Fen
}

// TrialBalance lists every account with its movements in month m and its closing balance; the
// closing balances of all accounts sum to zero when the ledger balances. City-wide users see
// every account; a district user sees the accounts of its district and the city funds' share
// is not theirs to see.
func (s *Store) TrialBalance(ctx context.Context, p *auth.Principal, m civil.Month) ([]Balance, money.Fen, error) {
	rows, err := s.DB.Query(ctx, `SELECT a.code, a.name, a.kind,
		COALESCE(SUM(CASE WHEN t.month = ? AND e.amount_fen > 0 THEN e.amount_fen ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.month = ? AND e.amount_fen < 0 THEN -e.amount_fen ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.month <= ? THEN e.amount_fen ELSE 0 END), 0)
		FROM ledger_accounts a JOIN ledger_entries e ON e.account = a.code JOIN ledger_transactions t ON t.id = e.transaction_id
		GROUP BY a.code, a.name, a.kind ORDER BY a.kind, a.code`, m.String(), m.String(), m.String())
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Balance
	var sum money.Fen
	district := ""
	if code := p.Scope.Code(); len(code) >= 6 {
		district = code[:6] // a district or a street within it; the city sees every account
	}
	for rows.Next() {
		var b Balance
		var dr, cr, cl int64
		if err := rows.Scan(&b.Account, &b.Name, &b.Kind, &dr, &cr, &cl); err != nil {
			return nil, 0, err
		}
		b.Debits, b.Credits, b.Closing = money.Fen(dr), money.Fen(cr), money.Fen(cl)
		sum += b.Closing
		if district != "" && !accountOf(b.Account, district) {
			continue
		}
		out = append(out, b)
	}
	if district != "" {
		sum = 0 // a district's own accounts need not balance without the city's share
		for _, b := range out {
			sum += b.Closing
		}
	}
	return out, sum, rows.Err()
}

// accountOf reports whether an account belongs to a district (its expense or its own funds).
func accountOf(code, district string) bool {
	return slices.Contains(strings.Split(code, "/"), district)
}
