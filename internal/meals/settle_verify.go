package meals

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/msg"
)

// LedgerCheck is what VerifyLedger found: the size of the meal-assistance part of the ledger and
// every inconsistency, in Chinese.
type LedgerCheck struct {
	// Transactions and Entries count the ledger transactions of meal settlements and their
	// lines; Debits is the sum of their debits (what the meals cost).
	Transactions int
	Entries      int
	Debits       money.Fen
	// Settlements counts the approved settlements, Meals the meals posted.
	Settlements int
	Meals       int
	Problems    []string
}

// problemsPerCheck bounds how many problems one check lists before it says how many more.
const problemsPerCheck = 20

// VerifyLedger proves the meal-assistance postings: every transaction of a meal settlement
// balances and has lines; no draft has postings; every approved settlement holds the meals it
// counts, each posted once, to its own transaction, whose lines are exactly the meal's split;
// its transactions are one per meal and their expense and credits per source equal its totals;
// and no meal is posted twice or posted without an approved settlement. It reads everything and
// changes nothing; payout.Store.Verify proves the rest of the ledger (and that it all balances).
func (s *Store) VerifyLedger(ctx context.Context) (LedgerCheck, error) {
	var c LedgerCheck
	t := msg.Default().T
	if err := s.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM ledger_transactions WHERE meal_settlement_id IS NOT NULL),
		COUNT(e.id), COALESCE(SUM(CASE WHEN e.amount_fen > 0 THEN e.amount_fen ELSE 0 END), 0)
		FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.meal_settlement_id IS NOT NULL`).Scan(
		&c.Transactions, &c.Entries, &c.Debits); err != nil {
		return c, err
	}
	if err := s.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM meal_settlements WHERE status = 'approved'),
		(SELECT COUNT(*) FROM meal_transactions WHERE ledger_transaction_id IS NOT NULL)`).Scan(&c.Settlements, &c.Meals); err != nil {
		return c, err
	}
	checks := []struct {
		key, query string
	}{
		{"meals.ledger.problem.unbalanced", `SELECT t.id, SUM(e.amount_fen) FROM ledger_transactions t
			JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.meal_settlement_id IS NOT NULL
			GROUP BY t.id HAVING SUM(e.amount_fen) <> 0 ORDER BY t.id`},
		{"meals.ledger.problem.empty", `SELECT t.id, t.meal_settlement_id FROM ledger_transactions t
			WHERE t.meal_settlement_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id)
			ORDER BY t.id`},
		{"meals.ledger.problem.draft_posted", `SELECT s.id, COUNT(t.id) FROM meal_settlements s
			JOIN ledger_transactions t ON t.meal_settlement_id = s.id WHERE s.status <> 'approved' GROUP BY s.id ORDER BY s.id`},
		{"meals.ledger.problem.posted_twice", `SELECT MIN(t.id), COUNT(*) FROM ledger_transactions t
			WHERE t.meal_settlement_id IS NOT NULL GROUP BY t.memo HAVING COUNT(*) > 1 ORDER BY MIN(t.id)`},
		{"meals.ledger.problem.misposted", `SELECT m.id, t.id FROM meal_transactions m
			JOIN ledger_transactions t ON t.id = m.ledger_transaction_id
			LEFT JOIN meal_settlements s ON s.id = m.settlement_id
			WHERE t.meal_settlement_id IS NULL OR m.settlement_id IS NULL OR t.meal_settlement_id <> m.settlement_id
			OR s.status <> 'approved' ORDER BY m.id`},
		{"meals.ledger.problem.split", `SELECT m.id, m.ledger_transaction_id FROM meal_transactions m
			JOIN ledger_entries e ON e.transaction_id = m.ledger_transaction_id
			GROUP BY m.id, m.ledger_transaction_id, m.region_code, m.price_fen, m.diner_pays_fen, m.city_fen, m.district_fen, m.street_fen
			HAVING SUM(CASE WHEN e.account = 'expense/' || SUBSTR(m.region_code, 1, 6) || '/meals' THEN e.amount_fen ELSE 0 END) <> m.price_fen
			OR SUM(CASE WHEN e.account = 'fund/diner/meals' THEN -e.amount_fen ELSE 0 END) <> m.diner_pays_fen
			OR SUM(CASE WHEN e.account = 'fund/city/meals' THEN -e.amount_fen ELSE 0 END) <> m.city_fen
			OR SUM(CASE WHEN e.account = 'fund/' || SUBSTR(m.region_code, 1, 6) || '/meals' THEN -e.amount_fen ELSE 0 END) <> m.district_fen
			OR SUM(CASE WHEN e.account = 'fund/' || SUBSTR(m.region_code, 1, 9) || '/meals' THEN -e.amount_fen ELSE 0 END) <> m.street_fen
			OR SUM(e.amount_fen) <> 0 ORDER BY m.id`},
	}
	for _, ck := range checks {
		if err := s.collectPairs(ctx, &c, ck.query, t, ck.key); err != nil {
			return c, err
		}
	}
	if err := s.checkSettlementCounts(ctx, &c); err != nil {
		return c, err
	}
	return c, s.checkSettlementSums(ctx, &c)
}

// collectPairs adds a problem (message key, with the row's two numbers) for every row of query,
// up to problemsPerCheck, then one saying how many more there were.
func (s *Store) collectPairs(ctx context.Context, c *LedgerCheck, query string, t func(string, ...any) string, key string) error {
	rows, err := s.DB.Query(ctx, query)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		if n++; n <= problemsPerCheck {
			c.Problems = append(c.Problems, t(key, a, b))
		}
	}
	if n > problemsPerCheck {
		c.Problems = append(c.Problems, t("meals.ledger.problem.more", n-problemsPerCheck))
	}
	return rows.Err()
}

