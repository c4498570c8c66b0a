package db_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		applied, err := d.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
		v, err := d.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := db.Migrations()
		if v != all[len(all)-1].Version {
			t.Fatalf("version %d, want %d", v, all[len(all)-1].Version)
		}
	})
}

func TestInTxRollsBackOnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO regions (code, name, level) VALUES (?, ?, ?)`, "99", "测试省", 1); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE code = ?`, "99").Scan(&n); err != nil || n != 1 {
				t.Errorf("inside tx: n=%d err=%v, want 1 row", n, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v, want boom", err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE code = ?`, "99").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("row survived rollback")
		}
	})
}

func TestInTxCommits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO regions (code, name, level) VALUES (?, ?, ?)`, "98", "测试省", 1)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var name string
		if err := d.QueryRow(ctx, `SELECT name FROM regions WHERE code = ?`, "98").Scan(&name); err != nil || name != "测试省" {
			t.Fatalf("name=%q err=%v", name, err)
		}
	})
}

func TestForeignKeysEnforced(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		_, err := d.Exec(context.Background(), `INSERT INTO regions (code, name, parent_code, level) VALUES (?, ?, ?, ?)`, "9901", "孤儿市", "no-such", 2)
		if err == nil {
			t.Fatal("insert with a missing parent succeeded; foreign keys are off")
		}
	})
}

func TestOpenUnreachablePostgresNamesHost(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5e9)
	defer cancel()
	_, err := db.Open(ctx, "postgres://nobody:pw@127.0.0.1:1/none?connect_timeout=2")
	if err == nil {
		t.Fatal("open succeeded against port 1")
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") || strings.Contains(err.Error(), "pw@") {
		t.Fatalf("error %q should name the host and hide the password", err)
	}
}

func TestSQLiteCreatesFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "m.db")
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
}
