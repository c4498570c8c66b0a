package synth

import (
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/region"
)

func TestHouseholdsIDNumbersValidAndUnique(t *testing.T) {
	gen := city(t)
	if n := gen.persons(); n < 50_000 {
		t.Fatalf("%d persons, want at least 50,000 for the uniqueness check", n)
	}
	seen := make(map[string]bool, gen.persons())
	for i, hs := range gen.households {
		for _, h := range hs {
			for _, m := range h.Members {
				n, err := idcard.ParseAt(m.IDNumber, asOf2025)
				if err != nil || string(n) != m.IDNumber {
					t.Fatalf("%s: %s %q: %v", gen.places[i].community.Code, m.Name, m.IDNumber, err)
				}
				if seen[m.IDNumber] {
					t.Fatalf("ID number %s repeats", m.IDNumber)
				}
				seen[m.IDNumber] = true
				if m.Disability.Grade > 0 && m.Disability.Certificate[:18] != m.IDNumber {
					t.Errorf("%s: certificate %s is not built on the ID number", m.Name, m.Disability.Certificate)
				}
			}
		}
	}
}

func TestIDNumbersUniqueInDenseCommunities(t *testing.T) {
	// Neighbouring communities, far larger than the demo's (2,000 households each is a city of
	// several million): their shares of the number space must stay apart, and no one should
	// need a different birth year.
	g := New(3)
	seen := map[string]string{}
	for _, code := range []string{"370203005001", "370203005002", "370203008001", "370211001001", "370211001201", "370212001001"} {
		if _, ok := codeShares()[code[:6]].rank[code[:9]]; !ok {
			t.Fatalf("%s is not below a real street", code)
		}
		c := g.newHHGen(region.Division{Code: code, Name: "福安社区居民委员会"}, code[:6], asOf2025)
		for range 2000 {
			for _, m := range c.household().Members {
				if other, dup := seen[m.IDNumber]; dup {
					t.Fatalf("%s in %s repeats a number of %s", m.IDNumber, code, other)
				}
				seen[m.IDNumber] = code
			}
		}
		if c.alloc.fallbacks > 0 {
			t.Errorf("%s: %d people moved to another birth year at 2,000 households", code, c.alloc.fallbacks)
		}
	}
}

func TestCommunitySlotsCoverGeneratedCodes(t *testing.T) {
	for _, seed := range []uint64{0, 1, 99} {
		for _, p := range cityPlaces(t, seed) {
			if _, ok := communitySlot(p.community.Code); !ok {
				t.Errorf("seed %d: %s has no guaranteed slot", seed, p.community.Code)
			}
		}
	}
}

func TestBirthCodesExist(t *testing.T) {
	all, err := region.Official()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, d := range all {
		known[d.Code] = true
	}
	for _, c := range elsewhereCodes {
		if !known[c] || c[:2] != "37" || c[:4] == CityCode {
			t.Errorf("born-elsewhere code %s is not a Shandong county outside Qingdao", c)
		}
	}
	for district := range birthCodeHistory {
		if !known[district] {
			t.Errorf("district %s of the history is unknown", district)
		}
	}
}

func TestRetiredCodesForOlderPeople(t *testing.T) {
	gen := city(t)
	// district → code → born before the re-zoning / born after
	type count struct{ before, after int }
	cases := []struct {
		district, retired string
		cut               int // first birth year that gets the new code
	}{
		{"370203", "370205", 2013},
		{"370215", "370282", 2017},
		{"370211", "370284", 2013},
	}
	for _, tc := range cases {
		t.Run(tc.district, func(t *testing.T) {
			var retired, current count
			for i, hs := range gen.households {
				if gen.places[i].district != tc.district {
					continue
				}
				for _, h := range hs {
					for _, m := range h.Members {
						n := idcard.Number(m.IDNumber)
						after := n.BirthDate().Year >= tc.cut
						switch n.RegionCode() {
						case tc.retired:
							if after {
								retired.after++
							} else {
								retired.before++
							}
						case tc.district:
							if after {
								current.after++
							} else {
								current.before++
							}
						}
					}
				}
			}
			if retired.before < 100 || retired.after != 0 || current.after == 0 {
				t.Errorf("retired %s: %+v, current %s: %+v; want the retired code only (and often) before %d",
					tc.retired, retired, tc.district, current, tc.cut)
			}
			if tc.district == "370215" && current.before != 0 {
				t.Errorf("即墨 people born before 2017 with 370215: %d", current.before)
			}
		})
	}
}

func TestSynthesizeMatchesIDCard(t *testing.T) {
	for _, year := range []int{1924, 1999, 2000, 2023, 2024} {
		for day := 0; day < daysPerYear; day += 7 {
			for _, seq := range []int{0, 1, 998, 999} {
				birth := civil.Date{Year: year, Month: time.January, Day: 1}.AddDays(day)
				if got, want := synthesize("370284", year, day, seq), idcard.Synthesize("370284", birth, seq); got != want {
					t.Fatalf("synthesize(%d, day %d, %d) = %s, want %s", year, day, seq, got, want)
				}
			}
		}
	}
}
