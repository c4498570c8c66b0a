package meals

import (
	"cmp"
	"slices"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
)

// The rules run over one period's meals held in memory: a month of a city is a quarter of a
// million small rows, which one pass in Go judges in well under a second, where set-based SQL
// would need date and time arithmetic that differs between the two engines.

// fraudMeal is a served meal as the rules read it.
type fraudMeal struct {
	id, canteen, diner int64
	region             string
	day                civil.Date
	at                 time.Time
	mealType           string
	subsidised         bool
	counter            []string // the counter's flags
	// inPeriod is false for the day before the period, read only so that a card used at two
	// canteens around midnight is seen.
	inPeriod bool
}

func (m *fraudMeal) counterFlag(f string) bool { return slices.Contains(m.counter, f) }

// fraudCanteen is what the rules need of a canteen.
type fraudCanteen struct {
	name     string
	region   string
	openDays string
}

func (c *fraudCanteen) opensOn(d civil.Date) bool {
	cc := Canteen{OpenDays: c.openDays}
	return cc.OpensOn(d)
}

// fraudCanteenDay keys a canteen's count of meals on one day.
type fraudCanteenDay struct {
	canteen int64
	day     civil.Date
}

// death is what is known of a diner's death: from monitoring (a date), or from the staff's
// marking (the date of death they recorded, else only when the record was last changed).
type fraudDeath struct {
	date        civil.Date // zero when only the staff's marking is known
	field       string
	warning     int64
	monitorRule string
	marked      time.Time  // zero when the diner is not marked deceased
	staffDate   civil.Date // the date of death the staff recorded (diners.died_on), zero when none
}

// fraudData is everything one scan reads.
type fraudData struct {
	from, to civil.Date
	meals    []fraudMeal
	canteens map[int64]*fraudCanteen
	// counts are meals per canteen and day from the longest history window before the period
	// to its end (volume_jump).
	counts map[fraudCanteenDay]int
	deaths map[int64]fraudDeath
}

// hit is a rule that fired on a meal, with what it saw.
type fraudHit struct {
	meal     *fraudMeal
	rule     string
	evidence Evidence
}

// evaluate runs rule r and calls emit for every meal of the period it flags, at most once per
// meal.
func (d *fraudData) evaluate(r *FraudRule, emit func(fraudHit)) {
	switch r.Kind {
	case KindDailyCap:
		d.dailyCap(r, emit)
	case KindDeceased:
		d.deceased(r, emit)
	case KindVolumeJump:
		d.volumeJump(r, emit)
	case KindTwoCanteens:
		d.twoCanteens(r, emit)
	case KindClosedDay:
		d.closedDay(r, emit)
	}
}

// fraudByDinerTime orders meals by diner, then time, then id: each diner's meals in the order they
// were served.
func fraudByDinerTime(a, b *fraudMeal) int {
	return cmp.Or(cmp.Compare(a.diner, b.diner), a.at.Compare(b.at), cmp.Compare(a.id, b.id))
}

// fraudGroups calls fn for each run of consecutive meals (of the sorted slice ms) that same says
// belong together.
func fraudGroups(ms []*fraudMeal, same func(a, b *fraudMeal) bool, fn func([]*fraudMeal)) {
	for i := 0; i < len(ms); {
		j := i + 1
		for j < len(ms) && same(ms[i], ms[j]) {
			j++
		}
		fn(ms[i:j])
		i = j
	}
}

// sorted returns pointers to the meals ordered by less.
func (d *fraudData) sorted(less func(a, b *fraudMeal) int) []*fraudMeal {
	ms := make([]*fraudMeal, len(d.meals))
	for i := range d.meals {
		ms[i] = &d.meals[i]
	}
	slices.SortFunc(ms, less)
	return ms
}

