package app

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"sync/atomic"
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
// CreateCanteen, AddMenuItem, RegisterDiner, AddRelative, RecordHistory, and for online orders
// PlaceOrder, Pay, Fulfil and Cancel — so each row is what the office, the counter, the phone page
// and the kitchen would have produced; canteens and diners are registered by a store whose clock
// stands the day before the month of meals, so the statistics count them as registered.
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
//     volume triples on one day.
//   - Online orders: a few lunches a week at every canteen, ordered by a linked relative signed in
//     by phone or by the street officer, delivered to 失能 diners where the canteen delivers, paid,
//     and served by the canteen (a few cancelled before the cut-off instead), on days the diner
//     ate nothing else; and for today and tomorrow a few paid orders still to serve, at canteen 1
//     among others. The scan of the anti-fraud rules then runs over the month.
//
// The step runs once: a database with a canteen has had it (a second start adds nothing). It is
// deterministic for a seed and a day. The canteens are made in demo_meals_canteens.go, the
// diners in demo_meals_diners.go, the month of meals in demo_meals_history.go, the online orders
// in demo_meals_orders.go.

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
			"meals", rep.Meals, "orders", rep.Orders.Placed, "orders_served", rep.Orders.Served,
			"orders_delivered", rep.Orders.Delivered, "orders_cancelled", rep.Orders.Cancelled, "orders_open", rep.Orders.Open,
			"flags", rep.Flags, "seconds", time.Since(start).Seconds())
	}
	return nil
}

// demoMealsReport counts what the step made.
type demoMealsReport struct {
	Canteens, Diners, Relatives, Meals, Flags int
	Orders                                    demoOrdersReport
}

// demoOrdersReport counts the online orders made: placed in all; of them served (and of those
// delivered), cancelled, and paid and still to serve today or tomorrow.
type demoOrdersReport struct {
	Placed, Served, Delivered, Cancelled, Open int
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
	if rep.Orders, err = g.makeOrders(); err != nil {
		return rep, fmt.Errorf("demo online orders: %w", err)
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
	// eaten are the diner-days with a meal in the drawn month, planted what plant planted: the
	// online orders keep clear of both.
	eaten   map[demoDinerDay]bool
	planted demoMealAnomalies
}

// storeAt is the meals store with its clock standing at t, for what the office did on a past day.
func (g *demoMealsGen) storeAt(t time.Time) *meals.Store {
	s := g.svc.meals
	return &meals.Store{DB: s.DB, Keys: s.Keys, Audit: s.Audit, Registry: s.Registry, Policies: s.Policies, Params: s.Params,
		Calendar: s.Calendar, Orders: s.Orders, Payments: s.Payments, Now: func() time.Time { return t }}
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

// Who acts in the demo's meals. The demo's users do not exist yet when the step runs (synth.Users
// comes after), so staff are principals named like them, as demo_cases.go names its crews, and a
// relative signs in as the public does, by phone and code.

// signIn signs the holder of phone in at t, by the code the citizen service sends, and returns
// their citizen id. There is no client, so no address: the sign-in's throttle by address counts
// every demo sign-in together (30 an hour), which the relatives' spread-out orders stay under.
func (g *demoMealsGen) signIn(phone string, t time.Time) (int64, error) {
	var phoneBox demoPhone
	s := *g.svc.citizens
	now := t
	s.Sender, s.Now = &phoneBox, func() time.Time { return now }
	if err := s.RequestCode(g.ctx, phone, ""); err != nil {
		return 0, err
	}
	now = t.Add(time.Minute) // read and typed in
	_, c, err := s.Verify(g.ctx, phone, phoneBox.code, "")
	if err != nil {
		return 0, err
	}
	return c.ID, nil
}

// demoPhone is a relative's phone in the demo: it receives the sign-in code.
type demoPhone struct{ code string }

// Send keeps the code, as the phone shows it.
func (p *demoPhone) Send(_ context.Context, _, code string) error {
	p.code = code
	return nil
}

// linkedDiners are the diners with a relative linked. The store lists one diner's relatives
// (Relatives), not the diners who have one, and asking it for each of two thousand diners costs
// a second of the demo's start: one read of the links' diner ids stands for it.
func (g *demoMealsGen) linkedDiners() (map[int64]bool, error) {
	rows, err := g.svc.db.Query(g.ctx, `SELECT DISTINCT diner_id FROM diner_relatives`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// demoStreetOfficer is the street officer of street, named as demo_cases.go names them.
func demoStreetOfficer(street string) *auth.Principal {
	login := "demo.street." + street
	switch street {
	case demoStreet:
		login = "zhonghan"
	case demoOtherStreet:
		login = "badaguan"
	}
	return &auth.Principal{Login: login, Role: auth.StreetOfficer, Scope: region.Scope(street)}
}

// demoOperator is the operator of canteen c: for canteen 1 the demo's "canteen" user.
func demoOperator(c *demoCanteen) *auth.Principal {
	login := fmt.Sprintf("demo.canteen.%d", c.ID)
	if c.ID == 1 {
		login = "canteen"
	}
	return &auth.Principal{Login: login, Role: auth.CanteenOperator, Scope: region.Scope(c.RegionCode[:9]), OrgID: c.ID}
}

// demoSideBySide calls do(0) … do(n-1) on workers goroutines and returns the first error; after
// one, the calls not yet started are left out.
func demoSideBySide(n, workers int, do func(i int) error) error {
	var next atomic.Int64
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := do(i); err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					next.Store(int64(n))
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}
