package payout

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// TestPayoutStartsMonthAfterApproval: a 低保 approved in March pays from April — the March
// roster (and any earlier one) has no line for it, the April roster has its regular amount,
// with the household's size and payee.
func TestPayoutStartsMonthAfterApproval(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		hid, e := f.dibao(a, money.Yuan(500))
		account := f.payee(a, hid)
		if e.StartMonth != mon(2024, 4) || e.Monthly <= 0 {
			t.Fatalf("entitlement %+v", e)
		}
		for _, m := range []civil.Month{mon(2024, 2), mon(2024, 3)} {
			r := f.pay(a, m, "dibao")
			if got := f.linesOf(a, r.ID, e); len(got) != 0 {
				t.Fatalf("the %s roster pays an entitlement starting %s:%s", m, e.StartMonth, describe(got))
			}
		}
		r := f.generate(a, mon(2024, 4), "dibao")
		got := f.linesOf(a, r.ID, e)
		if len(got) != 1 {
			t.Fatalf("April lines of the entitlement:%s", describe(got))
		}
		l := got[0]
		want := Line{ID: l.ID, RosterID: r.ID, EntitlementID: e.ID, HouseholdID: hid, RegionCode: a.community, Kind: Regular,
			Amount: e.Monthly, Persons: 2, From: mon(2024, 4), To: mon(2024, 4), PayeeName: "测试甲", Bank: "青岛农商银行",
			AccountMasked: account[:4] + " **** **** " + account[len(account)-4:], Status: "pending"}
		if diff := cmp.Diff(want, l); diff != "" {
			t.Fatalf("April line (-want +got):\n%s", diff)
		}
		if r.Status != Draft || r.Lines != 1 || r.Households != 1 || r.Persons != 2 || r.Total != e.Monthly {
			t.Fatalf("April roster %+v", r)
		}
	})
}

// TestPayoutSuspension: an entitlement suspended in April pays nothing in May; resumed in May,
// it pays again in June — and only June: the month it was suspended was not owed, so it is not
// paid later as "arrears" either.
func TestPayoutSuspension(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		_, e := f.dibao(a, money.Yuan(500))
		f.pay(a, mon(2024, 4), "dibao")
		f.clock.To(civil.Date{Year: 2024, Month: 4, Day: 10})
		if _, err := f.cases.Suspend(f.ctx, a.approver, e.ID, e.Version, "暂停核查", ""); err != nil {
			t.Fatal(err)
		}
		may := f.pay(a, mon(2024, 5), "dibao")
		if got := f.linesOf(a, may.ID, e); len(got) != 0 {
			t.Fatalf("the May roster pays a suspended entitlement:%s", describe(got))
		}
		f.clock.To(civil.Date{Year: 2024, Month: 5, Day: 13})
		e = f.refresh(a, e)
		if _, err := f.cases.Resume(f.ctx, a.approver, e.ID, e.Version, "核查无误", ""); err != nil {
			t.Fatal(err)
		}
		june := f.generate(a, mon(2024, 6), "dibao")
		got := f.linesOf(a, june.ID, e)
		if len(got) != 1 || got[0].Kind != Regular || got[0].From != mon(2024, 6) || got[0].Amount != e.Monthly {
			t.Fatalf("June lines of the resumed entitlement, want one regular line of %s for June:%s", e.Monthly, describe(got))
		}
	})
}

// TestPayoutTermination: terminated in June, an entitlement is paid up to June (its end month)
// and not after.
func TestPayoutTermination(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		_, e := f.dibao(a, money.Yuan(500))
		f.pay(a, mon(2024, 4), "dibao")
		f.pay(a, mon(2024, 5), "dibao")
		june := f.generate(a, mon(2024, 6), "dibao")
		f.clock.To(civil.Date{Year: 2024, Month: 6, Day: 12})
		if _, err := f.cases.Terminate(f.ctx, a.approver, e.ID, e.Version, "家庭收入超过标准", ""); err != nil {
			t.Fatal(err)
		}
		if e = f.refresh(a, e); e.EndMonth != mon(2024, 6) {
			t.Fatalf("terminated in June, ends %s", e.EndMonth)
		}
		june = f.generate(a, june.Month, "dibao") // the draft again, after the termination
		if got := f.linesOf(a, june.ID, e); len(got) != 1 || got[0].Kind != Regular {
			t.Fatalf("June, the end month, is not paid:%s", describe(got))
		}
		f.approve(a, june)
		for _, m := range []civil.Month{mon(2024, 7), mon(2024, 8)} {
			r := f.pay(a, m, "dibao")
			if got := f.linesOf(a, r.ID, e); len(got) != 0 {
				t.Fatalf("%s pays an entitlement ended in June:%s", m, describe(got))
			}
		}
	})
}