// dailyCap flags, for each diner and day, the meals beyond the cap of meals, the subsidised
// meals beyond the cap of subsidised meals, and the meals the counter already marked as a
// second subsidised meal (charged in full, but a sign of a card used for two people).
func (d *fraudData) dailyCap(r *FraudRule, emit func(fraudHit)) {
	maxMeals, _ := r.Param("max_meals")
	maxSub, _ := r.Param("max_subsidised")
	ms := d.sorted(func(a, b *fraudMeal) int {
		return cmp.Or(cmp.Compare(a.diner, b.diner), a.day.Compare(b.day), a.at.Compare(b.at), cmp.Compare(a.id, b.id))
	})
	fraudGroups(ms, func(a, b *fraudMeal) bool { return a.diner == b.diner && a.day == b.day }, func(day []*fraudMeal) {
		if !day[0].inPeriod {
			return
		}
		subsidised := 0
		for _, m := range day {
			if m.subsidised {
				subsidised++
			}
		}
		var seen []SeenMeal
		subRank := 0
		for i, m := range day {
			if m.subsidised {
				subRank++
			}
			over := int64(i+1) > maxMeals || m.subsidised && int64(subRank) > maxSub
			counter := m.counterFlag(FlagSecondMeal)
			if !over && !counter {
				continue
			}
			if seen == nil {
				seen = d.fraudSeenMeals(day)
			}
			ev := Evidence{Meals: len(day), Subsidised: subsidised, MaxMeals: maxMeals, MaxSubsidised: maxSub,
				Rank: i + 1, Day: seen}
			if m.subsidised {
				ev.SubsidisedRank = subRank
			}
			if counter {
				ev.Counter = FlagSecondMeal
			}
			emit(fraudHit{meal: m, rule: r.ID, evidence: ev})
		}
	})
}

// fraudSeenMeals lists a diner's day for the evidence, the first fraudMaxSeenMeals of it.
func (d *fraudData) fraudSeenMeals(day []*fraudMeal) []SeenMeal {
	out := make([]SeenMeal, 0, min(len(day), fraudMaxSeenMeals))
	for _, m := range day[:min(len(day), fraudMaxSeenMeals)] {
		out = append(out, SeenMeal{Transaction: m.id, CanteenID: m.canteen, Canteen: d.fraudCanteenName(m.canteen),
			Time: fraudTime(m.at), MealType: m.mealType, Subsidised: m.subsidised})
	}
	return out
}

func (d *fraudData) fraudCanteenName(id int64) string {
	if c, ok := d.canteens[id]; ok {
		return c.name
	}
	return ""
}

// deceased flags meals served after the date of death monitoring reports, else meals the
// counter served to a diner already marked deceased, else meals recorded after a deceased
// diner's record last changed (when the staff marked them, at the latest).
func (d *fraudData) deceased(r *FraudRule, emit func(fraudHit)) {
	for i := range d.meals {
		m := &d.meals[i]
		dt, known := d.deaths[m.diner]
		if !m.inPeriod || !known && !m.counterFlag(FlagDeceased) {
			continue
		}
		var ev Evidence
		switch {
		case !dt.date.IsZero() && m.day.After(dt.date):
			ev = Evidence{DeathSource: DeathFromMonitor, DeathDate: dt.date.String(), DeathField: dt.field,
				WarningID: dt.warning, MonitorRule: dt.monitorRule}
		case m.counterFlag(FlagDeceased):
			ev = Evidence{DeathSource: DeathFromCounter}
		case !dt.marked.IsZero() && !m.at.Before(dt.marked):
			ev = Evidence{DeathSource: DeathFromStaff, StatusSince: fraudTime(dt.marked), DeathDate: dt.staffDate.String()}
		default:
			continue
		}
		if m.counterFlag(FlagDeceased) {
			ev.Counter = FlagDeceased
		}
		ev.Time = fraudTime(m.at)
		emit(fraudHit{meal: m, rule: r.ID, evidence: ev})
	}
}

