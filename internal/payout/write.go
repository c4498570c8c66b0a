package payout

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
)

const lineColumns = `roster_id, entitlement_id, household_id, region_code, kind, amount_fen, persons, from_month, to_month,
	reason, adjustment_id, payee_name, bank, account_sealed, account_masked`

// lineBatch is how many lines one INSERT carries: 15 columns × 400 rows stays far below both
// engines' limits on bound parameters.
const lineBatch = 400

func (b *builder) values(l Line) []any {
	var adj any
	if l.AdjustmentID != 0 {
		adj = l.AdjustmentID
	}
	return []any{l.RosterID, l.EntitlementID, l.HouseholdID, l.RegionCode, l.Kind, int64(l.Amount), l.Persons, l.From.String(),
		l.To.String(), l.Reason, adj, l.PayeeName, l.Bank, b.payees[l.HouseholdID].sealed, l.AccountMasked}
}

// flush writes the queued lines in batches and empties the queue.
func (b *builder) flush(ctx context.Context) error {
	row := "(" + db.Placeholders(15) + ")"
	for start := 0; start < len(b.lines); start += lineBatch {
		chunk := b.lines[start:min(start+lineBatch, len(b.lines))]
		args := make([]any, 0, len(chunk)*15)
		for _, l := range chunk {
			args = append(args, b.values(l)...)
		}
		q := `INSERT INTO roster_lines (` + lineColumns + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", ")
		if _, err := b.tx.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	b.lines = b.lines[:0]
	return nil
}

func (b *builder) insertOne(ctx context.Context, l Line, id *int64) error {
	return b.tx.QueryRow(ctx, `INSERT INTO roster_lines (`+lineColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`, b.values(l)...).Scan(id)
}

// loadPayees reads the payees of every household in the district.
func loadPayees(ctx context.Context, q db.Querier, district string) (map[int64]payeeRow, error) {
	cond, args := db.PrefixRange("region_code", district)
	rows, err := q.Query(ctx, `SELECT household_id, holder_name, bank, account_sealed, account_masked FROM payees WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]payeeRow{}
	for rows.Next() {
		var id int64
		var pr payeeRow
		if err := rows.Scan(&id, &pr.name, &pr.bank, &pr.sealed, &pr.masked); err != nil {
			return nil, err
		}
		out[id] = pr
	}
	return out, rows.Err()
}
