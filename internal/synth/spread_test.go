package synth

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/region"
)

func TestHouseholdsPerCommunity(t *testing.T) {
	places := cityPlaces(t, 1)
	var divs = make([]region.Division, 0, len(places))
	for _, p := range places {
		divs = append(divs, p.community)
	}
	for _, total := range []int{0, 1, 999, 3000, 1_000_000} {
		got := HouseholdsPerCommunity(total, divs)
		sum, urban, villages, nu, nv := 0, 0, 0, 0, 0
		for code, n := range got {
			sum += n
			if code[9] >= '2' {
				villages, nv = villages+n, nv+1
			} else {
				urban, nu = urban+n, nu+1
			}
		}
		if sum != total || len(got) != len(divs) {
			t.Errorf("total %d: sum %d over %d communities of %d", total, sum, len(got), len(divs))
		}
		if total >= 3000 && urban*nv <= 2*villages*nu {
			t.Errorf("total %d: urban communities average %d, villages %d; want urban clearly bigger", total, urban/nu, villages/nv)
		}
		shuffled := append([]region.Division(nil), divs...)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		shuffled = append(shuffled, divs[0]) // a repeated code counts once
		if diff := cmp.Diff(got, HouseholdsPerCommunity(total, shuffled)); diff != "" {
			t.Errorf("total %d: the order of communities changes the plan:\n%s", total, diff)
		}
	}
}
