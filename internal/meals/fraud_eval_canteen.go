package meals

import (
	"cmp"
)

// The anti-fraud rules that look at one canteen's meals: a day far busier than its recent
// average, and meals served on a day the canteen is closed.

// volumeJump flags, on each day a canteen served more than factor times its average over the
// open days of the window before (when that average reaches the minimum), the meals beyond
// that many: the part of the day that is out of line, in the order they were served. The
// thresholds are those of the canteen's region on that day.
func (d *fraudData) volumeJump(r *FraudRule, emit func(fraudHit)) {
	ms := d.sorted(func(a, b *fraudMeal) int {
		return cmp.Or(cmp.Compare(a.canteen, b.canteen), a.day.Compare(b.day), a.at.Compare(b.at), cmp.Compare(a.id, b.id))
	})
	fraudGroups(ms, func(a, b *fraudMeal) bool { return a.canteen == b.canteen && a.day == b.day }, func(day []*fraudMeal) {
		first := day[0]
		c, ok := d.canteens[first.canteen]
		if !first.inPeriod || !ok {
			return
		}
		lim, ok := d.limits.of(r, first)
		if !ok {
			return
		}
		factor, days, minAvg := lim.factor, lim.historyDays, lim.minAverage
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
				HistoryTo: hTo.String(), HistoryMeals: sum, HistoryDays: open, HistoryWindow: days, Factor: factor, MinAverage: minAvg,
				Threshold: threshold, Rank: i + 1, Time: fraudTime(m.at)}})
		}
	})
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
