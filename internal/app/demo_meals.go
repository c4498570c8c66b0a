package app

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
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
// deterministic for a seed and a day.

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

// demoDistrictCentres are rough centres of Qingdao's districts (latitude, longitude), around
// which the canteens' coordinates are drawn.
var demoDistrictCentres = map[string][2]float64{
	"370202": {36.066, 120.383}, "370203": {36.087, 120.374}, "370211": {35.960, 120.198}, "370212": {36.107, 120.468},
	"370213": {36.145, 120.433}, "370214": {36.307, 120.396}, "370215": {36.389, 120.447}, "370281": {36.264, 120.033},
	"370283": {36.777, 119.960}, "370285": {36.888, 120.518},
}

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
	g.back = &meals.Store{DB: svc.meals.DB, Keys: svc.meals.Keys, Audit: svc.meals.Audit, Registry: svc.meals.Registry,
		Policies: svc.meals.Policies, Calendar: svc.meals.Calendar, Payments: svc.meals.Payments, Now: func() time.Time { return eve }}
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

// makeCanteens makes 4–8 canteens in every district, the operator's canteen first.
func (g *demoMealsGen) makeCanteens() error {
	districts := g.tree.Children(synth.CityCode)
	slices.SortStableFunc(districts, func(a, b region.Division) int { // the operator's district first
		return boolOrder(b.Code == demoStreet[:6]) - boolOrder(a.Code == demoStreet[:6])
	})
	for _, district := range districts {
		streets := g.tree.Children(district.Code)
		if len(streets) == 0 {
			continue
		}
		g.rnd.Shuffle(len(streets), func(i, j int) { streets[i], streets[j] = streets[j], streets[i] })
		if district.Code == demoStreet[:6] { // the operator's street first, so canteen 1 stands there
			i := slices.IndexFunc(streets, func(d region.Division) bool { return d.Code == demoStreet })
			streets[0], streets[i] = streets[i], streets[0]
		}
		n := demoCanteensMin + g.rnd.IntN(demoCanteensMax-demoCanteensMin+1)
		for k := 0; k < n; k++ {
			street := streets[k%len(streets)]
			communities := g.tree.Children(street.Code)
			if len(communities) == 0 {
				continue
			}
			community := communities[g.rnd.IntN(len(communities))]
			if len(g.canteens) == 0 { // the operator's canteen: in the street's first community, the demo grid worker's
				community = slices.MinFunc(communities, func(a, b region.Division) int { return strings.Compare(a.Code, b.Code) })
			}
			if err := g.makeCanteen(district, street, community, k); err != nil {
				return err
			}
		}
	}
	if len(g.canteens) > 0 && g.canteens[0].ID != 1 {
		return fmt.Errorf("the operator's canteen got id %d, not 1: the canteens table was used before", g.canteens[0].ID)
	}
	return nil
}

var (
	demoCanteenKinds = []string{"社区长者食堂", "社区老年助餐点", "社区幸福食堂", "社区颐养食堂"}
	demoVillageKinds = []string{"村老年餐桌", "村幸福院助餐点"}
	demoFirmWords    = []string{"康乐", "福寿", "益民", "惠邻", "同福", "安康", "乐龄", "颐年", "善德", "和美", "长青", "德馨"}
)

