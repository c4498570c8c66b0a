package synth

import (
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// tierCheck holds what the tier rules need about one household, computed independently of the
// generator from the household as a calculator would see it.
type tierCheck struct {
	n       money.Fen // members
	counted money.Fen // monthly counted income of the household
	std     money.Fen // 低保 standard per person per month
	disp    money.Fen // last year's per-capita disposable income, per year
	spent   money.Fen // 12 months of rigid spending
}

func TestTiersFitTheRules(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	for _, on := range []civil.Date{{Year: 2022, Month: time.March, Day: 1}, {Year: 2023, Month: time.June, Day: 1}, asOf2025} {
		t.Run(on.String(), func(t *testing.T) {
			g := New(5)
			tiers := map[registry.Tier]int{}
			total, pensions, scholarships := 0, 0, 0
			for i, p := range cityPlaces(t, 5) {
				if i%3 != 0 {
					continue
				}
				for _, h := range g.Households(p.community, p.district, 8, on) {
					total++
					tiers[h.Tiers[0].Tier]++
					checkTier(t, ref, p.district, on, h)
					for _, m := range h.Members {
						for _, in := range m.Incomes {
							pensions += boolInt(in.Kind == registry.BasicPension)
							scholarships += boolInt(in.Kind == registry.Scholarship)
						}
					}
				}
			}
			t.Logf("%d households: %v; %d basic pensions, %d scholarships", total, tiers, pensions, scholarships)
			want := map[registry.Tier][2]int{registry.Dibao: {38, 54}, registry.Tekun: {9, 20}, registry.DibaoEdge: {15, 35},
				registry.RelapseWatch: {3, 14}, registry.OtherTier: {2, 9}}
			if !on.Before(tierStarts[registry.RigidExpense]) {
				want[registry.RigidExpense] = [2]int{4, 12}
			} else if tiers[registry.RigidExpense] > 0 {
				t.Errorf("%d 刚性支出困难 households before the tier existed", tiers[registry.RigidExpense])
			}
			for tier, span := range want {
				if pct := 100 * tiers[tier] / total; pct < span[0] || pct > span[1] {
					t.Errorf("%s: %d%% of households, want %d–%d%%", tier, pct, span[0], span[1])
				}
			}
			if pensions == 0 || scholarships == 0 {
				t.Error("no excluded income kinds for the calculators to leave out")
			}
		})
	}
}

// checkTier checks one household against the rule of its tier (DOMAIN.md §3–§5).
func checkTier(t *testing.T, ref *ReferenceTable, district string, on civil.Date, h registry.HouseholdInput) {
	t.Helper()
	if coreCounties[district] && h.Hukou != registry.Urban {
		t.Fatalf("%s: %s hukou in %s, which has no rural population", h.Address, h.Hukou, district)
	}
	std, ok1 := ref.Value(RefDibaoStandard, district, h.Hukou, on)
	disp, ok2 := ref.Value(RefDisposableIncome, district, h.Hukou, on)
	if !ok1 || !ok2 {
		t.Fatalf("no reference values for %s %s on %v", district, h.Hukou, on)
	}
	c := tierCheck{n: money.Fen(len(h.Members)), std: std, disp: disp}
	for _, m := range h.Members {
		for _, in := range m.Incomes {
			if in.Monthly <= 0 {
				t.Errorf("%s: %s income %v", h.Address, in.Kind, in.Monthly)
			}
			if in.Kind.Counted() {
				c.counted += in.Monthly
			}
		}
	}
	for _, s := range h.Spending {
		c.spent += s.Amount
	}
	tier := h.Tiers[0]
	tested := false
	fail := func(rule string) {
		t.Errorf("%s (%s, %d members, %s): counted %v, standard %v, spending %v: %s",
			h.Address, tier.Tier, c.n, h.Hukou, c.counted, c.std, c.spent, rule)
	}
	switch tier.Tier {
	case registry.Dibao:
		tested = true
		if c.counted >= c.std*c.n {
			fail("per-capita income not below the standard")
		}
	case registry.Tekun:
		tested = true
		if c.counted >= c.std*c.n {
			fail("per-capita income not below the standard")
		}
		for _, m := range h.Members {
			age := idcard.Number(m.IDNumber).AgeOn(on)
			if m.WorkCapacity != "none" || (age >= 16 && age < 60 && !tekunDisability(m.Disability)) {
				fail(m.Name + " can work or is not disabled enough")
			}
			if m.Relation == registry.Spouse || m.Relation == registry.Child {
				fail("a spouse or child lives with a 特困 person")
			}
		}
	case registry.DibaoEdge:
		tested = true
		if c.counted < c.std*c.n || c.counted*2 >= c.std*c.n*3 {
			fail("per-capita income not in [1, 1.5) × standard")
		}
	case registry.RigidExpense:
		if c.counted*2 < c.std*c.n*3 || c.counted*12 >= c.disp*c.n || c.spent*100 <= c.counted*12*50 {
			fail("not above 边缘, below disposable income, with rigid spending above half the income")
		}
		if on.AddDays(-365).After(tier.ValidFrom) || tier.ValidFrom.Before(civil.Date{Year: 2025, Month: time.January, Day: 1}) {
			fail("valid from " + tier.ValidFrom.String())
		}
	case registry.RelapseWatch:
		if c.counted < c.std*c.n || c.counted >= 2*c.std*c.n {
			fail("per-capita income not in [1, 2) × standard")
		}
	case registry.OtherTier:
		if c.counted*2 < c.std*c.n*3 {
			fail("per-capita income below 1.5 × standard")
		}
	}
	a := h.Assets
	if tested && (a.FinancialAssets > c.std*c.n*24 || a.Vehicles > 0 || a.Homes > 1 || a.BusinessRegistered) {
		fail("property above the limits")
	}
	if tier.MemberIndex != -1 || tier.ValidFrom.After(on) || tier.ValidFrom.Before(addYears(on, -8)) {
		fail("tier " + tier.ValidFrom.String())
	}
}

// tekunDisability is the 特困 list of DOMAIN.md §4: grade 1–3 intellectual or mental, grade 1–2
// physical, grade 1 visual.
func tekunDisability(d registry.Disability) bool {
	switch d.Kind {
	case registry.Intellectual, registry.Mental:
		return d.Grade >= 1 && d.Grade <= 3
	case registry.Physical:
		return d.Grade >= 1 && d.Grade <= 2
	case registry.Visual:
		return d.Grade == 1
	}
	return false
}
