package synth

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

var asOf2025 = civil.Date{Year: 2025, Month: time.June, Day: 30}

// place is one community of the demo city with its district.
type place struct {
	district  string
	community region.Division
}

// cityPlaces returns every synthetic community of the demo city for seed, in code order.
func cityPlaces(t testing.TB, seed uint64) []place {
	t.Helper()
	g := New(seed)
	var out []place
	for _, s := range qingdaoStreets(t) {
		for _, c := range g.Communities(s) {
			out = append(out, place{s.ParentCode, c})
		}
	}
	return out
}

// generated is a city generated once for several tests: perCommunity households in every
// community, as of asOf2025, seed 1.
type generated struct {
	places     []place
	households [][]registry.HouseholdInput // by place
}

var (
	cityOnce sync.Once
	cityGen  *generated
)

// city generates the shared city on first use.
func city(t testing.TB) *generated {
	t.Helper()
	cityOnce.Do(func() {
		gen := &generated{places: cityPlaces(t, 1)}
		g := New(1)
		for _, p := range gen.places {
			gen.households = append(gen.households, g.Households(p.community, p.district, 7, asOf2025))
		}
		cityGen = gen
	})
	if cityGen == nil {
		t.Fatal("the shared city could not be generated")
	}
	return cityGen
}

func (g *generated) persons() int {
	n := 0
	for _, hs := range g.households {
		for _, h := range hs {
			n += len(h.Members)
		}
	}
	return n
}

func TestHouseholdsDeterministic(t *testing.T) {
	places := cityPlaces(t, 7)
	sample := []place{}
	for i := 0; i < len(places); i += 97 {
		sample = append(sample, places[i])
	}
	a, b := New(7), New(7)
	var fromA, fromB [][]registry.HouseholdInput
	for _, p := range sample {
		fromA = append(fromA, a.Households(p.community, p.district, 20, asOf2025))
	}
	// b walks backwards and generates other things in between: order must not matter.
	for i := len(sample) - 1; i >= 0; i-- {
		b.Communities(region.Division{Code: "370212001", Name: "中韩街道", ParentCode: "370212"})
		fromB = append([][]registry.HouseholdInput{b.Households(sample[i].community, sample[i].district, 20, asOf2025)}, fromB...)
	}
	if diff := cmp.Diff(fromA, fromB); diff != "" {
		t.Fatalf("same seed, different households (-forward +backward):\n%s", diff)
	}
	t.Run("prefix", func(t *testing.T) {
		p := sample[0]
		if diff := cmp.Diff(a.Households(p.community, p.district, 5, asOf2025), fromA[0][:5]); diff != "" {
			t.Errorf("first 5 of 20 differ from a call for 5:\n%s", diff)
		}
	})
	t.Run("other seed", func(t *testing.T) {
		p := sample[0]
		if cmp.Equal(New(8).Households(p.community, p.district, 20, asOf2025), fromA[0]) {
			t.Error("seeds 7 and 8 give the same households")
		}
	})
}

func TestAgesAndRolesConsistent(t *testing.T) {
	gen := city(t)
	for _, hs := range gen.households {
		for _, h := range hs {
			checkHousehold(t, h)
		}
	}
}

// checkHousehold checks the family relations and the age-dependent attributes of one household.
func checkHousehold(t *testing.T, h registry.HouseholdInput) {
	t.Helper()
	if len(h.Members) < 1 || len(h.Members) > 6 || h.Members[0].Relation != registry.Head {
		t.Fatalf("%s: %d members, first %s", h.Address, len(h.Members), h.Members[0].Relation)
	}
	head := idcard.Number(h.Members[0].IDNumber)
	for _, m := range h.Members {
		n := idcard.Number(m.IDNumber)
		age := n.AgeOn(asOf2025)
		gap := func(older, younger idcard.Number) int { return older.AgeOn(younger.BirthDate()) }
		switch m.Relation {
		case registry.Child:
			if gap(head, n) < 18 {
				t.Errorf("%s: child %s born %v, head born %v", h.Address, m.Name, n.BirthDate(), head.BirthDate())
			}
		case registry.Grandchild:
			if gap(head, n) < 36 {
				t.Errorf("%s: grandchild %s born %v, head born %v", h.Address, m.Name, n.BirthDate(), head.BirthDate())
			}
		case registry.Parent:
			if gap(n, head) < 18 {
				t.Errorf("%s: parent %s born %v, head born %v", h.Address, m.Name, n.BirthDate(), head.BirthDate())
			}
		case registry.Spouse:
			if n.Sex() == head.Sex() || m.Marital != "married" || h.Members[0].Marital != "married" {
				t.Errorf("%s: spouse %s (%v, %s) of head (%v)", h.Address, m.Name, n.Sex(), m.Marital, head.Sex())
			}
		}
		switch {
		case age < 16 && m.WorkCapacity != "none", age >= 60 && m.WorkCapacity != "none":
			t.Errorf("%s: %s aged %d has work capacity %s", h.Address, m.Name, age, m.WorkCapacity)
		case age >= 6 && age <= 14 && !m.InSchool && m.Disability.Grade == 0:
			t.Errorf("%s: %s aged %d is not in school", h.Address, m.Name, age)
		case m.InSchool && (age < 6 || age > 23 || m.Employment != "student"):
			t.Errorf("%s: %s aged %d in school, employment %s", h.Address, m.Name, age, m.Employment)
		case age < 20 && m.Marital != "single":
			t.Errorf("%s: %s aged %d is %s", h.Address, m.Name, age, m.Marital)
		case age < 16 && m.Phone != "":
			t.Errorf("%s: %s aged %d has a phone", h.Address, m.Name, age)
		case m.Phone != "" && (len(m.Phone) != 11 || m.Phone[:3] != "170"):
			t.Errorf("%s: phone %q is outside the 170 block", h.Address, m.Phone)
		case !slices.Contains(educationLevels, m.Education):
			t.Errorf("%s: education %q", h.Address, m.Education)
		}
		if r := []rune(m.Name); len(r) < 2 || len(r) > 3 {
			t.Errorf("%s: name %q", h.Address, m.Name)
		}
	}
}

