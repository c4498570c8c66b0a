package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/synth/feedgen"
)

// demoFeedRows and demoPlanted size the demo city's agency files: a month of every source, with
// a few planted cases per rule so every kind of warning shows.
const (
	demoFeedRows = 20000
	demoPlanted  = 4
)

// demoMonitor gives a new demo city a month of agency files (with the ground truth beside them in
// demo-feeds/) and runs the rules on them, so the warning queues and the dashboard have work in
// them. `minzheng monitor evaluate --truth demo-feeds/truth-N.json` measures the run.
func (m *Main) demoMonitor(ctx context.Context) error {
	var batches int
	if err := m.DB.QueryRow(ctx, `SELECT COUNT(*) FROM monitor_batches`).Scan(&batches); err != nil || batches > 0 {
		return err
	}
	people, err := m.svc.registry.MonitorPersons(ctx)
	if err != nil || len(people) == 0 {
		return err
	}
	dir := filepath.Join(m.Config.DataDir, "demo-feeds")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	truth, files, err := writeBenchFeeds(dir, feedgen.FromRegistry(people), feedgen.Options{Rows: demoFeedRows, Planted: demoPlanted,
		Today: civil.Today(m.Now()), Seed: m.DemoSeed})
	if err != nil {
		return fmt.Errorf("demo feeds: %w", err)
	}
	for _, f := range files {
		if _, err := m.svc.monitor.ReceiveFile(ctx, auth.System(), f.source, f.path, ""); err != nil {
			return fmt.Errorf("demo feeds: %s: %w", f.source, err)
		}
	}
	rep, err := m.svc.monitor.Run(ctx, "demo", nil)
	if err != nil {
		return fmt.Errorf("demo monitoring run: %w", err)
	}
	m.Logger.Info("demo monitoring run", "files", len(files), "rows", rep.Rows, "planted", len(truth), "warnings", rep.Warnings)
	return nil
}
