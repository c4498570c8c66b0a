package meals

import (
	"cmp"
	"time"
)

// The anti-fraud rules that look at one diner's meals: more meals in a day than the caps allow,
// meals after the diner's death, and one card used at two canteens within minutes.

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
