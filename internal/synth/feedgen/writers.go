package feedgen

import (
	"strconv"

	"github.com/minzheng/minzheng/internal/money"
)

// writers write each source's planted cases and then noise up to n rows. The thresholds quoted
// are the defaults of DOMAIN.md §9; noise keeps clear of them.
var writers = map[string]func(f *file, n int){
	"medical":          medical,
	"income":           income,
	"social_insurance": socialInsurance,
	"schooling":        schooling,
	"disability":       disability,
	"vehicle":          func(f *file, n int) { acquisition(f, n, "new_vehicle", "plate", "鲁B12345") },
	"real_estate":      func(f *file, n int) { acquisition(f, n, "new_property", "area_m2", "86") },
	"market_entity":    func(f *file, n int) { acquisition(f, n, "new_business", "entity_name", "某某商贸有限公司") },
	"unemployment":     unemployment,
	"marriage":         marriage,
	"death":            death,
	"cremation":        cremation,
	"prison":           prison,
}

// medicalThreshold is the default yearly out-of-pocket threshold of a tier, in yuan; 0 when the
// rule does not watch the tier.
func medicalThreshold(tier string) int64 {
	switch tier {
	case "tekun":
		return 1000
	case "dibao":
		return 5000
	case "dibao_edge", "rigid_expense", "relapse_watch":
		return 10000
	}
	return 0
}

func medical(f *file, n int) {
	g := f.g
	year := strconv.Itoa(g.opt.Today.Year)
	for range g.opt.Planted {
		p := g.pick(f.used, func(p *Person) bool { return medicalThreshold(p.Tier) > 0 })
		if p == nil {
			break
		}
		t := medicalThreshold(p.Tier)
		f.row(p.Hash, "year", year, "out_of_pocket", fen(g.yuan(t, t+5000)), "total_cost", fen(g.yuan(t+6000, t+30000)))
		g.plant("medical_cost", p.Hash, year)
		h := g.stranger()
		f.row(h, "year", year, "out_of_pocket", fen(g.yuan(15000, 40000)), "total_cost", fen(g.yuan(50000, 90000)),
			"region", g.any().Region)
		g.plant("medical_cost_discovery", h, year)
	}
	for f.rows < n {
		if p := f.fresh(); p != nil && g.rnd.IntN(10) < 3 {
			f.row(p.Hash, "year", year, "out_of_pocket", fen(g.yuan(0, 900)), "total_cost", fen(g.yuan(900, 5000)))
		} else {
			f.row(g.stranger(), "year", year, "out_of_pocket", fen(g.yuan(0, 14000)), "total_cost", fen(g.yuan(14000, 40000)))
		}
	}
}

func income(f *file, n int) {
	g := f.g
	month := g.opt.Today.AddDays(-g.opt.Today.Day).String()[:7]
	for range g.opt.Planted {
		p := g.pick(f.used, func(p *Person) bool {
			return in(p.Tier, "dibao_edge", "rigid_expense", "relapse_watch", "other") && p.Income >= 200
		})
		if p == nil {
			break
		}
		f.row(p.Hash, "month", month, "income", fen(money.MulRatio(p.Income, int64(g.rnd.IntN(450)), 1000, money.RoundDown)))
		g.plant("income_drop", p.Hash, month)
	}
	for f.rows < n {
		if p := f.fresh(); p != nil && g.rnd.IntN(10) < 3 {
			f.row(p.Hash, "month", month, "income", fen(p.Income+g.yuan(0, 3000)))
			continue
		}
		h := g.stranger()
		if len(g.earners) < 10*g.opt.Planted+10 {
			g.earners = append(g.earners, h)
		}
		f.row(h, "month", month, "income", fen(g.yuan(1, 20000)))
	}
}

func socialInsurance(f *file, n int) {
	g := f.g
	month := g.opt.Today.AddDays(-g.opt.Today.Day).String()[:7]
	for f.rows < n {
		h := g.stranger()
		if p := f.fresh(); p != nil && g.rnd.IntN(10) < 3 {
			h = p.Hash
		}
		f.row(h, "month", month, "base", fen(g.yuan(3000, 30000)), "employer", "青岛某某有限公司")
	}
}

func schooling(f *file, n int) {
	g := f.g
	for range g.opt.Planted {
		p := g.pick(f.used, func(p *Person) bool { return p.InSchool && in(p.Tier, "tekun", "dibao", "dibao_edge", "other") })
		if p == nil {
			break
		}
		d := g.daysAgo(1, 200).String()
		f.row(p.Hash, "status", "left", "date", d)
		g.plant("left_school", p.Hash, d)
	}
	for f.rows < n {
		h := g.stranger()
		status := []string{"enrolled", "left"}[g.rnd.IntN(2)]
		if p := f.fresh(); p != nil && g.rnd.IntN(10) < 3 {
			h, status = p.Hash, "enrolled"
		}
		f.row(h, "status", status, "date", g.daysAgo(1, 900).String(), "school", "青岛市某某学校")
	}
}

