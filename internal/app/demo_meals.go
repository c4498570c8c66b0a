package app

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// The demo city's meal assistance (issue 9: "the demo city has canteens in every district with a
// month of realistic transactions"). Everything is made through the meals store's own API —
// CreateCanteen, AddMenuItem, RegisterDiner, AddRelative, RecordHistory — so each row is what the
// office and the counter would have produced; canteens and diners are registered by a store whose
// clock stands the day before the month of meals, so the statistics count them as registered.
//
//   - Canteens: 4–8 in every district of Qingdao, in communities of different streets, with
//     operators, addresses, coordinates, capacity, opening days (a quarter Monday to Friday) and
//     delivery for some; menus of breakfast (4–6 元), lunch set meals (12–15 元) and dinner (10–12
//     元). Canteen 1 stands in the first community of 中韩街道 (370212001), where the demo grid
//     worker works: it is the demo canteen operator's (synth/users.go, OrgID 1), so it is made first.
//   - Diners: people of 60 and over from the registry's households — the registry, not the demo,
//     decides who is 低保 or 特困 — and people the generator makes beyond the registry's households
//     in the canteens' own communities (real-looking names, valid ID numbers, phones); those who
//     cannot walk or look after themselves are 失能, with a delivery address; some have a relative
//     with a phone linked for 亲属代订餐.
//   - Meals: from the first day of last month to yesterday, lunch mostly, some breakfasts and
//     dinners, fewer at weekends, some ordered online, at times of day a canteen serves them.
//     Planted for the anti-fraud checks: a diner eating lunch at two canteens ten minutes apart, a
//     lunch on a day the canteen is closed, a diner who died still eating, and a canteen whose
//     volume triples on one day. The scan of the anti-fraud rules then runs over the month.
//
// The step runs once: a database with a canteen has had it (a second start adds nothing). It is
// deterministic for a seed and a day. The canteens are made in demo_meals_canteens.go, the
// diners in demo_meals_diners.go, the month of meals in demo_meals_history.go.

// Sizes of the demo's meal assistance.
const (
	demoCanteensMin, demoCanteensMax = 4, 8
	// demoRegistryDiners caps the registry's elderly registered per district.
	demoRegistryDiners = 90
	// demoLocalDiners are the generated elderly per canteen, demoBusyDiners at the two busiest
	// (the operator's, and the one whose volume triples): enough for the volume rule's minimum
	// history of meals a day.
	demoLocalDiners, demoBusyDiners = 16, 70
	// demoRelatives caps the relatives linked.
	demoRelatives = 40
)

// demoMeals gives the demo city its canteens, diners and a month of meals, and logs how many.
func (m *Main) demoMeals(ctx context.Context) error {
	start := time.Now()
	rep, err := generateDemoMeals(ctx, m.svc, m.DemoSeed, m.DemoHouseholds, m.Now)
	if err != nil {
		return fmt.Errorf("generate demo meals: %w", err)
	}
	if rep.Canteens > 0 {
		m.Logger.Info("generated demo meals", "canteens", rep.Canteens, "diners", rep.Diners, "relatives", rep.Relatives,
			"meals", rep.Meals, "flags", rep.Flags, "seconds", time.Since(start).Seconds())
	}
	return nil
}

// demoMealsReport counts what the step made.
type demoMealsReport struct {
	Canteens, Diners, Relatives, Meals, Flags int
}

// generateDemoMeals makes the demo's meal assistance when the database has no canteen yet.
func generateDemoMeals(ctx context.Context, svc *services, seed uint64, households int, now func() time.Time) (demoMealsReport, error) {
	var rep demoMealsReport
	var n int
	if err := svc.db.QueryRow(ctx, `SELECT COUNT(*) FROM canteens`).Scan(&n); err != nil || n > 0 {
		return rep, err
	}
	tree, err := region.LoadTree(ctx, svc.db, synth.CityCode)
	if err != nil {
		return rep, err
	}
	today := civil.Today(now())
	from := civil.MonthOf(today).Prev().FirstDay()
	h := fnv.New64a()
	h.Write([]byte("meals"))
	g := &demoMealsGen{ctx: ctx, svc: svc, tree: tree, seed: seed, households: households, today: today, from: from,
		rnd: rand.New(rand.NewPCG(seed, h.Sum64())), sys: auth.System(), byDistrict: map[string][]*demoCanteen{}}
	// Registered the evening before the month of meals, so every period counts them registered.
	eve := from.AddDays(-1).Time(civil.China).Add(18 * time.Hour)
	g.back = g.storeAt(eve)
	if err := g.makeCanteens(); err != nil {
		return rep, err
	}
	if err := g.makeDiners(); err != nil {
		return rep, err
	}
	if rep.Relatives, err = g.makeRelatives(); err != nil {
		return rep, err
	}
	if rep.Meals, err = g.recordMeals(); err != nil {
		return rep, err
	}
	rep.Canteens, rep.Diners = len(g.canteens), len(g.diners)
	// The anti-fraud rules run over the month, so the planted cases wait in the review queue.
	fr, err := svc.meals.ScanFraud(ctx, from, today.AddDays(-1))
	if err != nil {
		return rep, fmt.Errorf("anti-fraud scan: %w", err)
	}
	rep.Flags = fr.NewFlags()
	return rep, nil
}

// demoMealsGen carries the generation.
type demoMealsGen struct {
	ctx        context.Context
	svc        *services
	back       *meals.Store
	tree       *region.Tree
	rnd        *rand.Rand
	sys        *auth.Principal
	seed       uint64
	households int
	today      civil.Date
	from       civil.Date
	canteens   []*demoCanteen
	byDistrict map[string][]*demoCanteen
	diners     []*demoDiner
}

// storeAt is the meals store with its clock standing at t, for what the office did on a past day.
func (g *demoMealsGen) storeAt(t time.Time) *meals.Store {
	s := g.svc.meals
	return &meals.Store{DB: s.DB, Keys: s.Keys, Audit: s.Audit, Registry: s.Registry, Policies: s.Policies,
		Calendar: s.Calendar, Payments: s.Payments, Now: func() time.Time { return t }}
}

// demoCanteen is a canteen as the generation uses it.
type demoCanteen struct {
	meals.Canteen
	// items are its menu by meal type, the standard set meal first; local are the generated
	// elderly who live in its community and eat there.
	items map[string][]meals.MenuItem
	local int
}

// demoDiner is a registered diner, where they eat, how often, and who may order for them.
type demoDiner struct {
	id      int64
	name    string
	home    string
	canteen *demoCanteen
	// attend is the chance of lunch on a working day; online diners (失能) have every meal
	// ordered online.
	attend   float64
	online   bool
	relative *registry.PersonInput
}
