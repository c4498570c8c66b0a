package payout

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/policy"
)

// postings sums the entries of roster id's transactions of kind by account, and counts the
// transactions.
func (f *fixture) postings(id int64, kind string) (map[string]money.Fen, int) {
	f.t.Helper()
	rows, err := f.d.Query(f.ctx, `SELECT t.id, e.account, e.amount_fen FROM ledger_transactions t
		JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.roster_id = ? AND t.kind = ?`, id, kind)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]money.Fen{}
	txs := map[int64]bool{}
	for rows.Next() {
		var tx, amount int64
		var account string
		if err := rows.Scan(&tx, &account, &amount); err != nil {
			f.t.Fatal(err)
		}
		out[account] += money.Fen(amount)
		txs[tx] = true
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return out, len(txs)
}

// wantSplit is a 低保 or 特困 payment of amount split between special funds (200 ‰, the default),
// the city at share per mille and the district: each share rounded half up, the district's
// part the rest.
func wantSplit(district, program string, amount money.Fen, share int64) map[string]money.Fen {
	city := money.Fen((int64(amount)*share + 500) / 1000)
	special := money.Fen((int64(amount)*200 + 500) / 1000)
	return map[string]money.Fen{"expense/" + district + "/" + program: amount, "fund/city/" + program: -city,
		"fund/special/" + program: -special, "fund/" + district + "/" + program: -(amount - city - special)}
}

// TestPayoutArrearsAfterStandardChange: in September the city raises the 低保 standard from
// July (retroactively). The review decides the new amount from October; the district approver
// records the difference for July to September, and October's roster carries it per household as
// arrears with the months and the reason — once.
func TestPayoutArrearsAfterStandardChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		hid, e := f.dibao(a, money.Yuan(500))
		for m := mon(2024, 4); !m.After(mon(2024, 9)); m = m.Next() {
			f.pay(a, m, "dibao")
		}
		f.clock.To(civil.Date{Year: 2024, Month: 9, Day: 9})
		raise := policy.Param{Name: "dibao.standard", Region: "3702", Hukou: "urban", ValidFrom: civil.Date{Year: 2024, Month: 7, Day: 1},
			Value: 118000, Unit: policy.FenPerMonth, Source: "测试文号"}
		if err := f.s.Params.Add(f.ctx, f.admin, raise, ""); err != nil {
			t.Fatal(err)
		}
		old := e.Monthly
		e = f.review(a, e, assistance.DecisionChange)
		diff := e.Monthly - old
		if diff <= 0 {
			t.Fatalf("monthly %s after the raise, was %s", e.Monthly, old)
		}
		adj := Adjustment{EntitlementID: e.ID, PerMonth: diff, From: mon(2024, 7), To: mon(2024, 9), Reason: "低保标准自 2024年7月起提高，补发差额"}
		if _, err := f.s.Adjust(f.ctx, f.admin, adj); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("the city administrator recorded an adjustment: %v", err)
		}
		if _, err := f.s.Adjust(f.ctx, f.shinan.approver, adj); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("another district's approver recorded an adjustment: %v", err)
		}
		id, err := f.s.Adjust(f.ctx, a.approver, adj)
		if err != nil {
			t.Fatal(err)
		}
		oct := f.pay(a, mon(2024, 10), "dibao")
		got := f.linesOf(a, oct.ID, e)
		want := []string{
			lineKey(paidTo(Line{EntitlementID: e.ID, HouseholdID: hid, RegionCode: a.community, Kind: Regular, Amount: e.Monthly, Persons: 2,
				From: mon(2024, 10), To: mon(2024, 10), Status: "pending"})),
			lineKey(paidTo(Line{EntitlementID: e.ID, HouseholdID: hid, RegionCode: a.community, Kind: Arrears, Amount: 3 * diff,
				From: mon(2024, 7), To: mon(2024, 9), AdjustmentID: id, Reason: adj.Reason, Status: "pending"})),
		}
		slices.Sort(want)
		if d := cmp.Diff(want, lineSet(got)); d != "" {
			t.Fatalf("October lines (-want +got):\n%s", d)
		}
		if oct.Total != e.Monthly+3*diff {
			t.Fatalf("October total %s", oct.Total)
		}
		nov := f.pay(a, mon(2024, 11), "dibao")
		if got := f.linesOf(a, nov.ID, e); len(got) != 1 || got[0].Kind != Regular || got[0].Amount != e.Monthly {
			t.Fatalf("November lines:%s", describe(got))
		}
		f.verify()
	})
}

