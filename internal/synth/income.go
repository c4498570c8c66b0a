package synth

import (
	"math/rand/v2"

	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// Incomes, assets and rigid spending, drawn so that each household really fits its tier under
// the rules of DOMAIN.md, against the reference values of its district, hukou type and date:
//
//	低保        counted per-capita income below the standard (12% with none at all)
//	特困        below the standard too, mostly none
//	低保边缘    from 1 up to 1.5 times the standard
//	刚性支出困难 above 1.5 times the standard (so not 边缘), yearly per-capita income below last
//	            year's per-capita disposable income, 12-month rigid spending above 50% of income
//	防返贫      near the line: 1 to 2 times the standard
//	其他        1.5 to 3 times the standard
//
// 低保, 特困 and 边缘 households keep their property within the [D] limits: financial assets at
// most 24 months of the standard per person, no vehicle, at most one home, no business.
// Households also get income kinds that are not counted (the basic pension of the rural old,
// scholarships, 计生 rewards, 优抚 payments, the assistance itself), so the calculators have
// something to leave out.

// Ratios of DOMAIN.md §3 and §5 ([D] where not official). They belong to the policy engine; here
// they only shape the drawn data, and the tests check the data against the same rules.
const (
	edgeRatioNum, edgeRatioDen = 3, 2 // 低保边缘: below 1.5 × standard
	assetMonths                = 24   // financial assets ≤ 24 × standard per person
	rigidSharePct              = 50   // rigid spending above 50% of 12 months' income
)

// yuanIn draws a whole-yuan amount in [lo, hi); lo when the range holds no whole yuan.
func yuanIn(r *rand.Rand, lo, hi money.Fen) money.Fen {
	loY, hiY := (int64(lo)+99)/100, (int64(hi)-1)/100
	if hiY <= loY {
		return money.Fen(loY * 100)
	}
	return money.Fen((loY + r.Int64N(hiY-loY+1)) * 100)
}

// countedTotal draws the household's monthly counted income for its tier.
func (c *hhGen) countedTotal(tier registry.Tier, hukou registry.HukouType, n int) money.Fen {
	r, std := c.r, c.std[hukou]*money.Fen(n)
	edge := (std*edgeRatioNum + edgeRatioDen - 1) / edgeRatioDen
	switch tier {
	case registry.Dibao:
		if r.IntN(100) < 12 {
			return 0
		}
		return yuanIn(r, std/10, std)
	case registry.Tekun:
		if r.IntN(100) < 55 {
			return 0
		}
		return yuanIn(r, std/20, std*6/10)
	case registry.DibaoEdge:
		return yuanIn(r, std, edge)
	case registry.RigidExpense:
		disp := (c.disp[hukou]*money.Fen(n) + 11) / 12 // yearly per person → monthly household, rounded up
		if edge >= disp {
			return yuanIn(r, std, disp)
		}
		return yuanIn(r, edge, disp)
	case registry.RelapseWatch:
		return yuanIn(r, std, 2*std)
	}
	return yuanIn(r, edge, 3*std)
}

// source is one member's share of the counted income.
type source struct {
	m      *member
	kind   registry.IncomeKind
	weight int
}

// incomes splits the counted total over the earners (wage, business, pension as transfer), with
// support from relatives outside the household and the odd rent on the head.
func (c *hhGen) incomes(ms []*member, tier registry.Tier, total money.Fen) {
	r := c.r
	var src []source
	for _, m := range ms {
		switch m.p.Employment {
		case "employed":
			src = append(src, source{m, registry.Wage, 3})
		case "self_employed":
			src = append(src, source{m, registry.Business, 3})
		case "retired":
			src = append(src, source{m, registry.Transfer, 2})
		}
	}
	if len(src) == 0 || r.IntN(100) < 30 {
		src = append(src, source{ms[0], registry.Transfer, 1}) // 赡养费, 抚养费
	}
	if tier != registry.Tekun && r.IntN(100) < 5 {
		src = append(src, source{ms[0], registry.Property, 1}) // a room let out
	}
	weights := 0
	for _, s := range src {
		weights += s.weight
	}
	yuan := int64(total) / 100
	left := yuan
	for i, s := range src {
		part := yuan * int64(s.weight) / int64(weights)
		if i == len(src)-1 {
			part = left
		}
		left -= part
		if part > 0 {
			addIncome(s.m, s.kind, money.Yuan(part))
		}
	}
	for _, m := range ms { // an earner whose share rounded to nothing has no work after all
		if len(m.p.Incomes) == 0 && m.p.Employment != "student" && m.p.Employment != "none" {
			m.p.Employment = []string{"none", "unemployed"}[boolInt(m.age < 60 && m.p.WorkCapacity != "none")]
		}
	}
}

// addIncome adds to m's income of kind, so a member has one entry per kind as a form shows it.
func addIncome(m *member, kind registry.IncomeKind, amount money.Fen) {
	for i := range m.p.Incomes {
		if m.p.Incomes[i].Kind == kind {
			m.p.Incomes[i].Monthly += amount
			return
		}
	}
	m.p.Incomes = append(m.p.Incomes, registry.Income{Kind: kind, Monthly: amount})
}

// excluded adds the income kinds a means test does not count.
func (c *hhGen) excluded(ms []*member, tier registry.Tier, hukou registry.HukouType, counted money.Fen) {
	r := c.r
	add := func(m *member, k registry.IncomeKind, yuan int) { addIncome(m, k, money.Yuan(int64(yuan))) }
	for _, m := range ms {
		switch {
		case hukou == registry.Rural && m.age >= 60 && r.IntN(100) < 85:
			add(m, registry.BasicPension, between(r, 150, 300))
		case m.p.InSchool && (m.p.Education == "college" || m.p.Education == "bachelor") && r.IntN(100) < 40:
			add(m, registry.Scholarship, between(r, 300, 600))
		case m.p.InSchool && m.age >= 15 && r.IntN(100) < 20:
			add(m, registry.Scholarship, between(r, 150, 250))
		}
		if hukou == registry.Rural && m.age >= 60 && r.IntN(100) < 8 {
			add(m, registry.FamilyPlanningReward, between(r, 80, 150))
		}
		if m.age >= 60 && r.IntN(1000) < 10 {
			add(m, registry.SpecialCare, between(r, 800, 2500))
		}
		if m.age >= 16 && r.IntN(1000) < 1 {
			add(m, registry.HeroismAward, between(r, 100, 500))
		}
	}
	n := money.Fen(len(ms))
	switch { // the assistance itself, as the head's bank statement shows it
	case tier == registry.Dibao && r.IntN(100) < 70:
		addIncome(ms[0], registry.SocialAssistance, c.std[hukou]*n-counted)
	case tier == registry.Tekun && r.IntN(100) < 70:
		basic := (c.std[hukou]*3/2 + 99) / 100 * 100 // 1.5 × standard, published as whole yuan
		if pay := basic*n - counted; pay > 0 {
			addIncome(ms[0], registry.SocialAssistance, pay)
		}
	}
}

// assets draws the household's property: within the limits for the tested tiers, freer for the
// others (a car, a second flat, a small business now and then).
func (c *hhGen) assets(tier registry.Tier, hukou registry.HukouType, n int) registry.Assets {
	r := c.r
	limit := c.std[hukou] * money.Fen(n) * assetMonths
	var a registry.Assets
	tested := tier == registry.Dibao || tier == registry.Tekun || tier == registry.DibaoEdge
	switch {
	case r.IntN(100) < 30:
		a.FinancialAssets = yuanIn(r, 0, money.Yuan(2000))
	case tested:
		a.FinancialAssets = yuanIn(r, 0, limit*7/10)
	default:
		a.FinancialAssets = yuanIn(r, 0, limit*3/2)
	}
	owner := r.IntN(100)
	if hukou == registry.Rural {
		a.Homes, a.FloorAreaM2 = boolInt(owner < 92), between(r, 60, 140)
	} else {
		a.Homes, a.FloorAreaM2 = boolInt(owner < 65), between(r, 25, 75)
	}
	if a.Homes == 0 {
		a.FloorAreaM2 = 0
	}
	if !tested {
		if r.IntN(100) < 15 {
			a.Vehicles = 1
		}
		if a.Homes == 1 && r.IntN(100) < 6 {
			a.Homes, a.FloorAreaM2 = 2, a.FloorAreaM2+between(r, 30, 80)
		}
		a.BusinessRegistered = r.IntN(100) < 3
	}
	return a
}
