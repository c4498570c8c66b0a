package synth

import (
	"math/rand/v2"

	"github.com/minzheng/minzheng/internal/registry"
)

// Personal attributes, drawn from the age the ID number gives and from each other, so that a
// roster is coherent: a seven-year-old is a primary-school student, a man of 82 with a grade-1
// disability cannot bathe or dress alone and has no work capacity, a woman born in 1948 most
// likely had no or only primary schooling.
//
// Rates, chosen for the low-income population rather than the general one:
//   - disability certificate: 2% under 16, 3.5% at 16–59, 5% at 60–79, 10% at 80+, more in the
//     shapes built around a disabled member (老养残, single adults); about 7% of all persons;
//   - grades 1/2/3/4 weighted 15/25/30/30; kinds physical 48, hearing 11, mental 12, visual 10,
//     intellectual 9, multiple 8, speech 2 (children: more intellectual and multiple);
//   - serious illness: 1.5% under 16, 4.5% at 16–59, 8.5% at 60+, more in some shapes;
//   - self-care failures: mostly at 80+ (30%) and with a grade-1 (70%) or grade-2 (35%)
//     disability, lost in the order bathing, dressing, toilet, transfer, walking, eating.

var (
	adultKinds  = []registry.DisabilityKind{registry.Physical, registry.Hearing, registry.Mental, registry.Visual, registry.Intellectual, registry.Multiple, registry.Speech}
	adultKindW  = []int{48, 11, 12, 10, 9, 8, 2}
	childKindW  = []int{30, 10, 5, 5, 35, 10, 5}
	kindDigit   = map[registry.DisabilityKind]byte{registry.Visual: '1', registry.Hearing: '2', registry.Speech: '3', registry.Physical: '4', registry.Intellectual: '5', registry.Mental: '6', registry.Multiple: '7'}
	illnesses   = []string{"恶性肿瘤", "尿毒症", "白血病", "脑卒中后遗症", "慢性心力衰竭", "肝硬化", "系统性红斑狼疮", "器官移植术后", "帕金森病", "再生障碍性贫血", "慢性阻塞性肺疾病", "血友病"}
	selfCareSeq = []func(*registry.SelfCare){
		func(s *registry.SelfCare) { s.Bathe = true }, func(s *registry.SelfCare) { s.Dress = true },
		func(s *registry.SelfCare) { s.Toilet = true }, func(s *registry.SelfCare) { s.Transfer = true },
		func(s *registry.SelfCare) { s.Walk = true }, func(s *registry.SelfCare) { s.Eat = true },
	}
)

// disability draws a certificate for m at the base rate of its age, or at the member's own
// higher chance. A severe member gets one that removes all work capacity under the 特困 rule.
func disability(r *rand.Rand, m *member) {
	var base int // per mille
	switch {
	case m.age < 16:
		base = 20
	case m.age >= 80:
		base = 100
	case m.age >= 60:
		base = 50
	default:
		base = 35
	}
	if !m.severe && r.IntN(1000) >= max(base, m.disabledPct*10) {
		return
	}
	w := adultKindW
	if m.age < 16 {
		w = childKindW
	}
	kind := adultKinds[pickWeighted(r, w...)]
	grade := 1 + pickWeighted(r, 15, 25, 30, 30)
	if m.severe { // 特困 (DOMAIN §4): grade 1–2 physical, 1–3 intellectual or mental, grade 1 visual
		switch kind {
		case registry.Intellectual, registry.Mental:
			grade = 1 + pickWeighted(r, 30, 40, 30)
		case registry.Visual:
			grade = 1
		default:
			kind, grade = registry.Physical, 1+pickWeighted(r, 40, 60)
		}
	}
	m.p.Disability = registry.Disability{Kind: kind, Grade: grade,
		Certificate: string(m.id) + string(kindDigit[kind]) + string(byte('0'+grade))}
}

// pickWeighted returns the index drawn by weights.
func pickWeighted(r *rand.Rand, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n -= w; n < 0 {
			return i
		}
	}
	return len(weights) - 1
}

func illness(r *rand.Rand, m *member) {
	rate := 45 // per mille
	switch {
	case m.age < 16:
		rate = 15
	case m.age >= 60:
		rate = 85
	}
	if r.IntN(1000) < max(rate, m.illPct*10) {
		m.p.SeriousIllness, m.p.Illness = true, pick(r, illnesses)
	}
}

// selfCare marks the activities m cannot do alone.
func selfCare(r *rand.Rand, m *member) {
	p := 10 // per mille
	switch {
	case m.age >= 80:
		p = 300
	case m.age >= 70:
		p = 100
	case m.age >= 60:
		p = 40
	}
	switch m.p.Disability.Grade {
	case 1:
		p = max(p, 700)
	case 2:
		p = max(p, 350)
	}
	if m.p.SeriousIllness {
		p += 150
	}
	if r.IntN(1000) >= p {
		return
	}
	n := between(r, 1, 4)
	if m.p.Disability.Grade == 1 || m.age >= 85 {
		n = between(r, 2, 6)
	}
	for _, f := range selfCareSeq[:n] {
		f(&m.p.SelfCare)
	}
}