// TestPayoutRecovery: a recovery (追回) is deducted only when the household's positive lines of
// the roster cover it; otherwise it waits, and is taken once arrears or payments cover it.
func TestPayoutRecovery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		_, small := f.dibao(a, money.Yuan(500))
		_, big := f.dibao(a, money.Yuan(500))
		f.pay(a, mon(2024, 4), "dibao")
		f.pay(a, mon(2024, 5), "dibao")
		covered, err := f.s.Adjust(f.ctx, a.approver, Adjustment{EntitlementID: small.ID, PerMonth: -money.Yuan(100),
			From: mon(2024, 4), To: mon(2024, 5), Reason: "多发追回"})
		if err != nil {
			t.Fatal(err)
		}
		uncovered, err := f.s.Adjust(f.ctx, a.approver, Adjustment{EntitlementID: big.ID, PerMonth: -(big.Monthly + 1),
			From: mon(2024, 5), To: mon(2024, 5), Reason: "冒领追回"})
		if err != nil {
			t.Fatal(err)
		}
		june := f.pay(a, mon(2024, 6), "dibao")
		got := f.linesOf(a, june.ID, small)
		if len(got) != 2 || !slices.Contains(lineSet(got), lineKey(paidTo(Line{EntitlementID: small.ID, HouseholdID: small.HouseholdID,
			RegionCode: a.community, Kind: Recovery, Amount: -money.Yuan(200), From: mon(2024, 4), To: mon(2024, 5), AdjustmentID: covered,
			Reason: "多发追回", Status: "pending"}))) {
			t.Fatalf("June lines of the covered recovery:%s", describe(got))
		}
		if got := f.linesOf(a, june.ID, big); len(got) != 1 || got[0].Kind != Regular {
			t.Fatalf("a recovery larger than the household's payment was deducted:%s", describe(got))
		}
		if june.Total != small.Monthly+big.Monthly-money.Yuan(200) {
			t.Fatalf("June total %s", june.Total)
		}
		// Arrears for the same household cover the waiting recovery in July.
		if _, err := f.s.Adjust(f.ctx, a.approver, Adjustment{EntitlementID: big.ID, PerMonth: 1, From: mon(2024, 4), To: mon(2024, 4),
			Reason: "尾差补发"}); err != nil {
			t.Fatal(err)
		}
		july := f.pay(a, mon(2024, 7), "dibao")
		var kinds []string
		for _, l := range f.linesOf(a, july.ID, big) {
			kinds = append(kinds, l.Kind)
			if l.Kind == Recovery && (l.AdjustmentID != uncovered || l.Amount != -(big.Monthly+1)) {
				t.Fatalf("July recovery %s", lineKey(l))
			}
		}
		if d := cmp.Diff([]string{Regular, Arrears, Recovery}, kinds); d != "" {
			t.Fatalf("July lines of the household with a waiting recovery (-want +got):\n%s", d)
		}
		if july.Total != small.Monthly {
			t.Fatalf("July total %s, want %s", july.Total, small.Monthly)
		}
		aug := f.pay(a, mon(2024, 8), "dibao")
		if aug.Total != small.Monthly+big.Monthly {
			t.Fatalf("August total %s: an adjustment was carried twice", aug.Total)
		}
		f.verify()
	})
}

