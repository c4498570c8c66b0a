package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry/roster"
	"github.com/minzheng/minzheng/internal/synth"
)

// runBenchImport writes a synthetic roster of about --rows person rows as .xlsx and imports it,
// committed, into the database, reporting the time and the peak Go heap. Use an empty data
// folder: the households are new.
func runBenchImport(ctx context.Context, e env, args []string) error {
	rows := 100000
	var profile string
	svc, err := dataCommand(ctx, e, "bench import", "导入性能。Write a synthetic roster of N rows and import it, reporting time and memory.", args,
		func(_ *config.Config, fs flagAdder) {
			fs.IntVar(&rows, "rows", rows, "person `rows` in the roster")
			fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the import to `file`")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	file, err := syntheticRoster(ctx, svc, rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "bench import: roster of %d bytes\n", len(file))
	var peak atomic.Uint64
	stop := make(chan struct{})
	go samplePeakHeap(&peak, stop)
	stopProfile, err := startProfile(profile)
	if err != nil {
		return err
	}
	defer stopProfile()
	start := time.Now()
	rep, err := roster.Import(ctx, svc.registry, &auth.Principal{Login: "bench", Role: auth.CityAdmin, Scope: "3702"},
		file, "bench.xlsx", roster.Limits{}, false, "")
	close(stop)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return fmt.Errorf("roster has %d problems, first: %s", len(rep.Errors), rep.Errors[0])
	}
	fmt.Fprintf(e.stdout, "import: %d rows, %d households in %.1f s, peak heap %d MB\n", rep.Rows, rep.Households,
		time.Since(start).Seconds(), peak.Load()>>20)
	return nil
}

// syntheticRoster builds an .xlsx roster of the demo city's households for 崂山区's communities.
func syntheticRoster(ctx context.Context, svc *services, rows int) ([]byte, error) {
	if _, err := synth.Regions(ctx, svc.db, 1); err != nil {
		return nil, err
	}
	tree, err := region.LoadTree(ctx, svc.db, "370212")
	if err != nil {
		return nil, err
	}
	var communities []region.Division
	for _, street := range tree.Children("370212") {
		communities = append(communities, tree.Children(street.Code)...)
	}
	// Each community is generated once (twice would repeat its people); about 2.2 persons a
	// household, so rows/2 households give enough rows, cut at exactly rows households' worth.
	g := synth.New(99)
	perCommunity := synth.HouseholdsPerCommunity(rows/2+1, communities)
	var out []roster.ExportRow
	key := 0
	for _, c := range communities {
		for _, h := range g.Households(c, "370212", perCommunity[c.Code], civil.Date{Year: 2025, Month: 6, Day: 1}) {
			if len(out) >= rows {
				break
			}
			key++
			out = append(out, roster.ExportRows(strconv.Itoa(key), h)...)
		}
	}
	var buf bytes.Buffer
	err = roster.WriteXLSX(&buf, out, false)
	return buf.Bytes(), err
}

func samplePeakHeap(peak *atomic.Uint64, stop chan struct{}) {
	var m runtime.MemStats
	for {
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
		select {
		case <-stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// startProfile starts a CPU profile into path ("" for none) and returns the function that ends it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
