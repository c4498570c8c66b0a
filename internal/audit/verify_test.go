package audit

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// exec runs tampering SQL, failing the test if the database refuses it.
func exec(t *testing.T, d *db.DB, query string, args ...any) {
	t.Helper()
	if _, err := d.Exec(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// storedRow reads row id as stored, for forging rows the way an informed attacker would.
func storedRow(t *testing.T, d *db.DB, id int64) row {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT `+columns+` FROM audit_log WHERE id = ?`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("row %d not found", id)
	}
	r, err := scan(rows)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// insertRow writes r as it is, bypassing Append and the head.
func insertRow(t *testing.T, d *db.DB, r row) {
	t.Helper()
	var actorID any
	if r.actorID.Valid {
		id, err := strconv.ParseInt(r.actorID.String, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		actorID = id
	}
	exec(t, d, `INSERT INTO audit_log (`+columns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.id, r.at, actorID, r.actor, r.role, r.action, r.targetType, r.targetID, r.regionCode, r.ip,
		r.detail, r.prevHash, r.hash)
}

func TestVerifyDetectsTampering(t *testing.T) {
	const n = 60
	tests := []struct {
		name   string
		tamper func(t *testing.T, d *db.DB)
		want   Result
	}{
		{
			name:   "detail of a middle row edited",
			tamper: func(t *testing.T, d *db.DB) { exec(t, d, `UPDATE audit_log SET detail = '{"seq":0}' WHERE id = 30`) },
			want:   Result{Checked: 29, BrokenAt: 30, Reason: "row 30: hash does not match its contents (edited)"},
		},
		{
			name:   "actor edited",
			tamper: func(t *testing.T, d *db.DB) { exec(t, d, `UPDATE audit_log SET actor = 'someone_else' WHERE id = 30`) },
			want:   Result{Checked: 29, BrokenAt: 30, Reason: "row 30: hash does not match its contents (edited)"},
		},
		{
			name: "time edited",
			tamper: func(t *testing.T, d *db.DB) {
				exec(t, d, `UPDATE audit_log SET at = '2025-03-03T08:30:29.000000Z' WHERE id = 31`)
			},
			want: Result{Checked: 30, BrokenAt: 31, Reason: "row 31: hash does not match its contents (edited)"},
		},
		{
			name:   "actor id cleared",
			tamper: func(t *testing.T, d *db.DB) { exec(t, d, `UPDATE audit_log SET actor_id = NULL WHERE id = 2`) },
			want:   Result{Checked: 1, BrokenAt: 2, Reason: "row 2: hash does not match its contents (edited)"},
		},
		{
			name:   "middle row deleted",
			tamper: func(t *testing.T, d *db.DB) { exec(t, d, `DELETE FROM audit_log WHERE id = 30`) },
			want:   Result{Checked: 29, BrokenAt: 30, Reason: "row 30 is missing between rows 29 and 31 (deleted)"},
		},
		{
			name:   "several middle rows deleted",
			tamper: func(t *testing.T, d *db.DB) { exec(t, d, `DELETE FROM audit_log WHERE id BETWEEN 30 AND 33`) },
			want:   Result{Checked: 29, BrokenAt: 30, Reason: "rows 30–33 are missing between rows 29 and 34 (deleted)"},
		},
		{
			name:   "last row deleted",
			tamper: func(t *testing.T, d *db.DB) { exec(t, d, `DELETE FROM audit_log WHERE id = ?`, n) },
			want: Result{Checked: n - 1, BrokenAt: n,
				Reason: "the head says the newest row is 60 but the log ends at 59: row 60 is missing (newest rows deleted)"},
		},
		{
			name:   "first row deleted",
			tamper: func(t *testing.T, d *db.DB) { exec(t, d, `DELETE FROM audit_log WHERE id = 1`) },
			want:   Result{BrokenAt: 1, Reason: "row 1 is missing: the log starts at row 2 (oldest rows deleted)"},
		},
		{
			name: "row replaced, forged hash",
			tamper: func(t *testing.T, d *db.DB) {
				r := storedRow(t, d, 30)
				exec(t, d, `DELETE FROM audit_log WHERE id = 30`)
				r.actor = "someone_else" // the old hash stays: the forger cannot make one that fits
				insertRow(t, d, r)
			},
			want: Result{Checked: 29, BrokenAt: 30, Reason: "row 30: hash does not match its contents (edited)"},
		},
		{
			name: "row replaced, hash recomputed",
			tamper: func(t *testing.T, d *db.DB) {
				r := storedRow(t, d, 30)
				exec(t, d, `DELETE FROM audit_log WHERE id = 30`)
				r.actor = "someone_else"
				r.hash = r.computeHash() // a forger who knows the recipe; row 31 still points at the old hash
				insertRow(t, d, r)
			},
			want: Result{Checked: 30, BrokenAt: 31,
				Reason: "row 31: prev_hash does not match the hash of row 30 (row 30 replaced, or rewritten with a recomputed hash)"},
		},
		{
			name: "first row rewritten with its own chain start",
			tamper: func(t *testing.T, d *db.DB) {
				r := storedRow(t, d, 1)
				r.prevHash = "1" + GenesisHash[1:]
				r.hash = r.computeHash()
				exec(t, d, `DELETE FROM audit_log WHERE id = 1`)
				insertRow(t, d, r)
			},
			want: Result{BrokenAt: 1, Reason: "row 1: prev_hash is not the start of the chain (row 1 replaced)"},
		},
		{
			name: "newest row rewritten with a recomputed hash",
			tamper: func(t *testing.T, d *db.DB) {
				r := storedRow(t, d, n)
				r.detail = `{"seq":0}`
				r.hash = r.computeHash()
				exec(t, d, `UPDATE audit_log SET detail = ?, hash = ? WHERE id = ?`, r.detail, r.hash, r.id)
			},
			want: Result{Checked: n, BrokenAt: n, Reason: "row 60: its hash is not the one the head recorded (row or head rewritten)"},
		},
		{
			name: "row added beyond the head",
			tamper: func(t *testing.T, d *db.DB) {
				last := storedRow(t, d, n)
				r := row{id: n + 1, at: last.at, actor: "ghost", action: ActionLogin, detail: "{}", prevHash: last.hash}
				r.hash = r.computeHash()
				insertRow(t, d, r)
			},
			want: Result{Checked: n, OK: false, BrokenAt: n + 1,
				Reason: "row 61 lies beyond the chain head 60 (inserted outside the audit log)"},
		},
		{
			name:   "head deleted",
			tamper: func(t *testing.T, d *db.DB) { exec(t, d, `DELETE FROM audit_head`) },
			want:   Result{Reason: "the chain head (audit_head) is missing: it was deleted"},
		},
	}
	smallPages(t, 16)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				seed(t, testLog(), d, n)
				if res := mustVerify(t, d); !res.OK {
					t.Fatalf("before tampering: %+v", res)
				}
				tt.tamper(t, d)
				got := mustVerify(t, d)
				got.LastID, got.LastHash = 0, "" // what the head says is not the point here
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Verify (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestHashRecipe pins the recipe: rows already written must verify forever, so a change to
// computeHash must fail the fixed vector and become a new hashVersion instead. The other cases
// show the encoding is unambiguous: each change gives a hash of its own.
func TestHashRecipe(t *testing.T) {
	base := row{
		id: 7, at: "2025-03-03T08:30:00.123456Z", actorID: sql.NullString{String: "3", Valid: true},
		actor: "zhang.san", role: "district_approver", action: ActionApprove, targetType: "application",
		targetID: "A-17", regionCode: "370202", ip: "10.1.2.3", detail: `{"amount_fen":68000}`, prevHash: GenesisHash,
	}
	const fixed = "78178d26cd7a2985936d9111638bfd33af12cfd8003143c21d19adff01df75ed" // also computed independently in Python
	if got := base.computeHash(); got != fixed {
		t.Errorf("hash of the fixed row = %s, want %s", got, fixed)
	}
	tests := []struct {
		name     string
		change   func(r *row)
		wantSame bool // the change must not alter the hash
	}{
		{"NULL actor id", func(r *row) { r.actorID = sql.NullString{} }, false},
		{"empty actor id", func(r *row) { r.actorID = sql.NullString{Valid: true} }, false},
		{"text moved between fields", func(r *row) { r.actor, r.role = "zhang.sandistrict_approver", "" }, false},
		{"other id", func(r *row) { r.id = 8 }, false},
		{"other prev_hash", func(r *row) { r.prevHash = "1" + GenesisHash[1:] }, false},
		{"hash column ignored", func(r *row) { r.hash = "anything" }, true},
	}
	seen := map[string]string{fixed: "fixed vector"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			tt.change(&r)
			got := r.computeHash()
			if tt.wantSame {
				if got != fixed {
					t.Errorf("hash = %s, want it unchanged", got)
				}
				return
			}
			if other, dup := seen[got]; dup {
				t.Errorf("hash %s equals that of %s", got, other)
			}
			seen[got] = tt.name
		})
	}
}