// TestPayoutApprovalPosting: approval posts one balanced payment, split city/district by
// funding.city_share.<program> (50 % by default; a district may have its own), the city's part
// rounded half up and the district's the rest; Verify finds nothing and the trial balance
// closes at zero.
func TestPayoutApprovalPosting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		_, e := f.dibao(a, money.Yuan(500))
		if _, err := f.s.Adjust(f.ctx, a.approver, Adjustment{EntitlementID: e.ID, PerMonth: 1, From: mon(2024, 4), To: mon(2024, 4),
			Reason: "尾差补发"}); err != nil {
			t.Fatal(err)
		}
		april := f.generate(a, mon(2024, 4), "dibao")
		if april.Total%2 != 1 {
			t.Fatalf("want an odd total, got %s", april.Total)
		}
		if _, err := f.s.Approve(f.ctx, f.admin, april.ID, april.Version, ""); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("the city administrator approved a roster: %v", err)
		}
		if _, err := f.s.Approve(f.ctx, f.shinan.approver, april.ID, april.Version, ""); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("another district's approver approved a roster: %v", err)
		}
		if _, err := f.s.Approve(f.ctx, a.approver, april.ID, april.Version-1, ""); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("approval of a stale version: %v", err)
		}
		april = f.approve(a, april)
		if april.Status != Approved || april.ApprovedBy != a.approver.Login {
			t.Fatalf("approved roster %+v", april)
		}
		if _, err := f.s.Approve(f.ctx, a.approver, april.ID, april.Version, ""); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("a second approval: %v", err)
		}
		got, n := f.postings(april.ID, "payment")
		if d := cmp.Diff(wantSplit(laoshan, "dibao", april.Total, 500), got); n != 1 || d != "" {
			t.Fatalf("%d payment transactions, entries (-want +got):\n%s", n, d)
		}

		// A district of its own share: 333 ‰ for the city.
		share := policy.Param{Name: "funding.city_share.dibao", Region: laoshan, ValidFrom: civil.Date{Year: 2024, Month: 5, Day: 1},
			Value: 333, Unit: policy.Permille, Source: "测试"}
		if err := f.s.Params.Add(f.ctx, f.admin, share, ""); err != nil {
			t.Fatal(err)
		}
		may := f.pay(a, mon(2024, 5), "dibao")
		got, _ = f.postings(may.ID, "payment")
		if d := cmp.Diff(wantSplit(laoshan, "dibao", may.Total, 333), got); d != "" {
			t.Fatalf("May entries at 333 ‰ (-want +got):\n%s", d)
		}
		v := f.verify()
		if v.Transactions != 2 || v.Rosters != 2 || v.Debits != april.Total+may.Total {
			t.Fatalf("verification %+v", v)
		}
		rows, sum, err := f.s.TrialBalance(f.ctx, auth.System(), mon(2024, 5))
		if err != nil {
			t.Fatal(err)
		}
		closing := map[string]money.Fen{}
		for _, b := range rows {
			closing[b.Account] = b.Closing
			if b.Account == "expense/"+laoshan+"/dibao" && (b.Debits != may.Total || b.Credits != 0 || b.Kind != "expense") {
				t.Fatalf("May movements of the expense account %+v", b)
			}
		}
		want := wantSplit(laoshan, "dibao", april.Total, 500)
		for k, v := range wantSplit(laoshan, "dibao", may.Total, 333) {
			want[k] += v
		}
		if d := cmp.Diff(want, closing); sum != 0 || d != "" {
			t.Fatalf("trial balance sums to %s; closing balances (-want +got):\n%s", sum, d)
		}
		rows, _, err = f.s.TrialBalance(f.ctx, auth.System(), mon(2024, 4))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range rows {
			if b.Closing != wantSplit(laoshan, "dibao", april.Total, 500)[b.Account] {
				t.Fatalf("April closing balance of %s: %s", b.Account, b.Closing)
			}
		}
	})
}

// TestPayoutTrialBalanceScope: the city administrator (scope 3702) sees every account of the
// trial balance, the district's approver only its district's, and both see the rosters of their
// scope; another district sees neither.
func TestPayoutTrialBalanceScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		f.dibao(a, money.Yuan(500))
		f.pay(a, mon(2024, 4), "dibao")
		accounts := func(p *auth.Principal) []string {
			t.Helper()
			rows, _, err := f.s.TrialBalance(f.ctx, p, mon(2024, 4))
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, b := range rows {
				out = append(out, b.Account)
			}
			return out
		}
		all := []string{"expense/370212/dibao", "fund/370212/dibao", "fund/city/dibao", "fund/special/dibao"}
		if d := cmp.Diff(all, accounts(auth.System())); d != "" {
			t.Fatalf("system (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]string{"expense/370212/dibao", "fund/370212/dibao"}, accounts(a.approver)); d != "" {
			t.Fatalf("district approver (-want +got):\n%s", d)
		}
		if got := accounts(f.shinan.approver); len(got) != 0 {
			t.Fatalf("another district sees %v", got)
		}
		if d := cmp.Diff(all, accounts(f.admin)); d != "" {
			t.Fatalf("city administrator of 3702 (-want +got):\n%s", d)
		}
	})
}

