package meals

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// statsBenchDBEnv names a database (a SQLite file path or a postgres:// DSN) that
// BenchmarkStats builds its city year in once and reuses on later runs, so that profiling the
// statistics does not pay for loading 3.1 million meals every time. Unset, the benchmark builds
// the year in a throw-away database (PostgreSQL when MINZHENG_TEST_POSTGRES is set).
const statsBenchDBEnv = "MINZHENG_STATS_BENCH_DB"

// statsBenchOperator marks the canteens of the benchmark's city, to tell a database built before.
const statsBenchOperator = "统计压测运营方"

// statsYearScale is the size of the synthetic city year: the bureau's 2023 figures (DOMAIN.md
// §10), 1,224 canteens, about 130,000 diners and 3.1 million meals.
type statsYearScale struct {
	canteens, regulars, occasional int
}

// statsCityYear is the year the benchmark builds.
var statsCityYear = statsYearScale{canteens: 1224, regulars: 9000, occasional: 121000}

// BenchmarkStats reads the statistics of a city year (2023): the whole city over the year and
// over a month, and a district over a month. Run with
//
//	go test ./internal/meals/ -run '^$' -bench BenchmarkStats -benchtime 3x
//
// on SQLite, or with MINZHENG_TEST_POSTGRES set on PostgreSQL. Building the year takes a few
// minutes; set MINZHENG_STATS_BENCH_DB to keep it between runs. The summaries are emptied first,
// so the first read of the year sums its twelve months; each case's first read is reported as
// first-ms. The store's clock is 10 January 2024, when the year is closed, but for the running
// month: 30 December 2023, when the page opens on November and December.
func BenchmarkStats(b *testing.B) {
	if testing.Short() {
		b.Skip("builds 3.1 million meals")
	}
	d := statsBenchDB(b)
	ctx := context.Background()
	storeAt := func(y int, m time.Month, day int) *Store {
		return &Store{DB: d, Policies: DefaultPolicies(), Now: func() time.Time { return time.Date(y, m, day, 15, 0, 0, 0, civil.China) }}
	}
	january, december := storeAt(2024, time.January, 10), storeAt(2023, time.December, 30)
	admin := &auth.Principal{Login: "admin", Role: auth.CityAdmin, Scope: "3702"}
	jan, dec := civil.Month{Year: 2023, Month: 1}, civil.Month{Year: 2023, Month: 12}
	// Start from no summaries, so that the first read of the year sums every month.
	for _, table := range []string{"meal_stats", "meal_stats_periods"} {
		if _, err := d.Exec(ctx, `DELETE FROM `+table); err != nil {
			b.Fatal(err)
		}
	}
	cold := map[string]time.Duration{}
	for _, bc := range []struct {
		name string
		s    *Store
		f    StatsFilter
	}{
		{"city-year", january, StatsFilter{From: jan, To: dec}},
		{"city-month", january, StatsFilter{From: dec.AddMonths(-5), To: dec.AddMonths(-5)}},
		{"district-month", january, StatsFilter{From: dec.AddMonths(-2), To: dec.AddMonths(-2), Region: "370212"}},
		// On 30 December: the default page (last month and this), this month summed by day.
		{"city-running-month", december, StatsFilter{From: dec.Prev(), To: dec}},
		{"district-running-month", december, StatsFilter{From: dec.Prev(), To: dec, Region: "370212"}},
	} {
		s := bc.s
		b.Run(bc.name, func(b *testing.B) {
			start := time.Now()
			first, err := s.Stats(ctx, admin, bc.f)
			if err != nil {
				b.Fatal(err)
			}
			if _, ok := cold[bc.name]; !ok { // the body runs more than once
				cold[bc.name] = time.Since(start)
			}
			b.ResetTimer()
			for range b.N {
				st, err := s.Stats(ctx, admin, bc.f)
				if err != nil {
					b.Fatal(err)
				}
				if st.Total != first.Total {
					b.Fatalf("a second read differs: %+v, then %+v", first.Total, st.Total)
				}
			}
			b.ReportMetric(float64(cold[bc.name].Milliseconds()), "first-ms")
			b.ReportMetric(float64(first.Total.Meals), "meals")
			b.ReportMetric(float64(first.Total.Diners), "diners")
		})
	}
}

// statsBenchDB opens the benchmark's database and builds the city year in it unless it is there.
func statsBenchDB(b *testing.B) *db.DB {
	b.Helper()
	ctx := context.Background()
	var d *db.DB
	switch dsn := os.Getenv(statsBenchDBEnv); {
	case dsn != "":
		var err error
		if d, err = db.Open(ctx, dsn); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { d.Close() })
		if _, err := d.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
	case os.Getenv(dbtest.PostgresEnv) != "":
		d = dbtest.Postgres(b)
	default:
		d = dbtest.SQLite(b)
	}
	var n int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM canteens WHERE operator = ?`, statsBenchOperator).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n == 0 {
		start := time.Now()
		meals, err := buildStatsYear(ctx, d, statsCityYear)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("built a city year of %d meals in %s", meals, time.Since(start).Round(time.Second))
	}
	return d
}
