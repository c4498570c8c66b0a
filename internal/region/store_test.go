package region_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/region"
)

// officialRows is the number of divisions in the embedded files.
const officialRows = 31 + 342 + 2975 + 141

// seed loads the official divisions and fails the test if that does not work.
func seed(t testing.TB, d *db.DB) {
	t.Helper()
	if _, err := region.Seed(context.Background(), d); err != nil {
		t.Fatalf("seed: %v", err)
	}
}

// addCommunities inserts a few communities under 中韩街道 and 王哥庄街道 for the tree and count tests.
func addCommunities(t testing.TB, q db.Querier) {
	t.Helper()
	divs := []region.Division{
		{Code: "370212001001", Name: "福安社区居民委员会", ParentCode: "370212001", Level: region.Community, Synthetic: true, Source: "test"},
		{Code: "370212001002", Name: "海川路社区居民委员会", ParentCode: "370212001", Level: region.Community, Synthetic: true, Source: "test"},
		{Code: "370212003201", Name: "王家庄村民委员会", ParentCode: "370212003", Level: region.Community, Synthetic: true, Source: "test"},
	}
	if _, err := region.Insert(context.Background(), q, divs); err != nil {
		t.Fatalf("insert communities: %v", err)
	}
}

func countRows(t testing.TB, q db.Querier) int {
	t.Helper()
	var n int
	if err := q.QueryRow(context.Background(), `SELECT COUNT(*) FROM regions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSeedIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		start := time.Now()
		n, err := region.Seed(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seeded %d rows in %v on %s", n, time.Since(start), d.Dialect())
		if n != officialRows {
			t.Errorf("first Seed inserted %d, want %d", n, officialRows)
		}
		n, err = region.Seed(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second Seed inserted %d, want 0", n)
		}
		if got := countRows(t, d); got != officialRows {
			t.Errorf("table holds %d rows, want %d", got, officialRows)
		}
		var synthetic int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE synthetic = ?`, true).Scan(&synthetic); err != nil {
			t.Fatal(err)
		}
		if synthetic != 0 {
			t.Errorf("%d official rows marked synthetic", synthetic)
		}
	})
}

func TestInsert(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d)
		divs := []region.Division{
			{Code: "370212001001001", Name: "too deep", ParentCode: "370212001001", Level: region.Community},
		}
		if _, err := region.Insert(ctx, d, divs); !errors.Is(err, region.ErrInvalidCode) {
			t.Errorf("15-digit code: error %v, want ErrInvalidCode", err)
		}
		// Children listed before their parent must still land.
		divs = []region.Division{
			{Code: "370212001001", Name: "福安社区居民委员会", ParentCode: "370212001", Level: region.Community, Synthetic: true, Source: "test"},
			{Code: "379901", Name: "测试县", ParentCode: "3799", Level: region.County},
			{Code: "3799", Name: "测试市", ParentCode: "37", Level: region.City},
		}
		n, err := region.Insert(ctx, d, divs)
		if err != nil || n != 3 {
			t.Fatalf("Insert = %d, %v; want 3", n, err)
		}
		n, err = region.Insert(ctx, d, divs)
		if err != nil || n != 0 {
			t.Fatalf("second Insert = %d, %v; want 0", n, err)
		}
		tree, err := region.LoadTree(ctx, d, "370212001")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := tree.Get("370212001001")
		if diff := cmp.Diff(divs[0], got); diff != "" {
			t.Errorf("stored community (-want +got):\n%s", diff)
		}
	})
}

func TestInsertRejects(t *testing.T) {
	tests := []struct {
		name string
		div  region.Division
	}{
		{"bad code", region.Division{Code: "37021", Name: "x", ParentCode: "3702", Level: region.County}},
		{"level does not match code", region.Division{Code: "370212", Name: "x", ParentCode: "3702", Level: region.Street}},
		{"no name", region.Division{Code: "370212", Name: " ", ParentCode: "3702", Level: region.County}},
		{"province with parent", region.Division{Code: "37", Name: "x", ParentCode: "11", Level: region.Province}},
		{"no parent", region.Division{Code: "370212", Name: "x", Level: region.County}},
		{"parent elsewhere", region.Division{Code: "370212", Name: "x", ParentCode: "3703", Level: region.County}},
		{"parent is itself", region.Division{Code: "370212", Name: "x", ParentCode: "370212", Level: region.County}},
	}
	d := dbtest.SQLite(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := region.Insert(context.Background(), d, []region.Division{tt.div})
			if !errors.Is(err, region.ErrInvalidCode) || n != 0 {
				t.Errorf("Insert = %d, %v; want ErrInvalidCode", n, err)
			}
		})
	}
	if got := countRows(t, d); got != 0 {
		t.Errorf("rejected rows left %d rows behind", got)
	}
}

func TestCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d)
		addCommunities(t, d)
		got, err := region.Counts(ctx, d, "3702")
		if err != nil {
			t.Fatal(err)
		}
		want := []region.ChildCount{
			{Code: "370202", Name: "市南区", Streets: 11},
			{Code: "370203", Name: "市北区", Streets: 22},
			{Code: "370211", Name: "黄岛区", Streets: 23},
			{Code: "370212", Name: "崂山区", Streets: 5, Communities: 3},
			{Code: "370213", Name: "李沧区", Streets: 11},
			{Code: "370214", Name: "城阳区", Streets: 9},
			{Code: "370215", Name: "即墨区", Streets: 17},
			{Code: "370281", Name: "胶州市", Streets: 14},
			{Code: "370283", Name: "平度市", Streets: 18},
			{Code: "370285", Name: "莱西市", Streets: 11},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Counts(3702) (-want +got):\n%s", diff)
		}

		streets, err := region.Counts(ctx, d, "370212")
		if err != nil {
			t.Fatal(err)
		}
		if len(streets) != 5 || streets[0].Code != "370212001" || streets[0].Communities != 2 || streets[2].Communities != 1 {
			t.Errorf("Counts(370212) = %+v", streets)
		}

		provinces, err := region.Counts(ctx, d, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(provinces) != 31 {
			t.Fatalf("Counts(\"\") has %d provinces, want 31", len(provinces))
		}
		for _, p := range provinces {
			if p.Code == "37" && (p.Streets != 141 || p.Communities != 3) {
				t.Errorf("山东省 = %+v, want 141 streets, 3 communities", p)
			}
			if p.Code == "11" && (p.Streets != 0 || p.Communities != 0) {
				t.Errorf("北京市 = %+v, want nothing below county level", p)
			}
		}

		if _, err := region.Counts(ctx, d, "37021"); !errors.Is(err, region.ErrInvalidCode) {
			t.Errorf("Counts(37021) error = %v, want ErrInvalidCode", err)
		}
		none, err := region.Counts(ctx, d, "370212001001")
		if err != nil || len(none) != 0 {
			t.Errorf("Counts(community) = %v, %v; want nothing", none, err)
		}
	})
}

// BenchmarkSeed measures loading the official divisions into an empty SQLite database, the cost
// every fresh installation and every store test that needs regions pays.
func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		d := dbtest.SQLite(b)
		b.StartTimer()
		if n, err := region.Seed(context.Background(), d); err != nil || n != officialRows {
			b.Fatalf("Seed = %d, %v", n, err)
		}
	}
}
