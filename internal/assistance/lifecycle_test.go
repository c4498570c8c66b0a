package assistance

import (
	"sync"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// approvedDibao files and approves a 低保 case and returns the household, the case and its
// entitlement.
func (f *fixture) approvedDibao(wage money.Fen) (int64, *Application, *Entitlement) {
	f.t.Helper()
	hid, head := f.household(wage, 0)
	a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
	if err != nil {
		f.t.Fatal(err)
	}
	a = f.drive(a, "approve")
	ents, err := f.s.Entitlements(f.ctx, f.approver, hid)
	if err != nil || len(ents) != 1 {
		f.t.Fatalf("entitlements %v: %v", ents, err)
	}
	return hid, a, ents[0]
}

// TestDeadlinesAcrossHolidays checks due dates in working days over the National Day holiday
// with its 调休 Sunday, the overdue queue and the reminders raised by the sweep, and the
// extension to 45 working days.
func TestDeadlinesAcrossHolidays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		// Friday 2024-09-27. 2024 National Day: 10-01..10-07 off, Sunday 09-29 and Saturday 10-12 worked.
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 9, Day: 27})
		_, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.s.Get(f.ctx, f.officer, a.ID)
		// The visit is due 3 working days on: 09-29 (调休 Sunday), 09-30, then 10-08.
		if want := (civil.Date{Year: 2024, Month: 10, Day: 8}); c.Current.DueOn != want {
			t.Fatalf("visit due %s, want %s", c.Current.DueOn, want)
		}
		f.clock.To(civil.Date{Year: 2024, Month: 10, Day: 8})
		if tasks, n, _ := f.s.Queue(f.ctx, f.approver, QueueOverdue, 1, 10); n != 0 || len(tasks) != 0 {
			t.Fatalf("overdue on its due date: %d", n)
		}
		if n, _, _ := f.s.Sweep(f.ctx); n != 0 {
			t.Fatalf("%d reminders on the due date", n)
		}
		f.clock.To(civil.Date{Year: 2024, Month: 10, Day: 9})
		tasks, n, err := f.s.Queue(f.ctx, f.approver, QueueOverdue, 1, 10)
		if err != nil || n != 1 || !tasks[0].Overdue || tasks[0].Step != StepVisit {
			t.Fatalf("overdue queue of the district: %v %d %v", tasks, n, err)
		}
		if _, n, _ := f.s.Queue(f.ctx, f.other, QueueOverdue, 1, 10); n != 0 {
			t.Fatalf("another street sees %d overdue steps", n)
		}
		if n, _, err := f.s.Sweep(f.ctx); n != 1 || err != nil {
			t.Fatalf("sweep raised %d reminders: %v", n, err)
		}
		if n, _, _ := f.s.Sweep(f.ctx); n != 0 {
			t.Fatalf("a second sweep raised %d more", n)
		}
		rs, err := f.s.Reminders(f.ctx, f.officer)
		if err != nil || len(rs) != 1 || rs[0].ApplicationID != a.ID {
			t.Fatalf("street officer's reminders %v: %v", rs, err)
		}
		if rs, _ := f.s.Reminders(f.ctx, f.approver); len(rs) != 0 {
			t.Fatalf("the district approver is reminded of a street step: %v", rs)
		}
		if _, err := f.s.Extend(f.ctx, f.officer, a.ID, a.Version, " ", ""); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("extension without a reason: %v", err)
		}
		before := a.CaseDue
		if a, err = f.s.Extend(f.ctx, f.officer, a.ID, a.Version, "申请人长期外出务工，需补充调查", ""); err != nil {
			t.Fatal(err)
		}
		if want := f.s.cal().AddWorkingDays(a.AcceptedOn, 45); !a.Extended || a.CaseDue != want || !before.Before(a.CaseDue) {
			t.Fatalf("extended: %v due %s (was %s), want %s", a.Extended, a.CaseDue, before, want)
		}
		if _, err := f.s.Extend(f.ctx, f.officer, a.ID, a.Version, "再次延期", ""); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("a second extension: %v", err)
		}
	})
}

// TestConcurrentOfficersConflict has two officers record the same visit at once: exactly one
// succeeds, the other gets a conflict, and the case has one visit.
func TestConcurrentOfficersConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, p := range []*fixturePrincipal{{f.officer}, {f.grid}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.s.Act(f.ctx, p.p, a.ID, Action{Step: StepVisit, Version: a.Version, Visit: f.visit(false)})
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case apperr.KindOf(err) == apperr.Conflict:
				conflicts++
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("%d succeeded, %d conflicts", ok, conflicts)
		}
		c, _ := f.s.Get(f.ctx, f.officer, a.ID)
		visits := 0
		for _, st := range c.Steps {
			if st.Step == StepVisit {
				visits++
			}
		}
		if visits != 1 || c.CurrentStep != StepNotice {
			t.Fatalf("%d visits, current step %s", visits, c.CurrentStep)
		}
	})
}