// makeCanteen makes the k-th canteen of district in community, with its menu.
func (g *demoMealsGen) makeCanteen(district, street, community region.Division, k int) error {
	r := g.rnd
	stem := strings.TrimSuffix(strings.TrimSuffix(community.Name, "社区居民委员会"), "村民委员会")
	village := strings.HasSuffix(community.Name, "村民委员会")
	name := stem + demoCanteenKinds[r.IntN(len(demoCanteenKinds))]
	if village {
		name = stem + demoVillageKinds[r.IntN(len(demoVillageKinds))]
	}
	word := demoFirmWords[r.IntN(len(demoFirmWords))]
	operator := []string{community.Name, "青岛" + word + "餐饮管理有限公司", district.Name + word + "养老服务中心",
		"青岛市" + word + "社会工作服务中心"}[r.IntN(4)]
	centre := demoDistrictCentres[district.Code]
	in := meals.CanteenInput{Name: name, Operator: operator, RegionCode: community.Code,
		Address:  district.Name + street.Name + strings.TrimSuffix(community.Name, "居民委员会") + "党群服务中心一楼",
		Latitude: fmt.Sprintf("%.6f", centre[0]+(r.Float64()-0.5)*0.06), Longitude: fmt.Sprintf("%.6f", centre[1]+(r.Float64()-0.5)*0.06),
		Capacity: 80 + 20*r.IntN(12), OpenDays: "1111111", Delivery: r.IntN(10) < 4}
	if village {
		in.Address = district.Name + street.Name + stem + "村村委会西侧"
	}
	if r.IntN(4) == 0 {
		in.OpenDays = "1111100"
	}
	busy := len(g.canteens) == 0 || district.Code == demoStreet[:6] && k == 1
	if busy {
		in.OpenDays, in.Delivery = "1111111", true
	}
	id, err := g.back.CreateCanteen(g.ctx, g.sys, in)
	if err != nil {
		return err
	}
	c := &demoCanteen{Canteen: meals.Canteen{ID: id, Name: in.Name, RegionCode: in.RegionCode, OpenDays: in.OpenDays,
		Delivery: in.Delivery}, items: map[string][]meals.MenuItem{}, local: demoLocalDiners}
	if busy {
		c.local = demoBusyDiners
	}
	menu := []meals.MenuItem{{Name: "两荤两素套餐", MealType: meals.Lunch, Price: money.Yuan(12)},
		{Name: "营养早餐（粥、包子、鸡蛋）", MealType: meals.Breakfast, Price: money.Yuan(int64(4 + r.IntN(3)))},
		{Name: "晚餐套餐（一荤一素一汤）", MealType: meals.Dinner, Price: money.Yuan(int64(10 + r.IntN(3)))}}
	if r.IntN(2) == 0 {
		menu = append(menu, meals.MenuItem{Name: "三荤两素套餐", MealType: meals.Lunch, Price: money.Yuan(15)})
	}
	if r.IntN(3) == 0 {
		menu = append(menu, meals.MenuItem{Name: "清淡软食套餐", MealType: meals.Lunch, Price: money.Yuan(13)})
	}
	for _, it := range menu {
		if it.ID, err = g.back.AddMenuItem(g.ctx, g.sys, id, it); err != nil {
			return err
		}
		it.CanteenID = id
		c.items[it.MealType] = append(c.items[it.MealType], it)
	}
	g.canteens = append(g.canteens, c)
	g.byDistrict[district.Code] = append(g.byDistrict[district.Code], c)
	return nil
}

// makeDiners registers the registry's elderly (up to demoRegistryDiners a district) and the
// generated elderly of the canteens' communities. The city's households are drawn again from the
// seed, as the demo made them: the first ones of each community are the registry's, those after
// are people the registry does not know. Who eats where and how often is drawn first, in order;
// the registrations then run side by side (on PostgreSQL they overlap; SQLite's one writer takes
// them in turn).
func (g *demoMealsGen) makeDiners() error {
	var communities []region.Division
	for _, d := range g.tree.Children(synth.CityCode) {
		for _, s := range g.tree.Children(d.Code) {
			communities = append(communities, g.tree.Children(s.Code)...)
		}
	}
	inRegistry := synth.HouseholdsPerCommunity(max(g.households, 0), communities)
	extra := map[string]int{}
	for _, c := range g.canteens {
		extra[c.RegionCode] = max(extra[c.RegionCode], c.local)
	}
	gen := synth.New(g.seed)
	asOf := civil.Today(g.svc.registry.Now())
	eve := civil.Today(g.back.Now())
	fromRegistry := map[string]int{}
	var cands []demoDinerPlan
	for _, c := range communities {
		k := inRegistry[c.Code]
		if k == 0 && extra[c.Code] == 0 {
			continue
		}
		local := g.localCanteen(c.Code)
		// Beyond the registry's households, enough to find the canteen's elderly among them.
		hh := gen.Households(c, c.Code[:6], k+extra[c.Code]*3, asOf)
		found := 0
		for i, h := range hh {
			known := i < k
			if !known && (local == nil || found >= extra[c.Code]) {
				break
			}
			for m := range h.Members {
				p := &h.Members[m]
				id, err := idcard.Parse(p.IDNumber)
				if err != nil || id.AgeOn(eve) < meals.MinAge || known && fromRegistry[c.Code[:6]] >= demoRegistryDiners {
					continue
				}
				cands = append(cands, g.plan(h, p, known))
				if known {
					fromRegistry[c.Code[:6]]++
				} else {
					found++
				}
			}
		}
	}
	return g.registerAll(cands)
}

