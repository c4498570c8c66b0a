package app

import (
	"context"
	"fmt"
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
	d, err := openData(ctx, cfg, slog.New(slog.NewTextHandler(e.stderr, nil)))
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database %s is at schema version %d\n", d, v)
	return nil
}
