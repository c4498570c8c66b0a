package synth

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/minzheng/minzheng/internal/region"
)

// Weights of a committee in the spread of households: an urban community has several times the
// population of a village, so it gets three times the weight, and every committee is scaled by a
// fixed factor between 0.5 and 1.5 drawn from its code, so sizes vary as they do in a real city.
const (
	communityWeight = 3
	villageWeight   = 1
)

// HouseholdsPerCommunity spreads total households over communities (committee codes; a repeated
// code counts once), in proportion to their weights, by the largest-remainder method so the
// counts add up to total exactly. The result depends only on total and the set of codes, not on
// their order or any seed, so the gen command can ask for it again and get the same plan.
func HouseholdsPerCommunity(total int, communities []region.Division) map[string]int {
	type share struct {
		code   string
		weight int64
		n      int64
		rem    int64
	}
	seen := map[string]bool{}
	var shares []share
	var sum int64
	for _, c := range communities {
		if seen[c.Code] {
			continue
		}
		seen[c.Code] = true
		w := int64(communityWeight)
		if seq, err := strconv.Atoi(c.Code[min(9, len(c.Code)):]); err == nil && seq >= firstVillage {
			w = villageWeight
		}
		w *= 50 + int64(hashString("spread\x00"+c.Code)%101)
		shares = append(shares, share{code: c.Code, weight: w})
		sum += w
	}
	out := make(map[string]int, len(shares))
	if len(shares) == 0 || total <= 0 {
		for _, s := range shares {
			out[s.code] = 0
		}
		return out
	}
	left := int64(total)
	for i := range shares {
		s := &shares[i]
		s.n, s.rem = int64(total)*s.weight/sum, int64(total)*s.weight%sum
		left -= s.n
	}
	slices.SortFunc(shares, func(a, b share) int {
		return cmp.Or(cmp.Compare(b.rem, a.rem), cmp.Compare(a.code, b.code))
	})
	for i := range shares {
		if int64(i) < left {
			shares[i].n++
		}
		out[shares[i].code] = int(shares[i].n)
	}
	return out
}
