package monitor

import (
	"strconv"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// TestDecideNeedsVisitAndCurrentVersion: no outcome closes a warning that nobody visited, and a
// decision on a stale version changes nothing — in particular it opens no application.
func TestDecideNeedsVisitAndCurrentVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFlowFixture(t, d, monday)
		a, ctx := f.laoshan, f.ctx
		hid, person, idn := f.household(a.community, born1979, 0, 0)
		w := f.raiseFor(a.officer, a.community, hid, person, idn)
		for _, dec := range []Decision{{Outcome: OutcomeDismiss, Note: "电话核实无异常"}, {Outcome: OutcomeAssist, Program: "dibao"}} {
			_, err := f.s.Decide(ctx, a.officer, w.ID, w.Version, dec, "")
			wantErr(t, err, apperr.Conflict, "monitor.not_visited", "")
		}
		w = f.assign(a.officer, w, a.grid.Login)
		_, err := f.s.Decide(ctx, a.officer, w.ID, w.Version, Decision{Outcome: OutcomeDismiss, Note: "电话核实无异常"}, "")
		wantErr(t, err, apperr.Conflict, "monitor.not_visited", "")
		visited := f.visit(a.grid, w)
		_, err = f.s.Decide(ctx, a.officer, w.ID, w.Version, Decision{Outcome: OutcomeAssist, Program: "dibao"}, "")
		wantErr(t, err, apperr.Conflict, "monitor.stale", "")
		var apps int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM applications`).Scan(&apps); err != nil {
			t.Fatal(err)
		}
		if apps != 0 {
			t.Fatalf("a stale decision opened %d applications", apps)
		}
		if got, _, _, _ := f.s.Warning(ctx, a.officer, w.ID); got.State != StateVisited || got.Version != visited.Version {
			t.Fatalf("after a stale decision the warning is %+v", got)
		}
	})
}

// TestDecideOutcomes: each outcome is fed back to the assistance module by the level its rules
// name — an application opened for the household, a review of its 低保, a suspension by the
// district — or the warning is dismissed with its reason; a grid worker decides nothing.
func TestDecideOutcomes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFlowFixture(t, d, monday)
		a, ctx := f.laoshan, f.ctx
		visited := func(t *testing.T, hid, person int64, idn string) *Warning {
			t.Helper()
			return f.visit(a.grid, f.assign(a.officer, f.raiseFor(a.officer, a.community, hid, person, idn), a.grid.Login))
		}
		decide := func(t *testing.T, p *auth.Principal, w *Warning, dec Decision) *Warning {
			t.Helper()
			got, err := f.s.Decide(ctx, p, w.ID, w.Version, dec, "")
			if err != nil {
				t.Fatalf("decide %s on warning %d: %v", dec.Outcome, w.ID, err)
			}
			if got.State != StateClosed || got.ClosedAt == "" || got.Outcome != dec.Outcome || got.Version != w.Version+1 {
				t.Fatalf("decided warning %+v", got)
			}
			return got
		}
		appOf := func(t *testing.T, w *Warning) *assistance.Case {
			t.Helper()
			id, err := strconv.ParseInt(strings.TrimPrefix(w.OutcomeRef, "application:"), 10, 64)
			if err != nil {
				t.Fatalf("outcome ref %q", w.OutcomeRef)
			}
			c, err := f.cases.Get(ctx, a.officer, id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}

		t.Run("dismiss", func(t *testing.T) {
			hid, person, idn := f.household(a.community, born1979, money.Yuan(3000), 0)
			w := visited(t, hid, person, idn)
			_, err := f.s.Decide(ctx, a.grid, w.ID, w.Version, Decision{Outcome: OutcomeDismiss, Note: "无"}, "")
			wantErr(t, err, apperr.Forbidden, "monitor.decide_forbidden", "")
			_, err = f.s.Decide(ctx, a.officer, w.ID, w.Version, Decision{Outcome: OutcomeDismiss, Note: " "}, "")
			wantErr(t, err, apperr.Invalid, "monitor.reason_required", "note")
			_, err = f.s.Decide(ctx, a.officer, w.ID, w.Version, Decision{Outcome: "forget"}, "")
			wantErr(t, err, apperr.Invalid, "monitor.outcome_invalid", "outcome")
			got := decide(t, a.officer, w, Decision{Outcome: OutcomeDismiss, Note: "医疗费用已由商业保险报销"})
			if got.OutcomeNote != "医疗费用已由商业保险报销" || got.OutcomeRef != "" {
				t.Fatalf("dismissed warning %+v", got)
			}
			_, events, _, _ := f.s.Warning(ctx, a.officer, w.ID)
			if last := events[len(events)-1]; last.Action != "decide" || last.Actor != a.officer.Login ||
				!strings.Contains(last.Note, "商业保险") {
				t.Fatalf("last event %+v", last)
			}
		})

		t.Run("assist opens an application", func(t *testing.T) {
			hid, person, idn := f.household(a.community, born1979, money.Yuan(300), 1)
			w := visited(t, hid, person, idn)
			_, err := f.s.Decide(ctx, a.officer, w.ID, w.Version, Decision{Outcome: OutcomeAssist}, "")
			wantErr(t, err, apperr.Invalid, "monitor.program_invalid", "program")
			_, err = f.s.Decide(ctx, a.approver, w.ID, w.Version, Decision{Outcome: OutcomeAssist, Program: "dibao"}, "")
			wantErr(t, err, apperr.Forbidden, "monitor.outcome_street", "")
			got := decide(t, a.officer, w, Decision{Outcome: OutcomeAssist, Program: "dibao", Note: "收入低于低保标准"})
			c := appOf(t, got)
			if c.Kind != "apply" || c.Program != "dibao" || c.HouseholdID != hid || c.Status != assistance.StatusOpen ||
				c.CreatedBy != a.officer.Login || !strings.Contains(c.Reason, "动态监测预警") || !strings.Contains(c.Reason, "收入低于低保标准") {
				t.Fatalf("application %+v", c.Application)
			}
		})

		t.Run("assist needs the household in the database", func(t *testing.T) {
			w := f.raise(a.officer, warningSpec{rule: "medical_cost_discovery", kind: KindDiscovery, region: a.community})
			w = f.visit(a.grid, f.assign(a.officer, w, a.grid.Login))
			_, err := f.s.Decide(ctx, a.officer, w.ID, w.Version, Decision{Outcome: OutcomeAssist, Program: "temporary"}, "")
			wantErr(t, err, apperr.Invalid, "monitor.not_registered", "outcome")
		})

		t.Run("review and stop a running 低保", func(t *testing.T) {
			hid, person, idn, e := f.dibao(a)
			w := visited(t, hid, person, idn)
			got := decide(t, a.officer, w, Decision{Outcome: OutcomeReview, Note: "医疗支出大，收入可能变化"})
			c := appOf(t, got)
			if c.Kind != assistance.KindReview || c.EntitlementID != e.ID || c.Status != assistance.StatusOpen {
				t.Fatalf("review %+v", c.Application)
			}

			w = visited(t, hid, person, idn)
			_, err := f.s.Decide(ctx, a.officer, w.ID, w.Version, Decision{Outcome: OutcomeStop, Note: "疑似不符合"}, "")
			wantErr(t, err, apperr.Forbidden, "monitor.outcome_district", "")
			got = decide(t, a.approver, w, Decision{Outcome: OutcomeStop, Note: "新增车辆，暂停发放待复核"})
			if got.OutcomeRef != "entitlement:"+strconv.FormatInt(e.ID, 10) {
				t.Fatalf("outcome ref %q", got.OutcomeRef)
			}
			now, err := f.cases.Entitlement(ctx, a.approver, e.ID)
			if err != nil || now.Status != assistance.EntSuspended {
				t.Fatalf("entitlement after stop: %+v %v", now, err)
			}
		})

		t.Run("review needs an entitlement", func(t *testing.T) {
			hid, person, idn := f.household(a.community, born1979, money.Yuan(300), 0)
			w := visited(t, hid, person, idn)
			_, err := f.s.Decide(ctx, a.officer, w.ID, w.Version, Decision{Outcome: OutcomeReview, Note: "核查"}, "")
			wantErr(t, err, apperr.Conflict, "monitor.no_entitlement", "outcome")
			if got, _, _, _ := f.s.Warning(ctx, a.officer, w.ID); got.State != StateVisited {
				t.Fatalf("a failed review left the warning %+v", got)
			}
		})
	})
}
