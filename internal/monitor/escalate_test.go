package monitor

import (
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestEscalate: a street-level warning still open after its due date moves to the district once,
// with a new deadline of five working days; the street officer no longer directs it, the
// district approver does — and may hand it back to the officer by name.
func TestEscalate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFlowFixture(t, d, monday)
		a, ctx := f.laoshan, f.ctx
		hid, person, idn := f.household(a.community, born1979, 0, 0)
		w := f.assign(a.officer, f.raiseFor(a.officer, a.community, hid, person, idn), a.grid.Login)
		done := f.raise(a.officer, warningSpec{region: a.community})
		done = f.visit(a.officer, done)
		if _, err := f.s.Decide(ctx, a.officer, done.ID, done.Version, Decision{Outcome: OutcomeDismiss, Note: "核实无异常"}, ""); err != nil {
			t.Fatal(err)
		}
		escalate := func(want int) {
			t.Helper()
			n, err := f.s.Escalate(ctx)
			if err != nil || n != want {
				t.Fatalf("Escalate on %s = %d, %v; want %d", f.today(), n, err, want)
			}
		}
		escalate(0)
		f.clock.To(w.Due)
		escalate(0) // due today is not late yet
		f.clock.AdvanceDays(1)
		late := f.raise(a.officer, warningSpec{region: a.community2})
		escalate(1)
		escalate(0)

		got, events, _, err := f.s.Warning(ctx, a.approver, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Level != LevelDistrict || got.EscalatedAt == "" || got.Due != f.s.cal().AddWorkingDays(f.today(), DefaultEscalationDays) ||
			got.State != StateAssigned || got.Version != w.Version+1 {
			t.Fatalf("escalated warning %+v", got)
		}
		if last := events[len(events)-1]; last.Action != "escalate" || last.Actor != "system" || !strings.Contains(last.Note, got.Due.String()) {
			t.Fatalf("escalation event %+v", last)
		}
		if fresh, _, _, _ := f.s.Warning(ctx, a.officer, late.ID); fresh.Level != LevelStreet {
			t.Fatalf("a warning raised today was escalated: %+v", fresh)
		}
		overdue, _, err := f.s.Warnings(ctx, a.approver, Filter{Level: LevelDistrict})
		if err != nil || len(overdue) != 1 || overdue[0].ID != w.ID {
			t.Fatalf("district queue %v %v", ids(overdue), err)
		}

		_, err = f.s.Assign(ctx, a.officer, w.ID, got.Version, a.officer.Login, "")
		wantErr(t, err, apperr.Forbidden, "monitor.assign_forbidden", "")
		got = f.assign(a.approver, got, a.officer.Login) // handed back to the officer by name
		got = f.visit(a.officer, got)
		got, err = f.s.Decide(ctx, a.approver, w.ID, got.Version, Decision{Outcome: OutcomeDismiss, Note: "区级督办核实：费用已报销"}, "")
		if err != nil || got.State != StateClosed {
			t.Fatalf("district decision: %+v %v", got, err)
		}
	})
}
