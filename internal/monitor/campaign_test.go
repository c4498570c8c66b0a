package monitor

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/registry"
)

// campaignBed is the flow fixture with the households a campaign looks for: in 崂山区 a 特困
// household of two with a member aged 84 (first community), a 低保 household of two and a 低保
// head who turns 80 on 5 March (second community), a 低保边缘 household and an elderly one in
// no tier (first community); and a 低保 household in 市南区.
type campaignBed struct {
	*flowFixture
	tekun, dibao, turning80, edge, none, shinanHome int64
}

func newCampaignBed(t *testing.T, d *db.DB) *campaignBed {
	t.Helper()
	f := newFlowFixture(t, d, monday)
	a := f.laoshan
	b := &campaignBed{flowFixture: f}
	b.tekun, _, _ = f.household(a.community, civil.Date{Year: 1940, Month: 1, Day: 1}, 0, 1, registry.Tekun)
	b.dibao, _, _ = f.household(a.community2, born1979, 0, 1, registry.Dibao)
	b.turning80, _, _ = f.household(a.community2, civil.Date{Year: 1944, Month: 3, Day: 5}, 0, 0, registry.Dibao)
	b.edge, _, _ = f.household(a.community, born1979, 0, 0, registry.DibaoEdge)
	b.none, _, _ = f.household(a.community, civil.Date{Year: 1935, Month: 6, Day: 1}, 0, 0)
	b.shinanHome, _, _ = f.household(f.shinan.community, civil.Date{Year: 1930, Month: 6, Day: 1}, 0, 0, registry.Dibao)
	return b
}

// create defines a campaign as p, failing the test on an error.
func (b *campaignBed) create(p *auth.Principal, c Campaign) *Campaign {
	b.t.Helper()
	got, err := b.s.CreateCampaign(b.ctx, p, c, "")
	if err != nil {
		b.t.Fatalf("create campaign %q: %v", c.Name, err)
	}
	return got
}

// households lists the household ids of tasks.
func households(tasks []Task) []int64 {
	out := []int64{}
	for _, t := range tasks {
		out = append(out, t.HouseholdID)
	}
	return out
}

// TestCreateCampaignValidation: each bad field is named, and only city and district staff
// define campaigns, in their own area.
func TestCreateCampaignValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newCampaignBed(t, d)
		a := b.laoshan
		good := Campaign{Name: "冬季困难群众走访", RegionCode: a.district, Target: CampaignTarget{Tiers: []string{"tekun"}},
			StartsOn: monday, EndsOn: monday.AddDays(30)}
		with := func(change func(*Campaign)) Campaign {
			c := good
			c.Target.Tiers = append([]string(nil), good.Target.Tiers...)
			change(&c)
			return c
		}
		tests := []struct {
			name  string
			c     Campaign
			key   string
			field string
		}{
			{"no name", with(func(c *Campaign) { c.Name = "  " }), "monitor.campaign_name", "name"},
			{"no region", with(func(c *Campaign) { c.RegionCode = "" }), "monitor.campaign_region", "region_code"},
			{"malformed region", with(func(c *Campaign) { c.RegionCode = "37021" }), "monitor.campaign_region", "region_code"},
			{"another district", with(func(c *Campaign) { c.RegionCode = b.shinan.district }), "monitor.campaign_region", "region_code"},
			{"above the scope", with(func(c *Campaign) { c.RegionCode = "3702" }), "monitor.campaign_region", "region_code"},
			{"unknown region", with(func(c *Campaign) { c.RegionCode = "370212999" }), "monitor.campaign_region", "region_code"},
			{"no tiers", with(func(c *Campaign) { c.Target.Tiers = nil }), "monitor.campaign_tiers", "tiers"},
			{"unknown tier", with(func(c *Campaign) { c.Target.Tiers = []string{"tekun", "rich"} }), "monitor.campaign_tiers", "tiers"},
			{"negative age", with(func(c *Campaign) { c.Target.MinAge = -1 }), "monitor.campaign_min_age", "min_age"},
			{"age beyond life", with(func(c *Campaign) { c.Target.MinAge = 130 }), "monitor.campaign_min_age", "min_age"},
			{"no start", with(func(c *Campaign) { c.StartsOn = civil.Date{} }), "monitor.campaign_starts", "starts_on"},
			{"no end", with(func(c *Campaign) { c.EndsOn = civil.Date{} }), "monitor.campaign_ends", "ends_on"},
			{"ends before it starts", with(func(c *Campaign) { c.EndsOn = monday.AddDays(-1) }), "monitor.campaign_ends_before", "ends_on"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := b.s.CreateCampaign(b.ctx, a.approver, tt.c, "")
				wantErr(t, err, apperr.Invalid, tt.key, tt.field)
			})
		}
		for _, p := range []*auth.Principal{a.officer, a.grid, b.auditor} {
			_, err := b.s.CreateCampaign(b.ctx, p, good, "")
			wantErr(t, err, apperr.Forbidden, "monitor.campaign_forbidden", "")
		}
		var n int
		if err := d.QueryRow(b.ctx, `SELECT COUNT(*) FROM monitor_campaigns`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d campaigns stored after refusals (%v)", n, err)
		}
	})
}

