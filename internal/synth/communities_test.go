package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/region"
)

// qingdaoStreets returns the real towns and streets of the demo city from the embedded data.
func qingdaoStreets(t testing.TB) []region.Division {
	t.Helper()
	all, err := region.Official()
	if err != nil {
		t.Fatal(err)
	}
	var out []region.Division
	for _, d := range all {
		if d.Level == region.Street && strings.HasPrefix(d.Code, CityCode) {
			out = append(out, d)
		}
	}
	if len(out) != 141 {
		t.Fatalf("%d streets in %s, want 141", len(out), CityCode)
	}
	return out
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name   string
		street region.Division
		want   streetKind
	}{
		{"street of 市南", region.Division{Code: "370202001", Name: "香港中路街道", ParentCode: "370202"}, coreStreet},
		{"street of 李沧", region.Division{Code: "370213006", Name: "李村街道", ParentCode: "370213"}, coreStreet},
		{"street of 崂山", region.Division{Code: "370212001", Name: "中韩街道", ParentCode: "370212"}, urbanStreet},
		{"街道 with 镇 in its name", region.Division{Code: "370214008", Name: "惜福镇街道", ParentCode: "370214"}, urbanStreet},
		{"town", region.Division{Code: "370211102", Name: "琅琊镇", ParentCode: "370211"}, town},
		{"township", region.Division{Code: "370211199", Name: "某乡", ParentCode: "370211"}, town},
		{"development zone", region.Division{Code: "370214400", Name: "青岛高新技术产业开发区", ParentCode: "370214"}, zone},
		{"nature reserve", region.Division{Code: "370211401", Name: "灵山岛省级自然保护区", ParentCode: "370211"}, zone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kindOf(tt.street); got != tt.want {
				t.Errorf("kindOf(%s) = %d, want %d", tt.street.Name, got, tt.want)
			}
		})
	}
}

func TestCommunitiesShape(t *testing.T) {
	streets := qingdaoStreets(t)
	for _, seed := range []uint64{0, 1, 42, 1 << 63} {
		t.Run("seed "+strconv.FormatUint(seed, 10), func(t *testing.T) {
			g := New(seed)
			for _, s := range streets {
				checkStreet(t, s, g.Communities(s))
			}
		})
	}
}

// checkStreet checks the committees generated for one street: valid unique codes in the range of
// their kind, unique plausible names, counts in the range of the street's kind.
func checkStreet(t *testing.T, s region.Division, got []region.Division) {
	t.Helper()
	codes, names := map[string]bool{}, map[string]bool{}
	communities, villages := 0, 0
	for _, c := range got {
		if err := region.ValidCode(c.Code); err != nil || c.Level != region.Community {
			t.Errorf("%s %s: code %v, level %v", s.Name, c.Code, err, c.Level)
		}
		if c.ParentCode != s.Code || !strings.HasPrefix(c.Code, s.Code) || !c.Synthetic || c.Source != Source {
			t.Errorf("%s: %+v is not a synthetic child of the street", s.Name, c)
		}
		if codes[c.Code] || names[c.Name] {
			t.Errorf("%s: %s %s repeats a code or name", s.Name, c.Code, c.Name)
		}
		codes[c.Code], names[c.Name] = true, true
		for _, r := range c.Name {
			if !unicode.Is(unicode.Han, r) {
				t.Errorf("%s: name %q has non-Chinese %q", s.Name, c.Name, r)
			}
		}
		seq, _ := strconv.Atoi(c.Code[9:])
		switch {
		case strings.HasSuffix(c.Name, communityEnding):
			communities++
			if seq < firstCommunity || seq > lastCommunity {
				t.Errorf("%s: community %s %s outside 001–199", s.Name, c.Code, c.Name)
			}
		case strings.HasSuffix(c.Name, villageEnding):
			villages++
			if seq < firstVillage || seq > lastVillage {
				t.Errorf("%s: village %s %s outside 200–399", s.Name, c.Code, c.Name)
			}
		default:
			t.Errorf("%s: %s %s is neither community nor village", s.Name, c.Code, c.Name)
		}
	}
	type span struct{ lo, hi int }
	want := map[streetKind][2]span{
		coreStreet:  {{8, 25}, {0, 0}},
		urbanStreet: {{8, 25}, {1, 12}},
		town:        {{1, 4}, {20, 60}},
		zone:        {{1, 6}, {3, 15}},
	}[kindOf(s)]
	if communities < want[0].lo || communities > want[0].hi || villages < want[1].lo || villages > want[1].hi {
		t.Errorf("%s (kind %d): %d communities, %d villages; want %v", s.Name, kindOf(s), communities, villages, want)
	}
	if kindOf(s) == urbanStreet && villages >= communities {
		t.Errorf("%s: %d villages, %d communities; want mostly communities", s.Name, villages, communities)
	}
}

func TestCommunitiesDeterministic(t *testing.T) {
	streets := qingdaoStreets(t)
	a, b := New(7), New(7)
	// b walks the streets backwards: the order of calls must not matter.
	var fromA, fromB []region.Division
	for _, s := range streets {
		fromA = append(fromA, a.Communities(s)...)
	}
	for i := len(streets) - 1; i >= 0; i-- {
		fromB = append(b.Communities(streets[i]), fromB...)
	}
	if diff := cmp.Diff(fromA, fromB); diff != "" {
		t.Errorf("same seed, different output (-first +second):\n%s", diff)
	}
	if cmp.Equal(New(7).Communities(streets[0]), New(8).Communities(streets[0])) {
		t.Error("seeds 7 and 8 gave the same first street")
	}
	if New(7).Seed() != 7 {
		t.Error("Seed() does not return the seed")
	}
}

func TestStreetStem(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"street", "香港中路街道", "香港中路"},
		{"street with 镇", "惜福镇街道", "惜福镇"},
		{"town", "琅琊镇", "琅琊"},
		{"township", "某某乡", "某某"},
		{"zone", "青岛高新技术产业开发区", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := streetStem(tt.in); got != tt.want {
				t.Errorf("streetStem(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUniqueNumbersWhenWordsRunOut(t *testing.T) {
	r := New(1).stream("test", "")
	used := map[string]bool{}
	same := func(*rand.Rand) string { return "福安" }
	var got []string
	for range 3 {
		got = append(got, unique(r, used, same))
	}
	if diff := cmp.Diff([]string{"福安", "福安2", "福安3"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
