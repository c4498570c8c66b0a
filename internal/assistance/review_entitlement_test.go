package assistance

import (
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// reviewTo opens a review of entitlement e and carries it to the approval step.
func (f *fixture) reviewTo(e *Entitlement) *Application {
	f.t.Helper()
	r, err := f.s.StartReview(f.ctx, f.officer, e.ID, ReviewChange, "收入变化", "")
	if err != nil {
		f.t.Fatal(err)
	}
	return f.act(f.officer, r, Action{Visit: f.visit(false)})
}

// TestReviewTaperIsDibaoOnly tapers (渐退期) only 低保, and only once: DOMAIN.md §3 lets 低保
// continue up to 6 months when work lifts income above the standard; 特困 has no such period,
// and a second taper must not push the end of a running one further out.
func TestReviewTaperIsDibaoOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, head, _ := f.create([]member{{birth: civil.Date{Year: 1950, Month: 1, Day: 9}}}, 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("tekun", head))
		if err != nil {
			t.Fatal(err)
		}
		f.drive(a, "approve")
		ents, _ := f.s.Entitlements(f.ctx, f.approver, hid)
		r := f.reviewTo(ents[0])
		if _, err := f.s.Act(f.ctx, f.approver, r.ID, Action{Step: StepApprove, Version: r.Version, Outcome: DecisionTaper}); err == nil {
			t.Fatal("a 特困 entitlement was put on 渐退期")
		}

		_, _, e := f.approvedDibao(money.Yuan(300))
		r = f.reviewTo(e)
		f.act(f.approver, r, Action{Outcome: DecisionTaper})
		e, _ = f.s.Entitlement(f.ctx, f.approver, e.ID)
		end := e.EndMonth
		f.clock.AdvanceDays(60)
		r = f.reviewTo(e)
		if _, err := f.s.Act(f.ctx, f.approver, r.ID, Action{Step: StepApprove, Version: r.Version, Outcome: DecisionTaper}); err == nil {
			e, _ = f.s.Entitlement(f.ctx, f.approver, e.ID)
			t.Fatalf("a second 渐退 moved the end from %s to %s", end, e.EndMonth)
		}
	})
}

// TestReviewChangeRecordsCalculation changes the amount of a 低保 entitlement on review when
// the standard rises: the entitlement's calculation must be the one behind its new amount.
func TestReviewChangeRecordsCalculation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2023, Month: 11, Day: 6})
		_, _, e := f.approvedDibao(money.Yuan(300))
		before := e.Monthly
		f.clock.To(civil.Date{Year: 2024, Month: 2, Day: 19})
		r := f.reviewTo(e)
		r = f.act(f.approver, r, Action{Outcome: DecisionChange})
		c, _ := f.s.Get(f.ctx, f.approver, r.ID)
		dec := c.Decisions[len(c.Decisions)-1]
		e, _ = f.s.Entitlement(f.ctx, f.approver, e.ID)
		if e.Monthly == before || e.Monthly != dec.Amount {
			t.Fatalf("monthly %s (was %s), decision %s", e.Monthly, before, dec.Amount)
		}
		if e.Calculation != dec.Explanation {
			t.Fatalf("the entitlement keeps the old calculation:\n%s\nwant\n%s", e.Calculation, dec.Explanation)
		}
	})
}

// TestReviewResumeKeepsTaper suspends an entitlement in its 渐退期 and resumes it: it goes on
// tapering to the same end, not back to ordinary payment.
func TestReviewResumeKeepsTaper(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, _, e := f.approvedDibao(money.Yuan(300))
		r := f.reviewTo(e)
		f.act(f.approver, r, Action{Outcome: DecisionTaper})
		e, _ = f.s.Entitlement(f.ctx, f.approver, e.ID)
		if _, err := f.s.Suspend(f.ctx, f.approver, e.ID, e.Version, "暂停核查", ""); err != nil {
			t.Fatal(err)
		}
		e, _ = f.s.Entitlement(f.ctx, f.approver, e.ID)
		if _, err := f.s.Resume(f.ctx, f.approver, e.ID, e.Version, "核查无误", ""); err != nil {
			t.Fatal(err)
		}
		e, _ = f.s.Entitlement(f.ctx, f.approver, e.ID)
		if e.Status != EntTapering {
			t.Fatalf("resumed as %s until %s", e.Status, e.EndMonth)
		}
	})
}

