package app

import (
	"context"
	"fmt"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// runGen fills a database with the synthetic demo city's households at any scale. Generation and
// loading run side by side — one goroutine draws households, the caller's loads them in
// transactions of a few thousand — so both cores are busy. It ends with the one-line summary that
// benchmarks quote.
func runGen(ctx context.Context, e env, args []string) error {
	households, seed := 10000, uint64(20231231)
	var seedFlag int64 = int64(seed)
	svc, err := dataCommand(ctx, e, "gen", "生成合成数据。Generate the synthetic city's households and persons into the database (any scale).", args,
		func(_ *config.Config, fs flagAdder) {
			fs.IntVar(&households, "households", households, "number of `households` to add")
			fs.Int64Var(&seedFlag, "seed", seedFlag, "random `seed`; the same seed gives the same city")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	start := time.Now()
	h, p, err := generateHouseholds(ctx, svc, uint64(seedFlag), households, func(done, total int) {
		fmt.Fprintf(e.stderr, "gen: %d / %d households (%.0f%%)\n", done, total, 100*float64(done)/float64(total))
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "gen: %d households, %d persons in %.1f s\n", h, p, time.Since(start).Seconds())
	return nil
}

// generateHouseholds adds n synthetic households spread over the demo city's communities and
// reports progress about every 5%.
func generateHouseholds(ctx context.Context, svc *services, seed uint64, n int, progress func(done, total int)) (doneH, doneP int, err error) {
	if _, err := synth.Regions(ctx, svc.db, seed); err != nil {
		return 0, 0, err
	}
	tree, err := region.LoadTree(ctx, svc.db, synth.CityCode)
	if err != nil {
		return 0, 0, err
	}
	var communities []region.Division
	for _, county := range tree.Children(synth.CityCode) {
		for _, street := range tree.Children(county.Code) {
			communities = append(communities, tree.Children(street.Code)...)
		}
	}
	perCommunity := synth.HouseholdsPerCommunity(n, communities)
	asOf := civil.Today(svc.registry.Now()) // the services' clock: a demo or test pinned in time makes the same city
	g := synth.New(seed)

	const chunk = 20000 // households per transaction: fewer commits rewrite the hot index pages less often
	batches := make(chan []registry.HouseholdInput, 4)
	genErr := make(chan error, 1)
	go func() {
		defer close(batches)
		var buf []registry.HouseholdInput
		for _, c := range communities {
			k := perCommunity[c.Code]
			if k == 0 {
				continue
			}
			buf = append(buf, g.Households(c, c.Code[:6], k, asOf)...)
			for len(buf) >= chunk {
				select {
				case batches <- buf[:chunk:chunk]:
				case <-ctx.Done():
					genErr <- ctx.Err()
					return
				}
				buf = buf[chunk:]
			}
		}
		if len(buf) > 0 {
			batches <- buf
		}
		genErr <- nil
	}()
	// Loading more than the database holds: build the secondary indexes once at the end instead
	// of updating them row by row (EnsureIndexes also runs at every start, should this stop).
	var existing int
	if err := svc.db.QueryRow(ctx, `SELECT COUNT(*) FROM households`).Scan(&existing); err != nil {
		return 0, 0, err
	}
	if n > existing && n >= 10000 {
		if err := registry.DropIndexes(ctx, svc.db); err != nil {
			return 0, 0, err
		}
		defer func() {
			ctx := context.WithoutCancel(ctx)
			if ierr := registry.EnsureIndexes(ctx, svc.db); ierr != nil && err == nil {
				err = ierr
			}
			// Fresh statistics, so the planner knows the tables are no longer empty.
			if _, aerr := svc.db.Exec(ctx, `ANALYZE`); aerr != nil && err == nil {
				err = aerr
			}
		}()
	}
	bulk := &registry.Bulk{Store: &registry.Store{DB: svc.db, Keys: svc.keys, Audit: svc.audit, Now: svc.registry.Now}}
	step := max(n/20, 1)
	for b := range batches {
		p, err := bulk.Load(ctx, b)
		if err != nil {
			for range batches {
			}
			return doneH, doneP, err
		}
		before := doneH
		doneH += len(b)
		doneP += p
		if progress != nil && doneH/step != before/step {
			progress(doneH, n)
		}
	}
	return doneH, doneP, <-genErr
}