// volumeJump flags, on each day a canteen served more than factor times its average over the
// open days of the window before (when that average reaches the minimum), the meals beyond
// that many: the part of the day that is out of line, in the order they were served.
func (d *fraudData) volumeJump(r *FraudRule, emit func(fraudHit)) {
	factor, _ := r.Param("factor")
	days, _ := r.Param("history_days")
	minAvg, _ := r.Param("min_average")
	if days <= 0 {
		return
	}
	ms := d.sorted(func(a, b *fraudMeal) int {
		return cmp.Or(cmp.Compare(a.canteen, b.canteen), a.day.Compare(b.day), a.at.Compare(b.at), cmp.Compare(a.id, b.id))
	})
	fraudGroups(ms, func(a, b *fraudMeal) bool { return a.canteen == b.canteen && a.day == b.day }, func(day []*fraudMeal) {
		first := day[0]
		c, ok := d.canteens[first.canteen]
		if !first.inPeriod || !ok {
			return
		}
		hFrom, hTo := first.day.AddDays(-int(days)), first.day.AddDays(-1)
		sum, open := 0, 0
		for h := hFrom; !h.After(hTo); h = h.AddDays(1) {
			sum += d.counts[fraudCanteenDay{first.canteen, h}]
			if c.opensOn(h) {
				open++
			}
		}
		// The average must reach the minimum (sum ≥ min × open days), and the day must exceed
		// factor × average: count × 1000 × open > factor × sum, in integers.
		if open == 0 || int64(sum) < minAvg*int64(open) || int64(len(day))*1000*int64(open) <= factor*int64(sum) {
			return
		}
		threshold := int(factor * int64(sum) / (1000 * int64(open)))
		for i, m := range day {
			if i+1 <= threshold {
				continue
			}
			emit(fraudHit{meal: m, rule: r.ID, evidence: Evidence{DayCount: len(day), HistoryFrom: hFrom.String(),
				HistoryTo: hTo.String(), HistoryMeals: sum, HistoryDays: open, Factor: factor, MinAverage: minAvg,
				Threshold: threshold, Rank: i + 1, Time: fraudTime(m.at)}})
		}
	})
}

// twoCanteens flags both meals whenever one diner was served at two different canteens within
// the window; each flag names the other meal (the first such pair found for it).
func (d *fraudData) twoCanteens(r *FraudRule, emit func(fraudHit)) {
	window, _ := r.Param("window_minutes")
	span := time.Duration(window) * time.Minute
	ms := d.sorted(fraudByDinerTime)
	flagged := map[int64]bool{}
	pair := func(m, other *fraudMeal) {
		if !m.inPeriod || flagged[m.id] {
			return
		}
		flagged[m.id] = true
		gap := m.at.Sub(other.at)
		if gap < 0 {
			gap = -gap
		}
		emit(fraudHit{meal: m, rule: r.ID, evidence: Evidence{Time: fraudTime(m.at), OtherTransaction: other.id,
			OtherCanteenID: other.canteen, OtherCanteen: d.fraudCanteenName(other.canteen), OtherTime: fraudTime(other.at),
			Minutes: int(gap / time.Minute), WindowMinutes: window}})
	}
	for i, m := range ms {
		for j := i + 1; j < len(ms) && ms[j].diner == m.diner && ms[j].at.Sub(m.at) <= span; j++ {
			if ms[j].canteen != m.canteen {
				pair(m, ms[j])
				pair(ms[j], m)
			}
		}
	}
}

// closedDay flags meals served on a weekday the canteen's opening days mark closed, and those
// the counter already marked so (the opening days may have changed since).
func (d *fraudData) closedDay(r *FraudRule, emit func(fraudHit)) {
	for i := range d.meals {
		m := &d.meals[i]
		c, ok := d.canteens[m.canteen]
		if !m.inPeriod || !ok {
			continue
		}
		counter := m.counterFlag(FlagClosedDay)
		if c.opensOn(m.day) && !counter {
			continue
		}
		ev := Evidence{OpenDays: c.openDays, Weekday: fraudWeekday(m.day), Time: fraudTime(m.at)}
		if counter {
			ev.Counter = FlagClosedDay
		}
		emit(fraudHit{meal: m, rule: r.ID, evidence: ev})
	}
}