// TestPayoutTaper: a 低保 put on 渐退期 in May keeps its amount up to the taper's end month
// (dibao.gradual_exit_months = 6: November) and is not paid after it.
func TestPayoutTaper(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		_, e := f.dibao(a, money.Yuan(500))
		f.pay(a, mon(2024, 4), "dibao")
		f.clock.To(civil.Date{Year: 2024, Month: 5, Day: 6})
		e = f.review(a, e, assistance.DecisionTaper)
		if e.Status != assistance.EntTapering || e.EndMonth != mon(2024, 11) {
			t.Fatalf("after 渐退: %s until %s", e.Status, e.EndMonth)
		}
		for m := mon(2024, 5); !m.After(mon(2025, 1)); m = m.Next() {
			r := f.pay(a, m, "dibao")
			got := f.linesOf(a, r.ID, e)
			if m.After(e.EndMonth) {
				if len(got) != 0 {
					t.Fatalf("%s is after the 渐退期 (ends %s) but paid:%s", m, e.EndMonth, describe(got))
				}
				continue
			}
			if len(got) != 1 || got[0].Kind != Regular || got[0].Amount != e.Monthly || got[0].From != m {
				t.Fatalf("%s in the 渐退期, want %s:%s", m, e.Monthly, describe(got))
			}
		}
	})
}

// TestPayoutOneOff: a 临时救助 decided in March is paid once, in the first roster generated
// after the decision (April's), with the month of the decision, and never again.
func TestPayoutOneOff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		f.pay(a, mon(2024, 3), "temporary")
		hid, e := f.temporary(a, money.Yuan(2000))
		if e.StartMonth != mon(2024, 3) {
			t.Fatalf("one-off of %s", e.StartMonth)
		}
		april := f.generate(a, mon(2024, 4), "temporary")
		april = f.generate(a, mon(2024, 4), "temporary")
		got := f.linesOf(a, april.ID, e)
		if len(got) != 1 || got[0].Kind != OneOff || got[0].Amount != e.OneOff || got[0].HouseholdID != hid ||
			got[0].From != mon(2024, 3) || got[0].Persons != 1 {
			t.Fatalf("April lines of the one-off %s:%s", e.OneOff, describe(got))
		}
		f.approve(a, april)
		for _, m := range []civil.Month{mon(2024, 5), mon(2024, 6)} {
			r := f.pay(a, m, "temporary")
			if got := f.linesOf(a, r.ID, e); len(got) != 0 {
				t.Fatalf("the one-off is paid again in %s:%s", m, describe(got))
			}
		}
	})
}

// TestPayoutOneOffDraftedAhead: the scheduled job prepares the next month's roster while this
// month's still waits for approval. A one-off in the waiting draft must not be put into the next
// month's roster too: approving both would pay it twice.
func TestPayoutOneOffDraftedAhead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		_, e := f.temporary(a, money.Yuan(2000))
		april := f.generate(a, mon(2024, 4), "temporary")
		may := f.generate(a, mon(2024, 5), "temporary")
		f.approve(a, april)
		f.approve(a, may)
		paid := append(f.linesOf(a, april.ID, e), f.linesOf(a, may.ID, e)...)
		if len(paid) != 1 {
			t.Fatalf("one-off of %s paid %d times in approved rosters:%s", e.OneOff, len(paid), describe(paid))
		}
	})
}