// noWorkDisability reports a disability that removes work capacity: the 特困 list of DOMAIN §4,
// and any grade 1–2.
func noWorkDisability(d registry.Disability) bool {
	switch {
	case d.Grade == 0:
		return false
	case d.Grade <= 2:
		return true
	}
	return d.Grade == 3 && (d.Kind == registry.Intellectual || d.Kind == registry.Mental)
}

// workCapacity follows age (none under 16 and from 60, as the 特困 rule counts it), disability,
// illness and self-care.
func workCapacity(r *rand.Rand, m *member) string {
	switch {
	case m.age < 16, m.age >= 60, noWorkDisability(m.p.Disability), m.p.SelfCare.Level() == "full":
		return "none"
	case m.p.Disability.Grade > 0, m.p.SelfCare.Failed() > 0:
		return "partial"
	case m.p.SeriousIllness:
		return []string{"partial", "none"}[boolInt(r.IntN(100) < 40)]
	}
	return "full"
}

// schooling sets education and enrolment from the age and birth cohort.
func schooling(r *rand.Rand, m *member) {
	p := &m.p
	learning := m.p.Disability.Kind == registry.Intellectual && m.p.Disability.Grade <= 2
	switch a := m.age; {
	case a < 6:
		p.Education = "none"
	case a <= 11:
		p.Education, p.InSchool = "primary", !learning || r.IntN(2) == 0
	case a <= 14:
		p.Education, p.InSchool = "junior", !learning || r.IntN(2) == 0
	case a <= 17 && !learning && r.IntN(100) < 88:
		p.Education, p.InSchool = choose(r, []string{"senior", "vocational"}, []int{65, 35}), true
	case a <= 17:
		p.Education = "junior"
	case a <= 22 && !learning && r.IntN(100) < 40:
		p.Education, p.InSchool = choose(r, []string{"college", "bachelor"}, []int{50, 50}), true
	default:
		p.Education = adultEducation(r, m.year)
		if learning {
			p.Education = "none"
		}
	}
}

var educationLevels = []string{"none", "primary", "junior", "senior", "vocational", "college", "bachelor", "postgraduate"}

// adultEducation: the low-income population's schooling by birth cohort.
func adultEducation(r *rand.Rand, year int) string {
	var w []int
	switch {
	case year < 1950:
		w = []int{45, 40, 12, 3, 0, 0, 0, 0}
	case year < 1965:
		w = []int{15, 40, 35, 8, 2, 0, 0, 0}
	case year < 1980:
		w = []int{3, 20, 50, 15, 8, 3, 1, 0}
	case year < 1995:
		w = []int{0, 5, 40, 20, 18, 12, 5, 0}
	default:
		w = []int{0, 2, 20, 15, 25, 24, 13, 1}
	}
	return choose(r, educationLevels, w)
}

// workShares: percent employed and self-employed among adults under 60 who can work, by tier.
var workShares = map[registry.Tier][2]int{registry.Dibao: {30, 8}, registry.Tekun: {0, 0}, registry.DibaoEdge: {50, 12},
	registry.RigidExpense: {60, 15}, registry.RelapseWatch: {45, 30}, registry.OtherTier: {55, 15}}

// employment by age, capacity and how much the tier's households work. People without work
// capacity are retired when they have a pension (urban, men from 60, women from 50), else none.
func employment(r *rand.Rand, m *member, tier registry.Tier, rural bool) string {
	switch {
	case m.p.InSchool:
		return "student"
	case m.age < 16:
		return "none"
	case !rural && (m.age >= 60 || (!m.male && m.age >= 50)) && r.IntN(100) < 55:
		return "retired"
	case m.p.WorkCapacity == "none":
		return "none"
	}
	work := workShares[tier]
	if m.p.WorkCapacity == "partial" {
		work[0], work[1] = work[0]/2, work[1]/2
	}
	return choose(r, []string{"employed", "self_employed", "unemployed"}, []int{work[0], work[1], 100 - work[0] - work[1]})
}

// phone: most adults have one, fewer of the very old; numbers are in the 170 block, reserved for
// virtual operators, as the demo accounts' are.
func phone(r *rand.Rand, m *member) {
	p := 0
	switch {
	case m.age >= 80:
		p = 45
	case m.age >= 60:
		p = 75
	case m.age >= 16:
		p = 92
	}
	if r.IntN(100) < p {
		n := r.IntN(100_000_000)
		b := []byte("17000000000")
		for i := 10; i >= 3; i-- {
			b[i] = byte('0' + n%10)
			n /= 10
		}
		m.p.Phone = string(b)
	}
}