// TestScopeAndSkipping refuses a step to another street (as not found), a skipped step, an act
// on a stale version and a visit with one investigator.
func TestScopeAndSkipping(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			p    *fixturePrincipal
			act  Action
			want apperr.Kind
		}{
			{"other street", &fixturePrincipal{f.other}, Action{Step: StepVisit, Version: a.Version, Visit: f.visit(false)}, apperr.NotFound},
			{"skipped step", &fixturePrincipal{f.approver}, Action{Step: StepApprove, Version: a.Version, Outcome: "approve"}, apperr.Conflict},
			{"stale version", &fixturePrincipal{f.officer}, Action{Step: StepVisit, Version: a.Version - 1, Visit: f.visit(false)}, apperr.Conflict},
			{"one investigator", &fixturePrincipal{f.officer}, Action{Step: StepVisit, Version: a.Version,
				Visit: &Visit{Investigators: []string{"王调查", "王调查"}, VisitedOn: a.AcceptedOn, Findings: "x"}}, apperr.Invalid},
			{"visit before acceptance", &fixturePrincipal{f.officer}, Action{Step: StepVisit, Version: a.Version,
				Visit: &Visit{Investigators: []string{"甲", "乙"}, VisitedOn: a.AcceptedOn.AddDays(-1), Findings: "x"}}, apperr.Invalid},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := f.s.Act(f.ctx, tc.p.p, a.ID, tc.act); apperr.KindOf(err) != tc.want {
					t.Fatalf("got %v, want kind %d", err, tc.want)
				}
			})
		}
		if _, err := f.s.Get(f.ctx, f.other, a.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("another street read the case: %v", err)
		}
	})
}

// TestObjectionUpheldReopens sends a case back to a new home visit when an objection is upheld.
func TestObjectionUpheldReopens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		a, _ := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		a = f.act(f.officer, a, Action{Visit: f.visit(false)})
		oid, err := f.s.FileObjection(f.ctx, a.ID, "邻居", "", "申请人在外经商", "")
		if err != nil {
			t.Fatal(err)
		}
		if a, err = f.s.ResolveObjection(f.ctx, f.officer, a.ID, a.Version, oid, true, "需重新入户核实经营情况", ""); err != nil {
			t.Fatal(err)
		}
		if a.CurrentStep != StepVisit {
			t.Fatalf("after an upheld objection the step is %s", a.CurrentStep)
		}
		if rows, _ := f.s.PublicNotice(f.ctx, "370212"); len(rows) != 0 {
			t.Fatalf("the reopened case is still on the notice: %v", rows)
		}
		if _, err := f.s.FileObjection(f.ctx, a.ID, "", "", "再次异议", ""); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("an objection outside the notice: %v", err)
		}
		a = f.drive(a, "approve")
		c, _ := f.s.Get(f.ctx, f.officer, a.ID)
		var notices, reopened int
		for _, st := range c.Steps {
			if st.Step == StepNotice {
				notices++
				if st.Status == "reopened" {
					reopened++
				}
			}
		}
		if notices != 2 || reopened != 1 || a.Status != StatusDecided {
			t.Fatalf("notices %d reopened %d status %s", notices, reopened, a.Status)
		}
	})
}

// fixturePrincipal wraps a principal so table tests can name them.
type fixturePrincipal struct{ p *auth.Principal }