// demoDinerPlan is a person to register and the diner they become.
type demoDinerPlan struct {
	in meals.DinerInput
	d  *demoDiner
}

// demoRegisterWorkers is how many registrations run side by side.
const demoRegisterWorkers = 4

// registerAll registers the candidates and keeps, in their order, those the store takes; one it
// refuses (too young on the day, registered already) is left out.
func (g *demoMealsGen) registerAll(cands []demoDinerPlan) error {
	ids := make([]int64, len(cands))
	var next atomic.Int64
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range demoRegisterWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(cands); i = int(next.Add(1)) - 1 {
				reg, err := g.back.RegisterDiner(g.ctx, g.sys, cands[i].in)
				switch k := apperr.KindOf(err); {
				case err == nil:
					ids[i] = reg.DinerID
				case k != apperr.Invalid && k != apperr.Conflict:
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	for i, c := range cands {
		if ids[i] != 0 {
			c.d.id = ids[i]
			g.diners = append(g.diners, c.d)
		}
	}
	return nil
}

func boolOrder(b bool) int {
	if b {
		return 1
	}
	return 0
}

// localCanteen is the canteen standing in community, if any.
func (g *demoMealsGen) localCanteen(community string) *demoCanteen {
	for _, c := range g.byDistrict[community[:6]] {
		if c.RegionCode == community {
			return c
		}
	}
	return nil
}

// plan is the registration of member p of household h (hukou from the registry when known) and
// where and how often they will eat.
func (g *demoMealsGen) plan(h registry.HouseholdInput, p *registry.PersonInput, known bool) demoDinerPlan {
	in := meals.DinerInput{Name: p.Name, IDNumber: p.IDNumber, HomeRegion: h.RegionCode, Phone: p.Phone}
	if !known {
		in.HukouRegion = h.HukouRegion
	}
	disabled := p.SelfCare.Walk || p.SelfCare.Failed() >= 3
	if disabled {
		in.Categories, in.Address = []string{meals.CategoryDisabled}, h.Address
	}
	d := &demoDiner{name: p.Name, home: h.RegionCode, attend: []float64{0.85, 0.6, 0.35}[g.rnd.IntN(3)]}
	d.canteen = g.localCanteen(h.RegionCode)
	if d.canteen == nil {
		d.canteen = g.nearCanteen(h.RegionCode, disabled)
	}
	if disabled && d.canteen.Delivery {
		d.online = true
	}
	if d.canteen.local == demoBusyDiners {
		d.attend = 0.85
	}
	for i := range h.Members {
		rel := &h.Members[i]
		if id, err := idcard.Parse(rel.IDNumber); err == nil && rel != p && rel.Phone != "" && id.AgeOn(g.today) >= 20 &&
			id.AgeOn(g.today) < 60 {
			d.relative = rel
			break
		}
	}
	return demoDinerPlan{in: in, d: d}
}

// nearCanteen picks a canteen of home's district, one of its street if there is one, one that
// delivers for a diner who needs it.
func (g *demoMealsGen) nearCanteen(home string, delivery bool) *demoCanteen {
	list := g.byDistrict[home[:6]]
	var street, deliver []*demoCanteen
	for _, c := range list {
		if c.RegionCode[:9] == home[:9] {
			street = append(street, c)
		}
		if c.Delivery {
			deliver = append(deliver, c)
		}
	}
	switch {
	case delivery && len(deliver) > 0:
		return deliver[g.rnd.IntN(len(deliver))]
	case len(street) > 0:
		return street[g.rnd.IntN(len(street))]
	}
	return list[g.rnd.IntN(len(list))]
}

// makeRelatives links a family member with a phone to some diners, for 亲属代订餐.
func (g *demoMealsGen) makeRelatives() (int, error) {
	n := 0
	for _, d := range g.diners {
		if d.relative == nil || (!d.online && g.rnd.IntN(6) != 0) {
			continue
		}
		relation := "子女"
		if id, _ := idcard.Parse(d.relative.IDNumber); id.AgeOn(g.today) >= 45 && g.rnd.IntN(3) == 0 {
			relation = "其他亲属"
		}
		_, err := g.svc.meals.AddRelative(g.ctx, g.sys, d.id, meals.RelativeInput{Name: d.relative.Name, Relation: relation,
			Phone: d.relative.Phone})
		if apperr.KindOf(err) == apperr.Invalid || apperr.KindOf(err) == apperr.Conflict {
			continue
		}
		if err != nil {
			return n, err
		}
		if n++; n >= demoRelatives {
			break
		}
	}
	return n, nil
}

// demoMealKey finds a diner's meal of a type on a day among the drawn meals.
type demoMealKey struct {
	diner int64
	day   civil.Date
	kind  string
}

// recordMeals draws the month's meals, plants the anomalies, and records them as history: all of
// them up to the planted death, then — the diner marked deceased, on that day — what the diner
// still ate after it, which the pricing flags as it would at the counter.
func (g *demoMealsGen) recordMeals() (int, error) {
	yesterday := g.today.AddDays(-1)
	if len(g.diners) == 0 || yesterday.Before(g.from) {
		return 0, nil
	}
	var all []meals.HistoricMeal
	for d := g.from; !d.After(yesterday); d = d.AddDays(1) {
		for _, diner := range g.diners {
			all = g.day(all, diner, d)
		}
	}
	all, dead, died := g.plant(all, yesterday)
	var before, after []meals.HistoricMeal
	for _, m := range all {
		if dead != nil && m.DinerID == dead.id && civil.Today(m.At).After(died) {
			after = append(after, m)
		} else {
			before = append(before, m)
		}
	}
	n, err := g.svc.meals.RecordHistory(g.ctx, before)
	if err != nil || dead == nil {
		return n, err
	}
	// There is no store method for a death yet: the demo marks it as staff would, on the day.
	if _, err := g.svc.db.Exec(g.ctx, `UPDATE diners SET status = ?, version = version + 1, updated_at = ? WHERE id = ?`,
		meals.DinerDeceased, db.FormatTime(died.Time(civil.China).Add(9*time.Hour)), dead.id); err != nil {
		return n, err
	}
	k, err := g.svc.meals.RecordHistory(g.ctx, after)
	return n + k, err
}

// at is a time on day d: hour h and up to spread minutes after it, China time.
func (g *demoMealsGen) at(d civil.Date, h, spread int) time.Time {
	return d.Time(civil.China).Add(time.Duration(h)*time.Hour + time.Duration(g.rnd.IntN(spread))*time.Minute)
}

// day adds what diner eats on d: lunch as often as they come (less at weekends), now and then at
// another canteen, some ordered online; a breakfast now and then, and a dinner on some days they
// skip lunch.
func (g *demoMealsGen) day(out []meals.HistoricMeal, diner *demoDiner, d civil.Date) []meals.HistoricMeal {
	c := diner.canteen
	if !c.OpensOn(d) {
		return out
	}
	p := diner.attend
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		p *= 0.45
	}
	lunch := g.rnd.Float64() < p
	if lunch {
		where := c
		if x := g.rnd.IntN(100); x < 6 && !diner.online {
			others := g.byDistrict[c.RegionCode[:6]]
			if x == 0 { // in another district now and then: the district share stays at home
				others = g.canteens
			}
			if o := others[g.rnd.IntN(len(others))]; o.OpensOn(d) {
				where = o
			}
		}
		items := where.items[meals.Lunch]
		item := items[0]
		if g.rnd.IntN(10) >= 7 {
			item = items[g.rnd.IntN(len(items))]
		}
		channel := meals.ChannelCounter
		if diner.online || g.rnd.IntN(100) < 7 {
			channel = meals.ChannelOnline
		}
		out = append(out, meals.HistoricMeal{CanteenID: where.ID, DinerID: diner.id, MenuItemID: item.ID, At: g.at(d, 11, 110),
			Channel: channel})
	}
	if diner.online {
		return out
	}
	if g.rnd.Float64() < 0.12*p {
		out = append(out, meals.HistoricMeal{CanteenID: c.ID, DinerID: diner.id, MenuItemID: c.items[meals.Breakfast][0].ID,
			At: g.at(d, 6, 120).Add(30 * time.Minute)})
	}
	// Dinner on days without lunch: after a subsidised lunch the pricing marks any later meal of
	// the day as over the daily cap (Policy.Quote checks the cap before whether a rule applies),
	// which would fill the review queue with dinners nobody claimed a subsidy for.
	if !lunch && g.rnd.Float64() < 0.25*p {
		out = append(out, meals.HistoricMeal{CanteenID: c.ID, DinerID: diner.id, MenuItemID: c.items[meals.Dinner][0].ID,
			At: g.at(d, 17, 100)})
	}
	return out
}

// plant adds the anomalies the anti-fraud checks must find, and returns the diner who dies and
// the day they die (nil when the month is too short for it).
func (g *demoMealsGen) plant(all []meals.HistoricMeal, last civil.Date) ([]meals.HistoricMeal, *demoDiner, civil.Date) {
	lunches := map[demoMealKey]int{}
	items := map[int64]string{}
	for _, c := range g.canteens {
		for t, list := range c.items {
			for _, it := range list {
				items[it.ID] = t
			}
		}
	}
	for i, m := range all {
		lunches[demoMealKey{m.DinerID, civil.Today(m.At), items[m.MenuItemID]}] = i + 1
	}
	laoshan := g.byDistrict[demoStreet[:6]]
	if len(laoshan) < 2 || last.Before(g.from.AddDays(14)) {
		return all, nil, civil.Date{}
	}
	home, busy := laoshan[0], laoshan[1]
	weekday := func(d civil.Date) civil.Date {
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = d.AddDays(-1)
		}
		return d
	}
	// 1. Lunch at two canteens ten minutes apart, with the same card.
	double := weekday(last.AddDays(-5))
	for _, d := range g.diners {
		if d.canteen == home && !d.online {
			if i := lunches[demoMealKey{d.id, double, meals.Lunch}]; i > 0 {
				all[i-1].CanteenID, all[i-1].MenuItemID = home.ID, home.items[meals.Lunch][0].ID
				all[i-1].At = double.Time(civil.China).Add(11*time.Hour + 40*time.Minute)
			} else {
				all = append(all, meals.HistoricMeal{CanteenID: home.ID, DinerID: d.id, MenuItemID: home.items[meals.Lunch][0].ID,
					At: double.Time(civil.China).Add(11*time.Hour + 40*time.Minute)})
			}
			all = append(all, meals.HistoricMeal{CanteenID: busy.ID, DinerID: d.id, MenuItemID: busy.items[meals.Lunch][0].ID,
				At: double.Time(civil.China).Add(11*time.Hour + 50*time.Minute)})
			break
		}
	}
	// 2. Lunch on a day the canteen is closed: a Saturday at a Monday-to-Friday canteen.
	saturday := last
	for saturday.Weekday() != time.Saturday {
		saturday = saturday.AddDays(-1)
	}
	for _, d := range g.diners {
		if d.canteen.OpenDays == "1111100" && !d.online {
			all = append(all, meals.HistoricMeal{CanteenID: d.canteen.ID, DinerID: d.id, MenuItemID: d.canteen.items[meals.Lunch][0].ID,
				At: saturday.Time(civil.China).Add(11*time.Hour + 30*time.Minute)})
			break
		}
	}
	// 3. A canteen whose lunches triple on one day: diners of the district who did not eat that
	// day are booked there.
	spike := weekday(last.AddDays(-1))
	if spike == double {
		spike = weekday(spike.AddDays(-1))
	}
	usual := 0
	for _, m := range all {
		if m.CanteenID == busy.ID && civil.Today(m.At) == spike {
			usual++
		}
	}
	extra := 2 * usual // the day's lunches three times the usual
	for _, d := range g.diners {
		if extra == 0 {
			break
		}
		if d.home[:6] == busy.RegionCode[:6] && !d.online && d.canteen != busy && lunches[demoMealKey{d.id, spike, meals.Lunch}] == 0 {
			all = append(all, meals.HistoricMeal{CanteenID: busy.ID, DinerID: d.id, MenuItemID: busy.items[meals.Lunch][0].ID,
				At: g.at(spike, 11, 120)})
			extra--
		}
	}
	// 4. A regular of another district who dies halfway through and is still served.
	died := g.from.AddDays(17)
	for _, d := range g.diners {
		if d.home[:6] != demoStreet[:6] && d.attend >= 0.85 && !d.online && d.canteen.OpenDays == "1111111" {
			return all, d, died
		}
	}
	return all, nil, civil.Date{}
}