// TestPayoutRegenerate: generating a month again gives the same lines (as a set: ids are new),
// with the same pending adjustments, and a new version; an approved roster is returned as it
// is, lines and version unchanged.
func TestPayoutRegenerate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		for i := 0; i < 3; i++ {
			hid, e := f.dibao(a, money.Yuan(int64(300+100*i)))
			if i != 1 {
				f.payee(a, hid)
			}
			if i == 0 {
				continue
			}
			if _, err := f.s.Adjust(f.ctx, a.approver, Adjustment{EntitlementID: e.ID, PerMonth: money.Fen(-100 * i), From: mon(2024, 4),
				To: mon(2024, 4), Reason: "测试追回"}); err != nil {
				t.Fatal(err)
			}
		}
		first := f.generate(a, mon(2024, 4), "dibao")
		before := f.lines(a, first.ID)
		if len(before) != 5 {
			t.Fatalf("April lines:%s", describe(before))
		}
		again := f.generate(a, mon(2024, 4), "dibao")
		if again.ID != first.ID || again.Version != first.Version+1 {
			t.Fatalf("regenerated roster %d v%d, was %d v%d", again.ID, again.Version, first.ID, first.Version)
		}
		if diff := cmp.Diff(lineSet(before), lineSet(f.lines(a, again.ID))); diff != "" {
			t.Fatalf("regenerated lines differ (-first +again):\n%s", diff)
		}
		approved := f.approve(a, again)
		lines := f.lines(a, approved.ID)
		f.dibao(a, money.Yuan(200)) // a new entitlement, which would change a draft
		after := f.generate(a, mon(2024, 4), "dibao")
		if diff := cmp.Diff(approved, after); diff != "" {
			t.Fatalf("regenerating an approved roster changed it (-approved +after):\n%s", diff)
		}
		if diff := cmp.Diff(lines, f.lines(a, after.ID)); diff != "" {
			t.Fatalf("regenerating an approved roster changed its lines (-approved +after):\n%s", diff)
		}
		f.verify()
	})
}

// TestPayoutLateDecision: April's roster was approved before the 低保 decision that pays from
// April; May's roster carries April as arrears, with its months and reason, besides May's regular
// amount — and June's does not carry it again.
func TestPayoutLateDecision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		hid, head := f.household(a, money.Yuan(500), 1)
		f.payee(a, hid)
		app := f.driveTo(a, f.submit(a, "dibao", "", head, assistance.Details{}), assistance.StepApprove, "")
		f.pay(a, mon(2024, 4), "dibao")
		f.act(a.approver, app, assistance.Action{Outcome: "approve", Note: "经审核"})
		e := f.entitlementOf(a, hid, "dibao")
		if e.StartMonth != mon(2024, 4) {
			t.Fatalf("starts %s", e.StartMonth)
		}
		may := f.pay(a, mon(2024, 5), "dibao")
		got := f.linesOf(a, may.ID, e)
		var regular, arrears []Line
		for _, l := range got {
			switch l.Kind {
			case Regular:
				regular = append(regular, l)
			case Arrears:
				arrears = append(arrears, l)
			}
		}
		if len(got) != 2 || len(regular) != 1 || regular[0].From != mon(2024, 5) || len(arrears) != 1 {
			t.Fatalf("May lines, want May's regular amount and April's arrears:%s", describe(got))
		}
		ar := arrears[0]
		if ar.Amount != e.Monthly || ar.From != mon(2024, 4) || ar.To != mon(2024, 4) || ar.Persons != 0 ||
			ar.Reason != "补发 "+mon(2024, 4).Chinese()+"（批准晚于当月名册）" {
			t.Fatalf("arrears line %s", lineKey(ar))
		}
		if may.Total != 2*e.Monthly || may.Persons != 2 {
			t.Fatalf("May roster %+v", may)
		}
		june := f.pay(a, mon(2024, 6), "dibao")
		if got := f.linesOf(a, june.ID, e); len(got) != 1 || got[0].Kind != Regular {
			t.Fatalf("June lines:%s", describe(got))
		}
		f.verify()
	})
}

// lateDibao carries a 低保 case to the district's approval, lets before run (rosters approved
// before the decision), and approves it: an entitlement starting in April whose first months'
// rosters were made without it.
func (f *fixture) lateDibao(a area, before func()) *assistance.Entitlement {
	f.t.Helper()
	hid, head := f.household(a, money.Yuan(500), 1)
	f.payee(a, hid)
	app := f.driveTo(a, f.submit(a, "dibao", "", head, assistance.Details{}), assistance.StepApprove, "")
	before()
	f.act(a.approver, app, assistance.Action{Outcome: "approve", Note: "经审核"})
	e := f.entitlementOf(a, hid, "dibao")
	if e.StartMonth != mon(2024, 4) {
		f.t.Fatalf("starts %s", e.StartMonth)
	}
	return e
}

