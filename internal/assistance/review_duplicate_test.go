package assistance

import (
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// TestReviewOneCasePerHousehold has a second member of a household apply for the program the
// household already has an open application for: a household is one case, whoever applies.
func TestReviewOneCasePerHousehold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		adult := civil.Date{Year: 1980, Month: 1, Day: 1}
		_, head, persons := f.create([]member{{birth: adult, wage: money.Yuan(300)}, {birth: adult}}, 0)
		if _, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head)); err != nil {
			t.Fatal(err)
		}
		in := Intake{Program: "dibao", RegionCode: "370212001", ApplicantPersonID: persons[1], Hukou: "urban", Reason: "生活困难"}
		if a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("a second open 低保 case of the same household: %+v, %v", a, err)
		}
	})
}

// TestReviewNoSecondEntitlement overturns a refusal on appeal after the household was granted
// the program on a later application: the household must not end up with two entitlements (and
// two payments) of one program.
func TestReviewNoSecondEntitlement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		adult := civil.Date{Year: 1980, Month: 1, Day: 1}
		hid, head, persons := f.create([]member{{birth: adult, wage: money.Yuan(300)}, {birth: adult}}, 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		a = f.drive(a, "reject")
		c, _ := f.s.Get(f.ctx, f.approver, a.ID)
		reject := c.Decisions[len(c.Decisions)-1]
		in := Intake{Program: "dibao", RegionCode: "370212001", ApplicantPersonID: persons[1], Hukou: "urban", Reason: "生活困难"}
		b, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if err != nil {
			t.Fatal(err)
		}
		f.drive(b, "approve")
		ap, err := f.s.StartAppeal(f.ctx, f.officer, reject.ID, "申请人对不予批准决定不服", "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Act(f.ctx, f.approver, ap.ID, Action{Step: StepApprove, Version: ap.Version, Outcome: DecisionOverturn, Note: "原决定有误"})
		if apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("overturn granted the program a second time: %v", err)
		}
		var active int
		ents, _ := f.s.Entitlements(f.ctx, f.approver, hid)
		for _, e := range ents {
			if e.Program == "dibao" && e.Status == EntActive {
				active++
			}
		}
		if active != 1 {
			t.Fatalf("%d active 低保 entitlements of one household", active)
		}
		h, _ := f.s.Registry.Get(f.ctx, f.approver, hid)
		var spans int
		for _, sp := range h.Tiers {
			if sp.Tier == registry.Dibao {
				spans++
			}
		}
		if spans != 1 {
			t.Fatalf("%d 低保 tier spans", spans)
		}
	})
}

// TestReviewOneOpenReview starts a second review of an entitlement under review.
func TestReviewOneOpenReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, _, e := f.approvedDibao(money.Yuan(300))
		if _, err := f.s.StartReview(f.ctx, f.officer, e.ID, ReviewScheduled, "年度复查", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.StartReview(f.ctx, f.officer, e.ID, ReviewChange, "收入变化", ""); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("a second open review of one entitlement: %v", err)
		}
	})
}

// TestReviewApplicantOfHousehold links a household the applicant does not belong to, at the
// window and when accepting an online application: the case would assess and pay one family
// on another's application.
func TestReviewApplicantOfHousehold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		other, _ := f.household(money.Yuan(200), 0)
		in := f.intake("dibao", head)
		in.HouseholdID = other
		if _, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("window intake linking another family: %v", err)
		}
		a, err := f.s.Submit(f.ctx, Applicant{CitizenID: 5}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Act(f.ctx, f.officer, a.ID, Action{Step: StepAccept, Version: a.Version, Outcome: "accept", HouseholdID: other}); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("accepting with another family: %v", err)
		}
		f.act(f.officer, a, Action{Outcome: "accept"}) // found by the applicant's ID number
	})
}

// TestReviewOverturnTerminationOnce terminates 低保, grants it again on a new application, and
// then overturns the old termination on appeal: reviving the old entitlement beside the new one
// would pay the household twice.
func TestReviewOverturnTerminationOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, _, e := f.approvedDibao(money.Yuan(300))
		term, err := f.s.Terminate(f.ctx, f.approver, e.ID, e.Version, "家庭收入超过标准", "")
		if err != nil {
			t.Fatal(err)
		}
		h, _ := f.s.Registry.Get(f.ctx, f.approver, hid)
		in := Intake{Program: "dibao", RegionCode: "370212001", ApplicantPersonID: h.Members[0].ID, Hukou: "urban", Reason: "再次申请"}
		b, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if err != nil {
			t.Fatal(err)
		}
		f.drive(b, "approve")
		ap, err := f.s.StartAppeal(f.ctx, f.officer, term.ID, "申请人对终止决定不服", "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Act(f.ctx, f.approver, ap.ID, Action{Step: StepApprove, Version: ap.Version, Outcome: DecisionOverturn})
		if apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("overturn revived a second entitlement: %v", err)
		}
	})
}
