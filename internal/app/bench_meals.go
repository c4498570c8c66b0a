package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/db"
)

// runBenchMeals is "minzheng bench meals": counter transactions over HTTP. It sets up a database
// of its own (a temporary SQLite file unless --db names one; a database holding anything but an
// earlier run's canteens and diners is refused), seeds canteens, menus, diners and terminal
// tokens through the meals store, starts the real server on a local port, and runs terminals
// against it from this process for --duration after a one-second warm-up that is not counted.
// Each of --concurrency workers is one terminal at a time: a random canteen and diner per meal,
// keys of its own, and every 20th meal sent again under the same key, which must come back as
// the first receipt. It prints a line a second and ends with the summary line:
//
//	meals: T tx/s, p50 A ms, p99 B ms, errors E
//
// T counts new meals recorded (201) per second; the latencies are of every request, retries
// included; an error is any other answer, a retry that is not the first receipt, or a meal
// acknowledged but missing from the database afterwards.
func runBenchMeals(ctx context.Context, e env, args []string) error {
	duration, concurrency, canteens, diners := 10*time.Second, 16, 50, 5000
	var profile string
	cfg := config.Default()
	if err := cfg.FromEnv(e.getenv); err != nil {
		return err
	}
	fs := newFlagSet(e, "bench meals", "助餐刷卡交易性能。Counter transactions over HTTP against a local server: tx/s, p50 and p99 latency, errors.")
	cfg.AddDataFlags(fs)
	fs.DurationVar(&duration, "duration", duration, "measured `time`, after a 1 s warm-up")
	fs.IntVar(&concurrency, "concurrency", concurrency, "`number` of terminals sending at once")
	fs.IntVar(&canteens, "canteens", canteens, "`number` of canteens")
	fs.IntVar(&diners, "diners", diners, "`number` of diners")
	fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the measured part (server and load) to `file`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if duration <= 0 || concurrency < 1 || concurrency > 4096 || canteens < 1 || diners < 1 {
		return fmt.Errorf("--duration must be positive, --concurrency 1–4096, --canteens and --diners at least 1")
	}
	dataSet := e.getenv("MINZHENG_DATA") != ""
	fs.Visit(func(f *flag.Flag) { dataSet = dataSet || f.Name == "data" })
	if !dataSet {
		dir, err := os.MkdirTemp("", "bench-meals-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir = dir
	}
	if cfg.DB == "" {
		cfg.DB = filepath.Join(cfg.DataDir, "bench-meals.db")
	}
	progress := func(s string) { fmt.Fprintln(e.stderr, "bench meals: "+s) }
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := openServices(ctx, cfg, logger, time.Now)
	if err != nil {
		return err
	}
	where := svc.db.String()
	data, err := seedMealsBench(ctx, svc, canteens, diners, progress)
	svc.db.Close()
	if err != nil {
		return err
	}

	m := NewMain()
	m.Config, m.Stdout, m.Stderr, m.Getenv = cfg, io.Discard, e.stderr, e.getenv
	m.Config.Addr, m.Config.LogLevel = "127.0.0.1:0", "warn"
	if err := m.Run(ctx); err != nil {
		return err
	}
	defer m.Close()
	fmt.Fprintf(e.stdout, "bench meals: %d canteens, %d diners, %d terminals, %s on %s\n", canteens, diners, concurrency, duration, where)

	load := newMealsLoad(m.URL(), data, concurrency)
	var st mealsBenchStats
	warm := time.Now().Add(time.Second)
	load.drive(ctx, concurrency, func() bool { return time.Now().After(warm) }, func(benchOutcome) {})
	stopProfile, err := startProfile(profile)
	if err != nil {
		return err
	}
	start := time.Now()
	end := start.Add(duration)
	done := make(chan struct{})
	go st.report(start, done, progress)
	load.drive(ctx, concurrency, func() bool { return time.Now().After(end) }, st.record)
	elapsed := time.Since(start)
	close(done)
	stopProfile()
	if ctx.Err() != nil {
		return ctx.Err()
	}

	var stored int64
	if err := m.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE idempotency_key LIKE ?`,
		"b"+load.run+"-%").Scan(&stored); err != nil {
		return err
	}
	created := st.created.Load()
	// Meals of the warm-up are stored too; the measured ones must all be there.
	var warmed int64
	if err := m.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE idempotency_key LIKE ? AND created_at < ?`,
		"b"+load.run+"-%", db.FormatTime(start)).Scan(&warmed); err != nil {
		return err
	}
	if missing := created - (stored - warmed); missing > 0 {
		st.errors.Add(missing)
		progress(fmt.Sprintf("%d acknowledged meals are not in the database", missing))
	}
	if msg := st.firstError(); msg != "" {
		progress("first error: " + msg)
	}
	lat := st.sorted()
	p50, p99 := 0.0, 0.0
	if len(lat) > 0 {
		p50, p99 = ms(lat[len(lat)/2]), ms(lat[min(len(lat)-1, len(lat)*99/100)])
	}
	fmt.Fprintf(e.stdout, "bench meals: %d meals recorded and %d retries answered in %.1f s; %d rows stored\n",
		created, st.replays.Load(), elapsed.Seconds(), stored-warmed)
	fmt.Fprintf(e.stdout, "meals: %.0f tx/s, p50 %.1f ms, p99 %.1f ms, errors %d\n",
		float64(created)/elapsed.Seconds(), p50, p99, st.errors.Load())
	return nil
}

// mealsBenchStats gathers the outcomes of the measured load.
type mealsBenchStats struct {
	created, replays, errors atomic.Int64
	mu                       sync.Mutex
	latencies                []time.Duration
	first                    string
}

func (s *mealsBenchStats) record(o benchOutcome) {
	switch {
	case !o.ok():
		s.errors.Add(1)
	case o.retry:
		s.replays.Add(1)
	default:
		s.created.Add(1)
	}
	s.mu.Lock()
	s.latencies = append(s.latencies, o.latency)
	if !o.ok() && s.first == "" {
		s.first = fmt.Sprintf("status %d, retry %v: %v", o.status, o.retry, o.err)
	}
	s.mu.Unlock()
}

func (s *mealsBenchStats) firstError() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first
}

func (s *mealsBenchStats) sorted() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	slices.Sort(s.latencies)
	return s.latencies
}

// report prints, every second until done, the meals recorded in that second and the errors so far.
func (s *mealsBenchStats) report(start time.Time, done <-chan struct{}, progress func(string)) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	last := int64(0)
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			n := s.created.Load()
			progress(fmt.Sprintf("%3.0f s: %d tx/s, %d meals, %d retries, %d errors", now.Sub(start).Seconds(), n-last, n,
				s.replays.Load(), s.errors.Load()))
			last = n
		}
	}
}
