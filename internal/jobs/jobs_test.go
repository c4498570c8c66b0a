package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// patience bounds every wait for River: leader election in poll-only mode takes a few seconds,
// and CI machines are slow. Waits poll; nothing asserts how long anything took.
const patience = 90 * time.Second

// target opens handles on one database, each like a separate process's: a SQLite file, or a
// fresh PostgreSQL schema.
type target func(t *testing.T) func(t *testing.T) *db.DB

// engines are the databases every test runs on: SQLite always, PostgreSQL when configured.
func engines(t *testing.T) map[string]target {
	t.Helper()
	m := map[string]target{
		"sqlite": func(t *testing.T) func(t *testing.T) *db.DB {
			path := filepath.Join(t.TempDir(), "jobs.db")
			return func(t *testing.T) *db.DB { return open(t, path) }
		},
	}
	if os.Getenv(dbtest.PostgresEnv) != "" {
		m["postgres"] = func(t *testing.T) func(t *testing.T) *db.DB {
			dsn := dbtest.PostgresDSN(t)
			return func(t *testing.T) *db.DB { return open(t, dsn) }
		}
	}
	return m
}

func open(t *testing.T, dsn string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Exec(context.Background(),
		`CREATE TABLE IF NOT EXISTS job_runs (name TEXT NOT NULL, period TEXT NOT NULL, runner TEXT NOT NULL)`); err != nil {
		t.Fatalf("create job_runs: %v", err)
	}
	return d
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// recorder is a Run that writes one row per run, so tests count runs in the database itself.
func recorder(d *db.DB, name, runner string) func(context.Context, time.Time) error {
	return func(ctx context.Context, at time.Time) error {
		_, err := d.Exec(ctx, `INSERT INTO job_runs (name, period, runner) VALUES (?, ?, ?)`,
			name, at.UTC().Format(time.RFC3339Nano), runner)
		return err
	}
}

// specs are the jobs the runner tests use: one whose period outlasts the test, and one that
// begins a new period every second.
func specs(d *db.DB, runner string) []Spec {
	return []Spec{
		{Name: "hourly", Schedule: Every(time.Hour), Run: recorder(d, "hourly", runner)},
		{Name: "tick", Schedule: Every(time.Second), Run: recorder(d, "tick", runner)},
	}
}

func start(t *testing.T, d *db.DB, name string, s ...Spec) *Runner {
	t.Helper()
	r, err := New(d, testLogger(t).With("runner", name), s...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatalf("Start %s: %v", name, err)
	}
	t.Cleanup(func() { stop(t, r) })
	return r
}

func stop(t *testing.T, r *Runner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

// runs counts the recorded runs of each period of a job.
func runs(t *testing.T, d *db.DB, name string) map[string]int {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT period, COUNT(*) FROM job_runs WHERE name = ? GROUP BY period`, name)
	if err != nil {
		t.Fatalf("count runs: %v", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			t.Fatal(err)
		}
		out[p] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// periodsAfter counts the periods of a job that began after t.
func periodsAfter(t *testing.T, d *db.DB, name string, after time.Time) int {
	t.Helper()
	n := 0
	for p := range runs(t, d, name) {
		at, err := time.Parse(time.RFC3339Nano, p)
		if err != nil {
			t.Fatal(err)
		}
		if at.After(after) {
			n++
		}
	}
	return n
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// onceEach fails for every period of a job that ran more than once.
func onceEach(t *testing.T, d *db.DB, name string) {
	t.Helper()
	for p, n := range runs(t, d, name) {
		if n != 1 {
			t.Errorf("%s period %s ran %d times, want once", name, p, n)
		}
	}
}

func TestPeriodicJobRuns(t *testing.T) {
	for engine, tgt := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := tgt(t)(t)
			before := time.Now()
			r := start(t, d, "a", specs(d, "a")...)
			waitFor(t, "three ticks", func() bool { return len(runs(t, d, "tick")) >= 3 })
			waitFor(t, "the hourly run", func() bool { return len(runs(t, d, "hourly")) == 1 })
			stop(t, r)
			onceEach(t, d, "tick")
			onceEach(t, d, "hourly")
			for p := range runs(t, d, "hourly") {
				at, _ := time.Parse(time.RFC3339Nano, p)
				if want := Every(time.Hour).Prev(at); !at.Equal(want) || at.After(time.Now()) || at.Before(before.Add(-time.Hour)) {
					t.Errorf("hourly ran for period %s; want the hour the test started in", p)
				}
			}
			if err := r.Stop(context.Background()); err != nil {
				t.Errorf("second Stop: %v", err)
			}
		})
	}
}

// TestTwoRunnersOncePerPeriod simulates two and then three processes on one database, and moves
// leadership twice by stopping processes: each period of each job still runs exactly once.
func TestTwoRunnersOncePerPeriod(t *testing.T) {
	for engine, tgt := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			handle := tgt(t)
			da, db2, dc := handle(t), handle(t), handle(t)
			a := start(t, da, "a", specs(da, "a")...)
			b := start(t, db2, "b", specs(db2, "b")...)
			var c *Runner
			waitFor(t, "two ticks", func() bool { return len(runs(t, da, "tick")) >= 2 })

			stop(t, a)
			stoppedA := time.Now()
			waitFor(t, "a tick after a stopped", func() bool { return periodsAfter(t, da, "tick", stoppedA) >= 2 })

			c = start(t, dc, "c", specs(dc, "c")...)
			stop(t, b)
			stoppedB := time.Now()
			waitFor(t, "a tick after b stopped", func() bool { return periodsAfter(t, da, "tick", stoppedB) >= 2 })

			// Leadership moved at least once, and each new leader offered the current hour again.
			offered := a.proposed["hourly"].Load() + b.proposed["hourly"].Load() + c.proposed["hourly"].Load()
			if ran := len(runs(t, da, "hourly")); ran < 1 || offered <= int64(ran) {
				t.Errorf("hourly offered %d times and ran for %d periods; want more offers than periods", offered, ran)
			}
			onceEach(t, da, "hourly")
			onceEach(t, da, "tick")
		})
	}
}

// TestEnqueueOncePerPeriod has two processes enqueue the same periods at once, as two leaders
// would in a split brain: the database keeps one run per period.
func TestEnqueueOncePerPeriod(t *testing.T) {
	for engine, tgt := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			handle := tgt(t)
			d1, d2 := handle(t), handle(t)
			never := func(context.Context, time.Time) error { return nil }
			spec := Spec{Name: "payout", Schedule: Monthly(10, 3, 0, time.UTC), Run: never}
			r1, err := New(d1, testLogger(t), spec)
			if err != nil {
				t.Fatal(err)
			}
			r2, err := New(d2, testLogger(t), spec)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := Migrate(ctx, d1, nil); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if err := Migrate(ctx, d2, nil); err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
			march := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
			steps := []struct {
				r    *Runner
				at   time.Time
				want bool
			}{
				{r1, march, true},
				{r2, march, false},
				{r2, march.AddDate(0, 0, 10), false}, // still the period that began on 10 March
				{r1, march.AddDate(0, 1, 0), true},
				{r2, march.AddDate(0, 0, -10), true}, // 5 March: February's period
			}
			for i, s := range steps {
				got, err := s.r.Enqueue(ctx, "payout", s.at)
				if err != nil {
					t.Fatalf("step %d: Enqueue: %v", i, err)
				}
				if got != s.want {
					t.Errorf("step %d: Enqueue(%s) queued %v, want %v", i, s.at.Format(time.DateOnly), got, s.want)
				}
			}
			if _, err := r1.Enqueue(ctx, "nonesuch", march); err == nil {
				t.Error("Enqueue of an unknown job succeeded")
			}
		})
	}
}

// TestFailedRunIsRetried checks that an error from Run leads to another attempt at the same
// period.
func TestFailedRunIsRetried(t *testing.T) {
	for engine, tgt := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := tgt(t)(t)
			var attempts atomic.Int32
			var periods = make(chan time.Time, 10)
			start(t, d, "a", Spec{Name: "flaky", Schedule: Every(time.Hour), Run: func(_ context.Context, at time.Time) error {
				periods <- at
				if attempts.Add(1) == 1 {
					return errors.New("database restarting")
				}
				return nil
			}})
			waitFor(t, "a second attempt", func() bool { return attempts.Load() >= 2 })
			first, second := <-periods, <-periods
			if !first.Equal(second) {
				t.Errorf("retry ran period %s, want %s", second, first)
			}
		})
	}
}

// TestStopCancelsRunningJob checks the hard stop: when Stop's context ends while a run is still
// working, the run's context is cancelled and Stop still returns cleanly.
func TestStopCancelsRunningJob(t *testing.T) {
	for engine, tgt := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := tgt(t)(t)
			started := make(chan struct{}, 1)
			var cancelled atomic.Bool
			r, err := New(d, testLogger(t), Spec{Name: "slow", Schedule: Every(time.Hour), Run: func(ctx context.Context, _ time.Time) error {
				started <- struct{}{}
				<-ctx.Done()
				cancelled.Store(true)
				return ctx.Err()
			}})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Start(context.Background()); err != nil {
				t.Fatalf("Start: %v", err)
			}
			select {
			case <-started:
			case <-time.After(patience):
				t.Fatal("the slow job never started")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			if err := r.Stop(ctx); err != nil {
				t.Errorf("Stop: %v", err)
			}
			if !cancelled.Load() {
				t.Error("Stop returned while the running job's context was still live")
			}
		})
	}
}

func TestNewRejectsBadSpecs(t *testing.T) {
	d := dbtest.SQLite(t)
	ok := func(context.Context, time.Time) error { return nil }
	tests := []struct {
		name  string
		specs []Spec
	}{
		{"empty name", []Spec{{Schedule: Every(time.Hour), Run: ok}}},
		{"upper case name", []Spec{{Name: "Sweep", Schedule: Every(time.Hour), Run: ok}}},
		{"duplicate", []Spec{{Name: "a", Schedule: Every(time.Hour), Run: ok}, {Name: "a", Schedule: Every(time.Hour), Run: ok}}},
		{"no schedule", []Spec{{Name: "a", Run: ok}}},
		{"no zone", []Spec{{Name: "a", Schedule: Daily(2, 0, nil), Run: ok}}},
		{"no run", []Spec{{Name: "a", Schedule: Every(time.Hour)}}},
		{"negative timeout", []Spec{{Name: "a", Schedule: Every(time.Hour), Run: ok, Timeout: -time.Second}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(d, nil, tc.specs...); err == nil {
				t.Errorf("New accepted %s", fmt.Sprint(tc.specs))
			}
		})
	}
}

// TestOnDemandJob: a job without a schedule runs only when enqueued, once per request time, and
// a request a moment later runs it again.
func TestOnDemandJob(t *testing.T) {
	for engine, tgt := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := tgt(t)(t)
			var ran atomic.Int64
			spec := Spec{Name: "run-now", Schedule: OnDemand(), Run: func(context.Context, time.Time) error {
				ran.Add(1)
				return nil
			}}
			r := start(t, d, "a", spec)
			defer stop(t, r)
			ctx := context.Background()
			at := time.Now()
			if q, err := r.Enqueue(ctx, "run-now", at); err != nil || !q {
				t.Fatalf("first request: queued %v, %v", q, err)
			}
			if q, err := r.Enqueue(ctx, "run-now", at); err != nil || q {
				t.Fatalf("the same request again: queued %v, %v", q, err)
			}
			waitFor(t, "the requested run", func() bool { return ran.Load() == 1 })
			if q, err := r.Enqueue(ctx, "run-now", at.Add(time.Millisecond)); err != nil || !q {
				t.Fatalf("a later request: queued %v, %v", q, err)
			}
			waitFor(t, "the second run", func() bool { return ran.Load() == 2 })
		})
	}
}
