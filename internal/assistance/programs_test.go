package assistance

import (
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// TestEveryProgramEndToEnd files a window application for each program on an eligible household,
// drives it through its workflow (each step by the level it names) and checks the steps taken,
// the decision and the entitlement it creates.
func TestEveryProgramEndToEnd(t *testing.T) {
	adult := civil.Date{Year: 1979, Month: 5, Day: 2}
	old := civil.Date{Year: 1950, Month: 1, Day: 9}
	child := civil.Date{Year: 2014, Month: 6, Day: 1}
	cases := []struct {
		program, subtype string
		members          []member
		spending         money.Fen
		tiers            []registry.Tier
		details          Details
		child            bool
		steps            []string
		monthly, oneOff  bool
	}{
		{program: "dibao", members: []member{{birth: adult, wage: money.Yuan(500)}, {birth: child}},
			steps: []string{"accept", "check", "visit", "notice", "approve"}, monthly: true},
		{program: "tekun", members: []member{{birth: old}},
			steps: []string{"accept", "check", "visit", "notice", "approve"}, monthly: true},
		{program: "dibao_edge", members: []member{{birth: adult, wage: money.Yuan(1300)}, {birth: adult, wage: money.Yuan(1300)}},
			steps: []string{"accept", "check", "visit", "notice", "approve"}},
		{program: "temporary", subtype: "expense", members: []member{{birth: adult, wage: money.Yuan(800)}},
			details: Details{Expense: money.Yuan(2000)}, steps: []string{"accept", "check", "visit", "approve"}, oneOff: true},
		{program: "temporary", subtype: "expense", members: []member{{birth: adult, wage: money.Yuan(800)}},
			details: Details{Expense: money.Yuan(20000)}, steps: []string{"accept", "check", "visit", "council", "approve"}, oneOff: true},
		{program: "temporary", subtype: "emergency", members: []member{{birth: adult}},
			details: Details{Severity: 2}, steps: []string{"accept", "advance", "complete", "check", "approve"}, oneOff: true},
		{program: "orphan", members: []member{{birth: child}}, child: true,
			steps: []string{"accept", "check", "visit", "notice", "approve"}, monthly: true},
		{program: "de_facto_orphan", members: []member{{birth: child}}, child: true,
			steps: []string{"accept", "check", "visit", "approve"}, monthly: true},
		{program: "vulnerable_child", members: []member{{birth: child}}, child: true,
			steps: []string{"accept", "check", "visit", "notice", "approve"}, monthly: true},
		{program: "disability_living", members: []member{{birth: adult, disability: 1}}, tiers: []registry.Tier{registry.Dibao},
			steps: []string{"accept", "check", "visit", "approve"}, monthly: true},
		{program: "disability_care", members: []member{{birth: adult, disability: 2, selfCare: []string{"bathe"}}},
			steps: []string{"accept", "check", "visit", "approve"}, monthly: true},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 9, Day: 23})
		for _, tc := range cases {
			t.Run(tc.program+tc.subtype+money.Fen(tc.details.Expense).Plain(), func(t *testing.T) {
				f.t = t
				hid, head, persons := f.create(tc.members, tc.spending, tc.tiers...)
				in := f.intake(tc.program, head)
				in.Subtype, in.Details = tc.subtype, tc.details
				if tc.child {
					in.Details.ChildPersonID = persons[0]
				}
				a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
				if err != nil {
					t.Fatal(err)
				}
				a = f.drive(a, "approve")
				c, err := f.s.Get(f.ctx, f.approver, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				var taken []string
				for _, st := range c.Steps {
					taken = append(taken, st.Step)
					if st.Status != "done" {
						t.Errorf("step %s left %s", st.Step, st.Status)
					}
				}
				if len(taken) != len(tc.steps) {
					t.Fatalf("steps %v, want %v", taken, tc.steps)
				}
				for i := range taken {
					if taken[i] != tc.steps[i] {
						t.Fatalf("steps %v, want %v", taken, tc.steps)
					}
				}
				last := c.Decisions[len(c.Decisions)-1]
				if last.Kind != DecisionApprove || (last.Amount <= 0 && (tc.monthly || tc.oneOff)) || last.Explanation == "" {
					t.Fatalf("decision %+v", last)
				}
				ents, _ := f.s.Entitlements(f.ctx, f.approver, hid)
				if len(ents) == 0 {
					t.Fatal("no entitlement")
				}
				e := ents[0]
				if tc.monthly && (e.Monthly <= 0 || e.NextReview.IsZero()) {
					t.Fatalf("monthly entitlement %+v", e)
				}
				if tc.oneOff && e.OneOff <= 0 {
					t.Fatalf("one-off entitlement %+v", e)
				}
			})
		}
	})
}
