package meals

import (
	"context"
	"fmt"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/civil/civiltest"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/synth"
)

// split is a meal's price shared out: diner, city, district, street (the price is their sum).
type split struct{ diner, city, district, street money.Fen }

func (s split) price() money.Fen { return s.diner + s.city + s.district + s.street }

var (
	standard = split{money.Yuan(6), money.Yuan(3), money.Yuan(3), 0}             // 60+ at home
	streetly = split{money.Yuan(2), money.Yuan(5), money.Yuan(5), money.Yuan(3)} // with a street share
	fullPay  = split{money.Yuan(12), 0, 0, 0}                                    // a second meal: no subsidy
	march    = civil.Month{Year: 2024, Month: 3}
)

// settleFixture is the meals fixture with what settlement tests share: a canteen in 崂山区 and
// one in 市南区, each with a lunch, a diner, and the people who settle.
type settleFixture struct {
	*fixture
	laoshanCanteen, laoshanLunch int64
	shinanCanteen, shinanLunch   int64
	who                          int64 // a diner of 崂山区
	// laoshanApprover and shinanApprover approve their districts' settlements.
	laoshanApprover, shinanApprover *auth.Principal
}

func newSettleFixture(t *testing.T, d *db.DB) *settleFixture {
	t.Helper()
	f := &settleFixture{fixture: newFixture(t, d, day(2024, 4, 10))}
	f.laoshanCanteen, f.laoshanLunch = f.canteen(f.laoshan)
	f.shinanCanteen, f.shinanLunch = f.canteen(f.shinan)
	f.who = f.dinerID(f.diner(f.laoshan, day(1955, 4, 1)))
	f.laoshanApprover = &auth.Principal{Login: "laoshan.approver", Role: auth.DistrictApprover, Scope: "370212"}
	f.shinanApprover = &auth.Principal{Login: "shinan.approver", Role: auth.DistrictApprover, Scope: "370202"}
	return f
}

