package meals

import (
	"slices"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// reviewFixture is a scanned March with one flag in 崂山区 (a meal at a weekday canteen on a
// Sunday) and one in 市南区.
type reviewFixture struct {
	*fixture
	laoshanCanteen, shinanCanteen int64
	laoshanFlag, shinanFlag       int64
	laoshanMeal                   int64
}

func newReviewFixture(t *testing.T, d *db.DB) *reviewFixture {
	t.Helper()
	f := &reviewFixture{fixture: newFixture(t, d, day(2024, 3, 20))}
	var lItem, sItem int64
	f.laoshanCanteen, lItem = f.canteen(f.laoshan)
	f.shinanCanteen, sItem = f.canteen(f.shinan)
	if _, err := d.Exec(f.ctx, `UPDATE canteens SET open_days = '1111100'`); err != nil {
		t.Fatal(err)
	}
	diner, _ := f.fraudDiner(f.laoshan)
	f.laoshanMeal = f.fraudMeal(f.laoshanCanteen, lItem, diner, at(10, 11, 0), true)
	f.fraudMeal(f.shinanCanteen, sItem, diner, at(17, 11, 0), false)
	f.fraudScan(onlyRule("closed_day"))
	for _, c := range []struct {
		canteen int64
		id      *int64
	}{{f.laoshanCanteen, &f.laoshanFlag}, {f.shinanCanteen, &f.shinanFlag}} {
		if err := d.QueryRow(f.ctx, `SELECT id FROM meal_flags WHERE canteen_id = ?`, c.canteen).Scan(c.id); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// status is flag id's status.
func (f *reviewFixture) status(id int64) string {
	f.t.Helper()
	var s string
	if err := f.d.QueryRow(f.ctx, `SELECT status FROM meal_flags WHERE id = ?`, id).Scan(&s); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// TestReviewFlagPermissions tries a review of a 崂山区 flag as each kind of caller: only the
// city and 崂山区 may decide; whoever sees it without the right is refused, whoever does not see
// it does not find it; each decision is audited.
func TestReviewFlagPermissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newReviewFixture(t, d)
		who := fraudPrincipals(f.fixture, f.laoshanCanteen)
		for _, tc := range []struct {
			caller string
			want   apperr.Kind // 0: allowed
		}{
			{"laoshan street", apperr.Forbidden}, // sees it, may not review
			{"auditor", apperr.Forbidden},
			{"operator", apperr.Forbidden},
			{"other operator", apperr.NotFound},
			{"shinan district", apperr.NotFound}, // out of scope: as if it did not exist
			{"laoshan district", 0},
			{"city", 0},
		} {
			t.Run(tc.caller, func(t *testing.T) {
				err := f.s.ReviewFlag(f.ctx, who[tc.caller], f.laoshanFlag, FlagConfirmed, "周日不营业却有刷卡，已核实为补录")
				if tc.want == 0 {
					if err != nil {
						t.Fatal(err)
					}
					if f.status(f.laoshanFlag) != FlagConfirmed {
						t.Fatal("not confirmed")
					}
					return
				}
				wantKind(t, err, tc.want)
			})
		}
		var n int
		var detail string
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*), MAX(detail) FROM audit_log WHERE action = 'meals.flag.review' AND target_id = ?`,
			itoa(f.laoshanFlag)).Scan(&n, &detail); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Fatalf("%d reviews audited, want 2", n)
		}
	})
}

// TestReviewFlagInput checks that a refused review (no note, a bad decision, no flag, an
// unknown or out-of-scope flag in a batch) changes nothing, that a batch is all or none, and
// that a decision is final once the meal is in an approved settlement.
func TestReviewFlagInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newReviewFixture(t, d)
		city := f.admin
		for _, tc := range []struct {
			name   string
			ids    []int64
			status string
			note   string
			want   apperr.Kind
		}{
			{"no note", []int64{f.laoshanFlag}, FlagCleared, "  ", apperr.Invalid},
			{"bad status", []int64{f.laoshanFlag}, FlagOpen, "说明", apperr.Invalid},
			{"nothing chosen", nil, FlagCleared, "说明", apperr.Invalid},
			{"unknown flag", []int64{f.laoshanFlag, 999999}, FlagCleared, "说明", apperr.NotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.ReviewFlags(f.ctx, city, tc.ids, tc.status, tc.note)
				wantKind(t, err, tc.want)
				if f.status(f.laoshanFlag) != FlagOpen {
					t.Fatal("a refused review changed a flag")
				}
			})
		}
		// A batch with one flag outside the district's scope changes nothing.
		laoshan := &auth.Principal{Login: "laoshan", Role: auth.DistrictApprover, Scope: "370212"}
		_, err := f.s.ReviewFlags(f.ctx, laoshan, []int64{f.laoshanFlag, f.shinanFlag}, FlagCleared, "批量核查")
		wantKind(t, err, apperr.NotFound)
		if f.status(f.laoshanFlag) != FlagOpen {
			t.Fatal("half a batch was written")
		}
		n, err := f.s.ReviewFlags(f.ctx, city, []int64{f.laoshanFlag, f.shinanFlag, f.laoshanFlag}, FlagCleared, "批量核查")
		if err != nil || n != 2 || f.status(f.shinanFlag) != FlagCleared {
			t.Fatalf("batch: %d, %v", n, err)
		}
		// A decision may be corrected until the meal is in an approved settlement.
		if err := f.s.ReviewFlag(f.ctx, city, f.laoshanFlag, FlagConfirmed, "复核后确认"); err != nil {
			t.Fatal(err)
		}
		if err := d.InTx(f.ctx, func(tx *db.Tx) error {
			var sid int64
			if err := tx.QueryRow(f.ctx, `INSERT INTO meal_settlements (canteen_id, month, region_code, status, created_by, created_at)
				VALUES (?, '2024-03', ?, 'approved', 'test', ?) RETURNING id`, f.laoshanCanteen, f.laoshan, f.s.stamp()).Scan(&sid); err != nil {
				return err
			}
			_, err := tx.Exec(f.ctx, `UPDATE meal_transactions SET settlement_id = ? WHERE id = ?`, sid, f.laoshanMeal)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		wantKind(t, f.s.ReviewFlag(f.ctx, city, f.laoshanFlag, FlagCleared, "再改"), apperr.Conflict)
	})
}

// TestFlagsList lists flags by caller and filter, and counts them by rule.
func TestFlagsList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newReviewFixture(t, d)
		who := fraudPrincipals(f.fixture, f.laoshanCanteen)
		ids := func(p *auth.Principal, ff FlagFilter) []int64 {
			t.Helper()
			fl, total, err := f.s.Flags(f.ctx, p, ff)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, x := range fl {
				out = append(out, x.ID)
			}
			if total != len(out) {
				t.Fatalf("total %d, listed %d", total, len(out))
			}
			slices.Sort(out)
			return out
		}
		both := []int64{f.laoshanFlag, f.shinanFlag}
		slices.Sort(both)
		for _, tc := range []struct {
			caller string
			filter FlagFilter
			want   []int64
		}{
			{"city", FlagFilter{}, both},
			{"auditor", FlagFilter{Rule: "closed_day", Status: FlagOpen}, both},
			{"laoshan district", FlagFilter{}, []int64{f.laoshanFlag}},
			{"laoshan district", FlagFilter{Region: "370202"}, nil}, // another district: nothing, no error
			{"shinan district", FlagFilter{}, []int64{f.shinanFlag}},
			{"laoshan street", FlagFilter{}, []int64{f.laoshanFlag}},
			{"operator", FlagFilter{}, []int64{f.laoshanFlag}},
			{"other operator", FlagFilter{}, nil},
			{"city", FlagFilter{Region: "370202"}, []int64{f.shinanFlag}},
			{"city", FlagFilter{CanteenID: f.laoshanCanteen}, []int64{f.laoshanFlag}},
			{"city", FlagFilter{From: day(2024, 3, 11)}, []int64{f.shinanFlag}},
			{"city", FlagFilter{To: day(2024, 3, 11)}, []int64{f.laoshanFlag}},
			{"city", FlagFilter{Rule: "daily_cap"}, nil},
			{"city", FlagFilter{Status: FlagCleared}, nil},
		} {
			t.Run(tc.caller, func(t *testing.T) {
				if got := ids(who[tc.caller], tc.filter); !slices.Equal(got, tc.want) {
					t.Fatalf("%+v: flags %v, want %v", tc.filter, got, tc.want)
				}
			})
		}
		fl, _, err := f.s.Flags(f.ctx, f.admin, FlagFilter{CanteenID: f.laoshanCanteen})
		if err != nil {
			t.Fatal(err)
		}
		if g := fl[0]; g.DinerName != "张*国" || g.CanteenName != "幸福食堂" || g.ServedOn != day(2024, 3, 10) || g.Subsidy != 600 ||
			g.Evidence.Weekday != 7 || g.TransactionID != f.laoshanMeal || g.MealType != Lunch {
			t.Fatalf("flag %+v", g)
		}
		_, _, err = f.s.Flags(f.ctx, f.admin, FlagFilter{Status: "nonsense"})
		wantKind(t, err, apperr.Invalid)
		_, _, err = f.s.Flags(f.ctx, &auth.Principal{Login: "charity", Role: auth.Charity, Scope: "3702"}, FlagFilter{})
		wantKind(t, err, apperr.Forbidden)

		counts, err := f.s.FlagCounts(f.ctx, who["laoshan district"], FlagFilter{Rule: "closed_day", Status: FlagCleared})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(counts, func(c FlagCount) bool { return c.Rule == "closed_day" })
		if len(counts) != len(FraudRules()) || i < 0 || counts[i].Open != 1 || counts[i].Total() != 1 {
			t.Fatalf("counts %+v", counts)
		}
	})
}

// TestScanFraudFor is the "scan now" of a district: it needs the right to review, a month not
// in the future, and flags only the meals of its own canteens.
func TestScanFraudFor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		l, lItem := f.canteen(f.laoshan)
		s, sItem := f.canteen(f.shinan)
		diner, _ := f.fraudDiner(f.laoshan)
		f.fraudMeal(l, lItem, diner, at(5, 11, 50), true)
		f.fraudMeal(s, sItem, diner, at(5, 12, 0), false)
		who := fraudPrincipals(f, l)

		_, err := f.s.ScanFraudFor(f.ctx, who["laoshan street"], civil.Month{Year: 2024, Month: 3})
		wantKind(t, err, apperr.Forbidden)
		_, err = f.s.ScanFraudFor(f.ctx, who["laoshan district"], civil.Month{Year: 2024, Month: 4})
		wantKind(t, err, apperr.Invalid)

		rep, err := f.s.ScanFraudFor(f.ctx, who["shinan district"], civil.Month{Year: 2024, Month: 3})
		if err != nil {
			t.Fatal(err)
		}
		// 市南区 flags its own meal of the pair; 崂山区's is left to 崂山区.
		if rep.Meals != 1 || rep.NewFlags() != 1 || rep.To != day(2024, 3, 20) || rep.Scope != "370202" {
			t.Fatalf("report %+v", rep)
		}
		var region string
		if err := d.QueryRow(f.ctx, `SELECT region_code FROM meal_flags`).Scan(&region); err != nil {
			t.Fatal(err)
		}
		if region[:6] != "370202" {
			t.Fatalf("flag in %s", region)
		}
		if rep, err = f.s.ScanFraudFor(f.ctx, who["city"], civil.Month{Year: 2024, Month: 3}); err != nil || rep.NewFlags() != 1 || rep.Found["two_canteens"] != 2 {
			t.Fatalf("city scan %+v, %v", rep, err)
		}
	})
}