// TestReviewOverturnTierContinuous terminates 低保 in June and overturns the termination on
// appeal: the household's tier must run on from the end of the old span, without two spans
// covering the same days.
func TestReviewOverturnTierContinuous(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, _, e := f.approvedDibao(money.Yuan(300))
		f.clock.To(civil.Date{Year: 2024, Month: 6, Day: 11})
		term, err := f.s.Terminate(f.ctx, f.approver, e.ID, e.Version, "家庭收入超过标准", "")
		if err != nil {
			t.Fatal(err)
		}
		ap, err := f.s.StartAppeal(f.ctx, f.officer, term.ID, "申请人不服", "")
		if err != nil {
			t.Fatal(err)
		}
		f.drive(ap, DecisionOverturn)
		h, _ := f.s.Registry.Get(f.ctx, f.approver, hid)
		var spans []registry.TierSpan
		for _, sp := range h.Tiers {
			if sp.Tier == registry.Dibao {
				spans = append(spans, sp)
			}
		}
		open := 0
		for i, sp := range spans {
			if sp.ValidTo.IsZero() {
				open++
			}
			for j, o := range spans {
				if i == j {
					continue
				}
				oEnd := o.ValidTo
				if oEnd.IsZero() {
					oEnd = civil.Date{Year: 9999, Month: 12, Day: 31}
				}
				if !sp.ValidFrom.Before(o.ValidFrom) && !sp.ValidFrom.After(oEnd) {
					t.Fatalf("overlapping 低保 spans %+v", spans)
				}
			}
		}
		if open != 1 {
			t.Fatalf("%d open 低保 spans: %+v", open, spans)
		}
	})
}

// TestReviewCouncilNeedsEligibility holds 一事一议 on a 支出型 case above the cap, and then the
// household's income rises above the line before the decision. The council sets the amount of
// an eligible case; it does not make an ineligible household eligible.
func TestReviewCouncilNeedsEligibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 9, Day: 23})
		hid, head, persons := f.create([]member{{birth: civil.Date{Year: 1979, Month: 5, Day: 2}, wage: money.Yuan(800)}}, 0)
		in := f.intake("temporary", head)
		in.Subtype, in.Details = "expense", Details{Expense: money.Yuan(20000)}
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if err != nil {
			t.Fatal(err)
		}
		a = f.act(f.officer, a, Action{Visit: f.visit(false)})
		if a.CurrentStep != StepCouncil {
			t.Fatalf("step %s", a.CurrentStep)
		}
		a = f.act(f.approver, a, Action{Council: &Council{HeldOn: civil.Today(f.clock.Now()), Attendees: "局长、科长", Record: "同意救助", Amount: money.Yuan(9000)}})
		if _, err := d.Exec(f.ctx, `UPDATE incomes SET monthly_fen = ? WHERE person_id = ?`, int64(money.Yuan(50000)), persons[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Act(f.ctx, f.approver, a.ID, Action{Step: StepApprove, Version: a.Version, Outcome: "approve"}); err == nil {
			ents, _ := f.s.Entitlements(f.ctx, f.approver, hid)
			t.Fatalf("an ineligible household was paid on the council's word: %+v", ents)
		}
	})
}

