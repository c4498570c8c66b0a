package app

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/meals"
)

// The demo's online orders (线上订餐, 亲属代订餐), made through the meals store's order API, each
// step by a store whose clock stands when it happened, so every row is what the phone page, the
// street office and the kitchen would have produced. A past order takes a day on which the drawn
// month gave the diner no meal, so it never makes a second meal of the day or a meal at two
// canteens; none is for the diner who dies, none at the busy canteen on its spike day: the
// anti-fraud scan has nothing to flag on them. A linked relative orders as a citizen, signed in
// by phone and code whenever their last session has lapsed; anyone else's order is placed by the
// street officer of the diner's street.

// demoOrder is an order to make: whose lunch, where, which day, and when each step happens.
type demoOrder struct {
	diner    *demoDiner
	canteen  *demoCanteen
	item     meals.MenuItem
	day      civil.Date
	delivery bool
	// placed is when it is placed (and a minute later paid); cancel when it is cancelled, serve
	// when the canteen serves it; both are zero for an order still to serve.
	placed, cancel, serve time.Time
}

// demoOrdering carries the orders' generation.
type demoOrdering struct {
	g       *demoMealsGen
	rules   meals.OrderRules
	cutoffs map[int64]int // the canteens' cutoff minutes
	pools   map[int64]*demoOrderPool
	taken   map[demoDinerDay]bool
	// citizens are the linked relatives' citizen ids by diner (0 until signed in), and until
	// when their sessions last.
	citizens map[int64]int64
	until    map[int64]time.Time
}

// demoOrderPool are a canteen's diners (those whose canteen it is): the 失能 it delivers to,
// those whose relative is linked, and all of them.
type demoOrderPool struct{ online, linked, all []*demoDiner }

// makeOrders plans the orders and makes them in the order they were placed.
func (g *demoMealsGen) makeOrders() (demoOrdersReport, error) {
	var rep demoOrdersReport
	o, err := g.newOrdering()
	if err != nil {
		return rep, err
	}
	orders, err := o.plan()
	if err != nil {
		return rep, err
	}
	slices.SortStableFunc(orders, func(a, b *demoOrder) int { return a.placed.Compare(b.placed) })
	// The relatives sign in first, in the order of the orders (the sign-in's throttles count back
	// from each one's clock); on PostgreSQL the orders are then made side by side, as registerAll
	// registers the diners (SQLite's one writer is faster without the contention).
	bys := make([]meals.Orderer, len(orders))
	for i, x := range orders {
		if bys[i], err = o.orderer(x); err != nil {
			return rep, err
		}
	}
	workers := 1
	if g.svc.db.Dialect() == db.Postgres {
		workers = demoRegisterWorkers
	}
	if err := demoSideBySide(len(orders), workers, func(i int) error { return o.make(orders[i], bys[i]) }); err != nil {
		return rep, err
	}
	rep.Placed = len(orders)
	for _, x := range orders {
		switch {
		case !x.cancel.IsZero():
			rep.Cancelled++
		case !x.serve.IsZero():
			rep.Served++
			rep.Delivered += boolOrder(x.delivery)
		default:
			rep.Open++
		}
	}
	return rep, nil
}

// newOrdering reads what the plan needs — the order rules, the canteens' cut-offs, the diners
// whose relative is linked — and sorts each canteen's diners into its pool, the diner who dies
// left out.
func (g *demoMealsGen) newOrdering() (*demoOrdering, error) {
	o := &demoOrdering{g: g, rules: meals.DefaultOrderRules(), cutoffs: map[int64]int{}, pools: map[int64]*demoOrderPool{},
		taken: map[demoDinerDay]bool{}, citizens: map[int64]int64{}, until: map[int64]time.Time{}}
	if g.svc.meals.Orders != nil {
		o.rules = *g.svc.meals.Orders
	}
	cs, err := g.svc.meals.Canteens(g.ctx, g.sys)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		o.cutoffs[c.ID] = c.CutoffMinutes
	}
	linked, err := g.linkedDiners()
	if err != nil {
		return nil, fmt.Errorf("linked relatives: %w", err)
	}
	for _, d := range g.diners {
		if d == g.planted.dead {
			continue
		}
		p := o.pools[d.canteen.ID]
		if p == nil {
			p = &demoOrderPool{}
			o.pools[d.canteen.ID] = p
		}
		p.all = append(p.all, d)
		if d.online {
			p.online = append(p.online, d)
		}
		if linked[d.id] && d.relative != nil { // the family member the generation found is the one linked
			p.linked = append(p.linked, d)
			o.citizens[d.id] = 0
		}
	}
	return o, nil
}

