package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/minzheng/minzheng/internal/db"
)

// riverMigrationLock is the PostgreSQL advisory-lock key that serialises River migrations between
// processes starting together; it differs from the key of the app's own migrations.
const riverMigrationLock = 7461638

// driver picks River's driver for the engine. Both take a *sql.DB, so River shares our pools
// rather than opening its own: riversqlite on the SQLite writer (one connection, as River's
// SQLite driver itself advises), riverdatabasesql on the pgx stdlib pool. River's tables follow
// the pool's search_path on PostgreSQL, like ours.
func driver(d *db.DB) riverdriver.Driver[*sql.Tx] {
	if d.Dialect() == db.Postgres {
		return riverdatabasesql.New(d.Writer())
	}
	return riversqlite.New(d.Writer())
}

// Migrate creates or updates River's own tables (river_job, river_leader, river_queue, …) in d.
// They are River's schema, versioned by River in river_migration, so they are applied with
// rivermigrate rather than copied into our numbered migrations. Start calls it; `minzheng
// migrate` should too. On PostgreSQL concurrent callers wait for each other; a SQLite database
// has one process.
func Migrate(ctx context.Context, d *db.DB, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if d.Dialect() == db.Postgres {
		// Each River migration commits on its own (one adds an enum value the next uses), so
		// the lock is held by a transaction on a separate connection for the whole run; if this
		// process dies, PostgreSQL ends the transaction and the lock with it.
		lock, err := d.Writer().BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("jobs: migrate: %w", err)
		}
		defer func() { _ = lock.Rollback() }()
		if _, err := lock.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", riverMigrationLock); err != nil {
			return fmt.Errorf("jobs: migrate: lock: %w", err)
		}
	}
	m, err := rivermigrate.New(driver(d), &rivermigrate.Config{Logger: riverLogger(logger)})
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate River tables: %w", err)
	}
	if len(res.Versions) > 0 {
		versions := make([]int, len(res.Versions))
		for i, v := range res.Versions {
			versions[i] = v.Version
		}
		logger.Info("migrated River tables", "versions", versions)
	}
	return nil
}

// riverLogger passes River's warnings and errors to the app's log and drops its chatter (leader
// elected, queue started, …), which at info level would drown the app's own lines.
func riverLogger(l *slog.Logger) *slog.Logger {
	return slog.New(minLevel{h: l.Handler(), min: slog.LevelWarn}).With("component", "river")
}

// minLevel is a slog.Handler that drops records below min.
type minLevel struct {
	h   slog.Handler
	min slog.Level
}

// Enabled implements slog.Handler.
func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }

// WithAttrs implements slog.Handler.
func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h: m.h.WithAttrs(as), min: m.min}
}

// WithGroup implements slog.Handler.
func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h: m.h.WithGroup(name), min: m.min}
}
