package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/minzheng/minzheng/internal/region"
)

// NBS numbers the committees below a town or street by kind: 001–199 are residents' committees
// (居民委员会, urban communities), 200–399 villagers' committees (村民委员会). The demo follows it,
// so a code alone tells a community from a village, as it does in real data.
const (
	firstCommunity = 1
	lastCommunity  = 199
	firstVillage   = 201 // real lists start their villages at 201
	lastVillage    = 399
)

// Name endings of the two kinds of committee.
const (
	communityEnding = "社区居民委员会"
	villageEnding   = "村民委员会"
)

// streetKind is how urban a town or street is, which decides how many communities and villages
// it gets.
type streetKind int

const (
	coreStreet  streetKind = iota // 街道 of the old city (市南, 市北, 李沧): communities only
	urbanStreet                   // other 街道: mostly communities, some villages
	town                          // 镇 or 乡: mostly villages, a few communities in the town seat
	zone                          // development zone, reserve, resort: a few of each
)

// coreCounties are the fully urban districts, where no villages are left.
var coreCounties = map[string]bool{"370202": true, "370203": true, "370213": true}

func kindOf(street region.Division) streetKind {
	switch {
	case strings.HasSuffix(street.Name, "街道") && coreCounties[street.ParentCode]:
		return coreStreet
	case strings.HasSuffix(street.Name, "街道"):
		return urbanStreet // 惜福镇街道 is a 街道 despite the 镇 in its name
	case strings.HasSuffix(street.Name, "镇"), strings.HasSuffix(street.Name, "乡"):
		return town
	}
	return zone
}

// sizes draws the number of communities and villages for a street of this kind, from ranges like
// those of real Qingdao: 8–25 communities in an urban street, 20–60 villages in a town.
func (k streetKind) sizes(r *rand.Rand) (communities, villages int) {
	switch k {
	case coreStreet:
		return between(r, 8, 25), 0
	case urbanStreet:
		c := between(r, 8, 25)
		return c, between(r, 1, c/2)
	case town:
		return between(r, 1, 4), between(r, 20, 60)
	}
	return between(r, 1, 6), between(r, 3, 15)
}

// Communities returns the synthetic community and village committees below one real town or
// street, communities first, each with a name unique within the street. The result depends only
// on the generator's seed and the street's code, name and parent.
func (g *Generator) Communities(street region.Division) []region.Division {
	r := g.stream("communities", street.Code)
	kind := kindOf(street)
	nc, nv := kind.sizes(r)
	used := map[string]bool{}
	out := make([]region.Division, 0, nc+nv)
	add := func(seq int, base, ending string) {
		out = append(out, region.Division{
			Code:       fmt.Sprintf("%s%03d", street.Code, seq),
			Name:       base + ending,
			ParentCode: street.Code,
			Level:      region.Community,
			Synthetic:  true,
			Source:     Source,
		})
	}
	for i := range nc {
		var base string
		if i == 0 && kind != zone && r.IntN(2) == 0 {
			// Many streets have a namesake community (中韩街道 → 中韩社区).
			base = streetStem(street.Name)
		}
		if base == "" || used[base] {
			base = unique(r, used, communityName)
		}
		used[base] = true
		add(firstCommunity+i, base, communityEnding)
	}
	for i := range nv {
		add(firstVillage+i, unique(r, used, villageName), villageEnding)
	}
	return out
}

// streetStem is the street's name without its kind: 香港中路街道 → 香港中路, 琅琊镇 → 琅琊.
func streetStem(name string) string {
	for _, end := range []string{"街道", "镇", "乡"} {
		if stem, ok := strings.CutSuffix(name, end); ok {
			return stem
		}
	}
	return ""
}

// unique draws names until one is not yet used in the street and marks it used. The word lists
// allow thousands of names per kind and a street needs at most a few dozen, so a clash is rare;
// after many in a row (a word list cut too short) it numbers the name rather than loop forever.
func unique(r *rand.Rand, used map[string]bool, draw func(*rand.Rand) string) string {
	var name string
	for try := 0; try < 1000; try++ {
		if name = draw(r); !used[name] {
			used[name] = true
			return name
		}
	}
	for n := 2; ; n++ {
		if numbered := fmt.Sprintf("%s%d", name, n); !used[numbered] {
			used[numbered] = true
			return numbered
		}
	}
}

// communityName draws the distinctive part of an urban community's name: 福安, 海川路, 翠林新村.
func communityName(r *rand.Rand) string {
	switch n := r.IntN(100); {
	case n < 45:
		return twoChars(r)
	case n < 80:
		return pick(r, roadWords) + "路"
	default:
		return twoChars(r) + pick(r, estateWords)
	}
}

func twoChars(r *rand.Rand) string {
	a, b := pick(r, communityFirst), pick(r, communitySecond)
	for a == b {
		b = pick(r, communitySecond)
	}
	return string([]rune{a, b})
}

// villageName draws a village's name: 王家庄, 东河头, 王戈庄, 前李家洼.
func villageName(r *rand.Rand) string {
	switch n := r.IntN(100); {
	case n < 45:
		return string(pick(r, surnames)) + "家" + pick(r, clanSuffixes)
	case n < 75:
		land, end := pick(r, landforms), pick(r, landSuffixes)
		for end == land {
			end = pick(r, landSuffixes)
		}
		return string([]rune{pick(r, directions), land, end})
	case n < 90:
		return string(pick(r, surnames)) + "戈庄"
	default:
		return string([]rune{pick(r, directions), pick(r, surnames)}) + "家" + pick(r, clanSuffixes)
	}
}