// checkSettlementCounts compares each approved settlement with its meals and its transactions:
// it holds the meals it counts, all posted, each to a transaction of its own, and has one
// transaction per meal.
func (s *Store) checkSettlementCounts(ctx context.Context, c *LedgerCheck) error {
	rows, err := s.DB.Query(ctx, `SELECT s.id, s.meals,
		(SELECT COUNT(*) FROM meal_transactions m WHERE m.settlement_id = s.id),
		(SELECT COUNT(m.ledger_transaction_id) FROM meal_transactions m WHERE m.settlement_id = s.id),
		(SELECT COUNT(DISTINCT m.ledger_transaction_id) FROM meal_transactions m WHERE m.settlement_id = s.id),
		(SELECT COUNT(*) FROM ledger_transactions t WHERE t.meal_settlement_id = s.id)
		FROM meal_settlements s WHERE s.status = 'approved' ORDER BY s.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	t := msg.Default().T
	var odd []int64
	for rows.Next() {
		var id int64
		var meals, held, posted, distinct, txs int
		if err := rows.Scan(&id, &meals, &held, &posted, &distinct, &txs); err != nil {
			return err
		}
		if held != meals {
			c.Problems = append(c.Problems, t("meals.ledger.problem.meal_count", id, meals, held))
		}
		if posted != held {
			c.Problems = append(c.Problems, t("meals.ledger.problem.unposted", id, held-posted))
		}
		if distinct != posted {
			c.Problems = append(c.Problems, t("meals.ledger.problem.shared", id, posted-distinct))
		}
		if txs != meals {
			c.Problems = append(c.Problems, t("meals.ledger.problem.tx_count", id, txs, meals))
		}
		if txs != distinct {
			odd = append(odd, id)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	// Name the transactions no meal of the settlement points at: a meal posted twice, or a
	// posting slipped in. Only settlements whose counts differ are searched.
	for _, id := range odd {
		if err := s.collectPairs(ctx, c, fmt.Sprintf(`SELECT t.id, t.meal_settlement_id FROM ledger_transactions t
			WHERE t.meal_settlement_id = %d AND t.id NOT IN (SELECT m.ledger_transaction_id FROM meal_transactions m
			WHERE m.settlement_id = %d AND m.ledger_transaction_id IS NOT NULL) ORDER BY t.id`, id, id), t,
			"meals.ledger.problem.orphan"); err != nil {
			return err
		}
	}
	return nil
}

// checkSettlementSums compares, for each approved settlement, what its transactions post to
// each kind of account with its totals: the expense with its price, each source's credits with
// what it says that source pays.
func (s *Store) checkSettlementSums(ctx context.Context, c *LedgerCheck) error {
	type sums struct{ expense, diner, city, district, street, other money.Fen }
	posted := map[int64]*sums{}
	rows, err := s.DB.Query(ctx, `SELECT t.meal_settlement_id, e.account, SUM(e.amount_fen) FROM ledger_transactions t
		JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.meal_settlement_id IS NOT NULL
		GROUP BY t.meal_settlement_id, e.account`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var account string
		var amount money.Fen
		if err := rows.Scan(&id, &account, &amount); err != nil {
			rows.Close()
			return err
		}
		p := posted[id]
		if p == nil {
			p = &sums{}
			posted[id] = p
		}
		switch source := accountSource(account); source {
		case "expense":
			p.expense += amount
		case "diner":
			p.diner -= amount
		case SourceCity:
			p.city -= amount
		case SourceDistrict:
			p.district -= amount
		case SourceStreet:
			p.street -= amount
		default:
			p.other += amount
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	list, err := s.DB.Query(ctx, `SELECT id, price_fen, diner_fen, city_fen, district_fen, street_fen FROM meal_settlements
		WHERE status = 'approved' ORDER BY id`)
	if err != nil {
		return err
	}
	defer list.Close()
	t := msg.Default().T
	for list.Next() {
		var id int64
		var want sums
		if err := list.Scan(&id, &want.expense, &want.diner, &want.city, &want.district, &want.street); err != nil {
			return err
		}
		got := posted[id]
		if got == nil {
			got = &sums{}
		}
		for _, d := range []struct {
			source    string
			got, want money.Fen
		}{{"expense", got.expense, want.expense}, {"diner", got.diner, want.diner}, {SourceCity, got.city, want.city},
			{SourceDistrict, got.district, want.district}, {SourceStreet, got.street, want.street}, {"other", got.other, 0}} {
			if d.got != d.want {
				c.Problems = append(c.Problems, t("meals.ledger.problem.sum", id, t("meals.ledger.source."+d.source), d.got, d.want))
			}
		}
	}
	return list.Err()
}

// accountSource tells which side of a meal an account of the ledger is: "expense", "diner",
// city, district, street, or "" for an account that is not meal assistance's.
func accountSource(code string) string {
	parts := strings.Split(code, "/")
	if len(parts) != 3 || parts[2] != LedgerProgram {
		return ""
	}
	switch {
	case parts[0] == "expense":
		return "expense"
	case parts[0] != "fund":
		return ""
	case parts[1] == "diner":
		return "diner"
	case parts[1] == SourceCity:
		return SourceCity
	case len(parts[1]) == 6:
		return SourceDistrict
	case len(parts[1]) == 9:
		return SourceStreet
	}
	return ""
}
