package synth

import (
	"math/rand/v2"

	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/registry"
)

// Household shapes: who lives together in a low-income household. The registry's households are
// 共同生活家庭, so the shapes are those seen in assistance rosters: many elderly people alone or
// as a couple, single parents, ageing parents with a disabled adult child (老养残), grandparents
// raising grandchildren, three generations. Ages are drawn as years of birth, and every
// generation is at least 20 birth years apart, so a child is always 18 or more years younger
// than a parent whatever the birthdays.

// member is a person while their household is being built.
type member struct {
	p       registry.PersonInput
	male    bool
	year    int // planned year of birth; the ID number's year is the truth (see idAlloc)
	surname string
	id      idcard.Number
	age     int // on the generator's as-of date, from the ID number

	disabledPct int  // chance of a disability certificate, when above the base rate
	severe      bool // needs a disability that removes all work capacity (特困)
	illPct      int  // chance of a serious illness, when above the base rate
}

// builder assembles one household's members.
type builder struct {
	r    *rand.Rand
	year int // the as-of year: birth year = year - d
	ms   []*member
}

// add appends a member born d years before the as-of year.
func (b *builder) add(rel registry.Relation, male bool, d int, marital string) *member {
	m := &member{male: male, year: b.year - d}
	m.p.Relation, m.p.Marital = rel, marital
	b.ms = append(b.ms, m)
	return m
}

func (b *builder) pct(p int) bool { return b.r.IntN(100) < p }

// choose returns one of keys by weight.
func choose(r *rand.Rand, keys []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n -= w; n < 0 {
			return keys[i]
		}
	}
	return keys[len(keys)-1]
}

func maritalOf(r *rand.Rand, single, divorced, widowed int) string {
	return choose(r, []string{"single", "divorced", "widowed"}, []int{single, divorced, widowed})
}

// elderAge draws the distance in birth years of an old person: 61–96, most in their seventies.
func elderAge(r *rand.Rand) int { return 61 + r.IntN(20) + r.IntN(16) }

// spouseOf adds the head's spouse of the other sex, a few years apart (the husband usually older).
func (b *builder) spouseOf(head *member, dHead int) (*member, int) {
	d := dHead + between(b.r, -6, 3)
	if !head.male {
		d = dHead + between(b.r, -3, 6)
	}
	d = max(d, 22)
	return b.add(registry.Spouse, !head.male, d, "married"), d
}

// children adds count children of a parent generation whose youngest parent is dParent years
// old, born when that parent was 20 to 40 and at most maxD years ago.
func (b *builder) children(rel registry.Relation, count, dParent, maxD int) {
	hi := min(dParent-20, maxD)
	lo := min(max(1, dParent-40), hi)
	for range count {
		if hi < 1 {
			return
		}
		b.add(rel, b.pct(51), between(b.r, lo, hi), "single")
	}
}

