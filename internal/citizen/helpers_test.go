package citizen_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// phone is the number most tests sign in with; masked is how pages and the audit log show it.
const (
	phone  = "13812345678"
	masked = "138****5678"
	ip     = "10.0.0.1"
)

// env is a Service over a fresh database with a fake clock and a recording sender.
type env struct {
	ctx    context.Context
	d      *db.DB
	svc    *citizen.Service
	clock  *clock
	sender *recorder
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatalf("keyring: %v", err)
	}
	c := &clock{t: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
	r := &recorder{}
	svc := &citizen.Service{DB: d, Keys: keys, Audit: &audit.Log{Now: c.Now}, Sender: r, Now: c.Now,
		Rules: citizen.DefaultRules}
	return &env{ctx: context.Background(), d: d, svc: svc, clock: c, sender: r}
}

// request asks for a code for p from ip and returns the code the sender got.
func (e *env) request(t *testing.T, p, from string) string {
	t.Helper()
	n := e.sender.count()
	if err := e.svc.RequestCode(e.ctx, p, from); err != nil {
		t.Fatalf("RequestCode(%q, %q): %v", p, from, err)
	}
	e.sender.mu.Lock()
	defer e.sender.mu.Unlock()
	if len(e.sender.sent) != n+1 {
		t.Fatalf("RequestCode sent %d codes, want 1", len(e.sender.sent)-n)
	}
	return e.sender.sent[n].code
}

// signIn requests a code for phone and verifies it, failing the test if either step fails.
func (e *env) signIn(t *testing.T) (string, *citizen.Citizen) {
	t.Helper()
	code := e.request(t, phone, ip)
	secret, c, err := e.svc.Verify(e.ctx, phone, code, ip)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return secret, c
}

// wrongCode returns a well-formed code that differs from code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// auditEvents returns "action actor reason" of every audit record whose action starts with
// "citizen.", oldest first.
func (e *env) auditEvents(t *testing.T) []string {
	t.Helper()
	recs, _, err := audit.Search(e.ctx, e.d, audit.Filter{Action: "citizen.", PerPage: audit.MaxPerPage})
	if err != nil {
		t.Fatalf("audit search: %v", err)
	}
	out := make([]string, len(recs))
	for i, r := range recs {
		s := r.Action + " " + r.Actor
		if reason, ok := r.Detail["reason"]; ok {
			s += " " + reason.(string)
		}
		if limit, ok := r.Detail["limit"]; ok {
			s += " " + limit.(string)
		}
		out[len(recs)-1-i] = s
	}
	return out
}

// wantErr checks that err is an *apperr.Error of kind about field, with a message from the
// catalogue (a missing key renders as «key»).
func wantErr(t *testing.T, err error, kind apperr.Kind, field string) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want kind %d field %q", kind, field)
	}
	ae := apperr.As(err)
	if ae.Kind != kind || ae.Field != field {
		t.Fatalf("err = %v (kind %d, field %q), want kind %d field %q", err, ae.Kind, ae.Field, kind, field)
	}
	if strings.Contains(ae.Message, "«") {
		t.Fatalf("message %q is missing from the catalogue", ae.Message)
	}
	return ae
}

// tableText returns every value of every row of table as text.
func (e *env) tableText(t *testing.T, table string) string {
	t.Helper()
	rows, err := e.d.Query(e.ctx, `SELECT * FROM `+table)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("scan %s: %v", table, err)
		}
		for _, v := range vals {
			out = append(out, v.String)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "|")
}

// count returns the number of rows in table.
func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.d.QueryRow(e.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// chainIntact fails the test if the audit chain does not verify.
func (e *env) chainIntact(t *testing.T) {
	t.Helper()
	res, err := audit.Verify(e.ctx, e.d, nil)
	if err != nil || !res.OK {
		t.Fatalf("audit verify = %+v, %v", res, err)
	}
}
