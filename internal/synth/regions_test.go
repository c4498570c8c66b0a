package synth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/synth"
)

// expected is what Regions should store for seed: the generator's committees for every real street
// of the demo city, in code order.
func expected(t testing.TB, seed uint64) []region.Division {
	t.Helper()
	all, err := region.Official()
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(seed)
	var out []region.Division
	for _, d := range all {
		if d.Level == region.Street && strings.HasPrefix(d.Code, synth.CityCode) {
			out = append(out, g.Communities(d)...)
		}
	}
	return out
}

// stored reads every level-5 division back from the database, in code order.
func stored(t testing.TB, d *db.DB) []region.Division {
	t.Helper()
	tree, err := region.LoadTree(context.Background(), d, synth.CityCode)
	if err != nil {
		t.Fatal(err)
	}
	var out []region.Division
	var walk func(code string)
	walk = func(code string) {
		for _, c := range tree.Children(code) {
			if c.Level == region.Community {
				out = append(out, c)
			}
			walk(c.Code)
		}
	}
	walk(synth.CityCode)
	return out
}

func TestRegions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		start := time.Now()
		n, err := synth.Regions(ctx, d, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("Regions inserted %d committees in %v on %s (official seed included)", n, time.Since(start), d.Dialect())
		want := expected(t, 1)
		if n != len(want) {
			t.Errorf("Regions inserted %d, want %d", n, len(want))
		}
		if diff := cmp.Diff(want, stored(t, d)); diff != "" {
			t.Errorf("stored committees differ from the generator (-want +got):\n%s", diff)
		}

		for _, seed := range []uint64{1, 2} {
			again, err := synth.Regions(ctx, d, seed)
			if err != nil || again != 0 {
				t.Errorf("Regions(seed %d) on a filled database = %d, %v; want 0", seed, again, err)
			}
		}

		counts, err := region.Counts(ctx, d, synth.CityCode)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, c := range counts {
			// Every street gets at least one committee, most get many.
			if c.Communities < c.Streets {
				t.Errorf("%s %s: %d committees for %d streets", c.Code, c.Name, c.Communities, c.Streets)
			}
			total += c.Communities
		}
		if total != n {
			t.Errorf("Counts sums to %d committees, Regions inserted %d", total, n)
		}
	})
}

func TestRegionsLeavesFilledStreetsAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := region.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		imported := region.Division{Code: "370212001001", Name: "导入社区居民委员会", ParentCode: "370212001", Level: region.Community, Source: "import"}
		if _, err := region.Insert(ctx, d, []region.Division{imported}); err != nil {
			t.Fatal(err)
		}
		if _, err := synth.Regions(ctx, d, 1); err != nil {
			t.Fatal(err)
		}
		tree, err := region.LoadTree(ctx, d, "370212001")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]region.Division{imported}, tree.Children("370212001")); diff != "" {
			t.Errorf("street with imported committees (-want +got):\n%s", diff)
		}
	})
}

func TestInsertCommunitiesIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := region.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		divs := expected(t, 3)
		n, err := region.Insert(ctx, d, divs)
		if err != nil || n != len(divs) {
			t.Fatalf("first Insert = %d, %v; want %d", n, err, len(divs))
		}
		n, err = region.Insert(ctx, d, divs)
		if err != nil || n != 0 {
			t.Fatalf("second Insert = %d, %v; want 0", n, err)
		}
	})
}

func TestSameSeedSameCity(t *testing.T) {
	ctx := context.Background()
	a, b := dbtest.SQLite(t), dbtest.SQLite(t)
	for _, d := range []*db.DB{a, b} {
		if _, err := synth.Regions(ctx, d, 42); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(stored(t, a), stored(t, b)); diff != "" {
		t.Errorf("seed 42 built two different cities (-first +second):\n%s", diff)
	}
	if cmp.Equal(stored(t, a), expected(t, 43)) {
		t.Error("seeds 42 and 43 built the same city")
	}
}

// BenchmarkRegions measures building the demo city's division tree in an empty SQLite database,
// official seed included: the first step of `minzheng demo`.
func BenchmarkRegions(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		d := dbtest.SQLite(b)
		b.StartTimer()
		if _, err := synth.Regions(context.Background(), d, 1); err != nil {
			b.Fatal(err)
		}
	}
}
