package app

import (
	"cmp"
	"sync"
	"sync/atomic"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// The demo's diners: the elderly of the registry and of the canteens' communities registered
// through the meals store, where and how often each will eat, and the relatives linked for
// 亲属代订餐.

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
