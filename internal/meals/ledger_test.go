package meals

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil/civiltest"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/synth"
)

// entry is a ledger line as the tests read it back.
type entry struct {
	account string
	amount  money.Fen
}

// postings reads the ledger transactions of settlement id with their lines, by meal.
func (f *fixture) postings(id int64) map[int64][]entry {
	f.t.Helper()
	rows, err := f.d.Query(f.ctx, `SELECT m.id, e.account, e.amount_fen FROM meal_transactions m
		JOIN ledger_transactions t ON t.id = m.ledger_transaction_id JOIN ledger_entries e ON e.transaction_id = t.id
		WHERE m.settlement_id = ? AND t.meal_settlement_id = ? AND t.kind = 'payment' AND t.month = '2024-03'
		ORDER BY m.id, e.id`, id, id)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][]entry{}
	for rows.Next() {
		var meal int64
		var e entry
		if err := rows.Scan(&meal, &e.account, &e.amount); err != nil {
			f.t.Fatal(err)
		}
		out[meal] = append(out[meal], e)
	}
	return out
}

// verified fails unless the meal ledger proves out.
func (f *fixture) verified() LedgerCheck {
	f.t.Helper()
	c, err := f.s.VerifyLedger(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(c.Problems) > 0 {
		f.t.Fatalf("ledger problems: %q", c.Problems)
	}
	return c
}

// TestApproveSettlement approves March in 崂山区: only its district approver may, at the version
// seen, once; every meal becomes one balanced transaction split as the meal was, and the ledger
// proves out.
func TestApproveSettlement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newSettleFixture(t, d)
		a := f.meal(f.laoshanCanteen, f.laoshanLunch, f.who, day(2024, 3, 4), standard)
		b := f.meal(f.laoshanCanteen, f.laoshanLunch, f.who, day(2024, 3, 5), streetly)
		st, err := f.s.GenerateSettlement(f.ctx, f.admin, f.laoshanCanteen, march)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			p       *auth.Principal
			version int
			kind    apperr.Kind
		}{
			{"the city", f.admin, st.Version, apperr.Forbidden},
			{"a street officer", f.officer, st.Version, apperr.Forbidden},
			{"another district", f.shinanApprover, st.Version, apperr.NotFound},
			{"a stale version", f.laoshanApprover, st.Version - 1, apperr.Conflict},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantKind(t, f.s.ApproveSettlement(f.ctx, tc.p, st.ID, tc.version), tc.kind)
			})
		}
		if c := f.verified(); c.Transactions != 0 || c.Settlements != 0 {
			t.Fatalf("a refused approval posted: %+v", c)
		}

		// A flag raised after generation stops the approval until the draft is made again.
		f.flag(b, "two_canteens", FlagOpen)
		wantKind(t, f.s.ApproveSettlement(f.ctx, f.laoshanApprover, st.ID, st.Version), apperr.Conflict)
		f.setFlags(b, FlagCleared)
		if st, err = f.s.GenerateSettlement(f.ctx, f.admin, f.laoshanCanteen, march); err != nil {
			t.Fatal(err)
		}

		if err := f.s.ApproveSettlement(f.ctx, f.laoshanApprover, st.ID, st.Version); err != nil {
			t.Fatal(err)
		}
		wantKind(t, f.s.ApproveSettlement(f.ctx, f.laoshanApprover, st.ID, st.Version+1), apperr.Conflict)
		got, err := f.s.Settlement(f.ctx, f.laoshanApprover, st.ID)
		if err != nil || got.Status != SettlementApproved || got.ApprovedBy != "laoshan.approver" || got.ApprovedAt.IsZero() {
			t.Fatalf("approved: %v %+v", err, got)
		}
		if _, err := f.s.GenerateSettlement(f.ctx, f.admin, f.laoshanCanteen, march); err != nil {
			t.Fatal(err)
		}

		district, street := f.laoshan[:6], f.laoshan[:9]
		want := map[int64][]entry{
			a: {{"expense/" + district + "/meals", money.Yuan(12)}, {"fund/diner/meals", -money.Yuan(6)},
				{"fund/city/meals", -money.Yuan(3)}, {"fund/" + district + "/meals", -money.Yuan(3)}},
			b: {{"expense/" + district + "/meals", money.Yuan(15)}, {"fund/diner/meals", -money.Yuan(2)},
				{"fund/city/meals", -money.Yuan(5)}, {"fund/" + district + "/meals", -money.Yuan(5)},
				{"fund/" + street + "/meals", -money.Yuan(3)}},
		}
		if posted := f.postings(st.ID); len(posted) != 2 || !sameEntries(posted[a], want[a]) || !sameEntries(posted[b], want[b]) {
			t.Fatalf("postings: %+v", posted)
		}
		var memo, name string
		if err := d.QueryRow(f.ctx, `SELECT t.memo, a.name FROM meal_transactions m JOIN ledger_transactions t
			ON t.id = m.ledger_transaction_id JOIN ledger_accounts a ON a.code = ? WHERE m.id = ?`,
			"fund/"+street+"/meals", b).Scan(&memo, &name); err != nil {
			t.Fatal(err)
		}
		if memo != msg.Default().T("meals.ledger.memo", b, "2024-03-05", "午餐") || !strings.Contains(name, street) {
			t.Fatalf("memo %q, account name %q", memo, name)
		}
		var events int
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'meals.settlement.approve' AND target_id = ?`,
			itoa(st.ID)).Scan(&events); err != nil || events != 1 {
			t.Fatalf("audit: %v %d", err, events)
		}
		if c := f.verified(); c.Transactions != 2 || c.Settlements != 1 || c.Meals != 2 || c.Debits != money.Yuan(27) || c.Entries != 9 {
			t.Fatalf("check: %+v", c)
		}
	})
}

func sameEntries(a, b []entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestApproveMany posts a settlement of more meals than one batch holds: every meal gets its own
// transaction and the ledger proves out.
func TestApproveMany(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newSettleFixture(t, d)
		const n = 2*postBatch + 17
		err := d.InTx(f.ctx, func(tx *db.Tx) error {
			for i := range n {
				sp := standard
				if i%3 == 0 {
					sp = streetly
				}
				if _, err := tx.Exec(f.ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code,
					meal_type, served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, channel, status,
					idempotency_key, created_at) VALUES (?, ?, ?, ?, 'lunch', ?, ?, ?, ?, ?, ?, 'counter', 'served', ?, ?)`,
					f.laoshanCanteen, f.who, f.laoshanLunch, f.laoshan, day(2024, 3, 1+i%31).String(), int64(sp.price()),
					int64(sp.diner), int64(sp.city), int64(sp.district), int64(sp.street), "many-"+itoa(int64(i)), f.s.stamp()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.s.GenerateSettlement(f.ctx, f.admin, f.laoshanCanteen, march)
		if err != nil || st.Meals != n {
			t.Fatalf("generate: %v %+v", err, st)
		}
		if err := f.s.ApproveSettlement(f.ctx, f.laoshanApprover, st.ID, st.Version); err != nil {
			t.Fatal(err)
		}
		if c := f.verified(); c.Transactions != n || c.Meals != n || c.Debits != st.Price {
			t.Fatalf("check: %+v, settlement %+v", c, st)
		}
	})
}

