package assistance

import (
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// TestReviewAppealOfNotAccepted appeals a refusal to accept (不予受理). The refused application
// never had a household linked, so the appeal's check must still run; and overturning the
// refusal sends the application back to 受理 — it must not grant anything without the home
// visit, the notice and the approval the workflow requires.
func TestReviewAppealOfNotAccepted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{CitizenID: 77}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		a = f.act(f.officer, a, Action{Outcome: "refuse", Note: "材料不全"})
		c, _ := f.s.Get(f.ctx, f.officer, a.ID)
		if a.Status != StatusNotAccepted || len(c.Decisions) != 1 || c.Decisions[0].Kind != DecisionNotAccepted {
			t.Fatalf("refusal: status %s decisions %+v", a.Status, c.Decisions)
		}
		refusal := c.Decisions[0]
		ap, err := f.s.StartAppeal(f.ctx, f.officer, refusal.ID, "申请人对不予受理决定不服", "")
		if err != nil {
			t.Fatalf("appeal of a refusal to accept: %v", err)
		}
		ap = f.drive(ap, DecisionOverturn)
		if ap.Status != StatusDecided {
			t.Fatalf("appeal status %s", ap.Status)
		}
		if ents, _ := f.s.Entitlements(f.ctx, f.approver, hid); len(ents) != 0 {
			t.Fatalf("overturning a refusal to accept granted %+v without visit, notice or approval", ents[0])
		}
		apps, err := f.s.CitizenApplications(f.ctx, 77)
		if err != nil {
			t.Fatal(err)
		}
		var again *Application
		for _, x := range apps {
			if x.Kind == KindApply && x.ID != a.ID {
				again = x
			}
		}
		if again == nil || again.Status != StatusSubmitted || again.CurrentStep != StepAccept || again.Program != "dibao" {
			t.Fatalf("after the overturn the application is not back at 受理: %+v", again)
		}
		// The street now accepts it and it runs its full workflow.
		again = f.act(f.officer, again, Action{Outcome: "accept", HouseholdID: hid})
		if again.CurrentStep != StepVisit {
			t.Fatalf("re-accepted application at %s", again.CurrentStep)
		}
	})
}

// TestReviewOverturnedNotAppealedAgain appeals a termination that an earlier appeal already
// overturned: there is nothing left to correct, and a second overturn would issue a second
// correcting decision.
func TestReviewOverturnedNotAppealedAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, _, e := f.approvedDibao(money.Yuan(300))
		term, err := f.s.Terminate(f.ctx, f.approver, e.ID, e.Version, "家庭收入超过标准", "")
		if err != nil {
			t.Fatal(err)
		}
		ap, err := f.s.StartAppeal(f.ctx, f.officer, term.ID, "申请人不服", "")
		if err != nil {
			t.Fatal(err)
		}
		f.drive(ap, DecisionOverturn)
		if _, err := f.s.StartAppeal(f.ctx, f.officer, term.ID, "再次申请复核", ""); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("an overturned decision appealed again: %v", err)
		}
	})
}