// TestReviewsExitsAndAppeals keeps, changes, tapers and terminates entitlements through reviews
// and direct decisions, and overturns a termination on appeal with a new decision that names
// the old one, which stays as issued.
func TestReviewsExitsAndAppeals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, _, e := f.approvedDibao(money.Yuan(300))
		if e.ReviewMonths != 12 || e.NextReview != (civil.Date{Year: 2025, Month: 3, Day: 11}) {
			t.Fatalf("review every %d months, next %s", e.ReviewMonths, e.NextReview)
		}
		if due, _ := f.s.DueReviews(f.ctx, f.officer, 30); len(due) != 0 {
			t.Fatalf("due reviews a year early: %v", due)
		}
		if err := f.s.ReportDeath(f.ctx, f.officer, e.ID, e.Version, civil.Date{Year: 2024, Month: 3, Day: 10}, "成员去世", ""); err != nil {
			t.Fatal(err)
		}
		e, _ = f.s.Entitlement(f.ctx, f.officer, e.ID)
		if e.NextReview != (civil.Date{Year: 2024, Month: 6, Day: 10}) {
			t.Fatalf("after a death the review is due %s", e.NextReview)
		}
		if due, _ := f.s.DueReviews(f.ctx, f.officer, 100); len(due) != 1 {
			t.Fatalf("due reviews within 100 days: %v", due)
		}

		// A review: taper out (渐退期 of dibao.gradual_exit_months).
		r, err := f.s.StartReview(f.ctx, f.officer, e.ID, ReviewChange, "申请人就业，收入增加", "")
		if err != nil {
			t.Fatal(err)
		}
		if r.CurrentStep != StepVisit {
			t.Fatalf("a review starts at %s", r.CurrentStep)
		}
		r = f.drive(r, DecisionTaper)
		e, _ = f.s.Entitlement(f.ctx, f.officer, e.ID)
		if e.Status != EntTapering || e.EndMonth != (civil.Month{Year: 2024, Month: 9}) {
			t.Fatalf("after 渐退: %s until %s", e.Status, e.EndMonth)
		}
		// Suspend and resume are the district's; a stale version conflicts.
		if _, err := f.s.Suspend(f.ctx, f.officer, e.ID, e.Version, "暂停核查", ""); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("a street officer suspended: %v", err)
		}
		if _, err := f.s.Suspend(f.ctx, f.approver, e.ID, e.Version-1, "暂停核查", ""); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("suspend on a stale version: %v", err)
		}
		if _, err := f.s.Suspend(f.ctx, f.approver, e.ID, e.Version, "暂停核查", ""); err != nil {
			t.Fatal(err)
		}
		e, _ = f.s.Entitlement(f.ctx, f.officer, e.ID)
		if _, err := f.s.Resume(f.ctx, f.approver, e.ID, e.Version, "核查无误", ""); err != nil {
			t.Fatal(err)
		}
		e, _ = f.s.Entitlement(f.ctx, f.officer, e.ID)
		term, err := f.s.Terminate(f.ctx, f.approver, e.ID, e.Version, "家庭收入超过标准", "")
		if err != nil {
			t.Fatal(err)
		}
		h, _ := f.s.Registry.Get(f.ctx, f.approver, hid)
		if len(h.Tiers) != 1 || h.Tiers[0].Tier != registry.Dibao || h.Tiers[0].ValidTo != (civil.Date{Year: 2024, Month: 3, Day: 31}) {
			t.Fatalf("tier after termination %+v", h.Tiers)
		}
		// Appeal the termination; the district overturns it.
		ap, err := f.s.StartAppeal(f.ctx, f.officer, term.ID, "申请人对终止决定不服", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.StartAppeal(f.ctx, f.officer, term.ID, "重复复核", ""); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("a second open appeal: %v", err)
		}
		ap = f.drive(ap, DecisionOverturn)
		orig, err := f.s.Decision(f.ctx, f.officer, term.ID)
		if err != nil || orig != term {
			t.Fatalf("the appealed decision changed:\n%+v\n%+v", orig, term)
		}
		for _, stmt := range []string{`UPDATE decisions SET amount_fen = 0 WHERE id = ?`, `DELETE FROM decisions WHERE id = ?`} {
			if _, err := d.Exec(f.ctx, stmt, term.ID); err == nil {
				t.Fatalf("the database let %q through on an issued decision", stmt)
			}
		}
		c, _ := f.s.Get(f.ctx, f.officer, ap.ID)
		last := c.Decisions[len(c.Decisions)-1]
		if last.Kind != DecisionOverturn || last.Corrects != term.ID {
			t.Fatalf("appeal decision %+v", last)
		}
		e, _ = f.s.Entitlement(f.ctx, f.officer, e.ID)
		if e.Status != EntActive || !e.EndMonth.IsZero() {
			t.Fatalf("after the overturn: %s until %s", e.Status, e.EndMonth)
		}
		hist, _ := f.s.EntitlementHistory(f.ctx, f.officer, e.ID)
		if len(hist) < 8 {
			t.Fatalf("history has %d rows: %v", len(hist), hist)
		}
		chain, err := f.s.Chain(f.ctx, f.officer, hid)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, ev := range chain {
			kinds[ev.Kind]++
		}
		if kinds["application"] != 3 || kinds["decision"] < 6 || kinds["entitlement"] != 1 {
			t.Fatalf("chain kinds %v", kinds)
		}
	})
}

// TestEmergencyAdvanceAndCouncil pays an emergency at once, escalates an amount above the cap to
// 一事一议, and refuses a street approval above the town limit.
func TestEmergencyAdvanceAndCouncil(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, head := f.household(0)
		in := f.intake("temporary", head)
		in.Subtype, in.Details = "emergency", Details{Severity: 3}
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.CurrentStep != StepAdvance {
			t.Fatalf("an emergency starts at %s", a.CurrentStep)
		}
		if _, err := f.s.Act(f.ctx, f.officer, a.ID, Action{Step: StepAdvance, Version: a.Version, Amount: money.Yuan(3001)}); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("an advance above the town limit: %v", err)
		}
		a = f.act(f.officer, a, Action{Amount: money.Yuan(2000)})
		ents, _ := f.s.Entitlements(f.ctx, f.officer, hid)
		if len(ents) != 1 || ents[0].OneOff != money.Yuan(2000) {
			t.Fatalf("advance entitlement %+v", ents)
		}
		a = f.act(f.officer, a, Action{Note: "材料已补齐"})
		// 3 × 1115 = 3345 > 3000: the district approves.
		c, _ := f.s.Get(f.ctx, f.officer, a.ID)
		if c.Current == nil || c.Current.Step != StepApprove || c.Current.Level != District {
			t.Fatalf("current step %+v", c.Current)
		}
		a = f.act(f.approver, a, Action{Outcome: "approve"})
		ents, _ = f.s.Entitlements(f.ctx, f.officer, hid)
		if len(ents) != 2 || ents[0].OneOff != money.Yuan(1345) {
			t.Fatalf("after approval the rest paid is %+v", ents[0])
		}
	})
}
