package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// The demo city's cases (issue 6: "the demo city has cases in every state, including overdue
// ones"). They are made the way an office makes them — filed, accepted, visited, noticed,
// approved, reviewed, appealed — through the assistance store's own API, never by writing its
// tables, so every row, deadline, decision number and entitlement is what the workflow would
// have produced. The store is used with a clock of its own that is moved back in time for each
// case, so that a case filed weeks ago really carries the due dates computed then, and the steps
// left open past them are really overdue today. The audit log keeps the real clock: it records
// when the rows were written, and its times must follow its ids.
//
// What is made depends on the seed and the households (which the seed made too), and on today:
// the dates are counted back from it, and the calculators answer as of them. Two streets always get a full set, because demo users work there:
// 中韩街道 (370212001; zhonghan, the 崂山区 approver laoshan, and the grid worker of its first
// community) gets a case in every state, 八大关街道 (370202009; badaguan) a smaller set; then
// other streets get a few cases each, about one case for every eighteen households in all. A
// household that turns out not to qualify for what a recipe needs is passed over for the next.

// demoStreet and demoOtherStreet are the streets of the demo's street officers.
const (
	demoStreet      = "370212001" // 崂山区 中韩街道: zhonghan, laoshan, grid
	demoOtherStreet = "370202009" // 市南区 八大关街道: badaguan
)

// The other streets get cases until there is one for every demoCasesPerHousehold households
// (about 170 for the default 3000), and never more than demoCasesMax, so that a large demo city
// does not take long to start: each case is a few transactions of the real workflow.
const (
	demoCasesPerHousehold = 18
	demoCasesMax          = 280
)

// demoCases makes the demo city's cases and logs how many; the demo calls it after the
// households exist.
func (m *Main) demoCases(ctx context.Context) error {
	start := time.Now()
	n, err := generateDemoCases(ctx, m.svc, int64(m.DemoSeed), m.Now)
	if err != nil {
		return fmt.Errorf("generate demo cases: %w", err)
	}
	if n > 0 {
		m.Logger.Info("generated demo cases", "cases", n, "seconds", time.Since(start).Seconds())
	}
	return nil
}

// generateDemoCases files and drives the demo's cases when the database has households and no
// application yet, raises the reminders of the overdue steps at the real now, and returns the
// number of cases made (0 when it had nothing to do).
func generateDemoCases(ctx context.Context, svc *services, seed int64, now func() time.Time) (int, error) {
	if _, hi, err := svc.registry.IDRange(ctx); err != nil || hi == 0 {
		return 0, err
	}
	if _, total, err := svc.cases.Search(ctx, auth.System(), assistance.CaseQuery{PerPage: 1}); err != nil || total > 0 {
		return 0, err
	}
	g, err := newDemoGen(ctx, svc, seed, now)
	if err != nil {
		return 0, err
	}
	if err := g.run(); err != nil {
		return 0, err
	}
	if _, _, err := svc.cases.Sweep(ctx); err != nil {
		return 0, err
	}
	_, total, err := svc.cases.Search(ctx, auth.System(), assistance.CaseQuery{PerPage: 1})
	return total, err
}

// demoGen carries the generation: the store on the moved clock, the households to choose from,
// and the principals of each street and district.
type demoGen struct {
	ctx   context.Context
	svc   *services
	cases *assistance.Store
	clock *demoClock
	cal   *civil.Calendar
	rnd   *rand.Rand
	set   *policy.Set
	// today is the last working day up to now: the day the newest acts happen.
	today civil.Date
	pool  *demoPool
	crews map[string]*demoCrew
	// verdicts are the calculator's answers, by household, program, details and month.
	verdicts map[string][2]bool
	// seed, tree and generated let the generator draw a community's households again.
	seed      uint64
	tree      *region.Tree
	generated map[string][]registry.HouseholdInput
	// grid is the demo's grid worker and gridCommunity the community it serves.
	grid          *auth.Principal
	gridCommunity string
	// made counts the cases filed.
	made int
}

func newDemoGen(ctx context.Context, svc *services, seed int64, now func() time.Time) (*demoGen, error) {
	set, err := svc.params.Load(ctx)
	if err != nil {
		return nil, err
	}
	clock := &demoClock{limit: now(), t: now()}
	cases := *svc.cases
	cases.Now = clock.Now
	g := &demoGen{ctx: ctx, svc: svc, cases: &cases, clock: clock, cal: cases.Calendar, set: set,
		rnd: rand.New(rand.NewPCG(uint64(seed), 0x6361736573)), crews: map[string]*demoCrew{}, verdicts: map[string][2]bool{},
		seed: uint64(seed), generated: map[string][]registry.HouseholdInput{}}
	if g.cal == nil {
		g.cal = civil.DefaultCalendar()
	}
	g.today = g.snap(civil.Today(now()))
	tree, err := region.LoadTree(ctx, svc.db, demoStreet)
	if err == nil && len(tree.Children(demoStreet)) > 0 {
		g.gridCommunity = tree.Children(demoStreet)[0].Code
		g.grid = &auth.Principal{Login: "grid", Role: auth.GridWorker, Scope: region.Scope(g.gridCommunity)}
	}
	if g.pool, err = loadDemoPool(ctx, svc, g.rnd); err != nil {
		return nil, err
	}
	return g, nil
}

// demoCrew are the principals who handle a street's cases: its street officer and the approver
// of its district, named like the demo's users where there is one.
type demoCrew struct {
	officer, approver *auth.Principal
}

func (g *demoGen) crew(street string) *demoCrew {
	if c, ok := g.crews[street]; ok {
		return c
	}
	login := "demo.street." + street
	switch street {
	case demoStreet:
		login = "zhonghan"
	case demoOtherStreet:
		login = "badaguan"
	}
	district := street[:6]
	approver := "demo.district." + district
	if district == demoStreet[:6] {
		approver = "laoshan"
	}
	c := &demoCrew{
		officer:  &auth.Principal{Login: login, Role: auth.StreetOfficer, Scope: region.Scope(street)},
		approver: &auth.Principal{Login: approver, Role: auth.DistrictApprover, Scope: region.Scope(district)},
	}
	g.crews[street] = c
	return c
}

// back is the working day n working days before today.
func (g *demoGen) back(n int) civil.Date { return g.cal.AddWorkingDays(g.today, -n) }

// daysBack is the last working day on or before the day n calendar days ago.
func (g *demoGen) daysBack(n int) civil.Date { return g.snap(g.today.AddDays(-n)) }

// snap is the last working day on or before d.
func (g *demoGen) snap(d civil.Date) civil.Date {
	for i := 0; i < 30 && !g.cal.IsWorkingDay(d); i++ {
		d = d.AddDays(-1)
	}
	return d
}

// errNoHousehold says a recipe found no household that qualifies; it is skipped.
var errNoHousehold = errors.New("no qualifying household")

// skippable reports whether err is about the household or the case rather than the system: the
// recipe is tried on another household, or given up, and the demo goes on.
func skippable(err error) bool {
	if errors.Is(err, errNoHousehold) || errors.Is(err, errNotReached) {
		return true
	}
	switch apperr.KindOf(err) {
	case apperr.Invalid, apperr.Conflict, apperr.NotFound, apperr.Forbidden:
		return true
	}
	return false
}
