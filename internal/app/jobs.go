package app

import (
	"context"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/jobs"
	"github.com/minzheng/minzheng/internal/payout"
)

// cityRoot is the city the server runs (Qingdao's division code).
const cityRoot = "3702"

// sweepEvery is how often the server raises reminders of overdue steps, ends entitlements whose
// last month has passed, and clears expired citizen sessions.
const sweepEvery = time.Hour

// jobSpecs are the server's periodic jobs. They run on River over the application's own database:
// every process offers them, one runs each period (so the same run on two processes at once does
// the work once), and a failed run is retried. Each job is idempotent as well, so a run repeated
// after a crash does no harm.
func (m *Main) jobSpecs() []jobs.Spec {
	return []jobs.Spec{
		{Name: "assistance.sweep", Schedule: jobs.Every(sweepEvery), Run: func(ctx context.Context, _ time.Time) error {
			reminders, ended, err := m.svc.cases.Sweep(ctx)
			if err == nil && (reminders > 0 || ended > 0) {
				m.Logger.Info("assistance sweep", "reminders", reminders, "entitlements_ended", ended)
			}
			return err
		}},
		{Name: "citizen.sweep", Schedule: jobs.Every(sweepEvery), Run: func(ctx context.Context, _ time.Time) error {
			_, err := m.svc.citizens.Sweep(ctx)
			return err
		}},
		{Name: "monitor.run", Schedule: jobs.Monthly(m.Config.MonitorDay, 3, 0, civil.China),
			Run: func(ctx context.Context, _ time.Time) error { return m.runMonitor(ctx) }},
		{Name: "monitor.run_now", Schedule: jobs.OnDemand(),
			Run: func(ctx context.Context, _ time.Time) error { return m.runMonitor(ctx) }},
		{Name: "monitor.escalate", Schedule: jobs.Every(sweepEvery), Run: func(ctx context.Context, _ time.Time) error {
			n, err := m.svc.monitor.Escalate(ctx)
			if err == nil && n > 0 {
				m.Logger.Info("monitor warnings escalated", "warnings", n)
			}
			return err
		}},
		{Name: "payout.prepare", Schedule: jobs.Monthly(m.Config.PayoutDay, 2, 0, civil.China),
			Run: func(ctx context.Context, _ time.Time) error { return m.preparePayouts(ctx) }},
		{Name: "meals.fraud_scan", Schedule: jobs.Every(sweepEvery), Run: func(ctx context.Context, _ time.Time) error {
			today := civil.Today(m.Now())
			rep, err := m.svc.meals.ScanFraud(ctx, today.AddDays(-fraudScanDays), today)
			if err == nil && rep.NewFlags() > 0 {
				m.Logger.Info("meal anti-fraud scan", "meals", rep.Meals, "new_flags", rep.NewFlags())
			}
			return err
		}},
		{Name: "meals.stats_prepare", Schedule: jobs.Every(sweepEvery), Run: func(ctx context.Context, _ time.Time) error {
			return m.svc.meals.PrepareStats(ctx)
		}},
		{Name: "meals.settle", Schedule: jobs.Monthly(m.Config.SettleDay, 4, 0, civil.China),
			Run: func(ctx context.Context, _ time.Time) error { return m.settleMeals(ctx) }},
	}
}

// fraudScanDays is how far back the hourly anti-fraud scan looks: meals reach the books late when
// an online order is fulfilled after its day, and rescanning a week costs little.
const fraudScanDays = 7

// settleMeals draws up last month's settlement of every canteen as drafts for the districts to
// approve, after scanning the whole month for fraud so that no flagged meal slips into one. Both
// steps are idempotent: drafts are rebuilt, approved settlements left alone.
func (m *Main) settleMeals(ctx context.Context) error {
	last := civil.MonthOf(civil.Today(m.Now())).Prev()
	if _, err := m.svc.meals.ScanFraud(ctx, last.FirstDay(), last.LastDay()); err != nil {
		return err
	}
	run, err := m.svc.meals.GenerateSettlements(ctx, auth.System(), last)
	if err != nil {
		return err
	}
	m.Logger.Info("meal settlements drawn up", "month", last.String(), "built", run.Built, "kept", run.Kept)
	return nil
}

// preparePayouts generates next month's draft rosters of every paying program in every district
// of the city, as the system. Generation is idempotent and a roster is unique per month, program
// and district, so a repeated or concurrent run changes nothing.
func (m *Main) preparePayouts(ctx context.Context) error {
	next := civil.MonthOf(civil.Today(m.Now())).Next()
	districts, err := m.svc.payout.Districts(ctx, cityRoot)
	if err != nil {
		return err
	}
	n := 0
	for _, d := range districts {
		for _, program := range payout.Programs() {
			_, err := m.svc.payout.Generate(ctx, auth.System(), next, program, d)
			if program == payout.PriceSubsidy && apperr.KindOf(err) == apperr.Conflict {
				// No CPI entered for the month yet, or the linkage not triggered: nothing to pay.
				continue
			}
			if err != nil {
				return err
			}
			n++
		}
	}
	m.Logger.Info("payout rosters prepared", "month", next.String(), "rosters", n)
	return nil
}

// runMonitor processes the agency files received since the last run. Batches are claimed one
// process at a time and warnings are unique per rule, person and period, so two processes
// running it at once raise each warning once.
func (m *Main) runMonitor(ctx context.Context) error {
	rep, err := m.svc.monitor.Run(ctx, "system", nil)
	if err == nil && len(rep.Batches) > 0 {
		m.Logger.Info("monitor run", "batches", len(rep.Batches), "rows", rep.Rows, "warnings", rep.Warnings)
	}
	return err
}

// startJobs starts the River runner; Close stops it before the database closes.
func (m *Main) startJobs(ctx context.Context) error {
	r, err := jobs.New(m.DB, m.Logger, m.jobSpecs()...)
	if err != nil {
		return err
	}
	if err := r.Start(ctx); err != nil {
		return err
	}
	m.jobs = r
	return nil
}