// TestReviewSweepEndsSuspended suspends an entitlement in its 渐退期 and leaves it suspended past
// its last month: the sweep ends it and takes the household out of the tier, as it does for one
// still paying; a suspension must not keep the household in 低保 for ever.
func TestReviewSweepEndsSuspended(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, _, e := f.approvedDibao(money.Yuan(300))
		r := f.reviewTo(e)
		f.act(f.approver, r, Action{Outcome: DecisionTaper})
		e, _ = f.s.Entitlement(f.ctx, f.approver, e.ID)
		if _, err := f.s.Suspend(f.ctx, f.approver, e.ID, e.Version, "暂停核查", ""); err != nil {
			t.Fatal(err)
		}
		f.clock.To(e.EndMonth.Next().Next().FirstDay())
		if _, _, err := f.s.Sweep(f.ctx); err != nil {
			t.Fatal(err)
		}
		e, _ = f.s.Entitlement(f.ctx, f.approver, e.ID)
		if e.Status != EntEnded {
			t.Fatalf("past its end (%s) the entitlement is %s", e.EndMonth, e.Status)
		}
		h, _ := f.s.Registry.Get(f.ctx, f.approver, hid)
		for _, sp := range h.Tiers {
			if sp.Tier == registry.Dibao && sp.ValidTo.IsZero() {
				t.Fatalf("the household stays in 低保: %+v", h.Tiers)
			}
		}
	})
}

// TestReviewKeepNeedsEligibility reviews a 低保 household whose income has risen far above the
// standard: the review may taper or terminate, but not keep paying as before.
func TestReviewKeepNeedsEligibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, _, e := f.approvedDibao(money.Yuan(300))
		if _, err := d.Exec(f.ctx, `UPDATE incomes SET monthly_fen = ? WHERE person_id IN (SELECT id FROM persons WHERE household_id = ?)`,
			int64(money.Yuan(8000)), hid); err != nil {
			t.Fatal(err)
		}
		r := f.reviewTo(e)
		if _, err := f.s.Act(f.ctx, f.approver, r.ID, Action{Step: StepApprove, Version: r.Version, Outcome: DecisionKeep}); err == nil {
			t.Fatal("kept paying 低保 to a household far above the standard")
		}
		f.act(f.approver, r, Action{Outcome: DecisionTaper})
		e, _ = f.s.Entitlement(f.ctx, f.approver, e.ID)
		if e.Status != EntTapering {
			t.Fatalf("status %s", e.Status)
		}
	})
}

// TestReviewDibaoSupersedesEdge grants 低保 to a household recognised as 低保边缘 whose income
// then fell: 低保边缘 is for families not in 低保 (DOMAIN.md §5), so the recognition ends, with
// its history, when 低保 begins, and the household is not left in both tiers.
func TestReviewDibaoSupersedesEdge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 9, Day: 23})
		adult := civil.Date{Year: 1979, Month: 5, Day: 2}
		hid, head, _ := f.create([]member{{birth: adult, wage: money.Yuan(1300)}, {birth: adult, wage: money.Yuan(1300)}}, 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao_edge", head))
		if err != nil {
			t.Fatal(err)
		}
		f.drive(a, "approve")
		if _, err := d.Exec(f.ctx, `UPDATE incomes SET monthly_fen = ? WHERE person_id IN (SELECT id FROM persons WHERE household_id = ?)`,
			int64(money.Yuan(300)), hid); err != nil {
			t.Fatal(err)
		}
		b, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		f.drive(b, "approve")
		ents, _ := f.s.Entitlements(f.ctx, f.approver, hid)
		for _, e := range ents {
			if e.Program == "dibao_edge" && e.Status != EntEnded {
				t.Fatalf("低保边缘 still %s beside 低保", e.Status)
			}
		}
		h, _ := f.s.Registry.Get(f.ctx, f.approver, hid)
		for _, sp := range h.Tiers {
			if sp.Tier == registry.DibaoEdge && sp.ValidTo.IsZero() {
				t.Fatalf("the household is in 低保 and 低保边缘 at once: %+v", h.Tiers)
			}
		}
	})
}