func disability(f *file, n int) {
	g := f.g
	cats := []string{"vision", "hearing", "speech", "physical", "intellectual", "mental", "multiple"}
	for range g.opt.Planted {
		grade := 1 + g.rnd.IntN(2)
		p := g.pick(f.used, func(p *Person) bool { return p.Tier != "" && (p.Grade == 0 || p.Grade > grade) })
		if p == nil {
			break
		}
		d := g.daysAgo(1, 300).String()
		f.row(p.Hash, "grade", strconv.Itoa(grade), "category", cats[g.rnd.IntN(len(cats))], "issued_on", d)
		g.plant("severe_disability", p.Hash, d)
		h := g.stranger()
		d = g.daysAgo(1, 300).String()
		f.row(h, "grade", strconv.Itoa(1+g.rnd.IntN(2)), "category", cats[g.rnd.IntN(len(cats))], "issued_on", d, "region", g.any().Region)
		g.plant("severe_disability_discovery", h, d)
	}
	// Noise: milder grades; severe ones long ago; severe ones of strangers who earn.
	for i := 0; f.rows < n; i++ {
		cat := cats[g.rnd.IntN(len(cats))]
		switch {
		case i%5 == 0 && i/5 < len(g.earners):
			f.row(g.earners[i/5], "grade", "1", "category", cat, "issued_on", g.daysAgo(1, 300).String())
		case i%5 == 1:
			f.row(g.stranger(), "grade", strconv.Itoa(1+g.rnd.IntN(2)), "category", cat, "issued_on", g.daysAgo(420, 3000).String())
		case i%5 == 2 && f.fresh() != nil:
			f.row(f.last.Hash, "grade", strconv.Itoa(3+g.rnd.IntN(2)), "category", cat, "issued_on", g.daysAgo(1, 3000).String())
		default:
			f.row(g.stranger(), "grade", strconv.Itoa(3+g.rnd.IntN(2)), "category", cat, "issued_on", g.daysAgo(1, 3000).String())
		}
	}
}

// acquisition is a vehicle, a property or a business: planted after the household's tier
// began, noise before it or for tiers the rule does not watch.
func acquisition(f *file, n int, rule, field, value string) {
	g := f.g
	watched := func(p *Person) bool { return in(p.Tier, "tekun", "dibao", "dibao_edge") && !p.TierSince.IsZero() }
	for range g.opt.Planted {
		p := g.pick(f.used, func(p *Person) bool { return watched(p) && p.TierSince.Before(g.opt.Today) })
		if p == nil {
			break
		}
		span := daysBetween(p.TierSince, g.opt.Today)
		d := p.TierSince.AddDays(g.rnd.IntN(span + 1)).String()
		f.row(p.Hash, "registered_on", d, field, value)
		g.plant(rule, p.Hash, d)
	}
	for f.rows < n {
		p := f.fresh()
		switch {
		case p == nil || g.rnd.IntN(10) >= 3:
			f.row(g.stranger(), "registered_on", g.daysAgo(1, 3000).String(), field, value)
		case !watched(p):
			f.row(p.Hash, "registered_on", g.daysAgo(1, 3000).String(), field, value)
		case p.TierSince.After(g.opt.Today.AddDays(-3000)):
			f.row(p.Hash, "registered_on", p.TierSince.AddDays(-1-g.rnd.IntN(400)).String(), field, value)
		default:
			f.row(g.stranger(), "registered_on", g.daysAgo(1, 3000).String(), field, value)
		}
	}
}

func unemployment(f *file, n int) {
	g := f.g
	for f.rows < n {
		h := g.stranger()
		if p := f.fresh(); p != nil && g.rnd.IntN(10) < 3 {
			h = p.Hash
		}
		f.row(h, "registered_on", g.daysAgo(1, 900).String())
	}
}

func marriage(f *file, n int) {
	g := f.g
	for f.rows < n {
		h := g.stranger()
		if p := f.fresh(); p != nil && g.rnd.IntN(10) < 3 {
			h = p.Hash
		}
		f.row(h, "event", []string{"married", "divorced"}[g.rnd.IntN(2)], "date", g.daysAgo(1, 900).String())
	}
}

func death(f *file, n int) {
	g := f.g
	for range g.opt.Planted {
		// Half the deaths are of main earners outside 特困, which also raise earner_death.
		earner := len(g.deaths)%2 == 0
		p := g.pick(f.used, func(p *Person) bool {
			return p.Tier != "" && (!earner || p.MainEarner && p.Tier != "tekun")
		})
		if p == nil {
			break
		}
		f.row(p.Hash, "death_date", g.daysAgo(1, 60).String())
		g.plant("covered_death", p.Hash, "once")
		if p.MainEarner && p.Tier != "tekun" {
			g.plant("earner_death", p.Hash, "once")
		}
		g.deaths = append(g.deaths, p.Hash)
	}
	for f.rows < n {
		f.row(g.stranger(), "death_date", g.daysAgo(1, 60).String())
	}
}

// cremation repeats half the planted deaths: the same fact from a second agency raises nothing new.
func cremation(f *file, n int) {
	g := f.g
	for i, h := range g.deaths {
		if i%2 == 0 {
			f.row(h, "cremated_on", g.opt.Today.AddDays(-1).String())
		}
	}
	for f.rows < n {
		f.row(g.stranger(), "cremated_on", g.daysAgo(1, 60).String())
	}
}

func prison(f *file, n int) {
	g := f.g
	watched := func(p *Person) bool { return in(p.Tier, "tekun", "dibao", "dibao_edge", "rigid_expense") }
	for range g.opt.Planted {
		p := g.pick(f.used, watched)
		if p == nil {
			break
		}
		from := g.daysAgo(30, 700).String()
		to := ""
		if g.rnd.IntN(2) == 0 {
			to = g.opt.Today.AddDays(30 + g.rnd.IntN(1000)).String()
		}
		f.row(p.Hash, "from", from, "to", to)
		g.plant("imprisoned", p.Hash, from)
	}
	for f.rows < n {
		if p := f.fresh(); p != nil && g.rnd.IntN(10) < 3 {
			f.row(p.Hash, "from", g.daysAgo(800, 2000).String(), "to", g.daysAgo(30, 700).String())
			continue
		}
		f.row(g.stranger(), "from", g.daysAgo(30, 2000).String())
	}
}
