package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/registry"
)

// runBench runs a named performance scenario against an existing database and prints its figures,
// ending with one summary line per measure. Benchmarks live here and in go test -bench, never in
// timed tests.
func runBench(ctx context.Context, e env, args []string) error {
	return subcommand(ctx, e, "bench", args, map[string]func(context.Context, env, []string) error{
		"search":  runBenchSearch,
		"import":  runBenchImport,
		"policy":  runBenchPolicy,
		"payout":  runBenchPayout,
		"monitor": runBenchMonitor,
		"meals":   runBenchMeals,
	})
}

// runBenchSearch measures registry searches on the database as it is (fill it with gen first):
// by ID number, by exact name, and by part of a name within a district, as a city administrator.
func runBenchSearch(ctx context.Context, e env, args []string) error {
	queries := 200
	svc, err := dataCommand(ctx, e, "bench search", "检索性能。Measure registry search latency (p50, p99) on the current database.", args,
		func(_ *config.Config, fs flagAdder) { fs.IntVar(&queries, "queries", queries, "queries per kind") })
	if err != nil {
		return err
	}
	defer svc.db.Close()
	samples, err := sampleForBench(ctx, svc, queries)
	if err != nil {
		return err
	}
	admin := &auth.Principal{Login: "bench", Role: auth.CityAdmin, Scope: "3702"}
	var total int
	if err := svc.db.QueryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&total); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "bench search: %d persons in %s\n", total, svc.db)
	kinds := []struct {
		name  string
		query func(s benchSample) registry.Query
	}{
		{"id_number", func(s benchSample) registry.Query { return registry.Query{IDNumber: s.id} }},
		{"exact_name", func(s benchSample) registry.Query { return registry.Query{Name: s.name, NameExact: true} }},
		{"partial_name_in_district", func(s benchSample) registry.Query {
			return registry.Query{Name: string([]rune(s.name)[1:]), Region: s.region[:6]}
		}},
	}
	for _, k := range kinds {
		var times []time.Duration
		for _, s := range samples {
			start := time.Now()
			if _, _, err := svc.registry.Search(ctx, admin, k.query(s)); err != nil {
				return fmt.Errorf("%s: %w", k.name, err)
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		fmt.Fprintf(e.stdout, "search %s: %d queries, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", k.name, len(times),
			ms(times[len(times)/2]), ms(times[len(times)*99/100]), ms(times[len(times)-1]))
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type benchSample struct{ id, name, region string }

// sampleForBench picks random persons, opening their sealed ID numbers to search for them.
func sampleForBench(ctx context.Context, svc *services, n int) ([]benchSample, error) {
	var maxID int64
	if err := svc.db.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM persons`).Scan(&maxID); err != nil {
		return nil, err
	}
	if maxID == 0 {
		return nil, fmt.Errorf("no persons: run minzheng gen first")
	}
	r := rand.New(rand.NewPCG(1, 2))
	var out []benchSample
	for len(out) < n {
		var sealed string
		var s benchSample
		err := svc.db.QueryRow(ctx, `SELECT id_sealed, name, region_code FROM persons WHERE id >= ? ORDER BY id LIMIT 1`,
			r.Int64N(maxID)+1).Scan(&sealed, &s.name, &s.region)
		if err != nil {
			return nil, err
		}
		if s.id, err = svc.keys.Open(sealed, registry.IDField); err != nil {
			return nil, err
		}
		if len([]rune(s.name)) >= 2 {
			out = append(out, s)
		}
	}
	return out, nil
}
