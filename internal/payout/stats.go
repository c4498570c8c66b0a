package payout

import (
	"context"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// StatRow is what was paid for one program in one district in one month.
type StatRow struct {
	Month      civil.Month
	Program    string
	District   string
	Households int
	Persons    int
	// PersonTimes counts persons paid, once per payment: for one-off programs (临时救助) the
	// bureau reports person-times.
	PersonTimes int
	Amount      money.Fen
}

// Stats sums the approved rosters of p's scope from month from to month to (inclusive), per
// month, program and district: the source of the indicators of persons, person-times and funds
// paid. Lines the bank returned are not counted as paid.
func (s *Store) Stats(ctx context.Context, p *auth.Principal, from, to civil.Month) ([]StatRow, error) {
	cond, args := "1 = 1", []any(nil)
	if p.Scope.Level() > 0 {
		code := p.Scope.Code()
		if len(code) > 6 {
			code = code[:6]
		}
		cond, args = db.PrefixRange("r.district", code)
	}
	rows, err := s.DB.Query(ctx, `SELECT r.month, r.program, r.district, COUNT(DISTINCT l.household_id),
		COALESCE(SUM(CASE WHEN l.kind = 'regular' THEN l.persons ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN l.kind IN ('regular', 'one_off') THEN l.persons ELSE 0 END), 0),
		COALESCE(SUM(l.amount_fen), 0)
		FROM rosters r JOIN roster_lines l ON l.roster_id = r.id
		WHERE r.status <> 'draft' AND l.status <> 'failed' AND r.month >= ? AND r.month <= ? AND `+cond+`
		GROUP BY r.month, r.program, r.district ORDER BY r.month, r.program, r.district`,
		append([]any{from.String(), to.String()}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatRow
	for rows.Next() {
		var st StatRow
		var month string
		var amount int64
		if err := rows.Scan(&month, &st.Program, &st.District, &st.Households, &st.Persons, &st.PersonTimes, &amount); err != nil {
			return nil, err
		}
		st.Month, _ = civil.ParseMonth(month)
		st.Amount = money.Fen(amount)
		out = append(out, st)
	}
	return out, rows.Err()
}