func TestPersonRates(t *testing.T) {
	gen := city(t)
	var persons, disabled, ill, severe, old, oldSelfCare, young, youngSelfCare, adults, phones int
	sizes := map[int]int{}
	for _, hs := range gen.households {
		for _, h := range hs {
			sizes[len(h.Members)]++
			for _, m := range h.Members {
				persons++
				age := idcard.Number(m.IDNumber).AgeOn(asOf2025)
				if m.Disability.Grade > 0 {
					disabled++
				}
				if m.Disability.Grade > 0 && m.Disability.Grade <= 2 {
					severe++
				}
				if m.SeriousIllness {
					ill++
				}
				switch {
				case age >= 80:
					old++
					oldSelfCare += boolInt(m.SelfCare.Failed() > 0)
				case age < 60 && m.Disability.Grade == 0:
					young++
					youngSelfCare += boolInt(m.SelfCare.Failed() > 0)
				}
				if age >= 18 {
					adults++
					phones += boolInt(m.Phone != "")
				}
			}
		}
	}
	pct := func(a, b int) float64 { return 100 * float64(a) / float64(b) }
	t.Logf("%d persons: disabled %.1f%% (grade 1–2 %.1f%%), seriously ill %.1f%%, self-care failures at 80+ %.1f%%, "+
		"under 60 without disability %.1f%%, adults with a phone %.1f%%; sizes %v",
		persons, pct(disabled, persons), pct(severe, persons), pct(ill, persons), pct(oldSelfCare, old),
		pct(youngSelfCare, young), pct(phones, adults), sizes)
	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"disabled", pct(disabled, persons), 6, 9},
		{"seriously ill", pct(ill, persons), 5, 11},
		{"self-care failures at 80+", pct(oldSelfCare, old), 20, 45},
		{"self-care failures under 60, not disabled", pct(youngSelfCare, young), 0, 3},
		{"adults with a phone", pct(phones, adults), 70, 95},
		{"single-person households", pct(sizes[1], len(gen.places)*7), 30, 50},
		{"households of 5–6", pct(sizes[5]+sizes[6], len(gen.places)*7), 2, 12},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %.1f%%, want %.0f–%.0f%%", c.name, c.got, c.lo, c.hi)
		}
	}
}

func TestHouseholdAddresses(t *testing.T) {
	g := New(1)
	tests := []struct {
		community region.Division
		want      string // a prefix every address has
	}{
		{region.Division{Code: "370212001001", Name: "海川路社区居民委员会"}, "海川路"},
		{region.Division{Code: "370212001002", Name: "翠林新村社区居民委员会"}, "翠林新村"},
		{region.Division{Code: "370212001201", Name: "王家庄村民委员会"}, "王家庄村"},
	}
	for _, tt := range tests {
		t.Run(tt.community.Name, func(t *testing.T) {
			for _, h := range g.Households(tt.community, "370212", 20, asOf2025) {
				if len(h.Address) < len(tt.want) || h.Address[:len(tt.want)] != tt.want || h.RegionCode != tt.community.Code {
					t.Errorf("address %q in %s, want prefix %q", h.Address, h.RegionCode, tt.want)
				}
			}
		})
	}
}

func ExampleGenerator_Households() {
	g := New(1)
	c := region.Division{Code: "370212001201", Name: "王家庄村民委员会"}
	h := g.Households(c, "370212", 1, civil.Date{Year: 2025, Month: time.June, Day: 30})[0]
	fmt.Println(h.RegionCode, len(h.Members) > 0, h.Tiers[0].MemberIndex)
	// Output: 370212001201 true -1
}
