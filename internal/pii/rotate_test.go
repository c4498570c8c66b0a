package pii

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

var rotCols = []Column{
	{Table: "pii_rot_test", Key: "id", Sealed: "id_number_sealed", Field: "pii_rot_test.id_number"},
	{Table: "pii_rot_test", Key: "id", Sealed: "phone_sealed", Field: "pii_rot_test.phone"},
}

// setupRotation creates a test table with n rows: ID numbers sealed under kr's current key, and
// phones on every other row (the rest empty or NULL, which Rotate must leave alone).
func setupRotation(t *testing.T, d *db.DB, kr *Keyring, n int) map[int64][2]string {
	t.Helper()
	ctx := context.Background()
	if _, err := d.Exec(ctx, `CREATE TABLE pii_rot_test (
		id INTEGER PRIMARY KEY, id_number_sealed TEXT NOT NULL, phone_sealed TEXT)`); err != nil {
		t.Fatal(err)
	}
	want := map[int64][2]string{}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		for i := 1; i <= n; i++ {
			idn := fmt.Sprintf("3702121980%08d", i)
			sid, err := kr.Seal(idn, rotCols[0].Field)
			if err != nil {
				return err
			}
			var phone any // NULL
			plainPhone := ""
			switch i % 3 {
			case 1:
				plainPhone = fmt.Sprintf("138%08d", i)
				if phone, err = kr.Seal(plainPhone, rotCols[1].Field); err != nil {
					return err
				}
			case 2:
				phone = ""
			}
			// Insert in a scattered order so that ORDER BY matters.
			id := int64((i*7919)%n + 1)
			if _, err := tx.Exec(ctx, `INSERT INTO pii_rot_test (id, id_number_sealed, phone_sealed) VALUES (?, ?, ?)`,
				id, sid, phone); err != nil {
				return err
			}
			want[id] = [2]string{idn, plainPhone}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// readRotation opens every row and counts rows per key version and column.
func readRotation(t *testing.T, d *db.DB, kr *Keyring) (map[int64][2]string, map[string]int) {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT id, id_number_sealed, phone_sealed FROM pii_rot_test`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int64][2]string{}
	versions := map[string]int{}
	for rows.Next() {
		var id int64
		var sid string
		var sphone *string
		if err := rows.Scan(&id, &sid, &sphone); err != nil {
			t.Fatal(err)
		}
		idn, err := kr.Open(sid, rotCols[0].Field)
		if err != nil {
			t.Fatalf("row %d id number: %v", id, err)
		}
		versions[fmt.Sprintf("id_number v%d", Version(sid))]++
		phone := ""
		if sphone != nil && *sphone != "" {
			if phone, err = kr.Open(*sphone, rotCols[1].Field); err != nil {
				t.Fatalf("row %d phone: %v", id, err)
			}
			versions[fmt.Sprintf("phone v%d", Version(*sphone))]++
		}
		got[id] = [2]string{idn, phone}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got, versions
}

func TestRotateResumes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		kr := testKeyring(t)
		want := setupRotation(t, d, kr, 250)
		if _, err := kr.AddKey(); err != nil {
			t.Fatal(err)
		}

		// First run: cancelled after the first committed batch.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var calls []string
		n, err := Rotate(ctx, d, kr, rotCols, 100, func(col Column, done, remaining int) {
			calls = append(calls, fmt.Sprintf("%s %d/%d", col.Sealed, done, remaining))
			cancel()
		})
		if !errors.Is(err, context.Canceled) || n != 100 {
			t.Fatalf("interrupted Rotate = %d, %v; want 100, context.Canceled", n, err)
		}
		_, versions := readRotation(t, d, kr)
		if d := cmp.Diff(map[string]int{"id_number v1": 150, "id_number v2": 100, "phone v1": 84}, versions); d != "" {
			t.Errorf("versions after interruption (-want +got):\n%s", d)
		}

		// Second run: finishes the rest of both columns.
		calls = nil
		n, err = Rotate(context.Background(), d, kr, rotCols, 100, func(col Column, done, remaining int) {
			calls = append(calls, fmt.Sprintf("%s %d/%d", col.Sealed, done, remaining))
		})
		if err != nil || n != 150+84 {
			t.Fatalf("resumed Rotate = %d, %v; want %d", n, err, 150+84)
		}
		wantCalls := []string{"id_number_sealed 100/50", "id_number_sealed 150/0", "phone_sealed 84/0"}
		if d := cmp.Diff(wantCalls, calls); d != "" {
			t.Errorf("progress calls (-want +got):\n%s", d)
		}
		got, versions := readRotation(t, d, kr)
		if d := cmp.Diff(map[string]int{"id_number v2": 250, "phone v2": 84}, versions); d != "" {
			t.Errorf("versions after rotation (-want +got):\n%s", d)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("plaintexts changed (-want +got):\n%s", d)
		}

		// Third run: nothing left, nothing changed.
		before := snapshot(t, d)
		n, err = Rotate(context.Background(), d, kr, rotCols, 100, nil)
		if err != nil || n != 0 {
			t.Fatalf("third Rotate = %d, %v; want 0", n, err)
		}
		if d := cmp.Diff(before, snapshot(t, d)); d != "" {
			t.Errorf("a complete second run changed rows (-before +after):\n%s", d)
		}
	})
}

// snapshot returns the raw sealed texts, to prove a run changed nothing.
func snapshot(t *testing.T, d *db.DB) []string {
	t.Helper()
	rows, err := d.Query(context.Background(),
		`SELECT id_number_sealed || '|' || COALESCE(phone_sealed, 'NULL') FROM pii_rot_test ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestRotateStopsOnUnreadableRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		kr := testKeyring(t)
		setupRotation(t, d, kr, 10)
		// A value sealed for another column cannot be opened here.
		moved, _ := kr.Seal("370212198001011235", "other.column")
		if _, err := d.Exec(context.Background(), `UPDATE pii_rot_test SET id_number_sealed = ? WHERE id = 5`, moved); err != nil {
			t.Fatal(err)
		}
		if _, err := kr.AddKey(); err != nil {
			t.Fatal(err)
		}
		n, err := Rotate(context.Background(), d, kr, rotCols[:1], 3, nil)
		if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), "pii_rot_test.id_number_sealed: row id = 5") {
			t.Fatalf("Rotate = %d, %v; want ErrTampered naming row 5", n, err)
		}
		if n != 3 {
			t.Errorf("Rotate re-sealed %d rows before the bad batch, want 3", n)
		}
	})
}

func TestRotateRejectsBadArguments(t *testing.T) {
	d := dbtest.SQLite(t)
	kr := testKeyring(t)
	good := rotCols[0]
	tests := []struct {
		name  string
		col   Column
		batch int
		want  string
	}{
		{"injection in table", Column{"x; DROP TABLE persons", "id", "s", "f"}, 10, "not a plain lower-case SQL name"},
		{"quote in column", Column{"t", "id", `s"`, "f"}, 10, "not a plain lower-case SQL name"},
		{"upper case", Column{"Persons", "id", "s", "f"}, 10, "not a plain lower-case SQL name"},
		{"leading digit", Column{"t", "1id", "s", "f"}, 10, "not a plain lower-case SQL name"},
		{"empty key", Column{"t", "", "s", "f"}, 10, "not a plain lower-case SQL name"},
		{"too long", Column{strings.Repeat("a", 64), "id", "s", "f"}, 10, "not a plain lower-case SQL name"},
		{"no field", Column{"t", "id", "s", ""}, 10, "has no field name"},
		{"zero batch", good, 0, "batch size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Rotate(context.Background(), d, kr, []Column{tt.col}, tt.batch, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Rotate error = %v, want %q", err, tt.want)
			}
		})
	}
}
