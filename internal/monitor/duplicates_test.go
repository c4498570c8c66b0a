package monitor

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRadixSort: the digest sort agrees with the standard sort, small and large, with repeats.
func TestRadixSort(t *testing.T) {
	for _, n := range []int{0, 1, 100, 5000, 100000} {
		r := rand.New(rand.NewPCG(uint64(n), 1))
		a := make([]uint64, n)
		for i := range a {
			a[i] = r.Uint64()
			if i%7 == 3 {
				a[i] = a[i/2]
			}
		}
		want := slices.Clone(a)
		slices.Sort(want)
		radixSort(a)
		if !slices.Equal(a, want) {
			t.Fatalf("n=%d: radix sort differs", n)
		}
	}
}
