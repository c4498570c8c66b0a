package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migrations are numbered SQL files (0001_name.sql) embedded in the binary. A landed file is never
// edited: a change to the schema is a new file. Column types that differ between engines are
// written as tokens ({{ID}}, {{TIMESTAMP}}, {{BLOB}}, {{BOOL}}) that dialect.go expands.

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations in order. It fails on a badly named or duplicate file,
// so such a mistake cannot reach a database.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: name must be NNNN_description.sql", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %q and %q share version %d", other, name, v)
		}
		seen[v] = name
		body, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every embedded migration the database has not seen, each in its own transaction
// together with its row in schema_migrations: a migration that fails leaves no trace. Two
// processes migrating at once are serialised. It returns the versions it applied.
func (d *DB) Migrate(ctx context.Context) ([]int, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	if _, err := d.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []int
	for _, m := range all {
		did, err := d.applyOne(ctx, m)
		if err != nil {
			return applied, err
		}
		if did {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}

func (d *DB) applyOne(ctx context.Context, m Migration) (bool, error) {
	did := false
	err := d.InTx(ctx, func(tx *Tx) error {
		if lock := d.dialect.migrationLock(); lock != "" {
			if _, err := tx.Exec(ctx, lock); err != nil {
				return fmt.Errorf("migration lock: %w", err)
			}
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for i, stmt := range splitStatements(d.dialect.expandDDL(m.SQL)) {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("migration %04d_%s, statement %d: %w", m.Version, m.Name, i+1, err)
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, CURRENT_TIMESTAMP)`,
			m.Version, m.Name); err != nil {
			return err
		}
		did = true
		return nil
	})
	return did, err
}

// Version returns the highest applied migration, 0 for an empty database.
func (d *DB) Version(ctx context.Context) (int, error) {
	var v int
	err := d.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// splitStatements cuts a migration file into statements at semicolons that end a line, outside
// string literals, and drops comment-only lines.
func splitStatements(script string) []string {
	var out []string
	var cur strings.Builder
	inString := false
	for _, line := range strings.Split(script, "\n") {
		trimmed := strings.TrimSpace(line)
		if !inString && (trimmed == "" || strings.HasPrefix(trimmed, "--")) {
			continue
		}
		inString = inString != (strings.Count(line, "'")%2 == 1)
		cur.WriteString(line)
		cur.WriteByte('\n')
		if !inString && strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