// dinerID is the id of the diner with card number card.
func (f *fixture) dinerID(card string) int64 {
	f.t.Helper()
	var id int64
	if err := f.d.QueryRow(f.ctx, `SELECT id FROM diners WHERE card_no = ?`, card).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// meal inserts a served meal of item at canteen cid on day with split sp and returns its id:
// settlement tests need meals on given days with given shares, which the counter would not make.
func (f *fixture) meal(cid, item, diner int64, on civil.Date, sp split) int64 {
	f.t.Helper()
	f.seq++
	var id int64
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		return tx.QueryRow(f.ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
		served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, channel, status, idempotency_key, created_at)
		SELECT ?, ?, ?, region_code, 'lunch', ?, ?, ?, ?, ?, ?, 'counter', 'served', ?, ? FROM canteens WHERE id = ? RETURNING id`,
			cid, diner, item, on.String(), int64(sp.price()), int64(sp.diner), int64(sp.city), int64(sp.district), int64(sp.street),
			fmt.Sprint("settle-test-", f.seq), f.s.stamp(), cid).Scan(&id)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// flag raises an anti-fraud flag of rule on meal id in status (open, confirmed or cleared), as
// the anti-fraud scan would.
func (f *fixture) flag(id int64, rule, status string) {
	f.t.Helper()
	if _, err := f.d.Exec(f.ctx, `INSERT INTO meal_flags (transaction_id, canteen_id, region_code, served_on, rule, evidence,
		status, created_at) SELECT id, canteen_id, region_code, served_on, ?, '{}', ?, ? FROM meal_transactions WHERE id = ?`,
		rule, status, f.s.stamp(), id); err != nil {
		f.t.Fatal(err)
	}
}

// setFlags moves every flag of meal id to status.
func (f *fixture) setFlags(id int64, status string) {
	f.t.Helper()
	if _, err := f.d.Exec(f.ctx, `UPDATE meal_flags SET status = ? WHERE transaction_id = ?`, status, id); err != nil {
		f.t.Fatal(err)
	}
}

// sums adds up what the meals of settlement id say, straight from the table.
func (f *fixture) sums(id int64) (n int, sp split) {
	f.t.Helper()
	if err := f.d.QueryRow(f.ctx, `SELECT COUNT(*), COALESCE(SUM(diner_pays_fen), 0), COALESCE(SUM(city_fen), 0),
		COALESCE(SUM(district_fen), 0), COALESCE(SUM(street_fen), 0) FROM meal_transactions WHERE settlement_id = ?`, id).Scan(
		&n, &sp.diner, &sp.city, &sp.district, &sp.street); err != nil {
		f.t.Fatal(err)
	}
	return n, sp
}

// settlementOf finds canteen cid's settlement in a run.
func settlementOf(t *testing.T, run SettlementRun, cid int64) Settlement {
	t.Helper()
	for _, s := range run.Settlements {
		if s.CanteenID == cid {
			return s
		}
	}
	t.Fatalf("no settlement of canteen %d in %+v", cid, run)
	return Settlement{}
}

// checkTotals fails unless settlement st's totals are the sums of its meals and equal want.
func (f *fixture) checkTotals(st Settlement, meals int, want split) {
	f.t.Helper()
	n, got := f.sums(st.ID)
	if n != st.Meals || got != (split{st.Diner, st.City, st.District, st.Street}) || st.Price != got.price() {
		f.settleFail(st, "totals differ from its meals: %d meals %+v", n, got)
	}
	if st.Meals != meals || got != want {
		f.settleFail(st, "want %d meals %+v, got %d %+v", meals, want, st.Meals, got)
	}
}

func (f *fixture) settleFail(st Settlement, format string, args ...any) {
	f.t.Helper()
	f.t.Fatalf("settlement %d (%s, %d meals): %s", st.ID, st.Month, st.Meals, fmt.Sprintf(format, args...))
}

func add(sps ...split) split {
	var s split
	for _, x := range sps {
		s.diner, s.city, s.district, s.street = s.diner+x.diner, s.city+x.city, s.district+x.district, s.street+x.street
	}
	return s
}

// TestGenerateSettlements settles March: the subsidised meals up to its last day that no
// settlement took, not the full-price, voided or later ones; flagged meals held back; a draft
// rebuilt with what changed; an approved one left alone; a cleared flag's meal in April's.
func TestGenerateSettlements(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newSettleFixture(t, d)
		c, lunch, who := f.laoshanCanteen, f.laoshanLunch, f.who
		f.meal(c, lunch, who, day(2024, 3, 4), standard)
		f.meal(c, lunch, who, day(2024, 3, 5), streetly)
		f.meal(c, lunch, who, day(2024, 2, 27), standard) // February, never settled: taken by March
		f.meal(c, lunch, who, day(2024, 3, 5), fullPay)   // no subsidy: nothing to reimburse
		f.meal(c, lunch, who, day(2024, 4, 1), standard)  // April
		voided := f.meal(c, lunch, who, day(2024, 3, 6), standard)
		if _, err := d.Exec(f.ctx, `UPDATE meal_transactions SET status = 'voided' WHERE id = ?`, voided); err != nil {
			t.Fatal(err)
		}
		open := f.meal(c, lunch, who, day(2024, 3, 7), standard)
		f.flag(open, "two_canteens", FlagOpen)
		f.flag(open, "daily_cap", FlagOpen)
		confirmed := f.meal(c, lunch, who, day(2024, 3, 8), streetly)
		f.flag(confirmed, "closed_day", FlagConfirmed)
		cleared := f.meal(c, lunch, who, day(2024, 3, 9), standard)
		f.flag(cleared, "volume_jump", FlagCleared)
		f.meal(f.shinanCanteen, f.shinanLunch, who, day(2024, 3, 11), standard)

		run, err := f.s.GenerateSettlements(f.ctx, f.admin, march)
		if err != nil {
			t.Fatal(err)
		}
		if run.Built != 2 || run.Kept != 0 || len(run.Settlements) != 2 {
			t.Fatalf("run: %+v", run)
		}
		st := settlementOf(t, run, c)
		f.checkTotals(st, 4, add(standard, streetly, standard, standard))
		if st.Status != SettlementDraft || st.HeldMeals != 2 || st.Held != standard.price()-standard.diner+streetly.price()-streetly.diner ||
			st.RegionCode != f.laoshan || st.CanteenName != "幸福食堂" || st.CreatedBy != "admin" || st.Month != march {
			t.Fatalf("laoshan settlement: %+v", st)
		}
		held, err := f.s.HeldMeals(f.ctx, f.admin, st.ID)
		if err != nil || len(held) != 2 || held[0].ID != open || len(held[0].Rules) != 2 || held[1].ID != confirmed ||
			held[1].Rules[0] != "closed_day" || held[0].DinerName != "用*人" {
			t.Fatalf("held meals: %v %+v", err, held)
		}
		f.checkTotals(settlementOf(t, run, f.shinanCanteen), 1, standard)

		// Rebuilt: a late March meal and the open flag cleared come in; the settlement keeps its id.
		f.meal(c, lunch, who, day(2024, 3, 31), streetly)
		f.setFlags(open, FlagCleared)
		again, err := f.s.GenerateSettlement(f.ctx, f.officerOf("370212"), c, march)
		if err != nil {
			t.Fatal(err)
		}
		f.checkTotals(*again, 6, add(standard, streetly, standard, standard, streetly, standard))
		if again.ID != st.ID || again.Version <= st.Version || again.HeldMeals != 1 {
			t.Fatalf("rebuilt: %+v (was %+v)", again, st)
		}

		// Approved, March is final: a generation leaves it alone and takes nothing more into it.
		if err := f.s.ApproveSettlement(f.ctx, f.laoshanApprover, st.ID, again.Version); err != nil {
			t.Fatal(err)
		}
		late := f.meal(c, lunch, who, day(2024, 3, 30), standard)
		f.setFlags(confirmed, FlagCleared)
		run, err = f.s.GenerateSettlements(f.ctx, f.laoshanApprover, march)
		if err != nil || run.Built != 0 || run.Kept != 1 || settlementOf(t, run, c).Meals != 6 {
			t.Fatalf("after approval: %v %+v", err, run)
		}
		// April's settlement picks up the late March meal and the one whose flag was cleared.
		run, err = f.s.GenerateSettlements(f.ctx, f.laoshanApprover, civil.Month{Year: 2024, Month: 4})
		if err != nil {
			t.Fatal(err)
		}
		april := settlementOf(t, run, c)
		f.checkTotals(april, 3, add(standard, standard, streetly))
		meals, total, err := f.s.SettlementMeals(f.ctx, f.admin, april.ID, 1, 2)
		if err != nil || total != 3 || len(meals) != 2 || meals[0].ID != confirmed || meals[1].ID != late {
			t.Fatalf("april meals: %v %d %+v", err, total, meals)
		}
	})
}

// officerOf is a district approver of district, who may generate there as well as approve.
func (f *fixture) officerOf(district string) *auth.Principal {
	return &auth.Principal{Login: "approver." + district, Role: auth.DistrictApprover, Scope: region.Scope(district)}
}

// TestSettlementAccess: who generates, who reads which settlement.
func TestSettlementAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newSettleFixture(t, d)
		f.meal(f.laoshanCanteen, f.laoshanLunch, f.who, day(2024, 3, 4), standard)
		f.meal(f.shinanCanteen, f.shinanLunch, f.who, day(2024, 3, 4), standard)
		operator := &auth.Principal{Login: "canteen", Role: auth.CanteenOperator, Scope: region.Scope(f.laoshan[:9]), OrgID: f.laoshanCanteen}
		auditor := &auth.Principal{Login: "auditor", Role: auth.Auditor, Scope: "3702"}
		for _, tc := range []struct {
			name string
			p    *auth.Principal
			m    civil.Month
			kind apperr.Kind
		}{
			{"street officer", f.officer, march, apperr.Forbidden},
			{"canteen operator", operator, march, apperr.Forbidden},
			{"auditor", auditor, march, apperr.Forbidden},
			{"no month", f.admin, civil.Month{}, apperr.Invalid},
			{"a month to come", f.admin, civil.Month{Year: 2024, Month: 5}, apperr.Invalid},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.GenerateSettlements(f.ctx, tc.p, tc.m)
				wantKind(t, err, tc.kind)
			})
		}
		if _, err := f.s.GenerateSettlement(f.ctx, f.shinanApprover, f.laoshanCanteen, march); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("another district's canteen: %v", err)
		}
		run, err := f.s.GenerateSettlements(f.ctx, f.shinanApprover, march)
		if err != nil || len(run.Settlements) != 1 || run.Settlements[0].CanteenID != f.shinanCanteen {
			t.Fatalf("市南区's run: %v %+v", err, run)
		}
		run, err = f.s.GenerateSettlements(f.ctx, f.admin, march)
		if err != nil || len(run.Settlements) != 2 {
			t.Fatalf("the city's run: %v %+v", err, run)
		}
		laoshan := settlementOf(t, run, f.laoshanCanteen)
		shinan := settlementOf(t, run, f.shinanCanteen)
		for _, tc := range []struct {
			name string
			p    *auth.Principal
			sees []int64
		}{
			{"city", f.admin, []int64{shinan.ID, laoshan.ID}},
			{"auditor", auditor, []int64{shinan.ID, laoshan.ID}},
			{"崂山区 approver", f.laoshanApprover, []int64{laoshan.ID}},
			{"street officer", f.officer, []int64{laoshan.ID}},
			{"canteen operator", operator, []int64{laoshan.ID}},
			{"another canteen's operator", &auth.Principal{Role: auth.CanteenOperator, Scope: "370212", OrgID: f.shinanCanteen}, []int64{shinan.ID}},
			{"nobody", nil, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list, err := f.s.Settlements(f.ctx, tc.p, SettlementQuery{Month: march})
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, s := range list {
					ids = append(ids, s.ID)
				}
				if fmt.Sprint(ids) != fmt.Sprint(tc.sees) {
					t.Fatalf("lists %v, want %v", ids, tc.sees)
				}
				for _, id := range []int64{laoshan.ID, shinan.ID} {
					_, err := f.s.Settlement(f.ctx, tc.p, id)
					sees := err == nil
					if sees != contains(tc.sees, id) {
						t.Fatalf("settlement %d: %v", id, err)
					}
					if !sees {
						wantKind(t, err, apperr.NotFound)
					}
				}
			})
		}
		if list, err := f.s.Settlements(f.ctx, f.admin, SettlementQuery{District: "370212"}); err != nil || len(list) != 1 {
			t.Fatalf("by district: %v %d", err, len(list))
		}
		_, err = f.s.Settlements(f.ctx, f.admin, SettlementQuery{District: "37'"})
		wantKind(t, err, apperr.Invalid)
	})
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// BenchmarkGenerateSettlements settles a month of 300 canteens with 200 subsidised meals each
// (60,000 meals, about a quarter of the city's month), every tenth meal flagged: a few set-based
// statements per canteen.
func BenchmarkGenerateSettlements(b *testing.B) {
	const canteens, perCanteen = 300, 200
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		d := dbtest.SQLite(b)
		if _, err := synth.Regions(ctx, d, 1); err != nil {
			b.Fatal(err)
		}
		ck := civiltest.NewClock(day(2024, 4, 10))
		s := &Store{DB: d, Audit: &audit.Log{Now: ck.Now}, Policies: DefaultPolicies(), Now: ck.Now}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO diners (name, id_sealed, id_hash, id_masked, birth_date, home_region, card_no,
				qr_token_hash, created_by, created_at, updated_at) SELECT '老人', '', 'h', '', '1950-01-01', MIN(code), 'c', 'q', 'b', '', ''
				FROM regions WHERE level = 5`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO canteens (name, operator, address, region_code, created_at, updated_at)
				SELECT '食堂', '公司', '路', code, '', '' FROM regions WHERE level = 5 ORDER BY code LIMIT ?`, canteens); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO menu_items (canteen_id, name, meal_type, price_fen, created_at, updated_at)
				SELECT id, '套餐', 'lunch', 1200, '', '' FROM canteens`); err != nil {
				return err
			}
			for i := range perCanteen {
				if _, err := tx.Exec(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code,
					meal_type, served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, channel, status,
					idempotency_key, created_at) SELECT c.id, (SELECT MIN(id) FROM diners), i.id, c.region_code, 'lunch', ?, 1200, 600,
					300, 300, 0, 'counter', 'served', ?, '' FROM canteens c JOIN menu_items i ON i.canteen_id = c.id`,
					day(2024, 3, 1+i%31).String(), fmt.Sprint("b", i)); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `INSERT INTO meal_flags (transaction_id, canteen_id, region_code, served_on, rule, evidence, created_at)
				SELECT id, canteen_id, region_code, served_on, 'daily_cap', '{}', '' FROM meal_transactions WHERE id % 10 = 0`)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		run, err := s.GenerateSettlements(ctx, auth.System(), march)
		if err != nil || len(run.Settlements) != canteens {
			b.Fatal(err, len(run.Settlements))
		}
	}
}
