package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/synth/feedgen"
)

// runBenchMonitor measures a monitoring run end to end — receiving the agency files, parsing,
// matching against the registry, judging the rules and writing the warnings — over synthetic
// feeds with planted cases, then does the same matching the way an analyst would on PostgreSQL
// (COPY each file into a table, JOIN with the persons, filter) and reports both, the ratio, and
// the recall and precision of the planted cases. Set-up (registry, feed files) is not timed.
func runBenchMonitor(ctx context.Context, e env, args []string) error {
	persons, rows, planted := 100000, 1000000, 50
	var baseline, keep, profile string
	var cfg *config.Config
	svc, err := dataCommand(ctx, e, "bench monitor", "动态监测性能。Run the monitoring rules over synthetic agency feeds against the registry, with a PostgreSQL baseline.", args,
		func(c *config.Config, fs flagAdder) {
			cfg = c
			fs.IntVar(&persons, "persons", persons, "`number` of registered persons (generated first if the database has fewer)")
			fs.IntVar(&rows, "rows", rows, "`number` of feed rows across all sources")
			fs.IntVar(&planted, "planted", planted, "planted cases per rule")
			fs.StringVar(&baseline, "baseline", "", "PostgreSQL `DSN` for the analyst's baseline (default: --db when PostgreSQL, else $MINZHENG_TEST_POSTGRES; none: skipped)")
			fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the timed run to `file`")
			fs.StringVar(&keep, "keep", "", "keep the generated feed files and ground truth in `folder`")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	progress := func(s string) { fmt.Fprintln(e.stderr, "bench monitor: "+s) }
	people, err := monitorBenchPeople(ctx, svc, persons, progress)
	if err != nil {
		return err
	}
	dir := keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "bench-monitor-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	today := civil.Today(time.Now())
	var batches int64
	if err := svc.db.QueryRow(ctx, `SELECT COUNT(*) FROM monitor_batches`).Scan(&batches); err != nil {
		return err
	}
	t0 := time.Now()
	truth, files, err := writeBenchFeeds(dir, people, feedgen.Options{Rows: rows, Planted: planted, Today: today, Seed: uint64(batches + 1)})
	if err != nil {
		return err
	}
	total := 0
	for _, f := range files {
		total += f.rows
	}
	progress(fmt.Sprintf("%d feed rows in %d files, %d planted cases, written in %.1f s", total, len(files), len(truth), time.Since(t0).Seconds()))

	// The files just written are flushed before timing, so that the disk's write-back of a
	// gigabyte does not land in the middle of the measured run.
	syscall.Sync()
	var peak atomic.Uint64
	stop := sampleMemory(&peak)
	runtime.GC()
	stopProfile, err := startProfile(profile)
	if err != nil {
		return err
	}
	start := time.Now()
	// The agencies' files arrive side by side, as they would from several agencies.
	ids := make([]int64, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			b, err := svc.monitor.ReceiveFile(ctx, auth.System(), f.source, f.path, "")
			if err == nil {
				ids[i] = b.ID
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	received := time.Since(start)
	rep, err := svc.monitor.Run(ctx, "bench", progress)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	stopProfile()
	stop()
	for _, b := range rep.Batches {
		if b.Status != "done" {
			return fmt.Errorf("batch %d (%s) ended %s: %s", b.ID, b.Source, b.Status, b.Message)
		}
	}
	recall, precision, err := benchAccuracy(ctx, svc, truth, ids)
	if err != nil {
		return err
	}
	ours := float64(total) / elapsed.Seconds()
	fmt.Fprintf(e.stdout, "bench monitor: %d persons in %s; %d rows, %d matched, %d new warnings; receive %.1f s, run %.1f s; peak heap %d MB, max RSS %d MB\n",
		len(people), svc.db, rep.Rows, rep.Matched, rep.Warnings, received.Seconds(), (elapsed - received).Seconds(), peak.Load()>>20, maxRSS()>>20)

	base := "n/a"
	ratio := "n/a"
	if dsn := baselineDSN(baseline, cfg.DB, e.getenv); dsn != "" {
		secs, hits, err := runMonitorBaseline(ctx, dsn, people, files, today, progress)
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		b := float64(total) / secs
		base, ratio = fmt.Sprintf("%.0f", b), fmt.Sprintf("%.2f", ours/b)
		fmt.Fprintf(e.stdout, "bench monitor: baseline (PostgreSQL COPY, JOIN, filter) %.1f s, %d rule hits\n", secs, hits)
	}
	fmt.Fprintf(e.stdout, "monitor: %.0f rows/s, baseline %s rows/s, ratio %s, recall %.3f, precision %.3f\n", ours, base, ratio, recall, precision)
	return nil
}

// monitorBenchPeople makes sure the registry has at least n persons and reads them.
func monitorBenchPeople(ctx context.Context, svc *services, n int, progress func(string)) ([]feedgen.Person, error) {
	var have int
	if err := svc.db.QueryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&have); err != nil {
		return nil, err
	}
	if have == 0 {
		households := n*10/22 + 1
		progress(fmt.Sprintf("generating %d households first", households))
		if _, _, err := generateHouseholds(ctx, svc, 20231231, households, func(done, total int) {
			progress(fmt.Sprintf("%d / %d households", done, total))
		}); err != nil {
			return nil, err
		}
	} else if have < n {
		return nil, fmt.Errorf("the database has %d persons, fewer than %d: use an empty database or --persons %d", have, n, have)
	}
	rows, err := svc.registry.MonitorPersons(ctx)
	return feedgen.FromRegistry(rows), err
}

// benchFile is one generated feed file.
type benchFile struct {
	source, path string
	rows         int
}

// writeBenchFeeds writes the feed files and the ground truth (truth.json) into dir.
func writeBenchFeeds(dir string, people []feedgen.Person, opt feedgen.Options) ([]feedgen.Truth, []benchFile, error) {
	var files []benchFile
	var open []*os.File
	defer func() {
		for _, f := range open {
			f.Close()
		}
	}()
	truth, counts, err := feedgen.Generate(people, opt, func(source string) (io.Writer, error) {
		path := filepath.Join(dir, fmt.Sprintf("%s-%d.csv", source, opt.Seed))
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		open = append(open, f)
		files = append(files, benchFile{source: source, path: path})
		return f, nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, f := range open {
		if err := f.Close(); err != nil {
			return nil, nil, err
		}
	}
	open = nil
	for i := range files {
		files[i].rows = counts[files[i].source]
	}
	data, err := json.MarshalIndent(truth, "", " ")
	if err != nil {
		return nil, nil, err
	}
	return truth, files, os.WriteFile(filepath.Join(dir, fmt.Sprintf("truth-%d.json", opt.Seed)), data, 0o600)
}

// benchAccuracy compares the warnings with the planted cases: recall is the share of planted
// cases that have their warning; precision the share of warnings raised by these batches (every
// batch when batches is nil) that were planted.
func benchAccuracy(ctx context.Context, svc *services, truth []feedgen.Truth, batches []int64) (float64, float64, error) {
	want := map[string]bool{}
	for _, t := range truth {
		want[t.Rule+"|"+t.Hash+"|"+t.Period] = true
	}
	rows, err := svc.db.Query(ctx, `SELECT rule, subject_hash, period, batch_id FROM monitor_warnings`)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	mine := map[int64]bool{}
	for _, id := range batches {
		mine[id] = true
	}
	found, raised, right := 0, 0, 0
	for rows.Next() {
		var rule, hash, period string
		var batch int64
		if err := rows.Scan(&rule, &hash, &period, &batch); err != nil {
			return 0, 0, err
		}
		key := rule + "|" + hash + "|" + period
		if want[key] {
			found++
		}
		if batches == nil || mine[batch] {
			raised++
			if want[key] {
				right++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	recall, precision := 1.0, 1.0
	if len(want) > 0 {
		recall = float64(found) / float64(len(want))
	}
	if raised > 0 {
		precision = float64(right) / float64(raised)
	}
	return recall, precision, nil
}

// baselineDSN picks the PostgreSQL database of the baseline: the flag, else the benchmark's own
// database when it is PostgreSQL, else the test database of the environment.
func baselineDSN(flagValue, dsn string, getenv func(string) string) string {
	switch {
	case flagValue != "":
		return flagValue
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		return dsn
	}
	return getenv("MINZHENG_TEST_POSTGRES")
}

// sampleMemory records the Go heap's peak in use until the returned stop is called.
func sampleMemory(peak *atomic.Uint64) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done) }
}

// maxRSS is the process's peak resident memory in bytes (Linux reports kilobytes).
func maxRSS() uint64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return uint64(ru.Maxrss) * 1024
}