// plan draws the past weeks' orders of every canteen, then today's and tomorrow's.
func (o *demoOrdering) plan() ([]*demoOrder, error) {
	g := o.g
	yesterday := g.today.AddDays(-1)
	var out []*demoOrder
	draw := func(c *demoCanteen, days []civil.Date, online bool, placed time.Time) error {
		x, err := o.draw(c, days, online)
		if x != nil {
			if x.placed = placed; placed.IsZero() {
				o.schedule(x)
			}
			out = append(out, x)
		}
		return err
	}
	for _, c := range g.canteens {
		for week := g.from; !week.After(yesterday); week = week.AddDays(7) {
			var days []civil.Date
			for d := week; d.Before(week.AddDays(7)) && !d.After(yesterday); d = d.AddDays(1) {
				days = append(days, d)
			}
			for range 1 + g.rnd.IntN(2) {
				if err := draw(c, days, false, time.Time{}); err != nil {
					return nil, err
				}
			}
		}
	}
	for i, c := range g.canteens {
		for _, day := range []civil.Date{g.today, g.today.AddDays(1)} {
			n := 3
			if i > 0 {
				n = boolOrder(g.rnd.IntN(6) == 0)
			}
			for k := range n {
				if err := draw(c, []civil.Date{day}, i == 0 && k == 0, g.at(yesterday, 19, 180)); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// draw picks, in a few tries, a diner of c (with online set, one it delivers to if it has any)
// and a day among days on which c opens and the diner neither ate nor has an order, and makes
// their lunch order, delivered when c delivers and the diner may have it delivered; nil when
// none is found.
func (o *demoOrdering) draw(c *demoCanteen, days []civil.Date, online bool) (*demoOrder, error) {
	g := o.g
	for range 8 {
		d, day := o.pick(c, online), days[g.rnd.IntN(len(days))]
		if d == nil {
			return nil, nil
		}
		dd := demoDinerDay{d.id, day}
		if !c.OpensOn(day) || g.eaten[dd] || o.taken[dd] || c == g.planted.busy && day == g.planted.spike {
			continue
		}
		o.taken[dd] = true
		items := c.items[meals.Lunch]
		x := &demoOrder{diner: d, canteen: c, item: items[0], day: day}
		if g.rnd.IntN(10) >= 7 {
			x.item = items[g.rnd.IntN(len(items))]
		}
		if c.Delivery && d.online { // d.online is 失能 at a canteen that delivers: ask the record
			rec, err := g.svc.meals.Diner(g.ctx, g.sys, d.id)
			if err != nil {
				return nil, fmt.Errorf("diner %d: %w", d.id, err)
			}
			x.delivery = o.rules.EntitledToDelivery(rec.Categories) && rec.AddressMasked != ""
		}
		return x, nil
	}
	return nil, nil
}

// schedule times past order x: placed the evening before or, now and then, early that morning
// before the cut-off; then cancelled before the cut-off (one in ten), or served at lunch —
// delivered ones on their way before it.
func (o *demoOrdering) schedule(x *demoOrder) {
	g := o.g
	cutoff := o.rules.Cutoff(x.day, meals.Lunch, o.cutoffs[x.canteen.ID])
	if morning := g.at(x.day, 7, 60); g.rnd.IntN(10) < 3 && morning.Before(cutoff.Add(-30*time.Minute)) {
		x.placed = morning
	} else {
		x.placed = g.at(x.day.AddDays(-1), 19, 180)
	}
	switch {
	case g.rnd.IntN(10) == 0:
		x.cancel = x.placed.Add(40*time.Minute + time.Duration(g.rnd.IntN(60))*time.Minute)
		if late := cutoff.Add(-5 * time.Minute); x.cancel.After(late) {
			x.cancel = late
		}
	case x.delivery:
		x.serve = g.at(x.day, 10, 60).Add(30 * time.Minute)
	default:
		x.serve = g.at(x.day, 11, 90)
	}
}

// pick draws a diner of c: a 失能 one it delivers to about half the time (always with online set,
// when it has one), else one whose relative is linked about a third of the time, else anyone.
func (o *demoOrdering) pick(c *demoCanteen, online bool) *demoDiner {
	p, rnd := o.pools[c.ID], o.g.rnd
	if p == nil {
		return nil
	}
	switch x := rnd.IntN(100); {
	case (online || x < 45) && len(p.online) > 0:
		return p.online[rnd.IntN(len(p.online))]
	case x < 80 && len(p.linked) > 0:
		return p.linked[rnd.IntN(len(p.linked))]
	}
	return p.all[rnd.IntN(len(p.all))]
}

// make places order x for by, pays it, and serves or cancels it.
func (o *demoOrdering) make(x *demoOrder, by meals.Orderer) error {
	g := o.g
	ord, err := g.storeAt(x.placed).PlaceOrder(g.ctx, by, meals.OrderInput{DinerID: x.diner.id, CanteenID: x.canteen.ID,
		MenuItemID: x.item.ID, Day: x.day, Delivery: x.delivery})
	if err != nil {
		return fmt.Errorf("order lunch on %s at canteen %d for diner %d: %w", x.day, x.canteen.ID, x.diner.id, err)
	}
	if _, err := g.storeAt(x.placed.Add(time.Minute)).Pay(g.ctx, by, ord.ID); err != nil {
		return fmt.Errorf("pay order %d: %w", ord.ID, err)
	}
	switch {
	case !x.cancel.IsZero():
		_, err = g.storeAt(x.cancel).Cancel(g.ctx, by, ord.ID)
	case !x.serve.IsZero():
		_, err = g.storeAt(x.serve).Fulfil(g.ctx, demoOperator(x.canteen), ord.ID)
	}
	if err != nil {
		return fmt.Errorf("order %d: %w", ord.ID, err)
	}
	return nil
}

// orderer is who places x: the diner's linked relative, signed in, or the street officer.
func (o *demoOrdering) orderer(x *demoOrder) (meals.Orderer, error) {
	d := x.diner
	if _, linked := o.citizens[d.id]; linked && !x.placed.Before(o.until[d.id]) {
		at := x.placed.Add(-3 * time.Minute)
		id, err := o.g.signIn(d.relative.Phone, at)
		switch {
		case apperr.KindOf(err) == apperr.TooMany: // throttled: the street officer takes the order
			o.citizens[d.id] = 0
		case err != nil:
			return meals.Orderer{}, fmt.Errorf("sign in the relative of diner %d: %w", d.id, err)
		default:
			o.citizens[d.id] = id
			o.until[d.id] = at.Add(cmp.Or(o.g.svc.citizens.Rules.SessionTTL, citizen.DefaultRules.SessionTTL))
		}
	}
	if id := o.citizens[d.id]; id != 0 {
		return meals.ByCitizen(id), nil
	}
	return meals.ByStaff(demoStreetOfficer(d.home[:9])), nil
}
