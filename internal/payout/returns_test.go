package payout

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// count is a COUNT(*) of the test database.
func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.d.QueryRow(f.ctx, query, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// TestPayoutReturns: the bank's return file on a locked roster marks lines paid or failed; a
// failed line's amount goes back to the funds in one balanced return transaction and is queued
// for re-issue, which the next roster carries with the months and the bank's reason. Importing
// the same file again changes nothing; the ledger verifies throughout.
func TestPayoutReturns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		var hids []int64
		for i := 0; i < 3; i++ {
			hid, _ := f.dibao(a, money.Yuan(int64(400+100*i)))
			f.payee(a, hid)
			hids = append(hids, hid)
		}
		april := f.pay(a, mon(2024, 4), "dibao")
		lines := f.lines(a, april.ID)
		if len(lines) != 3 {
			t.Fatalf("April lines:%s", describe(lines))
		}
		failed, paid, silent := lines[0], lines[1], lines[2]
		file := []Return{{LineID: failed.ID, Failed: true, Reason: " 账户已销户 "}, {LineID: paid.ID}}
		if _, err := f.s.ApplyReturns(f.ctx, a.approver, april.ID, file, ""); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("returns on a roster not yet exported: %v", err)
		}
		if err := f.s.Lock(f.ctx, a.approver, april.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Lock(f.ctx, a.approver, april.ID); err != nil {
			t.Fatalf("locking twice: %v", err)
		}
		if _, err := f.s.ApplyReturns(f.ctx, f.admin, april.ID, file, ""); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("returns by the city administrator: %v", err)
		}
		if _, err := f.s.ApplyReturns(f.ctx, a.approver, april.ID, append(file, Return{LineID: 999999, Failed: true}), ""); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("a return of an unknown line: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM roster_lines WHERE roster_id = ? AND status <> 'pending'`, april.ID); n != 0 {
			t.Fatalf("a refused return file changed %d lines", n)
		}
		res, err := f.s.ApplyReturns(f.ctx, a.approver, april.ID, file, "")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(ReturnResult{Paid: 1, Failed: 1, Refunded: failed.Amount}, res); d != "" {
			t.Fatalf("result (-want +got):\n%s", d)
		}
		status := map[int64]string{}
		for _, l := range f.lines(a, april.ID) {
			status[l.ID] = l.Status + "/" + l.Failure
		}
		if d := cmp.Diff(map[int64]string{failed.ID: "failed/账户已销户", paid.ID: "paid/", silent.ID: "pending/"}, status); d != "" {
			t.Fatalf("line statuses (-want +got):\n%s", d)
		}
		refund, n := f.postings(april.ID, "return")
		want := wantSplit(laoshan, "dibao", failed.Amount, 500)
		for k := range want {
			want[k] = -want[k]
		}
		if d := cmp.Diff(want, refund); n != 1 || d != "" {
			t.Fatalf("%d return transactions; entries (-want +got):\n%s", n, d)
		}
		f.verify()

		txs := f.count(`SELECT COUNT(*) FROM ledger_transactions`)
		adjs := f.count(`SELECT COUNT(*) FROM adjustments`)
		again, err := f.s.ApplyReturns(f.ctx, a.approver, april.ID, file, "")
		if err != nil {
			t.Fatal(err)
		}
		if again != (ReturnResult{}) || f.count(`SELECT COUNT(*) FROM ledger_transactions`) != txs || f.count(`SELECT COUNT(*) FROM adjustments`) != adjs {
			t.Fatalf("the same file imported twice: %+v", again)
		}
		// The bank's verdict on a line already failed does not change it.
		if res, err := f.s.ApplyReturns(f.ctx, a.approver, april.ID, []Return{{LineID: failed.ID}}, ""); err != nil || res != (ReturnResult{}) {
			t.Fatalf("a later 'paid' for a failed line: %+v, %v", res, err)
		}

		may := f.pay(a, mon(2024, 5), "dibao")
		var reissue []Line
		for _, l := range f.lines(a, may.ID) {
			if l.Kind == Reissue {
				reissue = append(reissue, l)
			}
		}
		if len(reissue) != 1 {
			t.Fatalf("May re-issues:%s", describe(reissue))
		}
		r := reissue[0]
		if r.EntitlementID != failed.EntitlementID || r.HouseholdID != failed.HouseholdID || r.Amount != failed.Amount ||
			r.From != mon(2024, 4) || r.To != mon(2024, 4) || r.Reason != "重新发放：账户已销户" || r.AccountMasked == "" || r.AdjustmentID == 0 {
			t.Fatalf("re-issue %s", lineKey(r))
		}
		june := f.pay(a, mon(2024, 6), "dibao")
		for _, l := range f.lines(a, june.ID) {
			if l.Kind == Reissue {
				t.Fatalf("re-issued again in June: %s", lineKey(l))
			}
		}
		f.verify()
		rows, err := f.s.Stats(f.ctx, a.approver, mon(2024, 4), mon(2024, 4))
		if err != nil || len(rows) != 1 || rows[0].Amount != april.Total-failed.Amount || rows[0].Households != 2 {
			t.Fatalf("April stats without the returned line %+v: %v", rows, err)
		}
	})
}