// TestCampaignTasksAndProgress: a campaign gets one task per household of its tiers in its area
// (with a minimum age counted on its first day), grouped by community; each caller sees the
// campaign and its figures within their own scope; the visit of a task by the grid worker is
// recorded once and shows in the progress.
func TestCampaignTasksAndProgress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newCampaignBed(t, d)
		a, ctx := b.laoshan, b.ctx
		all := b.create(a.approver, Campaign{Name: " 低保特困全覆盖走访 ", RegionCode: a.district,
			Target: CampaignTarget{Tiers: []string{"dibao", "tekun", "dibao"}}, StartsOn: monday, EndsOn: monday.AddDays(30)})
		want := Campaign{ID: all.ID, Name: "低保特困全覆盖走访", RegionCode: a.district, Target: CampaignTarget{Tiers: []string{"dibao", "tekun"}},
			StartsOn: monday, EndsOn: monday.AddDays(30), CreatedBy: a.approver.Login, CreatedAt: all.CreatedAt, Tasks: 3, Persons: 5}
		if diff := cmp.Diff(want, *all); diff != "" {
			t.Fatalf("campaign (-want +got):\n%s", diff)
		}
		eighty := b.create(b.admin, Campaign{Name: "高龄老人走访", RegionCode: "3702", Target: CampaignTarget{Tiers: []string{"dibao", "tekun"},
			MinAge: 80}, StartsOn: monday.AddDays(1), EndsOn: monday.AddDays(10)})
		early := b.create(a.approver, Campaign{Name: "高龄老人走访（提前）", RegionCode: a.district, Target: CampaignTarget{Tiers: []string{"dibao", "tekun"},
			MinAge: 80}, StartsOn: monday, EndsOn: monday.AddDays(10)})
		if eighty.Tasks != 3 || early.Tasks != 1 {
			t.Fatalf("80+ campaigns have %d and %d tasks, want 3 (the city, one turning 80 on the first day) and 1", eighty.Tasks, early.Tasks)
		}

		_, progress, err := b.s.CampaignProgress(ctx, a.officer, all.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantProgress := []CommunityProgress{
			{RegionCode: a.community, Name: progress[0].Name, Tasks: 1, Persons: 2},
			{RegionCode: a.community2, Name: progress[1].Name, Tasks: 2, Persons: 3},
		}
		if diff := cmp.Diff(wantProgress, progress); diff != "" || progress[0].Name == a.community {
			t.Fatalf("progress (-want +got):\n%s", diff)
		}
		tasks, err := b.s.Tasks(ctx, a.approver, all.ID, a.community2, "")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{b.dibao, b.turning80}, households(tasks)); diff != "" {
			t.Fatalf("tasks of the second community (-want +got):\n%s", diff)
		}
		_, err = b.s.Tasks(ctx, a.approver, all.ID, "", "lost")
		wantErr(t, err, apperr.Invalid, "monitor.filter_invalid", "state")

		// Scope: another district sees none of it; the grid worker only its community's share.
		for _, p := range []*auth.Principal{b.shinan.approver, b.shinan.grid} {
			_, _, err := b.s.CampaignProgress(ctx, p, all.ID)
			wantErr(t, err, apperr.NotFound, "monitor.campaign_notfound", "")
			_, err = b.s.Tasks(ctx, p, all.ID, "", "")
			wantErr(t, err, apperr.NotFound, "monitor.campaign_notfound", "")
		}
		shinanList, err := b.s.Campaigns(ctx, b.shinan.approver)
		if err != nil || len(shinanList) != 1 || shinanList[0].ID != eighty.ID || shinanList[0].Tasks != 1 {
			t.Fatalf("市南区 sees %+v (%v), want only the city campaign with its one task there", shinanList, err)
		}
		mine, err := b.s.Campaigns(ctx, a.grid)
		if err != nil || len(mine) != 3 {
			t.Fatalf("grid worker's campaigns %+v %v", mine, err)
		}
		byID := map[int64]Campaign{}
		for _, c := range mine {
			byID[c.ID] = c
		}
		if c := byID[all.ID]; c.Tasks != 1 || c.Persons != 2 || c.Done != 0 {
			t.Fatalf("grid worker's share of the campaign %+v", c)
		}

		// The visit.
		gridTasks, err := b.s.Tasks(ctx, a.grid, all.ID, "", TaskPending)
		if err != nil || len(gridTasks) != 1 || gridTasks[0].HouseholdID != b.tekun {
			t.Fatalf("grid worker's tasks %+v %v", gridTasks, err)
		}
		task := gridTasks[0]
		visit := VisitInput{Findings: "老人独居，身体尚可，需要助餐服务", Latitude: "36.1", Longitude: "120.4"}
		_, err = b.s.RecordTaskVisit(ctx, a.grid2, task.ID, visit, TaskRefer, "")
		wantErr(t, err, apperr.NotFound, "monitor.task_notfound", "")
		_, err = b.s.RecordTaskVisit(ctx, b.auditor, task.ID, visit, TaskRefer, "")
		wantErr(t, err, apperr.Forbidden, "monitor.handle_forbidden", "")
		_, err = b.s.RecordTaskVisit(ctx, a.grid, task.ID, visit, "nothing", "")
		wantErr(t, err, apperr.Invalid, "monitor.task_outcome_invalid", "outcome")
		_, err = b.s.RecordTaskVisit(ctx, a.grid, task.ID, VisitInput{}, TaskRefer, "")
		wantErr(t, err, apperr.Invalid, "monitor.findings_required", "findings")
		_, err = b.s.RecordTaskVisit(ctx, a.grid, task.ID, VisitInput{VisitedOn: monday.AddDays(-1), Findings: "走访"}, TaskRefer, "")
		wantErr(t, err, apperr.Invalid, "monitor.task_visit_before", "visited_on")

		got, err := b.s.RecordTaskVisit(ctx, a.grid, task.ID, visit, TaskRefer, "")
		if err != nil {
			t.Fatal(err)
		}
		wantTask := Task{ID: task.ID, CampaignID: all.ID, HouseholdID: b.tekun, RegionCode: a.community, Persons: 2, State: TaskDone,
			VisitedBy: a.grid.Login, VisitedAt: got.VisitedAt, Finding: visit.Findings, Outcome: TaskRefer}
		if diff := cmp.Diff(wantTask, *got); diff != "" || got.VisitedAt == "" {
			t.Fatalf("visited task (-want +got):\n%s", diff)
		}
		_, err = b.s.RecordTaskVisit(ctx, a.officer, task.ID, visit, TaskNoChange, "")
		wantErr(t, err, apperr.Conflict, "monitor.task_done", "")
		visits, err := b.s.visitsWhere(ctx, `task_id = ?`, task.ID)
		if err != nil || len(visits) != 1 || visits[0].Visitor != a.grid.Login || visits[0].VisitedOn != monday {
			t.Fatalf("task visits %+v %v", visits, err)
		}

		c, progress, err := b.s.CampaignProgress(ctx, a.approver, all.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Done != 1 || c.Tasks != 3 || progress[0].Done != 1 || progress[0].PersonsDone != 2 || progress[1].Done != 0 {
			t.Fatalf("progress after the visit: %+v %+v", c, progress)
		}
		done, err := b.s.Tasks(ctx, a.officer, all.ID, "", TaskDone)
		if err != nil || len(done) != 1 || done[0].ID != task.ID {
			t.Fatalf("done tasks %+v %v", done, err)
		}
	})
}
