package assistance

import (
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestReviewEmergencyWithin24Hours accepts an emergency on the eve of the National Day holiday.
// 急难型 assistance is given within 24 hours and its paperwork completed within 5 days (DOMAIN.md
// §6): calendar time, which a holiday does not stretch to a week and more.
func TestReviewEmergencyWithin24Hours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 9, Day: 30}) // Monday; 10-01..10-07 off
		_, head := f.household(0)
		in := f.intake("temporary", head)
		in.Subtype, in.Details = "emergency", Details{Severity: 2}
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.s.Get(f.ctx, f.officer, a.ID)
		if want := (civil.Date{Year: 2024, Month: 10, Day: 1}); c.Current == nil || c.Current.Step != StepAdvance || c.Current.DueOn != want {
			t.Fatalf("先行救助 due %+v, want %s", c.Current, want)
		}
		a = f.act(f.officer, a, Action{Amount: 100000})
		c, _ = f.s.Get(f.ctx, f.officer, a.ID)
		if want := (civil.Date{Year: 2024, Month: 10, Day: 5}); c.Current == nil || c.Current.Step != StepComplete || c.Current.DueOn != want {
			t.Fatalf("补齐材料 due %+v, want %s", c.Current, want)
		}
		// An online emergency waits at most a day to be accepted.
		_, other := f.household(0)
		in = f.intake("temporary", other)
		in.Subtype, in.Details = "emergency", Details{Severity: 1}
		b, err := f.s.Submit(f.ctx, Applicant{CitizenID: 3}, in)
		if err != nil {
			t.Fatal(err)
		}
		c, _ = f.s.Get(f.ctx, f.officer, b.ID)
		if want := (civil.Date{Year: 2024, Month: 10, Day: 1}); c.Current == nil || c.Current.Step != StepAccept || c.Current.DueOn != want {
			t.Fatalf("受理 of an online emergency due %+v, want %s", c.Current, want)
		}
	})
}
