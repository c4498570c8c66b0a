package app

import (
	"context"
	"time"
)

// sweepEvery is how often the server raises reminders of overdue steps and ends entitlements
// whose last month has passed.
const sweepEvery = time.Hour

// startJobs runs the periodic jobs of the server until stop is closed: the assistance
// sweep and the clean-up of expired citizen sessions and codes, once at start and then every sweepEvery. Each run is one transaction on the shared
// database, so several server processes may run it at once without harm (reminders are unique
// per step).
func (m *Main) startJobs(stop <-chan struct{}) {
	run := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		reminders, ended, err := m.svc.cases.Sweep(ctx)
		if err != nil {
			m.Logger.Error("assistance sweep failed", "err", err)
			return
		}
		if reminders > 0 || ended > 0 {
			m.Logger.Info("assistance sweep", "reminders", reminders, "entitlements_ended", ended)
		}
		if _, err := m.svc.citizens.Sweep(ctx); err != nil {
			m.Logger.Error("citizen session sweep failed", "err", err)
		}
	}
	go func() {
		run()
		t := time.NewTicker(sweepEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				run()
			}
		}
	}()
}
