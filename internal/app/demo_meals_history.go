package app

import (
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// The demo's month of meals: drawn day by day for every diner, with the anomalies the
// anti-fraud checks must find planted among them, and recorded as history. The diner-days with a
// meal and the planted anomalies are kept for the online orders (demo_meals_orders.go), which
// take only days a diner ate nothing and stay clear of what was planted.

// demoDinerDay is one diner on one day.
type demoDinerDay struct {
	diner int64
	day   civil.Date
}

// demoMealKey finds a diner's meal of a type on a day among the drawn meals.
type demoMealKey struct {
	diner int64
	day   civil.Date
	kind  string
}

// demoMealAnomalies is what plant planted that the online orders keep clear of: the diner who
// dies and the day, and the canteen whose lunches triple on spike (nil when nothing was planted:
// a month too short, or too few canteens in the district).
type demoMealAnomalies struct {
	dead  *demoDiner
	died  civil.Date
	busy  *demoCanteen
	spike civil.Date
}

// recordMeals draws the month's meals, plants the anomalies, and records them as history: all of
// them up to the planted death, then — the diner marked deceased, on that day — what the diner
// still ate after it, which the pricing flags as it would at the counter. It keeps in g the
// diner-days with a meal and what was planted.
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
	all, g.planted = g.plant(all, yesterday)
	dead, died := g.planted.dead, g.planted.died
	g.eaten = make(map[demoDinerDay]bool, len(all))
	var before, after []meals.HistoricMeal
	for _, m := range all {
		g.eaten[demoDinerDay{m.DinerID, civil.Today(m.At)}] = true
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
	if err := g.markDead(dead, died); err != nil {
		return n, err
	}
	k, err := g.svc.meals.RecordHistory(g.ctx, after)
	return n + k, err
}

// markDead records, as the community office would when the family came by that morning, that
// diner died on died: the counter then gives no subsidy, and the scan flags the meals after it.
func (g *demoMealsGen) markDead(diner *demoDiner, died civil.Date) error {
	office := g.storeAt(died.Time(civil.China).Add(9 * time.Hour))
	d, err := office.Diner(g.ctx, g.sys, diner.id)
	if err != nil {
		return err
	}
	return office.SetDinerStatus(g.ctx, g.sys, diner.id, d.Version, meals.DinerStatusInput{Status: meals.DinerDeceased,
		On: died, Note: "家属到社区告知老人去世"})
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

// plant adds the anomalies the anti-fraud checks must find, and returns what the orders must
// keep clear of.
func (g *demoMealsGen) plant(all []meals.HistoricMeal, last civil.Date) ([]meals.HistoricMeal, demoMealAnomalies) {
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
		return all, demoMealAnomalies{}
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
	planted := demoMealAnomalies{busy: busy, spike: spike}
	for _, d := range g.diners {
		if d.home[:6] != demoStreet[:6] && d.attend >= 0.85 && !d.online && d.canteen.OpenDays == "1111111" {
			planted.dead, planted.died = d, g.from.AddDays(17)
			break
		}
	}
	return all, planted
}
