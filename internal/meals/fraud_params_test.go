package meals

import (
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
)

// fraudParamStore gives the fixture's store the parameter store the app gives it — the shipped
// parameters seeded into the test database — so that a test changes a threshold the way an
// administrator does.
func (f *fixture) fraudParamStore() *paramdb.Store {
	f.t.Helper()
	if f.s.Params == nil {
		ps := &paramdb.Store{DB: f.d, Audit: f.s.Audit, Now: f.clock.Now}
		if err := ps.Seed(f.ctx); err != nil {
			f.t.Fatal(err)
		}
		f.s.Params = ps
	}
	return f.s.Params
}

// setFraudParam enters value for the parameter name in region from the day from, through the
// parameter store, as the parameter pages do.
func (f *fixture) setFraudParam(name, region string, from civil.Date, value int64) {
	f.t.Helper()
	shipped, err := policy.Default().Lookup(name, "3702", "", from)
	if err != nil {
		f.t.Fatal(err)
	}
	p := policy.Param{Name: name, Region: region, ValidFrom: from, Value: value, Unit: shipped.Unit, Source: "测试：区级阈值"}
	if err := f.fraudParamStore().Add(f.ctx, f.admin, p, "127.0.0.1"); err != nil {
		f.t.Fatal(err)
	}
}

// TestFraudThresholdsResolve resolves the two-canteen window for meals of two districts on two
// days, with 市南区 setting its own from the 10th: each meal gets its region's value of its day,
// through the longest region prefix, and each (rule, region, day) is resolved once.
func TestFraudThresholdsResolve(t *testing.T) {
	name := "meals.fraud.two_canteens.window_minutes"
	set, err := policy.Default().With(policy.Param{Name: name, Region: "370202", ValidFrom: day(2024, 3, 10), Value: 10, Unit: policy.Count, Source: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	rules := onlyRule("two_canteens")
	th := newFraudThresholds(set, rules)
	var meals []fraudMeal
	for _, region := range []string{"370202001001", "370202002003", "370212001001", "370213001001"} {
		for _, d := range []int{9, 10, 10} {
			meals = append(meals, fraudMeal{region: region, day: day(2024, 3, d)})
		}
	}
	th.assignRegions(meals)
	for _, m := range meals {
		want, wantRegion := int64(30), "3702"
		if strings.HasPrefix(m.region, "370202") {
			wantRegion = "370202"
			if !m.day.Before(day(2024, 3, 10)) {
				want = 10
			}
		}
		l, ok := th.of(&rules[0], &m)
		if !ok || l.windowMinutes != want || m.paramRegion != wantRegion {
			t.Errorf("%s on %s: window %d (%v), region %q; want %d, %q", m.region, m.day, l.windowMinutes, ok, m.paramRegion, want, wantRegion)
		}
	}
	if len(th.cache) != 4 || th.err != nil {
		t.Errorf("%d resolutions cached (err %v), want 4: two regions by two days", len(th.cache), th.err)
	}
}

// TestScanFraudDistrictWindow has 市南区 narrow the two-canteen window to 10 minutes from
// 10 March: pairs 20 minutes apart are flagged before that day everywhere, and from it only on
// the 崂山区 side; pairs within 市南区 are flagged from it only when 10 minutes apart or less.
func TestScanFraudDistrictWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		la, laItem := f.canteen(f.laoshan)
		la2, la2Item := f.canteen(f.laoshan)
		sn, snItem := f.canteen(f.shinan)
		sn2, sn2Item := f.canteen(f.shinan)
		across, _ := f.fraudDiner(f.laoshan)
		inLaoshan, _ := f.fraudDiner(f.laoshan)
		closeBy, _ := f.fraudDiner(f.shinan)
		apart, _ := f.fraudDiner(f.shinan)
		before := f.fraudMeals(
			fraudMealSpec{canteen: la, item: laItem, diner: across, at: at(5, 11, 50)},
			fraudMealSpec{canteen: sn, item: snItem, diner: across, at: at(5, 12, 10)},
			fraudMealSpec{canteen: sn, item: snItem, diner: apart, at: at(5, 11, 0)},
			fraudMealSpec{canteen: sn2, item: sn2Item, diner: apart, at: at(5, 11, 20)})
		after := f.fraudMeals(
			fraudMealSpec{canteen: la, item: laItem, diner: across, at: at(12, 11, 50)},
			fraudMealSpec{canteen: sn, item: snItem, diner: across, at: at(12, 12, 10)},
			fraudMealSpec{canteen: la, item: laItem, diner: inLaoshan, at: at(12, 11, 0)},
			fraudMealSpec{canteen: la2, item: la2Item, diner: inLaoshan, at: at(12, 11, 20)},
			fraudMealSpec{canteen: sn, item: snItem, diner: closeBy, at: at(12, 11, 0)},
			fraudMealSpec{canteen: sn2, item: sn2Item, diner: closeBy, at: at(12, 11, 5)},
			fraudMealSpec{canteen: sn, item: snItem, diner: apart, at: at(12, 11, 0)},
			fraudMealSpec{canteen: sn2, item: sn2Item, diner: apart, at: at(12, 11, 20)})
		f.setFraudParam("meals.fraud.two_canteens.window_minutes", "370202", day(2024, 3, 10), 10)

		f.fraudScan(onlyRule("two_canteens"))
		got := f.fraudFlags("two_canteens")
		wantFlagged(t, got, before[0], before[1], before[2], before[3], after[0], after[2], after[3], after[4], after[5])
		for id, want := range map[int64]int64{before[1]: 30, before[3]: 30, after[0]: 30, after[2]: 30, after[4]: 10, after[5]: 10} {
			if ev := got[id].evidence; ev.WindowMinutes != want {
				t.Errorf("meal %d: evidence %+v, want the window %d", id, ev, want)
			}
		}
		if ev := got[after[0]].evidence; ev.OtherTransaction != after[1] || ev.Minutes != 20 {
			t.Errorf("the 崂山区 side of the pair across districts: %+v", ev)
		}
	})
}