// TestPostRefusesUnbalanced: a meal whose split does not add up to its price is never posted,
// and the approval that met it leaves nothing behind; a settlement whose every meal is held back
// approves with nothing to post.
func TestPostRefusesUnbalanced(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newSettleFixture(t, d)
		held := f.meal(f.laoshanCanteen, f.laoshanLunch, f.who, day(2024, 3, 4), standard)
		f.flag(held, "deceased", FlagConfirmed)
		st, err := f.s.GenerateSettlement(f.ctx, f.admin, f.laoshanCanteen, march)
		if err != nil || st.Meals != 0 || st.HeldMeals != 1 {
			t.Fatalf("generate: %v %+v", err, st)
		}
		bad := []mealPosting{{id: held, region: f.laoshan, servedOn: "2024-03-04", mealType: Lunch, price: money.Yuan(12),
			diner: money.Yuan(6), city: money.Yuan(3)}}
		err = d.InTx(f.ctx, func(tx *db.Tx) error { return f.s.postMeals(f.ctx, tx, st, bad, "test") })
		if err == nil || !strings.Contains(err.Error(), "does not balance") {
			t.Fatalf("unbalanced meal posted: %v", err)
		}
		if c := f.verified(); c.Transactions != 0 {
			t.Fatalf("a refused posting left %d transactions", c.Transactions)
		}
		if err := f.s.ApproveSettlement(f.ctx, f.laoshanApprover, st.ID, st.Version); err != nil {
			t.Fatal(err)
		}
		if c := f.verified(); c.Transactions != 0 || c.Settlements != 1 {
			t.Fatalf("an empty settlement approved: %+v", c)
		}
	})
}

