package assistance

import (
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestReviewKeepsApplicationFacts reviews a child allowance of a two-person household (the
// child and a grandparent). The review must be calculated for the same child as the
// application, so it can be opened and its amount changed.
func TestReviewKeepsApplicationFacts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 9, Day: 23})
		grand := civil.Date{Year: 1955, Month: 2, Day: 1}
		child := civil.Date{Year: 2014, Month: 6, Day: 1}
		_, head, persons := f.create([]member{{birth: grand}, {birth: child}}, 0)
		in := f.intake("de_facto_orphan", head)
		in.Details.ChildPersonID = persons[1]
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if err != nil {
			t.Fatal(err)
		}
		a = f.drive(a, "approve")
		ents, _ := f.s.Entitlements(f.ctx, f.approver, a.HouseholdID)
		if len(ents) != 1 {
			t.Fatalf("entitlements %v", ents)
		}
		e := ents[0]
		r, err := f.s.StartReview(f.ctx, f.officer, e.ID, ReviewScheduled, "年度复查", "")
		if err != nil {
			t.Fatalf("review of a child allowance: %v", err)
		}
		if r.Details.ChildPersonID != persons[1] || r.Details.ReviewReason != ReviewScheduled {
			t.Fatalf("review details %+v", r.Details)
		}
		r = f.drive(r, DecisionChange)
		if r.Status != StatusDecided {
			t.Fatalf("review status %s", r.Status)
		}
	})
}

// TestReviewChildMustBeNamed files a child allowance for a household of more than one person
// without naming the child, and one naming a person of another household: both are refused
// as invalid input with a message of the catalogue, not an internal error.
func TestReviewChildMustBeNamed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 9, Day: 23})
		grand := civil.Date{Year: 1955, Month: 2, Day: 1}
		child := civil.Date{Year: 2014, Month: 6, Day: 1}
		_, head, _ := f.create([]member{{birth: grand}, {birth: child}}, 0)
		_, _, strangers := f.create([]member{{birth: child}}, 0)
		in := f.intake("orphan", head)
		_, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if e := apperr.As(err); e.Kind != apperr.Invalid || e.Field != "child_person_id" {
			t.Fatalf("child not named: %v (%+v)", err, e)
		}
		_, lone, _ := f.create([]member{{birth: child}}, 0)
		in = f.intake("orphan", lone)
		in.Details.ChildPersonID = strangers[0]
		_, err = f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if e := apperr.As(err); e.Kind != apperr.Invalid || e.Field != "child_person_id" {
			t.Fatalf("child of another household: %v (%+v)", err, e)
		}
	})
}
