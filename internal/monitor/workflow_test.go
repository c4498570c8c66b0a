package monitor

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestWarningScopeAndQueue: a warning exists only within the caller's scope — another district
// reads, assigns, visits and decides nothing (not found) — and the queue filters, pages and
// orders newest first within the scope.
func TestWarningScopeAndQueue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFlowFixture(t, d, monday)
		a, ctx := f.laoshan, f.ctx
		hid, person, idn := f.household(a.community, born1979, 0, 0)
		w := f.raiseFor(a.officer, a.community, hid, person, idn)
		disc := f.raise(a.officer, warningSpec{rule: "medical_cost_discovery", kind: KindDiscovery, region: a.community2})
		other := f.raise(f.shinan.officer, warningSpec{region: f.shinan.community})

		if w.State != StateOpen || w.Level != LevelStreet || w.Version != 1 || w.HouseholdID != hid || w.PersonID != person ||
			w.Evidence["year"] != "2024" || w.Due != f.s.cal().AddWorkingDays(monday, 10) {
			t.Fatalf("raised warning %+v", w)
		}
		for _, p := range []*auth.Principal{f.shinan.officer, f.shinan.approver, f.shinan.grid, a.grid2} {
			_, _, _, err := f.s.Warning(ctx, p, w.ID)
			wantErr(t, err, apperr.NotFound, "monitor.notfound", "")
		}
		_, err := f.s.Assign(ctx, f.shinan.approver, w.ID, w.Version, f.shinan.grid.Login, "")
		wantErr(t, err, apperr.NotFound, "monitor.notfound", "")
		_, err = f.s.RecordVisit(ctx, f.shinan.officer, w.ID, w.Version, VisitInput{Findings: "走访"}, "")
		wantErr(t, err, apperr.NotFound, "monitor.notfound", "")
		_, err = f.s.Decide(ctx, f.shinan.approver, w.ID, w.Version, Decision{Outcome: OutcomeDismiss, Note: "无"}, "")
		wantErr(t, err, apperr.NotFound, "monitor.notfound", "")

		tests := []struct {
			name  string
			p     *auth.Principal
			f     Filter
			want  []int64
			total int
		}{
			{"street officer sees its street", a.officer, Filter{}, []int64{disc.ID, w.ID}, 2},
			{"grid worker sees its community", a.grid, Filter{}, []int64{w.ID}, 1},
			{"another district", f.shinan.approver, Filter{}, []int64{other.ID}, 1},
			{"the city sees all", f.admin, Filter{}, []int64{other.ID, disc.ID, w.ID}, 3},
			{"the auditor reads", f.auditor, Filter{Kind: KindNeed}, []int64{other.ID, w.ID}, 2},
			{"region inside the scope", a.officer, Filter{Region: a.community2}, []int64{disc.ID}, 1},
			{"region outside the scope", a.officer, Filter{Region: f.shinan.district}, []int64{}, 0},
			{"region above the scope", a.grid, Filter{Region: a.district}, []int64{w.ID}, 1},
			{"kind", a.approver, Filter{Kind: KindDiscovery}, []int64{disc.ID}, 1},
			{"rule", f.admin, Filter{Rule: "medical_cost"}, []int64{other.ID, w.ID}, 2},
			{"state", f.admin, Filter{State: StateOpen, Level: LevelStreet}, []int64{other.ID, disc.ID, w.ID}, 3},
			{"none overdue yet", f.admin, Filter{Overdue: true}, []int64{}, 0},
			{"second page", f.admin, Filter{Page: 2, PerPage: 2}, []int64{w.ID}, 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := f.s.Warnings(ctx, tt.p, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, ids(got)); diff != "" || total != tt.total {
					t.Fatalf("warnings (-want +got):\n%s\ntotal %d, want %d", diff, total, tt.total)
				}
			})
		}
		_, _, err = f.s.Warnings(ctx, a.officer, Filter{State: "lost"})
		wantErr(t, err, apperr.Invalid, "monitor.filter_invalid", "state")
		_, _, err = f.s.Warnings(ctx, &auth.Principal{Login: "canteen", Role: auth.CanteenOperator, Scope: "370212"}, Filter{})
		wantErr(t, err, apperr.Forbidden, "monitor.forbidden", "")
	})
}

