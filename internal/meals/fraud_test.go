package meals

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// fraudMealSpec is a meal planted with an exact time, as the counter would have recorded it.
type fraudMealSpec struct {
	canteen, item, diner int64
	at                   time.Time
	subsidised           bool
	flags                string
}

// at is a moment in China time on 2024-03-d.
func at(d, hour, minute int) time.Time {
	return time.Date(2024, time.March, d, hour, minute, 0, 0, civil.China)
}

// fraudMeals inserts meals in one transaction and returns their ids: a 12-yuan lunch, 6 of it
// subsidised (city 3, district 3) when subsidised.
func (f *fixture) fraudMeals(specs ...fraudMealSpec) []int64 {
	f.t.Helper()
	ids := make([]int64, len(specs))
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		for i, m := range specs {
			pays, share := int64(1200), int64(0)
			if m.subsidised {
				pays, share = 600, 300
			}
			f.seq++
			if err := tx.QueryRow(f.ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code,
				meal_type, served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, flags, channel, status,
				idempotency_key, created_at) SELECT ?, ?, ?, region_code, 'lunch', ?, 1200, ?, ?, ?, 0, ?, 'counter', 'served', ?, ?
				FROM canteens WHERE id = ? RETURNING id`, m.canteen, m.diner, m.item, civil.DateOf(m.at.In(civil.China)).String(),
				pays, share, share, m.flags, fmt.Sprintf("fraud-%d", f.seq), db.FormatTime(m.at), m.canteen).Scan(&ids[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return ids
}

// fraudMeal plants one meal and returns its id.
func (f *fixture) fraudMeal(canteen, item, diner int64, when time.Time, subsidised bool) int64 {
	f.t.Helper()
	return f.fraudMeals(fraudMealSpec{canteen: canteen, item: item, diner: diner, at: when, subsidised: subsidised})[0]
}

// fraudDiner registers an elderly diner living in community and returns their id and card.
func (f *fixture) fraudDiner(community string) (int64, string) {
	f.t.Helper()
	r, err := f.s.RegisterDiner(f.ctx, f.admin, DinerInput{Name: "张建国", IDNumber: f.idNumber(day(1950, 6, 1)), HomeRegion: community})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.DinerID, r.CardNo
}

// fraudFlag is one stored flag as the tests compare it.
type fraudFlag struct {
	tx       int64
	status   string
	evidence Evidence
}

// fraudFlags reads the flags of rule, by meal.
func (f *fixture) fraudFlags(rule string) map[int64]fraudFlag {
	f.t.Helper()
	rows, err := f.d.Query(f.ctx, `SELECT transaction_id, status, evidence FROM meal_flags WHERE rule = ?`, rule)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]fraudFlag{}
	for rows.Next() {
		var fl fraudFlag
		var ev string
		if err := rows.Scan(&fl.tx, &fl.status, &ev); err != nil {
			f.t.Fatal(err)
		}
		fl.evidence = parseFraudEvidence(ev)
		out[fl.tx] = fl
	}
	return out
}

// fraudScan scans March 2024 up to the 20th with rules and fails the test on an error.
func (f *fixture) fraudScan(rules []FraudRule) FraudReport {
	f.t.Helper()
	rep, err := f.s.ScanFraudWith(f.ctx, rules, day(2024, 3, 1), day(2024, 3, 20))
	if err != nil {
		f.t.Fatal(err)
	}
	return rep
}

// onlyRule is the default rules file reduced to rule id.
func onlyRule(id string) []FraudRule {
	r, ok := FraudRuleByID(id)
	if !ok {
		panic("no rule " + id)
	}
	return []FraudRule{r}
}

// wantFlagged fails unless rule flagged exactly the meals want.
func wantFlagged(t *testing.T, got map[int64]fraudFlag, want ...int64) {
	t.Helper()
	var ids []int64
	for id := range got {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Fatalf("flagged meals %v, want %v", ids, want)
	}
}

// TestScanFraudDailyCap plants a fourth meal, a second subsidised meal and the counter's second
// lunch beside a clean day and a fourth meal on another day.
func TestScanFraudDailyCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		cid, item := f.canteen(f.laoshan)
		glutton, _ := f.fraudDiner(f.laoshan)
		twice, _ := f.fraudDiner(f.laoshan)
		clean, _ := f.fraudDiner(f.laoshan)
		four := f.fraudMeals(
			fraudMealSpec{canteen: cid, item: item, diner: glutton, at: at(5, 7, 30), subsidised: true},
			fraudMealSpec{canteen: cid, item: item, diner: glutton, at: at(5, 11, 30)},
			fraudMealSpec{canteen: cid, item: item, diner: glutton, at: at(5, 12, 30)},
			fraudMealSpec{canteen: cid, item: item, diner: glutton, at: at(5, 17, 30)})
		two := f.fraudMeals(
			fraudMealSpec{canteen: cid, item: item, diner: twice, at: at(6, 11, 0), subsidised: true},
			fraudMealSpec{canteen: cid, item: item, diner: twice, at: at(6, 17, 0), subsidised: true})
		f.fraudMeals(
			fraudMealSpec{canteen: cid, item: item, diner: clean, at: at(6, 7, 0)},
			fraudMealSpec{canteen: cid, item: item, diner: clean, at: at(6, 11, 0), subsidised: true},
			fraudMealSpec{canteen: cid, item: item, diner: clean, at: at(6, 17, 0)},
			fraudMealSpec{canteen: cid, item: item, diner: clean, at: at(7, 11, 0)}) // a fourth meal, on another day
		// The counter's own flag: a second lunch through Store.Serve today.
		_, card := f.fraudDiner(f.laoshan)
		f.serve(cid, item, card, "k1")
		second, _ := f.serve(cid, item, card, "k2")

		rep := f.fraudScan(onlyRule("daily_cap"))
		got := f.fraudFlags("daily_cap")
		wantFlagged(t, got, four[3], two[1], second.TransactionID)
		if rep.Found["daily_cap"] != 3 || rep.New["daily_cap"] != 3 || rep.Meals != 12 {
			t.Fatalf("report %+v", rep)
		}
		if ev := got[four[3]].evidence; ev.Meals != 4 || ev.MaxMeals != 3 || ev.Rank != 4 || ev.Subsidised != 1 || len(ev.Day) != 4 ||
			ev.Day[0].Transaction != four[0] || !ev.Day[0].Subsidised || ev.Day[0].Canteen != "幸福食堂" || ev.Counter != "" {
			t.Errorf("fourth meal evidence %+v", ev)
		}
		if ev := got[two[1]].evidence; ev.Meals != 2 || ev.Subsidised != 2 || ev.MaxSubsidised != 1 || ev.SubsidisedRank != 2 {
			t.Errorf("second subsidised meal evidence %+v", ev)
		}
		if ev := got[second.TransactionID].evidence; ev.Counter != FlagSecondMeal || ev.Rank != 2 {
			t.Errorf("counter's second meal evidence %+v", ev)
		}
		if lines := ExplainFlag("daily_cap", got[four[3]].evidence); !strings.Contains(lines[0], "当日共用餐 4 次（上限 3 次）") ||
			!strings.Contains(lines[1], "07:30 幸福食堂（午餐，享受补贴）") {
			t.Errorf("explanation %q", lines)
		}
	})
}

// TestScanFraudDeceased plants meals of diners whose death monitoring reports (by death and by
// cremation), whose warning was dismissed, whom the staff marked deceased, and the counter's own
// flag, around the dates that matter.
func TestScanFraudDeceased(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		cid, item := f.canteen(f.laoshan)
		reported, _ := f.fraudDiner(f.laoshan) // monitoring reports a death on 3 March
		cremated, _ := f.fraudDiner(f.laoshan) // only the cremation, on 8 March
		dismissed, _ := f.fraudDiner(f.laoshan)
		marked, markedCard := f.fraudDiner(f.laoshan) // marked deceased by staff on the 10th
		alive, _ := f.fraudDiner(f.laoshan)
		f.deathWarning(reported, "covered_death", `{"death_date":"2024-03-03","registry.tier":"dibao"}`, "open", "")
		f.deathWarning(reported, "earner_death", `{"death_date":"2024-03-04"}`, "open", "")
		f.deathWarning(cremated, "covered_death", `{"cremated_on":"2024-03-08"}`, "assigned", "")
		f.deathWarning(dismissed, "covered_death", `{"death_date":"2024-03-01"}`, "closed", "dismiss")
		sameDay := f.fraudMeal(cid, item, reported, at(3, 11, 0), true)
		after := f.fraudMeal(cid, item, reported, at(4, 11, 0), true)
		afterCremation := f.fraudMeal(cid, item, cremated, at(9, 11, 0), true)
		f.fraudMeal(cid, item, cremated, at(8, 11, 0), true)
		f.fraudMeal(cid, item, dismissed, at(5, 11, 0), true)
		f.fraudMeal(cid, item, alive, at(5, 11, 0), true)
		beforeMark := f.fraudMeal(cid, item, marked, at(9, 11, 0), true)
		markedAt := at(10, 9, 0)
		if _, err := d.Exec(f.ctx, `UPDATE diners SET status = 'deceased', updated_at = ? WHERE id = ?`, db.FormatTime(markedAt), marked); err != nil {
			t.Fatal(err)
		}
		afterMark := f.fraudMeal(cid, item, marked, at(10, 11, 0), true)
		counter, _ := f.serve(cid, item, markedCard, "k1") // today, through the counter, which flags it itself

		f.fraudScan(onlyRule("deceased"))
		got := f.fraudFlags("deceased")
		wantFlagged(t, got, after, afterCremation, afterMark, counter.TransactionID)
		if sameDay == 0 || beforeMark == 0 {
			t.Fatal("meals not planted")
		}
		if ev := got[after].evidence; ev.DeathSource != DeathFromMonitor || ev.DeathDate != "2024-03-03" || ev.DeathField != "death_date" ||
			ev.MonitorRule != "covered_death" || ev.WarningID == 0 {
			t.Errorf("monitor evidence %+v", ev)
		}
		if ev := got[afterCremation].evidence; ev.DeathDate != "2024-03-08" || ev.DeathField != "cremated_on" {
			t.Errorf("cremation evidence %+v", ev)
		}
		if ev := got[afterMark].evidence; ev.DeathSource != DeathFromStaff || ev.StatusSince != fraudTime(markedAt) {
			t.Errorf("staff evidence %+v", ev)
		}
		if ev := got[counter.TransactionID].evidence; ev.Counter != FlagDeceased || len(ExplainFlag("deceased", ev)) != 1 {
			t.Errorf("counter evidence %+v: %q", ev, ExplainFlag("deceased", ev))
		}
		if lines := ExplainFlag("deceased", got[after].evidence); !strings.Contains(lines[0], "死亡日期 2024-03-03（公安机关户籍注销信息中的死亡日期") {
			t.Errorf("explanation %q", lines)
		}
	})
}

// deathWarning records a monitoring warning of rule about diner's person, with evidence, in
// state (and outcome, when closed).
func (f *fixture) deathWarning(diner int64, rule, evidence, state, outcome string) {
	f.t.Helper()
	now := f.s.stamp()
	f.seq++
	if _, err := f.d.Exec(f.ctx, `INSERT INTO monitor_warnings (rule, kind, subject_hash, period, region_code, summary, evidence,
		state, outcome, due_date, created_at, updated_at) SELECT ?, 'ineligible', id_hash, ?, home_region, '保障对象死亡', ?, ?, ?,
		'2024-04-01', ?, ? FROM diners WHERE id = ?`, rule, fmt.Sprintf("once-%d", f.seq), evidence, state, outcome, now, now, diner); err != nil {
		f.t.Fatal(err)
	}
}

// TestScanFraudTwoCanteens plants a card at two canteens 25 minutes apart, 31 minutes apart,
// twice at one canteen, and across midnight into the period.
func TestScanFraudTwoCanteens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		a, aItem := f.canteen(f.laoshan)
		b, bItem := f.canteen(f.shinan)
		hopper, _ := f.fraudDiner(f.laoshan)
		slow, _ := f.fraudDiner(f.laoshan)
		loyal, _ := f.fraudDiner(f.laoshan)
		first := f.fraudMeal(a, aItem, hopper, at(5, 11, 50), true)
		next := f.fraudMeal(b, bItem, hopper, at(5, 12, 15), false)
		f.fraudMeal(a, aItem, slow, at(5, 11, 0), true)
		f.fraudMeal(b, bItem, slow, at(5, 11, 31), false) // 31 minutes: outside the window
		f.fraudMeal(a, aItem, loyal, at(5, 11, 0), true)
		f.fraudMeal(a, aItem, loyal, at(5, 11, 10), false) // the same canteen twice
		// Across midnight into the period: the meal before the period is read, not flagged.
		f.fraudMeal(a, aItem, slow, time.Date(2024, 2, 29, 23, 50, 0, 0, civil.China), false)
		midnight := f.fraudMeal(b, bItem, slow, at(1, 0, 5), false)

		f.fraudScan(onlyRule("two_canteens"))
		got := f.fraudFlags("two_canteens")
		wantFlagged(t, got, first, next, midnight)
		ev := got[next].evidence
		if ev.OtherTransaction != first || ev.OtherCanteenID != a || ev.Minutes != 25 || ev.WindowMinutes != 30 ||
			ev.Time != "2024-03-05T12:15:00+08:00" || ev.OtherTime != "2024-03-05T11:50:00+08:00" || ev.OtherCanteen != "幸福食堂" {
			t.Errorf("evidence %+v", ev)
		}
		if got[first].evidence.OtherTransaction != next {
			t.Errorf("first meal's evidence %+v", got[first].evidence)
		}
		if lines := ExplainFlag("two_canteens", ev); !strings.Contains(lines[0], "本餐 2024-03-05 12:15；2024-03-05 11:50 同一张卡在「幸福食堂」用餐") ||
			!strings.Contains(lines[0], "相隔 25 分钟") {
			t.Errorf("explanation %q", lines)
		}
	})
}

// TestScanFraudClosedDay plants meals on an open and a closed day, and the counter's flag of a
// day that is open by the time of the scan.
func TestScanFraudClosedDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 16)) // a Saturday
		cid, item := f.canteen(f.laoshan)
		if _, err := d.Exec(f.ctx, `UPDATE canteens SET open_days = '1111100' WHERE id = ?`, cid); err != nil {
			t.Fatal(err)
		}
		diner, card := f.fraudDiner(f.laoshan)
		friday := f.fraudMeal(cid, item, diner, at(15, 11, 0), true)
		sunday := f.fraudMeal(cid, item, diner, at(10, 11, 0), true)
		counter, _ := f.serve(cid, item, card, "k1")
		if !slices.Contains(counter.Flags, FlagClosedDay) {
			t.Fatalf("the counter did not flag a Saturday: %+v", counter)
		}
		// The canteen's days change afterwards: the counter's flag still stands.
		if _, err := d.Exec(f.ctx, `UPDATE canteens SET open_days = '1111110' WHERE id = ?`, cid); err != nil {
			t.Fatal(err)
		}
		f.fraudScan(onlyRule("closed_day"))
		got := f.fraudFlags("closed_day")
		wantFlagged(t, got, sunday, counter.TransactionID)
		if friday == 0 {
			t.Fatal("not planted")
		}
		if ev := got[sunday].evidence; ev.OpenDays != "1111110" || ev.Weekday != 7 || ev.Counter != "" {
			t.Errorf("evidence %+v", ev)
		}
		if ev := got[counter.TransactionID].evidence; ev.Counter != FlagClosedDay || ev.Weekday != 6 {
			t.Errorf("counter evidence %+v", ev)
		}
		if lines := ExplainFlag("closed_day", got[sunday].evidence); lines[0] != "用餐日是周日，该机构的营业日为周一、周二、周三、周四、周五、周六。" {
			t.Errorf("explanation %q", lines)
		}
	})
}

// fraudPool inserts n diners directly (the volume tests need many, and nothing of their
// registration matters) and returns their ids.
func (f *fixture) fraudPool(community string, n int) []int64 {
	f.t.Helper()
	ids := make([]int64, n)
	now := f.s.stamp()
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		for i := range ids {
			f.seq++
			if err := tx.QueryRow(f.ctx, `INSERT INTO diners (name, id_sealed, id_hash, id_masked, birth_date, home_region,
				card_no, qr_token_hash, created_by, created_at, updated_at) VALUES ('用餐人', '', ?, '', '1950-01-01', ?, ?, ?, 'test', ?, ?)
				RETURNING id`, fmt.Sprintf("pool-%d", f.seq), community, fmt.Sprintf("P%09d", f.seq), fmt.Sprintf("qr-%d", f.seq),
				now, now).Scan(&ids[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return ids
}

// volumeDay plants n meals at canteen cid on 2024-03-d, a minute apart from hour:00, one per
// pool diner.
func volumeDay(cid, item int64, pool []int64, d, hour, n int) []fraudMealSpec {
	var out []fraudMealSpec
	for i := range n {
		out = append(out, fraudMealSpec{canteen: cid, item: item, diner: pool[i], at: at(d, hour, 0).Add(time.Duration(i) * time.Minute)})
	}
	return out
}

// TestScanFraudVolumeJump plants 28 days of history at three canteens with the default
// thresholds: one more than twice its average, one exactly twice, one below the minimum average;
// then a canteen open on weekdays only, averaged over its open days.
func TestScanFraudVolumeJump(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 31))
		busy, busyItem := f.canteen(f.laoshan)     // 30 a day for 28 days, then 61
		steady, steadyItem := f.canteen(f.laoshan) // 30 a day, then 60: exactly twice is not more
		small, smallItem := f.canteen(f.laoshan)   // 29 a day, then 100: below the minimum average
		pool := f.fraudPool(f.laoshan, 100)
		var specs []fraudMealSpec
		for dd := 1; dd <= 28; dd++ {
			specs = append(specs, volumeDay(busy, busyItem, pool, dd, 8, 30)...)
			specs = append(specs, volumeDay(steady, steadyItem, pool, dd, 13, 30)...)
			specs = append(specs, volumeDay(small, smallItem, pool, dd, 18, 29)...)
		}
		f.fraudMeals(specs...)
		jump := f.fraudMeals(volumeDay(busy, busyItem, pool, 29, 8, 61)...)
		f.fraudMeals(volumeDay(steady, steadyItem, pool, 29, 13, 60)...)
		f.fraudMeals(volumeDay(small, smallItem, pool, 29, 18, 100)...)

		rep, err := f.s.ScanFraudWith(f.ctx, onlyRule("volume_jump"), day(2024, 3, 29), day(2024, 3, 29))
		if err != nil {
			t.Fatal(err)
		}
		got := f.fraudFlags("volume_jump")
		wantFlagged(t, got, jump[60])
		if rep.Meals != 221 || rep.New["volume_jump"] != 1 {
			t.Fatalf("report %+v", rep)
		}
		ev := got[jump[60]].evidence
		if ev.DayCount != 61 || ev.HistoryMeals != 840 || ev.HistoryDays != 28 || ev.HistoryFrom != "2024-03-01" ||
			ev.HistoryTo != "2024-03-28" || ev.HistoryWindow != 28 || ev.Factor != 2000 || ev.MinAverage != 30 || ev.Threshold != 60 || ev.Rank != 61 {
			t.Errorf("evidence %+v", ev)
		}
		if lines := ExplainFlag("volume_jump", ev); !strings.Contains(lines[0], "营业 28 天共 840 份，日均 30.0 份。超过日均 2 倍即为异常") {
			t.Errorf("explanation %q", lines)
		}

		// A canteen closed on weekends averages over its open days only (with 崂山区's minimum
		// average lowered to 1 from the 29th).
		f.setFraudParam("meals.fraud.volume_jump.min_average", "370212", day(2024, 3, 29), 1)
		if _, err := d.Exec(f.ctx, `UPDATE canteens SET open_days = '1111100' WHERE id = ?`, small); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ScanFraudWith(f.ctx, onlyRule("volume_jump"), day(2024, 3, 29), day(2024, 3, 29)); err != nil {
			t.Fatal(err)
		}
		var ev2 Evidence
		for _, fl := range f.fraudFlags("volume_jump") {
			if fl.tx != jump[60] {
				ev2 = fl.evidence
			}
		}
		// 28 days from 1 to 28 March hold 20 weekdays: 812 meals / 20 = 40.6 a day, twice is 81.
		if ev2.HistoryDays != 20 || ev2.Threshold != 81 || ev2.MinAverage != 1 || ev2.HistoryWindow != 28 || len(f.fraudFlags("volume_jump")) != 1+19 {
			t.Errorf("weekday canteen: %+v, %d flags", ev2, len(f.fraudFlags("volume_jump")))
		}
	})
}

// TestScanFraudIdempotent scans twice: the second scan adds nothing and keeps a review, and both
// are audited.
func TestScanFraudIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		a, aItem := f.canteen(f.laoshan)
		b, bItem := f.canteen(f.shinan)
		diner, _ := f.fraudDiner(f.laoshan)
		f.fraudMeal(a, aItem, diner, at(5, 11, 50), true)
		f.fraudMeal(b, bItem, diner, at(5, 12, 0), true)

		first := f.fraudScan(FraudRules())
		if first.NewFlags() != 3 || first.New["two_canteens"] != 2 || first.New["daily_cap"] != 1 {
			t.Fatalf("first scan %+v", first)
		}
		var id int64
		if err := d.QueryRow(f.ctx, `SELECT id FROM meal_flags WHERE rule = 'daily_cap'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := f.s.ReviewFlag(f.ctx, f.admin, id, FlagCleared, "两餐之一为全价，已核实"); err != nil {
			t.Fatal(err)
		}
		again := f.fraudScan(FraudRules())
		if again.NewFlags() != 0 || again.Found["two_canteens"] != 2 || again.Found["daily_cap"] != 1 {
			t.Fatalf("second scan %+v", again)
		}
		var n int
		var status string
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*), MAX(CASE WHEN rule = 'daily_cap' THEN status END) FROM meal_flags`).Scan(&n, &status); err != nil {
			t.Fatal(err)
		}
		if n != 3 || status != FlagCleared {
			t.Fatalf("after the rescan: %d flags, the reviewed one %s", n, status)
		}
		var scans int
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'meals.fraud.scan'`).Scan(&scans); err != nil {
			t.Fatal(err)
		}
		if scans != 2 {
			t.Fatalf("%d scans audited, want 2", scans)
		}
		if _, err := f.s.ScanFraud(f.ctx, day(2024, 3, 20), day(2024, 3, 1)); err == nil {
			t.Fatal("a period ending before it starts was scanned")
		}
	})
}

// fraudPrincipals are the callers of the review tests.
func fraudPrincipals(f *fixture, canteen int64) map[string]*auth.Principal {
	return map[string]*auth.Principal{
		"city":             f.admin,
		"laoshan district": {Login: "laoshan", Role: auth.DistrictApprover, Scope: "370212"},
		"shinan district":  {Login: "shinan", Role: auth.DistrictApprover, Scope: "370202"},
		"laoshan street":   f.officer,
		"auditor":          {Login: "auditor", Role: auth.Auditor, Scope: "3702"},
		"operator":         {Login: "canteen", Role: auth.CanteenOperator, Scope: "370212", OrgID: canteen},
		"other operator":   {Login: "other", Role: auth.CanteenOperator, Scope: "370212", OrgID: canteen + 1000},
	}
}
