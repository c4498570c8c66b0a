package meals

import (
	"cmp"
	"slices"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
)

// The rules run over one period's meals held in memory: a month of a city is a quarter of a
// million small rows, which one pass in Go judges in well under a second, where set-based SQL
// would need date and time arithmetic that differs between the two engines. This file holds the
// data the rules read and the helpers they share; the rules are in fraud_eval_diner.go and
// fraud_eval_canteen.go.

// fraudMeal is a served meal as the rules read it.
type fraudMeal struct {
	id, canteen, diner int64
	region             string // the canteen's, when it served the meal
	// paramRegion is the part of region that the thresholds' parameters tell apart, which keys
	// their resolution (fraud_params.go).
	paramRegion string
	day         civil.Date
	at          time.Time
	mealType    string
	subsidised  bool
	counter     []string // the counter's flags
	// inPeriod is false for the day before the period, read only so that a card used at two
	// canteens around midnight is seen.
	inPeriod bool
}

// counterFlag reports whether the counter flagged the meal f when it served it, which the rules
// report as evidence even when the data alone would not fire.
func (m *fraudMeal) counterFlag(f string) bool { return slices.Contains(m.counter, f) }

// fraudCanteen is what the rules need of a canteen.
type fraudCanteen struct {
	name     string
	region   string
	openDays string
}

// opensOn reports whether the canteen opens on d, by the same opening days rule as Canteen.
func (c *fraudCanteen) opensOn(d civil.Date) bool {
	cc := Canteen{OpenDays: c.openDays}
	return cc.OpensOn(d)
}

// fraudCanteenDay keys a canteen's count of meals on one day.
type fraudCanteenDay struct {
	canteen int64
	day     civil.Date
}

// fraudDeath is what is known of a diner's death: from monitoring (a date), or from the staff's
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
	// limits resolves the rules' thresholds for a meal's region and day.
	limits *fraudThresholds
}

// fraudHit is a rule that fired on a meal, with what it saw.
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

// fraudSeenMeals lists a diner's day for the evidence, the first fraudMaxSeenMeals of it.
func (d *fraudData) fraudSeenMeals(day []*fraudMeal) []SeenMeal {
	out := make([]SeenMeal, 0, min(len(day), fraudMaxSeenMeals))
	for _, m := range day[:min(len(day), fraudMaxSeenMeals)] {
		out = append(out, SeenMeal{Transaction: m.id, CanteenID: m.canteen, Canteen: d.fraudCanteenName(m.canteen),
			Time: fraudTime(m.at), MealType: m.mealType, Subsidised: m.subsidised})
	}
	return out
}

// fraudCanteenName is canteen id's name for the evidence, empty for a canteen the scan did not
// read.
func (d *fraudData) fraudCanteenName(id int64) string {
	if c, ok := d.canteens[id]; ok {
		return c.name
	}
	return ""
}