// TestAssign: the street officer assigns a warning to a grid worker or officer who covers its
// area; a grid worker cannot assign, nor can anyone assign to a user of another area or role, a
// disabled user or nobody; the version the caller saw must be current.
func TestAssign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFlowFixture(t, d, monday)
		a, ctx := f.laoshan, f.ctx
		hid, person, idn := f.household(a.community, born1979, 0, 0)
		w := f.raiseFor(a.officer, a.community, hid, person, idn)
		gone := newFlowUser(t, ctx, f.users, "laoshan.gone", auth.GridWorker, a.community)
		disabled := true
		if _, err := f.users.UpdateUser(ctx, f.admin, gone.UserID, auth.UserChange{Disabled: &disabled}, ""); err != nil {
			t.Fatal(err)
		}

		_, err := f.s.Assign(ctx, a.grid, w.ID, w.Version, a.grid.Login, "")
		wantErr(t, err, apperr.Forbidden, "monitor.assign_forbidden", "")
		_, err = f.s.Assign(ctx, f.auditor, w.ID, w.Version, a.grid.Login, "")
		wantErr(t, err, apperr.Forbidden, "monitor.assign_forbidden", "")
		for _, login := range []string{a.grid2.Login, f.shinan.grid.Login, a.approver.Login, "nobody.here", gone.Login, "laoshan"} {
			_, err := f.s.Assign(ctx, a.officer, w.ID, w.Version, login, "")
			wantErr(t, err, apperr.Invalid, "monitor.assignee_invalid", "assignee")
		}
		_, err = f.s.Assign(ctx, a.officer, w.ID, w.Version, " ", "")
		wantErr(t, err, apperr.Invalid, "monitor.assignee_required", "assignee")

		got := f.assign(a.officer, w, " Laoshan.Grid ")
		if got.State != StateAssigned || got.Assignee != a.grid.Login || got.Version != w.Version+1 {
			t.Fatalf("assigned warning %+v", got)
		}
		_, err = f.s.Assign(ctx, a.officer, w.ID, w.Version, a.officer.Login, "")
		wantErr(t, err, apperr.Conflict, "monitor.stale", "")
		got = f.assign(a.officer, got, a.officer.Login) // the officer takes it over himself
		got = f.assign(a.approver, got, a.grid.Login)   // the district may step in

		_, events, visits, err := f.s.Warning(ctx, a.officer, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range events {
			steps = append(steps, e.Actor+" "+e.Action+" "+e.Note)
		}
		want := []string{"laoshan.officer assign laoshan.grid", "laoshan.officer assign laoshan.officer", "laoshan.approver assign laoshan.grid"}
		if diff := cmp.Diff(want, steps); diff != "" || len(visits) != 0 || got.Version != 4 {
			t.Fatalf("history (-want +got):\n%s\nvisits %v, version %d", diff, visits, got.Version)
		}
		var audited int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'monitor.assign' AND target_id = ?`,
			strconv.FormatInt(w.ID, 10)).Scan(&audited); err != nil {
			t.Fatal(err)
		}
		if audited != 3 {
			t.Fatalf("%d audit rows of the assignments, want 3", audited)
		}
	})
}

// TestRecordVisit: the assignee records the visit from the phone; another grid worker of the
// same community may not; the findings are required, the date neither future nor before the
// warning, the position both coordinates or none. A further visit is kept; a closed warning
// takes no more.
func TestRecordVisit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFlowFixture(t, d, monday)
		a, ctx := f.laoshan, f.ctx
		hid, person, idn := f.household(a.community, born1979, 0, 0)
		w := f.assign(a.officer, f.raiseFor(a.officer, a.community, hid, person, idn), a.grid.Login)
		neighbour := newFlowUser(t, ctx, f.users, "laoshan.neighbour", auth.GridWorker, a.community)
		f.clock.AdvanceDays(1)

		_, err := f.s.RecordVisit(ctx, neighbour, w.ID, w.Version, VisitInput{Findings: "走访"}, "")
		wantErr(t, err, apperr.Forbidden, "monitor.visit_forbidden", "")
		bad := []struct {
			name  string
			in    VisitInput
			key   string
			field string
		}{
			{"no findings", VisitInput{Findings: "  "}, "monitor.findings_required", "findings"},
			{"tomorrow", VisitInput{VisitedOn: f.today().AddDays(1), Findings: "走访"}, "monitor.visit_future", "visited_on"},
			{"before the warning", VisitInput{VisitedOn: monday.AddDays(-1), Findings: "走访"}, "monitor.visit_before_warning", "visited_on"},
			{"bad latitude", VisitInput{Findings: "走访", Latitude: "北纬36", Longitude: "120.4"}, "monitor.coordinates_invalid", "latitude"},
			{"latitude alone", VisitInput{Findings: "走访", Latitude: "36.1"}, "monitor.coordinates_invalid", "longitude"},
			{"findings too long", VisitInput{Findings: strings.Repeat("长", maxText+1)}, "monitor.too_long", "findings"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.s.RecordVisit(ctx, a.grid, w.ID, w.Version, tt.in, "")
				wantErr(t, err, apperr.Invalid, tt.key, tt.field)
			})
		}
		got, err := f.s.RecordVisit(ctx, a.grid, w.ID, w.Version, VisitInput{Findings: " 见到本人，住院治疗中 ", Latitude: "36.10",
			Longitude: "120.47"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != StateVisited || got.VisitedAt == "" || got.Version != w.Version+1 {
			t.Fatalf("visited warning %+v", got)
		}
		again := f.visit(a.officer, got) // a second visit by the officer is kept too
		_, _, visits, err := f.s.Warning(ctx, a.officer, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []Visit{
			{WarningID: w.ID, VisitedOn: f.today(), Visitor: a.grid.Login, Findings: "见到本人，住院治疗中", Latitude: "36.10", Longitude: "120.47"},
			{WarningID: w.ID, VisitedOn: f.today(), Visitor: a.officer.Login, Findings: "入户核实，情况属实", Latitude: "36.1", Longitude: "120.4"},
		}
		for i := range visits {
			visits[i].ID, visits[i].CreatedAt = 0, ""
		}
		if diff := cmp.Diff(want, visits); diff != "" || again.State != StateVisited || again.VisitedAt != got.VisitedAt {
			t.Fatalf("visits (-want +got):\n%s\nwarning %+v", diff, again)
		}
		closed, err := f.s.Decide(ctx, a.officer, w.ID, again.Version, Decision{Outcome: OutcomeDismiss, Note: "已康复出院"}, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.RecordVisit(ctx, a.grid, w.ID, closed.Version, VisitInput{Findings: "再次走访"}, "")
		wantErr(t, err, apperr.Conflict, "monitor.closed", "")
	})
}
