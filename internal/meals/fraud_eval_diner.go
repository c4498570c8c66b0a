package meals

import (
	"cmp"
	"time"
)

// The anti-fraud rules that look at one diner's meals: more meals in a day than the caps allow,
// meals after the diner's death, and one card used at two canteens within minutes.

// dailyCap flags, for each diner and day, the meals beyond the cap of meals, the subsidised
// meals beyond the cap of subsidised meals, and the meals the counter already marked as a
// second subsidised meal (charged in full, but a sign of a card used for two people). Each meal
// is held to the caps of its canteen's region on that day (a diner may eat in two districts).
func (d *fraudData) dailyCap(r *FraudRule, emit func(fraudHit)) {
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
			caps, ok := d.limits.of(r, m)
			if !ok {
				return
			}
			over := int64(i+1) > caps.maxMeals || m.subsidised && int64(subRank) > caps.maxSubsidised
			counter := m.counterFlag(FlagSecondMeal)
			if !over && !counter {
				continue
			}
			if seen == nil {
				seen = d.fraudSeenMeals(day)
			}
			ev := Evidence{Meals: len(day), Subsidised: subsidised, MaxMeals: caps.maxMeals, MaxSubsidised: caps.maxSubsidised,
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

// twoCanteens flags a meal when its diner was served at another canteen within the window of
// the meal's canteen's region and day, naming the other meal (the first such pair found for
// it). Where the window is the same for both meals, as by default, both are flagged.
func (d *fraudData) twoCanteens(r *FraudRule, emit func(fraudHit)) {
	// The widest window of the period bounds how far ahead of a meal to look.
	var widest time.Duration
	for i := range d.meals {
		if m := &d.meals[i]; m.inPeriod {
			w, ok := d.limits.of(r, m)
			if !ok {
				return
			}
			widest = max(widest, time.Duration(w.windowMinutes)*time.Minute)
		}
	}
	ms := d.sorted(fraudByDinerTime)
	flagged := map[int64]bool{}
	pair := func(m, other *fraudMeal) {
		if !m.inPeriod || flagged[m.id] {
			return
		}
		w, ok := d.limits.of(r, m)
		gap := m.at.Sub(other.at)
		if gap < 0 {
			gap = -gap
		}
		if !ok || gap > time.Duration(w.windowMinutes)*time.Minute {
			return
		}
		flagged[m.id] = true
		emit(fraudHit{meal: m, rule: r.ID, evidence: Evidence{Time: fraudTime(m.at), OtherTransaction: other.id,
			OtherCanteenID: other.canteen, OtherCanteen: d.fraudCanteenName(other.canteen), OtherTime: fraudTime(other.at),
			Minutes: int(gap / time.Minute), WindowMinutes: w.windowMinutes}})
	}
	for i, m := range ms {
		for j := i + 1; j < len(ms) && ms[j].diner == m.diner && ms[j].at.Sub(m.at) <= widest; j++ {
			if ms[j].canteen != m.canteen {
				pair(m, ms[j])
				pair(ms[j], m)
			}
		}
	}
}
