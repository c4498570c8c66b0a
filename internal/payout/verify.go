package payout

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/money"
)

// Verification is what Verify found: the size of the ledger and every inconsistency.
type Verification struct {
	Transactions int
	Entries      int
	Debits       money.Fen
	Rosters      int
	Problems     []string
}

// Verify proves the ledger: every transaction balances, the whole ledger balances, each approved
// roster has exactly one payment whose expense equals the roster's total, each roster's returns
// equal its failed lines, and no draft has been posted. It reads everything and changes nothing.
func (s *Store) Verify(ctx context.Context) (Verification, error) {
	var v Verification
	var total int64
	if err := s.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM ledger_transactions), COUNT(*), COALESCE(SUM(amount_fen), 0),
		COALESCE(SUM(CASE WHEN amount_fen > 0 THEN amount_fen ELSE 0 END), 0) FROM ledger_entries`).Scan(
		&v.Transactions, &v.Entries, &total, &v.Debits); err != nil {
		return v, err
	}
	if total != 0 {
		v.Problems = append(v.Problems, fmt.Sprintf("the ledger does not balance: entries sum to %d fen", total))
	}
	if err := s.collect(ctx, &v, `SELECT transaction_id, SUM(amount_fen) FROM ledger_entries GROUP BY transaction_id
		HAVING SUM(amount_fen) <> 0`, "transaction %d does not balance: %d fen"); err != nil {
		return v, err
	}
	if err := s.collect(ctx, &v, `SELECT r.id, r.total_fen - COALESCE((SELECT SUM(e.amount_fen) FROM ledger_transactions t
		JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.roster_id = r.id AND t.kind = 'payment' AND e.account LIKE 'expense/%'), 0)
		FROM rosters r WHERE r.status <> 'draft'`, "roster %d: payment posted differs from its total by %d fen"); err != nil {
		return v, err
	}
	if err := s.collect(ctx, &v, `SELECT r.id, (SELECT COUNT(*) FROM ledger_transactions t WHERE t.roster_id = r.id AND t.kind = 'payment') - 1
		FROM rosters r WHERE r.status <> 'draft'`, "roster %d: %d payment transactions too many (or -1: none)"); err != nil {
		return v, err
	}
	if err := s.collect(ctx, &v, `SELECT r.id, COALESCE((SELECT SUM(e.amount_fen) FROM ledger_transactions t JOIN ledger_entries e
		ON e.transaction_id = t.id WHERE t.roster_id = r.id AND t.kind = 'return' AND e.account LIKE 'expense/%'), 0)
		+ COALESCE((SELECT SUM(l.amount_fen) FROM roster_lines l WHERE l.roster_id = r.id AND l.status = 'failed'), 0)
		FROM rosters r`, "roster %d: returns posted differ from its failed lines by %d fen"); err != nil {
		return v, err
	}
	if err := s.collect(ctx, &v, `SELECT r.id, COUNT(t.id) FROM rosters r JOIN ledger_transactions t ON t.roster_id = r.id
		WHERE r.status = 'draft' GROUP BY r.id`, "draft roster %d has %d transactions"); err != nil {
		return v, err
	}
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM rosters WHERE status <> 'draft'`).Scan(&v.Rosters)
	return v, err
}

// collect adds a problem for every row (id, difference) of query whose difference is not zero.
func (s *Store) collect(ctx context.Context, v *Verification, query, format string) error {
	rows, err := s.DB.Query(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, diff int64
		if err := rows.Scan(&id, &diff); err != nil {
			return err
		}
		if diff != 0 {
			v.Problems = append(v.Problems, fmt.Sprintf(format, id, diff))
		}
	}
	return rows.Err()
}
