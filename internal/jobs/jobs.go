// Package jobs runs Minzheng's periodic background work — the assistance sweep, session
// clean-up, and later monthly payouts and settlements — as durable jobs on the application's own
// database, with River (github.com/riverqueue/river).
//
// Why River: a city runs several app processes on one PostgreSQL database, and a ticker in each
// process would run every job once per process. River keeps jobs in a table of the same database
// (no broker to operate), elects one leader among the processes to enqueue periodic jobs, lets any
// process work them, retries failures with back-off and rescues jobs whose process died. It has a
// SQLite driver too, so the one-office binary behaves the same way with no server.
//
// Why once per period: leadership moves when a process stops, and the new leader starts its
// schedule afresh. Each run is therefore named by its job and the start of its period (see
// Schedule) and inserted as a River unique job on those arguments, so whichever processes try to
// enqueue the same period, one job exists and it runs once. A new leader also enqueues the
// current period at once, which catches up a period whose start passed while no process was
// leading and is a no-op for a period that already ran. Completed jobs are kept longer than the
// longest period (a month), because the completed row is what proves a period ran.
//
// A run may still happen twice if its process dies after the work committed but before River
// recorded the job complete, so every Spec.Run must be idempotent, as the existing sweeps are.
//
// River runs in poll-only mode on both engines: riverdatabasesql (our pgx stdlib pool) has no
// LISTEN connection, and on SQLite the notification poller would query the single writer
// connection twenty times a second. A second or so of latency is nothing for hourly work.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/minzheng/minzheng/internal/db"
)

// Spec is one periodic job: what to run, and on which schedule.
type Spec struct {
	// Name identifies the job in the database, in logs and in the uniqueness of its runs; it
	// must stay the same across releases (lower case letters, digits, '.', '_', '-').
	Name string
	// Schedule says when each period begins.
	Schedule Schedule
	// Run does the work of the period that began at at (in UTC; convert with the zone of the
	// schedule). ctx ends at Timeout or when the Runner stops. An error is logged and the run is retried with back-off, up to
	// MaxAttempts times in all; the next period runs regardless.
	Run func(ctx context.Context, at time.Time) error
	// Timeout bounds one run; zero means DefaultTimeout.
	Timeout time.Duration
}

