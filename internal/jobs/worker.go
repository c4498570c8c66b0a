package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// periodArgs names one run: the job and the start of its period (UTC, so that every process
// encodes it the same way). Both fields are the unique key, which is what makes a period run once.
type periodArgs struct {
	Name   string    `json:"name"`
	Period time.Time `json:"period"`
}

// Kind is River's job kind. All specs share it, and the worker looks the spec up by Name, so that
// adding a job needs no new River type; it must never change, or queued runs would be orphaned.
func (periodArgs) Kind() string { return "minzheng.periodic" }

// InsertOpts makes every insert of the same name and period, by any process, one job.
func (periodArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// periodicWorker runs the spec a job names.
type periodicWorker struct {
	river.WorkerDefaults[periodArgs]
	r *Runner
}

// Timeout applies the spec's own bound instead of River's one-minute default.
func (w *periodicWorker) Timeout(job *river.Job[periodArgs]) time.Duration {
	if s, ok := w.r.specs[job.Args.Name]; ok {
		return s.Timeout
	}
	return DefaultTimeout
}

// Work runs the period. A name this process does not know (a newer release added it while an
// older process still runs) fails, so that River retries it, likely on a process that knows it.
func (w *periodicWorker) Work(ctx context.Context, job *river.Job[periodArgs]) error {
	s, ok := w.r.specs[job.Args.Name]
	if !ok {
		return fmt.Errorf("no job named %q in this process", job.Args.Name)
	}
	start := time.Now()
	log := w.r.logger.With("job", s.Name, "period", job.Args.Period, "attempt", job.Attempt)
	if err := s.Run(ctx, job.Args.Period); err != nil {
		log.Error("job failed", "err", err, "max_attempts", job.MaxAttempts)
		return err
	}
	log.Debug("job done", "took", time.Since(start))
	return nil
}
