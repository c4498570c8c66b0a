// Package db opens Minzheng's database — an embedded SQLite file or a PostgreSQL server — and
// gives domain packages one way to run SQL on either: "?" placeholders, a transaction helper, and
// embedded numbered migrations.
//
// Why two engines: SQLite (modernc.org/sqlite, pure Go, no cgo) lets one office or a demo run the
// binary with no server at all; PostgreSQL (pgx) serves a whole city with several app processes on
// one database. Both are first-class and every store test runs on both. Every vendor difference
// lives in dialect.go.
//
// SQLite runs with one writer connection (writes are serialised in-process, so SQLITE_BUSY is rare
// and never a deadlock) and a separate pool of read-only connections that WAL lets run alongside it.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Querier is what both a DB and a Tx offer, so store functions can run inside or outside a
// transaction.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// DB is an open database: a writer pool and a reader pool (the same pool on PostgreSQL).
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	where   string // human description for error messages, without secrets
}

// Open connects to dsn — a SQLite file path or a postgres:// URL — and checks that the database
// answers. It does not migrate; call Migrate for that. The error for an unreachable server names
// the host, never the password.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("database: empty DSN")
	}
	if IsPostgresDSN(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	where := describePostgres(dsn)
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid DSN: %w", where, err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{dialect: Postgres, write: pool, read: pool, where: where}
	if err := d.ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return d, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	where := "SQLite file " + path
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("%s: cannot create folder: %w", where, err)
		}
	}
	write, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	// The writer must create the file and switch it to WAL before any reader opens it.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("%s: cannot open: %w", where, err)
	}
	read, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	d := &DB{dialect: SQLite, write: write, read: read, where: where}
	if err := d.ping(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *DB) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.write.PingContext(ctx); err != nil {
		return fmt.Errorf("cannot connect to %s: %s", d.where, oneLine(err))
	}
	if err := d.read.PingContext(ctx); err != nil {
		return fmt.Errorf("cannot connect to %s: %s", d.where, oneLine(err))
	}
	return nil
}

// oneLine folds a driver's multi-line error (pgx lists every address it tried) into one line
// without repeats, so start-up failures read as a single clear line.
func oneLine(err error) string {
	var parts []string
	seen := map[string]bool{}
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !seen[line] {
			seen[line] = true
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " ")
}

// Ping checks that the database still answers; /readyz uses it.
func (d *DB) Ping(ctx context.Context) error { return d.ping(ctx) }

// Dialect tells which engine this is.
func (d *DB) Dialect() Dialect { return d.dialect }

// String describes the database for logs, without secrets.
func (d *DB) String() string { return d.where }

// Close closes both pools.
func (d *DB) Close() error {
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Exec runs a statement that changes data, on the writer.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.write.ExecContext(ctx, d.dialect.Rebind(query), args...)
}

// Query runs a read-only query on the reader pool.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.read.QueryContext(ctx, d.dialect.Rebind(query), args...)
}

// QueryRow runs a read-only single-row query on the reader pool.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return d.read.QueryRowContext(ctx, d.dialect.Rebind(query), args...)
}

// Tx is a write transaction. Reads inside it see its own uncommitted writes.
//
// A transaction that runs the same statement many times (an import of forty thousand
// households) would spend a third of its time parsing SQL. On SQLite each statement text is
// therefore prepared once per transaction and reused, and closed with the transaction. On
// PostgreSQL pgx already keeps a prepared-statement cache per connection that outlives the
// transaction; preparing again here would add a Parse and a Deallocate round trip to every
// short transaction (it halved the meal counter's throughput), so the cache is left to pgx.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
	stmts   map[string]*sql.Stmt
}

// maxCachedStmts bounds the per-transaction cache: statements built with a varying number of
// placeholders (multi-row inserts) would otherwise fill it.
const maxCachedStmts = 64

// stmt returns the prepared form of query, preparing it on first use; nil means "run it
// unprepared" (PostgreSQL, whose driver caches per connection, or the cache is full).
func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if t.dialect == Postgres {
		return nil, nil
	}
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	if len(t.stmts) >= maxCachedStmts {
		return nil, nil
	}
	s, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[query] = s
	return s, nil
}

// InTx runs fn in one write transaction: committed if fn returns nil, rolled back otherwise
// (and on panic, which is re-raised). A workflow step that touches several tables uses this.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(&Tx{tx: sqlTx, dialect: d.dialect}); err != nil {
		if rbErr := sqlTx.Rollback(); rbErr != nil {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Exec runs a statement inside the transaction.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = t.dialect.Rebind(query)
	if len(args) > 0 {
		s, err := t.stmt(ctx, query)
		if err != nil {
			return nil, err
		}
		if s != nil {
			return s.ExecContext(ctx, args...)
		}
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// Query runs a query inside the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = t.dialect.Rebind(query)
	if len(args) > 0 {
		s, err := t.stmt(ctx, query)
		if err != nil {
			return nil, err
		}
		if s != nil {
			return s.QueryContext(ctx, args...)
		}
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRow runs a single-row query inside the transaction.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = t.dialect.Rebind(query)
	if len(args) > 0 {
		if s, err := t.stmt(ctx, query); err == nil && s != nil {
			return s.QueryRowContext(ctx, args...)
		}
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// Dialect tells which engine the transaction runs on.
func (t *Tx) Dialect() Dialect { return t.dialect }