const (
	// DefaultTimeout bounds a run whose Spec sets no Timeout; it matches the bound the
	// ad-hoc ticker gave the assistance sweep.
	DefaultTimeout = 5 * time.Minute
	// MaxAttempts is how many times a failing run is tried (back-off 1 s, 16 s, 81 s, 256 s)
	// before River discards it: a few minutes of retries ride out a restarting database,
	// and anything longer is better left to the next period.
	MaxAttempts = 5
	// keepCompleted is how long River keeps completed runs: longer than a month, the longest
	// period, so that a restart never finds a period without its completed row and runs it
	// again.
	keepCompleted = 35 * 24 * time.Hour
	// workers is how many runs a process works at once; periodic jobs are few, and on SQLite
	// their writes queue on one connection anyway.
	workers = 4
)

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9._-]{0,62}$`)

// Runner is River running this process's share of the periodic jobs: leader election, enqueueing
// (when leader) and working. Build it with New, then Start and, at shutdown, Stop.
type Runner struct {
	db     *db.DB
	logger *slog.Logger
	specs  map[string]Spec
	client *river.Client[*sql.Tx]
	// proposed counts, per job, the runs this process offered to the queue as leader, deduplicated
	// or not; tests compare it with the runs that happened to see that duplicates were refused.
	proposed map[string]*atomic.Int64
}

// New checks the specs and prepares a River client on d — the SQLite writer or the PostgreSQL
// pool — without touching the database yet; Start migrates River's tables and starts it. Every
// process of one deployment must be given the same specs.
func New(d *db.DB, logger *slog.Logger, specs ...Spec) (*Runner, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &Runner{db: d, logger: logger, specs: map[string]Spec{}, proposed: map[string]*atomic.Int64{}}
	longest := DefaultTimeout
	var periodic []*river.PeriodicJob
	for _, s := range specs {
		if !nameRE.MatchString(s.Name) {
			return nil, fmt.Errorf("jobs: name %q: use lower case letters, digits, '.', '_' or '-'", s.Name)
		}
		if _, dup := r.specs[s.Name]; dup {
			return nil, fmt.Errorf("jobs: two specs named %q", s.Name)
		}
		if err := s.Schedule.validate(); err != nil {
			return nil, fmt.Errorf("jobs: %s: %w", s.Name, err)
		}
		if s.Run == nil {
			return nil, fmt.Errorf("jobs: %s: no Run function", s.Name)
		}
		if s.Timeout < 0 {
			return nil, fmt.Errorf("jobs: %s: negative timeout", s.Name)
		}
		if s.Timeout == 0 {
			s.Timeout = DefaultTimeout
		}
		longest = max(longest, s.Timeout)
		r.specs[s.Name] = s
		r.proposed[s.Name] = new(atomic.Int64)
		if s.Schedule.kind != kindOnDemand {
			periodic = append(periodic, river.NewPeriodicJob(s.Schedule, r.constructor(s),
				&river.PeriodicJobOpts{ID: s.Name, RunOnStart: true}))
		}
	}
	w := river.NewWorkers()
	if err := river.AddWorkerSafely(w, &periodicWorker{r: r}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	client, err := river.NewClient(driver(d), &river.Config{
		Logger:                      riverLogger(logger),
		PollOnly:                    true,
		Queues:                      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
		Workers:                     w,
		PeriodicJobs:                periodic,
		MaxAttempts:                 MaxAttempts,
		JobTimeout:                  DefaultTimeout,
		RescueStuckJobsAfter:        longest + time.Hour,
		CompletedJobRetentionPeriod: keepCompleted,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	r.client = client
	return r, nil
}

// constructor is what River's leader calls when s is due: it names the run by the period now
// beginning. It never blocks (River's rule); the database decides whether the period is new.
func (r *Runner) constructor(s Spec) river.PeriodicJobConstructor {
	proposed := r.proposed[s.Name]
	return func() (river.JobArgs, *river.InsertOpts) {
		proposed.Add(1)
		return periodArgs{Name: s.Name, Period: s.Schedule.Prev(time.Now().Add(s.Schedule.margin())).UTC()}, nil
	}
}

// Start migrates River's tables and starts River; it returns once River runs. ctx bounds only
// the start-up: River lives until Stop, so a request-scoped context cannot end it by accident.
func (r *Runner) Start(ctx context.Context) error {
	if err := Migrate(ctx, r.db, r.logger); err != nil {
		return err
	}
	if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop resigns leadership, stops fetching and waits for running jobs to finish. If ctx ends
// first, it cancels the running jobs and waits for them a little longer, so that nothing uses the
// database once the caller closes it; the job is retried by a process that is still up. Call it
// before closing the database. Stop on a Runner that never started does nothing.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if herr := r.client.StopAndCancel(hard); herr != nil {
		return errors.Join(fmt.Errorf("jobs: stop: %w", err), fmt.Errorf("jobs: cancel running jobs: %w", herr))
	}
	r.logger.Warn("jobs: running jobs cancelled at shutdown", "err", err)
	return nil
}

// Enqueue asks for a run of the named job for the period that contains at, now, unless that
// period already has a run; it reports whether a run was queued. An operator's "run now" and
// tests use it. It needs River's tables (Start or Migrate first); a run queued before Start waits
// for a started Runner.
func (r *Runner) Enqueue(ctx context.Context, name string, at time.Time) (bool, error) {
	s, ok := r.specs[name]
	if !ok {
		return false, fmt.Errorf("jobs: no job named %q", name)
	}
	res, err := r.client.Insert(ctx, periodArgs{Name: name, Period: s.Schedule.Prev(at).UTC()}, nil)
	if err != nil {
		return false, fmt.Errorf("jobs: enqueue %s: %w", name, err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}
