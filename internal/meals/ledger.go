package meals

// # The funds ledger of meal assistance
//
// Approved settlements are posted to the same double-entry ledger as the payouts
// (internal/payout: ledger_accounts, ledger_transactions of kind 'payment', ledger_entries, all
// append-only), each meal as one transaction that names the meal in its memo and points at its
// settlement: the canteen's district spends the price (expense/<district>/meals, a debit) and the
// price is credited to whoever pays it — the diner (fund/diner/meals), the city
// (fund/city/meals), the district (fund/<district>/meals) and the street (fund/<street>/meals) —
// lines of zero left out. The posting code is this package's own rather than the payout
// store's, because a domain package never writes through another's store; the tables and
// their rules (debits positive, credits negative, every transaction summing to zero) are shared.
// Postings are written in batches of multi-row INSERTs, so approving a canteen's few thousand
// meals is a handful of statements.

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/msg"
)

// LedgerProgram is the program segment of the meal-assistance accounts.
const LedgerProgram = "meals"

// Ledger account codes of meal assistance.
func mealExpenseAccount(district string) string { return "expense/" + district + "/" + LedgerProgram }
func mealFundAccount(source string) string      { return "fund/" + source + "/" + LedgerProgram }

// ledgerLine is one line of a meal's transaction: positive debits, negative credits.
type ledgerLine struct {
	account, name, kind string
	amount              money.Fen
}

// mealLines splits meal m's price between the accounts: the expense of the canteen's district
// against the diner and the funding sources.
func mealLines(m *mealPosting) []ledgerLine {
	t := msg.Default().T
	district, street := m.region, m.region
	if len(district) >= 6 {
		district = district[:6]
	}
	if len(street) >= 9 {
		street = street[:9]
	}
	return []ledgerLine{
		{mealExpenseAccount(district), t("meals.ledger.account.expense", district), "expense", m.price},
		{mealFundAccount("diner"), t("meals.ledger.account.diner"), "fund", -m.diner},
		{mealFundAccount("city"), t("meals.ledger.account.city"), "fund", -m.city},
		{mealFundAccount(district), t("meals.ledger.account.district", district), "fund", -m.district},
		{mealFundAccount(street), t("meals.ledger.account.street", street), "fund", -m.street},
	}
}

// mealMemo names the meal a transaction posts; it is unique per meal, which is how a meal
// posted twice shows.
func mealMemo(m *mealPosting) string {
	return msg.Default().T("meals.ledger.memo", m.id, m.servedOn, msg.Default().T("meals.settle.meal_type."+m.mealType))
}

// postBatch bounds the meals of one multi-row statement: five columns a transaction and up to
// fifteen values of entries a meal stay far below both engines' limits on bound values.
const postBatch = 400

// postMeals writes one balanced ledger transaction per meal of settlement st (kind 'payment',
// the settlement's month, its id, a memo naming the meal) and links each meal to it. A meal
// whose lines do not balance is a bug and stops the approval.
func (s *Store) postMeals(ctx context.Context, tx *db.Tx, st *Settlement, meals []mealPosting, by string) error {
	seen := map[string]bool{}
	for i := range meals {
		var sum money.Fen
		for _, l := range mealLines(&meals[i]) {
			sum += l.amount
			if l.amount == 0 || seen[l.account] {
				continue
			}
			seen[l.account] = true
			if _, err := tx.Exec(ctx, `INSERT INTO ledger_accounts (code, name, kind) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING`,
				l.account, l.name, l.kind); err != nil {
				return err
			}
		}
		if sum != 0 {
			return fmt.Errorf("meals: meal %d does not balance (%d fen)", meals[i].id, sum)
		}
	}
	now := s.stamp()
	for start := 0; start < len(meals); start += postBatch {
		if err := s.postChunk(ctx, tx, st, meals[start:min(start+postBatch, len(meals))], by, now); err != nil {
			return err
		}
	}
	return nil
}

// postChunk posts a batch of meals: their transactions, then their entries, then the links.
func (s *Store) postChunk(ctx context.Context, tx *db.Tx, st *Settlement, meals []mealPosting, by, now string) error {
	byMemo := make(map[string]int, len(meals))
	var q strings.Builder
	args := make([]any, 0, 5*len(meals))
	q.WriteString(`INSERT INTO ledger_transactions (month, kind, memo, created_by, created_at, meal_settlement_id) VALUES `)
	for i := range meals {
		memo := mealMemo(&meals[i])
		byMemo[memo] = i
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, 'payment', ?, ?, ?, ?)")
		args = append(args, st.Month.String(), memo, by, now, st.ID)
	}
	q.WriteString(" RETURNING id, memo")
	rows, err := tx.Query(ctx, q.String(), args...)
	if err != nil {
		return err
	}
	ids := make([]int64, len(meals))
	for rows.Next() {
		var id int64
		var memo string
		if err := rows.Scan(&id, &memo); err != nil {
			rows.Close()
			return err
		}
		i, ok := byMemo[memo]
		if !ok || ids[i] != 0 {
			rows.Close()
			return fmt.Errorf("meals: ledger transaction %d has an unexpected memo %q", id, memo)
		}
		ids[i] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	q.Reset()
	args = args[:0]
	q.WriteString(`INSERT INTO ledger_entries (transaction_id, account, amount_fen) VALUES `)
	n := 0
	for i := range meals {
		if ids[i] == 0 {
			return fmt.Errorf("meals: meal %d got no ledger transaction", meals[i].id)
		}
		for _, l := range mealLines(&meals[i]) {
			if l.amount == 0 {
				continue
			}
			if n > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?)")
			args = append(args, ids[i], l.account, int64(l.amount))
			n++
		}
	}
	if n > 0 {
		if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	q.Reset()
	args = args[:0]
	q.WriteString(`UPDATE meal_transactions SET ledger_transaction_id = CASE id`)
	for i := range meals {
		q.WriteString(" WHEN ? THEN CAST(? AS BIGINT)") // PostgreSQL types an untyped CASE as text
		args = append(args, meals[i].id, ids[i])
	}
	q.WriteString(" END WHERE settlement_id = ? AND id IN (")
	args = append(args, st.ID)
	for i := range meals {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("?")
		args = append(args, meals[i].id)
	}
	q.WriteString(")")
	res, err := tx.Exec(ctx, q.String(), args...)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); int(k) != len(meals) {
		return fmt.Errorf("meals: linked %d of %d meals of settlement %d to the ledger", k, len(meals), st.ID)
	}
	return nil
}