// TestVerifyLedgerFindsTampering changes an approved month behind the application's back, one
// way per case on a database of its own, and checks that VerifyLedger says what is wrong.
func TestVerifyLedgerFindsTampering(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		tamper func(f *settleFixture, st *Settlement, meal int64)
		want   []string // message keys whose text (up to the first verb) must appear
	}{
		{"a meal posted twice", func(f *settleFixture, st *Settlement, meal int64) {
			f.exec(`INSERT INTO ledger_transactions (month, kind, memo, created_by, created_at, meal_settlement_id)
				SELECT t.month, t.kind, t.memo, 'mallory', t.created_at, t.meal_settlement_id FROM ledger_transactions t
				JOIN meal_transactions m ON m.ledger_transaction_id = t.id WHERE m.id = ?`, meal)
			f.exec(`INSERT INTO ledger_entries (transaction_id, account, amount_fen) SELECT
				(SELECT MAX(id) FROM ledger_transactions), e.account, e.amount_fen FROM ledger_entries e
				JOIN meal_transactions m ON m.ledger_transaction_id = e.transaction_id WHERE m.id = ?`, meal)
		}, []string{"meals.ledger.problem.posted_twice", "meals.ledger.problem.tx_count", "meals.ledger.problem.orphan",
			"meals.ledger.problem.sum"}},
		{"a draft posted", func(f *settleFixture, st *Settlement, meal int64) {
			f.meal(f.shinanCanteen, f.shinanLunch, f.who, day(2024, 3, 9), standard)
			draft, err := f.s.GenerateSettlement(f.ctx, f.admin, f.shinanCanteen, march)
			if err != nil {
				f.t.Fatal(err)
			}
			f.exec(`INSERT INTO ledger_transactions (month, kind, memo, created_by, created_at, meal_settlement_id)
				VALUES ('2024-03', 'payment', 'x', 'mallory', '2024-04-10T02:00:00Z', ?)`, draft.ID)
			f.exec(`INSERT INTO ledger_entries (transaction_id, account, amount_fen) VALUES
				((SELECT MAX(id) FROM ledger_transactions), 'fund/city/meals', 100), ((SELECT MAX(id) FROM ledger_transactions), 'fund/diner/meals', -100)`)
		}, []string{"meals.ledger.problem.draft_posted"}},
		{"an unbalanced posting", func(f *settleFixture, st *Settlement, meal int64) {
			f.exec(`INSERT INTO ledger_transactions (month, kind, memo, created_by, created_at, meal_settlement_id)
				VALUES ('2024-03', 'payment', 'y', 'mallory', '2024-04-10T02:00:00Z', ?)`, st.ID)
			f.exec(`INSERT INTO ledger_entries (transaction_id, account, amount_fen) VALUES ((SELECT MAX(id) FROM ledger_transactions), 'fund/city/meals', -100)`)
		}, []string{"meals.ledger.problem.unbalanced", "meals.ledger.problem.orphan", "meals.ledger.problem.tx_count"}},
		{"a meal unlinked", func(f *settleFixture, st *Settlement, meal int64) {
			f.exec(`UPDATE meal_transactions SET ledger_transaction_id = NULL WHERE id = ?`, meal)
		}, []string{"meals.ledger.problem.unposted", "meals.ledger.problem.orphan"}},
		{"a settlement's totals changed", func(f *settleFixture, st *Settlement, meal int64) {
			f.exec(`UPDATE meal_settlements SET city_fen = city_fen + 100, diner_fen = diner_fen - 100 WHERE id = ?`, st.ID)
		}, []string{"meals.ledger.problem.sum"}},
		{"a meal's split changed", func(f *settleFixture, st *Settlement, meal int64) {
			f.exec(`UPDATE meal_transactions SET city_fen = city_fen - 100, diner_pays_fen = diner_pays_fen + 100 WHERE id = ?`, meal)
		}, []string{"meals.ledger.problem.split"}},
		{"a meal taken out of its settlement", func(f *settleFixture, st *Settlement, meal int64) {
			f.exec(`UPDATE meal_transactions SET settlement_id = NULL WHERE id = ?`, meal)
		}, []string{"meals.ledger.problem.misposted", "meals.ledger.problem.meal_count"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := newSettleFixture(t, d)
				meal := f.meal(f.laoshanCanteen, f.laoshanLunch, f.who, day(2024, 3, 4), streetly)
				f.meal(f.laoshanCanteen, f.laoshanLunch, f.who, day(2024, 3, 5), standard)
				st, err := f.s.GenerateSettlement(f.ctx, f.admin, f.laoshanCanteen, march)
				if err != nil {
					t.Fatal(err)
				}
				if err := f.s.ApproveSettlement(f.ctx, f.laoshanApprover, st.ID, st.Version); err != nil {
					t.Fatal(err)
				}
				f.verified()
				tc.tamper(f, st, meal)
				c, err := f.s.VerifyLedger(f.ctx)
				if err != nil {
					t.Fatal(err)
				}
				all := strings.Join(c.Problems, "\n")
				for _, key := range tc.want {
					if !messageRE(key).MatchString(all) {
						t.Errorf("no %s among the problems:\n%s", key, all)
					}
				}
			})
		})
	}
}