// TestPayoutStreetSeesItsDistrictRoster: PayoutView is the street officer's too, and Rosters
// lists the rosters of its district; reading such a roster and its own street's lines must then
// work — while another district's roster stays not found.
func TestPayoutStreetSeesItsDistrictRoster(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		f.dibao(a, money.Yuan(500))
		r := f.pay(a, mon(2024, 4), "dibao")
		list, err := f.s.Rosters(f.ctx, a.officer, RosterQuery{})
		if err != nil || len(list) != 1 || list[0].ID != r.ID {
			t.Fatalf("the street officer's roster list %v: %v", list, err)
		}
		if list, _ := f.s.Rosters(f.ctx, f.shinan.officer, RosterQuery{}); len(list) != 0 {
			t.Fatalf("another district's street sees %d rosters", len(list))
		}
		if _, err := f.s.Roster(f.ctx, f.shinan.officer, r.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("another district's street reads the roster: %v", err)
		}
		if _, err := f.s.Roster(f.ctx, a.officer, r.ID); err != nil {
			t.Fatalf("the street officer lists roster %d but cannot read it: %v", r.ID, err)
		}
		lines, total, err := f.s.Lines(f.ctx, a.officer, r.ID, 1, 100)
		if err != nil || total != 1 || len(lines) != 1 {
			t.Fatalf("the street officer's lines %d of %d: %v", len(lines), total, err)
		}
	})
}

// TestPayoutStats: the approved rosters' figures by month, program and district.
func TestPayoutStats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		_, e1 := f.dibao(a, money.Yuan(500))
		_, e2 := f.dibao(a, money.Yuan(600))
		_, t1 := f.temporary(a, money.Yuan(2000))
		f.pay(a, mon(2024, 4), "dibao")
		f.pay(a, mon(2024, 4), "temporary")
		f.generate(a, mon(2024, 5), "dibao") // a draft does not count
		rows, err := f.s.Stats(f.ctx, a.approver, mon(2024, 1), mon(2024, 12))
		if err != nil {
			t.Fatal(err)
		}
		want := []StatRow{
			{Month: mon(2024, 4), Program: "dibao", District: laoshan, Households: 2, Persons: 4, PersonTimes: 4, Amount: e1.Monthly + e2.Monthly},
			{Month: mon(2024, 4), Program: "temporary", District: laoshan, Households: 1, Persons: 0, PersonTimes: 1, Amount: t1.OneOff},
		}
		if d := cmp.Diff(want, rows); d != "" {
			t.Fatalf("stats (-want +got):\n%s", d)
		}
		if rows, _ := f.s.Stats(f.ctx, f.shinan.approver, mon(2024, 1), mon(2024, 12)); len(rows) != 0 {
			t.Fatalf("another district's stats %+v", rows)
		}
	})
}