// shapes: name → builder. Tekun shapes keep every member without work capacity.
var shapes = map[string]func(b *builder, tekun bool){
	"single_elder": func(b *builder, tekun bool) {
		m := maritalOf(b.r, 15, 12, 73)
		if tekun {
			m = maritalOf(b.r, 35, 10, 55) // 五保: many never married, none with children here
		}
		b.add(registry.Head, !b.pct(62), elderAge(b.r), m)
	},
	"single_adult": func(b *builder, _ bool) {
		h := b.add(registry.Head, b.pct(60), between(b.r, 20, 59), maritalOf(b.r, 50, 40, 10))
		h.disabledPct, h.illPct = 25, 20
	},
	"couple_elder": func(b *builder, _ bool) {
		d := 61 + b.r.IntN(15) + b.r.IntN(12)
		b.spouseOf(b.add(registry.Head, true, d, "married"), d)
	},
	"couple_adult": func(b *builder, _ bool) {
		d := between(b.r, 35, 59)
		h := b.add(registry.Head, true, d, "married")
		h.disabledPct, h.illPct = 15, 15
		b.spouseOf(h, d)
	},
	"single_parent": func(b *builder, _ bool) {
		d := between(b.r, 28, 55)
		b.add(registry.Head, b.pct(25), d, maritalOf(b.r, 10, 65, 25))
		b.children(registry.Child, 1+boolInt(b.pct(30)), d, 22)
	},
	"couple_children": func(b *builder, _ bool) {
		d := between(b.r, 28, 58)
		_, ds := b.spouseOf(b.add(registry.Head, b.pct(85), d, "married"), d)
		b.children(registry.Child, choose3(b.r, 45, 45, 10), min(d, ds), 25)
	},
	"elder_child": func(b *builder, _ bool) {
		d := elderAge(b.r)
		h := b.add(registry.Head, b.pct(50), d, maritalOf(b.r, 5, 10, 85))
		dp := d
		if b.pct(40) {
			h.p.Marital = "married"
			_, dp = b.spouseOf(h, d)
			dp = min(dp, d)
		}
		c := b.add(registry.Child, b.pct(60), between(b.r, 22, min(dp-20, 60)), maritalOf(b.r, 70, 25, 5))
		c.disabledPct, c.illPct = 35, 12
	},
	"skip_generation": func(b *builder, _ bool) {
		d := between(b.r, 55, 80)
		h := b.add(registry.Head, b.pct(55), d, maritalOf(b.r, 0, 20, 80))
		if b.pct(60) {
			h.p.Marital = "married"
			_, ds := b.spouseOf(h, d)
			d = min(d, ds)
		}
		b.children(registry.Grandchild, 1+boolInt(b.pct(35)), d-20, 17)
	},
	"three_gen_up": func(b *builder, _ bool) {
		d := between(b.r, 35, 60)
		h := b.add(registry.Head, b.pct(70), d, maritalOf(b.r, 20, 60, 20))
		dp := d
		if b.pct(70) {
			h.p.Marital = "married"
			_, ds := b.spouseOf(h, d)
			dp = min(d, ds)
		}
		both := b.pct(20)
		dOld := min(d+between(b.r, 20, 35), 98)
		if both {
			b.add(registry.Parent, true, dOld, "married")
			b.add(registry.Parent, false, max(d+20, dOld-between(b.r, 0, 4)), "married")
		} else {
			b.add(registry.Parent, b.pct(35), dOld, "widowed")
		}
		b.children(registry.Child, min(choose3(b.r, 35, 45, 20), 6-len(b.ms)), dp, 25)
	},
	"three_gen_down": func(b *builder, _ bool) {
		d := between(b.r, 55, 80)
		h := b.add(registry.Head, b.pct(55), d, maritalOf(b.r, 0, 15, 85))
		dp := d
		if b.pct(60) {
			h.p.Marital = "married"
			_, ds := b.spouseOf(h, d)
			dp = min(d, ds)
		}
		dc := between(b.r, 22, min(dp-20, 50))
		b.add(registry.Child, b.pct(50), dc, maritalOf(b.r, 10, 60, 30))
		b.children(registry.Grandchild, 1+boolInt(b.pct(40)), dc, 17)
	},
	"siblings": func(b *builder, tekun bool) {
		lo := 40
		if tekun {
			lo = 61
		}
		d := between(b.r, lo, 85)
		b.add(registry.Head, b.pct(55), d, maritalOf(b.r, 70, 10, 20))
		b.add(registry.Sibling, b.pct(50), max(lo, d+between(b.r, -8, 8)), maritalOf(b.r, 70, 10, 20))
	},
	"tekun_child": func(b *builder, _ bool) {
		b.add(registry.Head, b.pct(55), between(b.r, 1, 15), "single")
	},
	"tekun_disabled": func(b *builder, _ bool) {
		h := b.add(registry.Head, b.pct(60), between(b.r, 17, 59), maritalOf(b.r, 80, 12, 8))
		h.severe = true
	},
}

// choose3 draws 1, 2 or 3 by weight.
func choose3(r *rand.Rand, w1, w2, w3 int) int {
	switch n := r.IntN(w1 + w2 + w3); {
	case n < w1:
		return 1
	case n < w1+w2:
		return 2
	}
	return 3
}

// shapeWeights by tier. 特困 households are one person, or two old siblings, with nobody able to
// support them; 低保 has the most single old people and single parents; 刚性支出困难 and 防返贫
// households are larger families with earners.
var shapeWeights = map[registry.Tier]struct {
	names   []string
	weights []int
}{
	registry.Dibao: {
		[]string{"single_elder", "single_adult", "couple_elder", "couple_adult", "single_parent", "couple_children",
			"elder_child", "skip_generation", "three_gen_up", "three_gen_down", "siblings"},
		[]int{22, 13, 12, 5, 10, 12, 8, 6, 6, 5, 1}},
	registry.Tekun: {
		[]string{"single_elder", "tekun_disabled", "tekun_child", "siblings"},
		[]int{70, 22, 5, 3}},
	registry.DibaoEdge: {
		[]string{"single_elder", "single_adult", "couple_elder", "couple_adult", "single_parent", "couple_children",
			"elder_child", "skip_generation", "three_gen_up", "three_gen_down", "siblings"},
		[]int{15, 8, 15, 8, 8, 18, 8, 5, 8, 6, 1}},
	registry.RigidExpense: {
		[]string{"single_elder", "single_adult", "couple_elder", "couple_adult", "single_parent", "couple_children",
			"elder_child", "three_gen_up", "three_gen_down"},
		[]int{8, 5, 12, 12, 8, 25, 10, 15, 5}},
	registry.RelapseWatch: {
		[]string{"single_elder", "couple_elder", "couple_adult", "couple_children", "elder_child", "skip_generation",
			"three_gen_up", "three_gen_down"},
		[]int{12, 20, 5, 20, 8, 10, 15, 10}},
	registry.OtherTier: {
		[]string{"single_elder", "single_adult", "couple_elder", "couple_adult", "single_parent", "couple_children",
			"elder_child", "skip_generation", "three_gen_up", "three_gen_down"},
		[]int{15, 10, 15, 8, 8, 18, 8, 5, 8, 5}},
}

// build draws a shape for the tier and its members, heads first.
func build(r *rand.Rand, year int, tier registry.Tier) []*member {
	sw := shapeWeights[tier]
	b := &builder{r: r, year: year}
	shapes[choose(r, sw.names, sw.weights)](b, tier == registry.Tekun)
	return b.ms
}