// TestPayoutReturnOfNettedRecovery: a household's recovery (追回) is deducted from its payment
// in the same roster, so the bank transfers the net amount. When the bank returns that
// household's payment (both its lines fail), the funds get back what was sent — the net — and
// the recovery, which was never collected, is still owed.
func TestPayoutReturnOfNettedRecovery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		hid, e := f.dibao(a, money.Yuan(500))
		f.payee(a, hid)
		f.pay(a, mon(2024, 4), "dibao")
		if _, err := f.s.Adjust(f.ctx, a.approver, Adjustment{EntitlementID: e.ID, PerMonth: -money.Yuan(300), From: mon(2024, 4),
			To: mon(2024, 4), Reason: "多发追回"}); err != nil {
			t.Fatal(err)
		}
		may := f.pay(a, mon(2024, 5), "dibao")
		if err := f.s.Lock(f.ctx, a.approver, may.ID); err != nil {
			t.Fatal(err)
		}
		lines := f.lines(a, may.ID)
		if len(lines) != 2 || may.Total != e.Monthly-money.Yuan(300) {
			t.Fatalf("May roster total %s:%s", may.Total, describe(lines))
		}
		var file []Return
		for _, l := range lines {
			file = append(file, Return{LineID: l.ID, Failed: true, Reason: "账户冻结"})
		}
		res, err := f.s.ApplyReturns(f.ctx, a.approver, may.ID, file, "")
		if err != nil {
			t.Fatal(err)
		}
		f.verify()
		pending := f.count(`SELECT COUNT(*) FROM adjustments WHERE entitlement_id = ? AND amount_fen < 0 AND roster_line_id IS NULL`, e.ID)
		if res.Refunded != may.Total || pending != 1 {
			t.Errorf("the bank returned the household's net transfer of %s: refunded %s to the funds, %d recovery still owed (want 1)",
				may.Total, res.Refunded, pending)
		}
	})
}

// TestPayoutLockNeedsManager: locking a roster is what exporting its bank file does, a
// payout.manage act; the auditor (read-only, city scope) and the street officer (who may read
// its district's rosters) may not lock one.
func TestPayoutLockNeedsManager(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		f.dibao(a, money.Yuan(500))
		r := f.pay(a, mon(2024, 4), "dibao")
		auditor := &auth.Principal{Login: "auditor", Role: auth.Auditor, Scope: "3702"}
		if err := f.s.Lock(f.ctx, auditor, r.ID); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("the auditor locked roster %d: %v", r.ID, err)
		}
		if err := f.s.Lock(f.ctx, a.officer, r.ID); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("the street officer locked roster %d: %v", r.ID, err)
		}
		if err := f.s.Lock(f.ctx, f.shinan.approver, r.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("another district's approver locked roster %d: %v", r.ID, err)
		}
		if err := f.s.Lock(f.ctx, a.approver, r.ID); err != nil {
			t.Fatal(err)
		}
	})
}