// TestPayoutRetroactive: in September the city enters a higher 低保 standard from July. The
// district approver's retroactive recalculation of July and August queues, per household, the
// difference as arrears with its months and reason; October's roster carries it; a second run
// queues nothing. A household whose 低保 was terminated in September, when its income rose, was
// as poor as the first in July and August: nothing it was paid then is taken back (it is owed the
// same difference, ideally). A household in its 渐退期
// (income above the line since May) keeps the amount the taper pays: a standard change is no
// ground to take its taper payments back.
func TestPayoutRetroactive(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		_, e := f.dibao(a, money.Yuan(500))
		tapering, te := f.dibao(a, money.Yuan(500))
		ended, ee := f.dibao(a, money.Yuan(500))
		f.pay(a, mon(2024, 4), "dibao")
		f.clock.To(civil.Date{Year: 2024, Month: 5, Day: 6})
		f.setWage(tapering, money.Yuan(6000))
		te = f.review(a, te, assistance.DecisionTaper)
		for m := mon(2024, 5); !m.After(mon(2024, 9)); m = m.Next() {
			f.pay(a, m, "dibao")
		}
		f.clock.To(civil.Date{Year: 2024, Month: 9, Day: 5})
		f.setWage(ended, money.Yuan(6000))
		if _, err := f.cases.Terminate(f.ctx, a.approver, ee.ID, ee.Version, "家庭收入超过标准", ""); err != nil {
			t.Fatal(err)
		}
		f.clock.To(civil.Date{Year: 2024, Month: 9, Day: 9})
		raise := policy.Param{Name: "dibao.standard", Region: "3702", Hukou: "urban", ValidFrom: civil.Date{Year: 2024, Month: 7, Day: 1},
			Value: 118000, Unit: policy.FenPerMonth, Source: "测试文号"}
		if err := f.s.Params.Add(f.ctx, f.admin, raise, ""); err != nil {
			t.Fatal(err)
		}
		const reason = "低保标准自 2024年7月起提高"
		if _, err := f.s.Retroactive(f.ctx, a.approver, "dibao", laoshan, mon(2024, 7), mon(2024, 9), reason); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("recalculating the current month: %v", err)
		}
		if _, err := f.s.Retroactive(f.ctx, f.admin, "dibao", laoshan, mon(2024, 7), mon(2024, 8), reason); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("recalculation by the city administrator: %v", err)
		}
		res, err := f.s.Retroactive(f.ctx, a.approver, "dibao", laoshan, mon(2024, 7), mon(2024, 8), reason)
		if err != nil {
			t.Fatal(err)
		}
		old := e.Monthly
		e = f.review(a, e, assistance.DecisionChange) // the new amount, from October
		diff := e.Monthly - old
		if diff <= 0 {
			t.Fatalf("monthly %s after the raise, was %s", e.Monthly, old)
		}
		if res.Arrears < 2*diff || res.Recovered != 0 {
			t.Errorf("recalculation of July and August: %+v; want arrears of %s for the first household (%s for the terminated one too, "+
				"who was as poor then) and nothing recovered", res, 2*diff, 2*diff)
		}
		queued := func(ent int64) money.Fen {
			var sum int64
			if err := d.QueryRow(f.ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM adjustments WHERE entitlement_id = ?`, ent).Scan(&sum); err != nil {
				t.Fatal(err)
			}
			return money.Fen(sum)
		}
		if got := queued(e.ID); got != 2*diff {
			t.Errorf("queued for the first household %s, want %s", got, 2*diff)
		}
		if got := queued(te.ID); got < 0 {
			t.Errorf("the household in its 渐退期 is to pay back %s", -got)
		}
		if got := queued(ee.ID); got < 0 {
			t.Errorf("the household terminated in September is to pay back %s of July and August", -got)
		}
		if again, err := f.s.Retroactive(f.ctx, a.approver, "dibao", laoshan, mon(2024, 7), mon(2024, 8), reason); err != nil || again != (RetroResult{}) {
			t.Fatalf("a second recalculation: %+v, %v", again, err)
		}
		oct := f.pay(a, mon(2024, 10), "dibao")
		var arrears []Line
		for _, l := range f.linesOf(a, oct.ID, e) {
			if l.Kind == Arrears {
				arrears = append(arrears, l)
			}
		}
		if len(arrears) != 1 || arrears[0].Amount != 2*diff || arrears[0].From != mon(2024, 7) || arrears[0].To != mon(2024, 8) ||
			arrears[0].Reason != reason+"（2024年7月至2024年8月）" {
			t.Fatalf("October arrears:%s", describe(arrears))
		}
		for _, l := range f.linesOf(a, oct.ID, te) {
			if l.Amount < 0 {
				t.Errorf("October takes back the 渐退期's payments: %s", lineKey(l))
			}
		}
		f.verify()
	})
}