// TestScanFraudBadThreshold enters a threshold the rules cannot run on, or removes one: the
// scan answers an error naming it, in Chinese, and records no flag and no scan.
func TestScanFraudBadThreshold(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(f *fixture)
		code   string
		want   string
	}{
		{"history of 0 days", func(f *fixture) {
			f.setFraudParam("meals.fraud.volume_jump.history_days", "370212", day(2024, 3, 1), 0)
		}, "meals.fraud.threshold_invalid", "比较的历史天数"},
		{"window of a day and more", func(f *fixture) {
			f.setFraudParam("meals.fraud.two_canteens.window_minutes", "3702", day(2024, 3, 15), 1441)
		}, "meals.fraud.threshold_invalid", "时间窗口（分钟）"},
		{"no cap", func(f *fixture) {
			if _, err := f.d.Exec(f.ctx, `DELETE FROM policy_params WHERE name = 'meals.fraud.daily_cap.max_meals'`); err != nil {
				f.t.Fatal(err)
			}
		}, "meals.fraud.threshold_missing", "每人每日用餐上限"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := newFixture(t, d, day(2024, 3, 20))
				a, aItem := f.canteen(f.laoshan)
				b, bItem := f.canteen(f.shinan)
				diner, _ := f.fraudDiner(f.laoshan)
				// Flagged by every other rule: four meals at two canteens a minute apart, on a
				// Sunday that the canteens are closed.
				for i := range 4 {
					f.fraudMeal([]int64{a, b}[i%2], []int64{aItem, bItem}[i%2], diner, at(17, 11, i), true)
				}
				if _, err := d.Exec(f.ctx, `UPDATE canteens SET open_days = '1111100'`); err != nil {
					t.Fatal(err)
				}
				f.fraudParamStore()
				tt.change(f)
				_, err := f.s.ScanFraud(f.ctx, day(2024, 3, 1), day(2024, 3, 20))
				if e := apperr.As(err); err == nil || e.Kind != apperr.Conflict || e.Code != tt.code || !strings.Contains(e.Message, tt.want) ||
					!strings.Contains(e.Message, "本次检查未执行") {
					t.Fatalf("scan: %v; want a %s naming %s", err, tt.code, tt.want)
				}
				var flags, scans int
				if err := d.QueryRow(f.ctx, `SELECT (SELECT COUNT(*) FROM meal_flags), (SELECT COUNT(*) FROM audit_log
					WHERE action = 'meals.fraud.scan')`).Scan(&flags, &scans); err != nil {
					t.Fatal(err)
				}
				if flags != 0 || scans != 0 {
					t.Fatalf("%d flags and %d scans recorded by a scan that failed", flags, scans)
				}
			})
		})
	}
}

// TestScanFraudParamChange lowers the daily cap of meals through the parameter store between
// two scans: the first scan flags nothing, the next flags the third meal with the new cap.
func TestScanFraudParamChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		cid, item := f.canteen(f.laoshan)
		diner, _ := f.fraudDiner(f.laoshan)
		ids := f.fraudMeals(
			fraudMealSpec{canteen: cid, item: item, diner: diner, at: at(5, 7, 0)},
			fraudMealSpec{canteen: cid, item: item, diner: diner, at: at(5, 11, 0), subsidised: true},
			fraudMealSpec{canteen: cid, item: item, diner: diner, at: at(5, 17, 0)})
		f.fraudParamStore()
		if rep := f.fraudScan(FraudRules()); rep.NewFlags() != 0 {
			t.Fatalf("three meals flagged under the default cap of 3: %+v", rep)
		}
		f.setFraudParam("meals.fraud.daily_cap.max_meals", "3702", day(2024, 3, 1), 2)
		rep := f.fraudScan(FraudRules())
		got := f.fraudFlags("daily_cap")
		wantFlagged(t, got, ids[2])
		if ev := got[ids[2]].evidence; rep.NewFlags() != 1 || ev.MaxMeals != 2 || ev.MaxSubsidised != 1 || ev.Rank != 3 {
			t.Errorf("report %+v, evidence %+v", rep, ev)
		}
	})
}
