package db

import (
	"strings"
	"testing"
)

func TestRebind(t *testing.T) {
	tests := []struct {
		name, in, sqlite, postgres string
	}{
		{"none", "SELECT 1", "SELECT 1", "SELECT 1"},
		{"two", "SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2"},
		{"literal", "SELECT '?' , ?", "SELECT '?' , ?", "SELECT '?' , $1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SQLite.Rebind(tt.in); got != tt.sqlite {
				t.Errorf("sqlite: got %q, want %q", got, tt.sqlite)
			}
			if got := Postgres.Rebind(tt.in); got != tt.postgres {
				t.Errorf("postgres: got %q, want %q", got, tt.postgres)
			}
		})
	}
}

func TestSplitStatements(t *testing.T) {
	script := "-- comment\nCREATE TABLE a (x TEXT DEFAULT 'a;\nb');\n\nINSERT INTO a VALUES ('c');\nSELECT 1"
	got := splitStatements(script)
	want := []string{"CREATE TABLE a (x TEXT DEFAULT 'a;\nb')", "INSERT INTO a VALUES ('c')", "SELECT 1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestMigrationsAreWellFormed(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("migration %d has version %d: versions must be 1, 2, 3 … without gaps", i+1, m.Version)
		}
	}
}

func TestDescribePostgresHidesPassword(t *testing.T) {
	got := describePostgres("postgres://u:secret@db.example:5432/minzheng")
	if strings.Contains(got, "secret") || !strings.Contains(got, "db.example:5432") {
		t.Fatalf("describePostgres = %q", got)
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	d, err := Open(t.Context(), t.TempDir()+"/m.db")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	bad := Migration{Version: 999, Name: "bad", SQL: "CREATE TABLE half_done (x TEXT);\nCREATE TABLE broken (;\n"}
	if _, err := d.applyOne(t.Context(), bad); err == nil || !strings.Contains(err.Error(), "statement 2") {
		t.Fatalf("bad migration: err = %v, want failure at statement 2", err)
	}
	var n int
	if err := d.QueryRow(t.Context(), `SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("half_done table survived the failed migration (n=%d, err=%v)", n, err)
	}
	if err := d.QueryRow(t.Context(), `SELECT COUNT(*) FROM schema_migrations WHERE version = 999`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("failed migration recorded as applied")
	}
}
