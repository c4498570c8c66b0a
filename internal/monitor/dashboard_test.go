package monitor

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// TestDashboard: counts by rule, district, state and age, open and overdue warnings, and the
// discovery funnel, each within the caller's scope.
func TestDashboard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFlowFixture(t, d, monday)
		a, ctx := f.laoshan, f.ctx
		h1, p1, id1 := f.household(a.community, born1979, 0, 0)
		w1 := f.assign(a.officer, f.raiseFor(a.officer, a.community, h1, p1, id1), a.grid.Login)
		w2 := f.raise(a.officer, warningSpec{rule: "income_drop", region: a.community})
		f.clock.To(civil.Date{Year: 2024, Month: 3, Day: 11})
		f.raise(a.officer, warningSpec{rule: "medical_cost_discovery", kind: KindDiscovery, region: a.community2})
		f.raise(f.shinan.officer, warningSpec{region: f.shinan.community})
		f.clock.To(civil.Date{Year: 2024, Month: 3, Day: 19})
		f.raise(a.officer, warningSpec{region: a.community})
		h5, p5, id5 := f.household(a.community, born1979, money.Yuan(200), 0)
		w5 := f.visit(a.officer, f.raiseFor(a.officer, a.community, h5, p5, id5))
		if _, err := f.s.Decide(ctx, a.officer, w5.ID, w5.Version, Decision{Outcome: OutcomeAssist, Program: "dibao"}, ""); err != nil {
			t.Fatal(err)
		}
		w2 = f.visit(a.officer, w2)
		if _, err := f.s.Decide(ctx, a.officer, w2.ID, w2.Version, Decision{Outcome: OutcomeDismiss, Note: "收入恢复"}, ""); err != nil {
			t.Fatal(err)
		}
		_ = w1

		got, err := f.s.Dashboard(ctx, a.officer)
		if err != nil {
			t.Fatal(err)
		}
		want := &Dashboard{
			ByRule: []Count{{"medical_cost", RuleLabel("medical_cost"), 3}, {"income_drop", RuleLabel("income_drop"), 1},
				{"medical_cost_discovery", RuleLabel("medical_cost_discovery"), 1}},
			ByDistrict: []Count{{"370212", "崂山区", 5}},
			ByState:    []Count{{StateOpen, "待分派", 2}, {StateAssigned, "待走访", 1}, {StateClosed, "已办结", 2}},
			ByAge:      []Count{{"0-4", "0–4 个工作日", 1}, {"5-9", "5–9 个工作日", 1}, {"10+", "10 个工作日及以上", 1}},
			Open:       3, Overdue: 1,
			Funnel: Funnel{Warned: 5, Visited: 2, Assisted: 1, Dismissed: 1},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("street dashboard (-want +got):\n%s", diff)
		}
		city, err := f.s.Dashboard(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		wantDistricts := []Count{{"370212", "崂山区", 5}, {"370202", "市南区", 1}}
		if diff := cmp.Diff(wantDistricts, city.ByDistrict); diff != "" || city.Open != 4 || city.Overdue != 1 || city.Funnel.Warned != 6 {
			t.Fatalf("city dashboard (-want +got):\n%s\n%+v", diff, city)
		}
		grid, err := f.s.Dashboard(ctx, a.grid2)
		if err != nil || grid.Open != 1 || grid.Overdue != 0 || grid.Funnel.Warned != 1 {
			t.Fatalf("grid dashboard %+v %v", grid, err)
		}
	})
}

// TestChainAndAgencyCheck: a household's warnings join its assistance chain (within the
// caller's scope) and the household check of a case: one item per warning of the last 12
// months, passed only when dismissed, or one passed item when there is none.
func TestChainAndAgencyCheck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFlowFixture(t, d, monday)
		a, ctx := f.laoshan, f.ctx
		f.cases.ChainSources = []assistance.ChainSource{f.s.ChainEvents}
		f.cases.AgencyCheck = f.s.AgencyCheck
		hid, person, idn := f.household(a.community, born1979, 0, 0)
		quiet, _, _ := f.household(a.community, born1979, 0, 0)
		old := f.visit(a.officer, f.raiseFor(a.officer, a.community, hid, person, idn))
		if _, err := f.s.Decide(ctx, a.officer, old.ID, old.Version, Decision{Outcome: OutcomeDismiss, Note: "已报销"}, ""); err != nil {
			t.Fatal(err)
		}
		f.clock.AdvanceDays(400)
		recent := f.raise(a.officer, warningSpec{rule: "income_drop", region: a.community, person: person, household: hid})

		chain, err := f.cases.Chain(ctx, a.officer, hid)
		if err != nil {
			t.Fatal(err)
		}
		var links []string
		for _, e := range chain {
			if e.Kind == "warning" {
				links = append(links, e.Link)
			}
		}
		want := []string{"/monitor/warnings/" + strconv.FormatInt(recent.ID, 10), "/monitor/warnings/" + strconv.FormatInt(old.ID, 10)}
		if diff := cmp.Diff(want, links); diff != "" {
			t.Fatalf("warnings in the chain (-want +got):\n%s", diff)
		}
		if other, err := f.s.ChainEvents(ctx, f.shinan.approver, hid); err != nil || len(other) != 0 {
			t.Fatalf("another district's chain shows %v (%v)", other, err)
		}

		items, err := f.s.AgencyCheck(ctx, hid)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].OK || !strings.Contains(items[0].Source, RuleLabel("income_drop")) {
			t.Fatalf("check of a warned household %+v, want only the recent open warning, not passed", items)
		}
		items, err = f.s.AgencyCheck(ctx, quiet)
		if err != nil || len(items) != 1 || !items[0].OK {
			t.Fatalf("check of a quiet household %+v (%v)", items, err)
		}
	})
}