// paidFor sums what the approved rosters paid entitlement e (regular and caught-up lines), and
// checks that each caught-up line's amount is the monthly amount times the months it names.
func (f *fixture) paidFor(a area, e *assistance.Entitlement) (money.Fen, []Line) {
	f.t.Helper()
	rosters, err := f.s.Rosters(f.ctx, a.approver, RosterQuery{Program: e.Program})
	if err != nil {
		f.t.Fatal(err)
	}
	var sum money.Fen
	var paid []Line
	for _, r := range rosters {
		if r.Status == Draft {
			continue
		}
		for _, l := range f.linesOf(a, r.ID, e) {
			sum += l.Amount
			paid = append(paid, l)
			months := 0
			for x := l.From; !x.After(l.To); x = x.Next() {
				months++
			}
			if l.Kind == Arrears && l.Amount != e.Monthly*money.Fen(months) {
				f.t.Errorf("arrears line of %s for %d months %s..%s (%s), at %s a month", l.Amount, months, l.From, l.To, l.Reason, e.Monthly)
			}
		}
	}
	return sum, paid
}

// TestPayoutArrearsDraftedAhead: April's roster was approved before the decision; May's and
// June's rosters are both drafted before either is approved. April's arrears may be carried by
// one of them only: approving both must not pay April twice.
func TestPayoutArrearsDraftedAhead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		e := f.lateDibao(a, func() { f.pay(a, mon(2024, 4), "dibao") })
		may := f.generate(a, mon(2024, 5), "dibao")
		june := f.generate(a, mon(2024, 6), "dibao")
		f.approve(a, may)
		f.approve(a, june)
		if sum, paid := f.paidFor(a, e); sum != 3*e.Monthly {
			t.Fatalf("April to June paid %s, owed %s:%s", sum, 3*e.Monthly, describe(paid))
		}
	})
}

// TestPayoutArrearsGap: April's and June's rosters were approved before the decision, May's was
// still a draft (made before the decision too). July's roster catches up April and June — and
// must say so, not "April to June" — and once May's old draft is approved as it was, August's
// catches up May. Every month from April to August is paid exactly once.
func TestPayoutArrearsGap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		var may *Roster
		e := f.lateDibao(a, func() {
			f.pay(a, mon(2024, 4), "dibao")
			may = f.generate(a, mon(2024, 5), "dibao")
			f.pay(a, mon(2024, 6), "dibao")
		})
		july := f.pay(a, mon(2024, 7), "dibao")
		for _, l := range f.linesOf(a, july.ID, e) {
			if l.Kind == Arrears && l.From == mon(2024, 4) && l.To == mon(2024, 6) {
				t.Errorf("July's arrears line names April to June, but May was not caught up: %s", lineKey(l))
			}
		}
		f.approve(a, may)
		f.pay(a, mon(2024, 8), "dibao")
		if sum, paid := f.paidFor(a, e); sum != 5*e.Monthly {
			t.Fatalf("April to August paid %s, owed %s:%s", sum, 5*e.Monthly, describe(paid))
		}
	})
}

// TestPayoutGenerateChecks: the month, program and district must be valid; the district's
// approver and the city administrator generate, another district's approver does not see the
// district, a street officer may not generate.
func TestPayoutGenerateChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		for _, tc := range []struct {
			name     string
			p        *auth.Principal
			m        civil.Month
			program  string
			district string
			want     apperr.Kind
		}{
			{"no month", a.approver, civil.Month{}, "dibao", laoshan, apperr.Invalid},
			{"recognition only", a.approver, mon(2024, 4), "dibao_edge", laoshan, apperr.Invalid},
			{"street code", a.approver, mon(2024, 4), "dibao", a.street, apperr.Invalid},
			{"unknown district", a.approver, mon(2024, 4), "dibao", "379999", apperr.Invalid},
			{"other district", f.shinan.approver, mon(2024, 4), "dibao", laoshan, apperr.NotFound},
			{"street officer", a.officer, mon(2024, 4), "dibao", laoshan, apperr.NotFound},
			{"auditor", &auth.Principal{Login: "auditor", Role: auth.Auditor, Scope: "3702"}, mon(2024, 4), "dibao", laoshan, apperr.Forbidden},
		} {
			if _, err := f.s.Generate(f.ctx, tc.p, tc.m, tc.program, tc.district); apperr.KindOf(err) != tc.want {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM rosters`); n != 0 {
			t.Fatalf("refused generations left %d rosters", n)
		}
		if _, err := f.s.Generate(f.ctx, f.admin, mon(2024, 4), "dibao", laoshan); err != nil {
			t.Fatalf("city administrator: %v", err)
		}
	})
}