// messageRE matches any text of message key, its verbs standing for anything.
func messageRE(key string) *regexp.Regexp {
	return regexp.MustCompile(strings.NewReplacer("%d", ".+?", "%s", ".+?").Replace(regexp.QuoteMeta(msg.Default().T(key))))
}

// exec runs a statement of a test's tampering.
func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.d.Exec(f.ctx, query, args...); err != nil {
		f.t.Fatal(err)
	}
}

// BenchmarkApproveSettlement approves a settlement of 3,000 meals (a large canteen's month):
// the postings go in batches, so the time is a handful of statements, not one per meal.
func BenchmarkApproveSettlement(b *testing.B) {
	const n = 3000
	ctx := context.Background()
	approver := &auth.Principal{Login: "approver", Role: auth.DistrictApprover, Scope: "370212"}
	for b.Loop() {
		b.StopTimer()
		d := dbtest.SQLite(b)
		if _, err := synth.Regions(ctx, d, 1); err != nil {
			b.Fatal(err)
		}
		ck := civiltest.NewClock(day(2024, 4, 10))
		s := &Store{DB: d, Audit: &audit.Log{Now: ck.Now}, Policies: DefaultPolicies(), Now: ck.Now}
		var community string
		if err := d.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE level = 5 AND code LIKE '370212%'`).Scan(&community); err != nil {
			b.Fatal(err)
		}
		cid, err := s.CreateCanteen(ctx, auth.System(), CanteenInput{Name: "食堂", Operator: "公司", Address: "路", RegionCode: community})
		if err != nil {
			b.Fatal(err)
		}
		item, err := s.AddMenuItem(ctx, auth.System(), cid, MenuItem{Name: "套餐", MealType: Lunch, Price: money.Yuan(15)})
		if err != nil {
			b.Fatal(err)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO diners (name, id_sealed, id_hash, id_masked, birth_date, home_region, card_no,
				qr_token_hash, created_by, created_at, updated_at) VALUES ('老人', '', 'h', '', '1950-01-01', ?, 'c', 'q', 'b', '', '')`,
				community); err != nil {
				return err
			}
			for i := range n {
				if _, err := tx.Exec(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code,
					meal_type, served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, channel, status,
					idempotency_key, created_at) SELECT ?, id, ?, ?, 'lunch', ?, 1500, 200, 500, 500, 300, 'counter', 'served', ?, ''
					FROM diners`, cid, item, community, day(2024, 3, 1+i%31).String(), "bench-"+itoa(int64(i))); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		st, err := s.GenerateSettlement(ctx, auth.System(), cid, march)
		if err != nil || st.Meals != n {
			b.Fatal(err, st)
		}
		b.StartTimer()
		if err := s.ApproveSettlement(ctx, approver, st.ID, st.Version); err != nil {
			b.Fatal(err)
		}
	}
}
