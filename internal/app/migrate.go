package app

import (
	"context"
	"fmt"
	"github.com/minzheng/minzheng/internal/jobs"
	"log/slog"

	"github.com/minzheng/minzheng/internal/config"
)

func runMigrate(ctx context.Context, e env, args []string) error {
	cfg := config.Default()
	if err := cfg.FromEnv(e.getenv); err != nil {
		return err
	}
	fs := newFlagSet(e, "migrate", "执行数据库迁移。Apply the embedded database migrations and load the division codes; safe to run again.")
	cfg.AddDataFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	d, err := openData(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer d.Close()
	// The job queue's own tables come with the schema, so a server never starts on half of it.
	if err := jobs.Migrate(ctx, d, logger); err != nil {
		return fmt.Errorf("job queue tables: %w", err)
	}
	v, err := d.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database %s is at schema version %d\n", d, v)
	return nil
}
