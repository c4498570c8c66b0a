package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// t0 is the first instant the test clock gives; every later call is one second on.
var t0 = time.Date(2025, time.March, 3, 8, 30, 0, 123456000, time.UTC)

// testLog returns a Log whose clock starts at t0 and ticks a second per append, safe for
// concurrent use.
func testLog() *Log {
	var mu sync.Mutex
	next := t0
	return &Log{Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := next
		next = next.Add(time.Second)
		return now
	}}
}

// event is the i-th event of a varied synthetic stream.
func event(i int) Event {
	actions := []string{ActionLogin, ActionPIIReveal, ActionApprove, ActionExport, ActionUserUpdate}
	regions := []string{"370202", "370203", "370211", ""}
	return Event{
		ActorID:    int64(i%7 + 1),
		Actor:      fmt.Sprintf("user%d", i%7+1),
		Role:       "street_officer",
		Action:     actions[i%len(actions)],
		TargetType: "household",
		TargetID:   fmt.Sprint(1000 + i),
		RegionCode: regions[i%len(regions)],
		IP:         "10.0.0.1",
		Detail:     map[string]any{"seq": i, "note": "第" + fmt.Sprint(i) + "条"},
	}
}

// seed appends n events and returns the records Append gave back.
func seed(t testing.TB, l *Log, d *db.DB, n int) []Record {
	t.Helper()
	out := make([]Record, 0, n)
	for i := range n {
		r, err := l.Record(context.Background(), d, event(i))
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		out = append(out, r)
	}
	return out
}

// mustVerify runs Verify and fails the test on a database error.
func mustVerify(t *testing.T, q db.Querier) Result {
	t.Helper()
	res, err := Verify(context.Background(), q, nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return res
}

// smallPages makes Verify read n rows per query for the rest of the test.
func smallPages(t *testing.T, n int) {
	t.Helper()
	old := verifyPage
	verifyPage = n
	t.Cleanup(func() { verifyPage = old })
}

func TestAppendAndVerify(t *testing.T) {
	smallPages(t, 64)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const n = 300
		recs := seed(t, testLog(), d, n)
		for i, r := range recs {
			if r.ID != int64(i+1) {
				t.Fatalf("record %d has id %d", i, r.ID)
			}
			wantPrev := GenesisHash
			if i > 0 {
				wantPrev = recs[i-1].Hash
			}
			if r.PrevHash != wantPrev {
				t.Fatalf("record %d: prev_hash %s, want %s", r.ID, r.PrevHash, wantPrev)
			}
		}
		var calls []int
		res, err := Verify(context.Background(), d, func(n int) { calls = append(calls, n) })
		if err != nil {
			t.Fatal(err)
		}
		want := Result{Checked: n, OK: true, LastID: n, LastHash: recs[n-1].Hash}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("Verify (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int{64, 128, 192, 256, 300}, calls); diff != "" {
			t.Errorf("progress calls (-want +got):\n%s", diff)
		}
	})
}

func TestVerifyEmpty(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		want := Result{OK: true, LastHash: GenesisHash}
		if diff := cmp.Diff(want, mustVerify(t, d)); diff != "" {
			t.Errorf("Verify of an empty log (-want +got):\n%s", diff)
		}
	})
}

// TestAppendRoundTrip checks that what Append returns is what Search reads back, on both engines,
// including text that PostgreSQL would refuse as it stands.
func TestAppendRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := Event{
			ActorID: 1 << 60, Actor: "bad\x00name\xff", Role: "auditor", Action: ActionPIIReveal,
			TargetType: "person", TargetID: "42", RegionCode: "370202001", IP: "2001:db8::1",
			Detail: map[string]any{"field": "id_number", "big": int64(1) << 60, "html": "<a&b>", "nested": map[string]any{"z": 1, "a": []any{true, nil}}},
		}
		got, err := testLog().Append(ctx, d, e)
		if err != nil {
			t.Fatal(err)
		}
		want := Record{ID: 1, At: t0.Truncate(time.Microsecond), Event: e, PrevHash: GenesisHash, Hash: got.Hash}
		want.Actor = "bad\uFFFDname\uFFFD"
		want.Detail = map[string]any{"field": "id_number", "big": json.Number("1152921504606846976"), "html": "<a&b>",
			"nested": map[string]any{"z": json.Number("1"), "a": []any{true, nil}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Append (-want +got):\n%s", diff)
		}
		found, total, err := Search(ctx, d, Filter{})
		if err != nil || total != 1 {
			t.Fatalf("Search = %d records, %v", total, err)
		}
		if diff := cmp.Diff(got, found[0]); diff != "" {
			t.Errorf("Search differs from Append (-append +search):\n%s", diff)
		}
		var detail string
		if err := d.QueryRow(ctx, `SELECT detail FROM audit_log WHERE id = 1`).Scan(&detail); err != nil {
			t.Fatal(err)
		}
		const wantDetail = `{"big":1152921504606846976,"field":"id_number","html":"<a&b>","nested":{"a":[true,null],"z":1}}`
		if detail != wantDetail {
			t.Errorf("stored detail %s, want %s", detail, wantDetail)
		}
		if res := mustVerify(t, d); !res.OK {
			t.Errorf("Verify: %+v", res)
		}
	})
}

func TestAppendInvalid(t *testing.T) {
	tests := []struct {
		name  string
		event Event
		field string
	}{
		{"no action", Event{}, "action"},
		{"upper case", Event{Action: "Auth.Login"}, "action"},
		{"trailing dot", Event{Action: "auth."}, "action"},
		{"leading dot", Event{Action: ".login"}, "action"},
		{"space", Event{Action: "auth login"}, "action"},
		{"digit", Event{Action: "auth.login2"}, "action"},
		{"negative actor", Event{Action: ActionLogin, ActorID: -1}, "actor_id"},
		{"NaN in detail", Event{Action: ActionExport, Detail: map[string]any{"x": math.NaN()}}, "detail"},
		{"channel in detail", Event{Action: ActionExport, Detail: map[string]any{"x": make(chan int)}}, "detail"},
		{"huge detail", Event{Action: ActionExport, Detail: map[string]any{"x": strings.Repeat("a", maxDetail)}}, "detail"},
	}
	d := dbtest.SQLite(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := testLog().Append(context.Background(), d, tt.event)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || ae.Field != tt.field {
				t.Errorf("Append error = %v; want invalid %s", err, tt.field)
			}
		})
	}
	if res := mustVerify(t, d); res.Checked != 0 || !res.OK {
		t.Errorf("rejected events left rows: %+v", res)
	}
}

func TestClean(t *testing.T) {
	long := strings.Repeat("民", 100) // 300 bytes, 3 a character
	tests := []struct{ name, in, want string }{
		{"plain", "zhang.san", "zhang.san"},
		{"NUL", "a\x00b", "a\uFFFDb"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"cut at a character boundary", long, strings.Repeat("民", 85)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clean(tt.in); got != tt.want {
				t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAppendRolledBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := testLog()
		seed(t, l, d, 5)
		errApprove := errors.New("approval failed after the audit row")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := l.Append(ctx, tx, Event{Actor: "li", Action: ActionApprove}); err != nil {
				return err
			}
			return errApprove
		})
		if !errors.Is(err, errApprove) {
			t.Fatalf("InTx = %v", err)
		}
		if _, total, err := Search(ctx, d, Filter{}); err != nil || total != 5 {
			t.Errorf("after rollback: %d rows, %v; want 5", total, err)
		}
		if res := mustVerify(t, d); !res.OK || res.Checked != 5 {
			t.Errorf("Verify after rollback: %+v", res)
		}
		r, err := l.Record(ctx, d, Event{Actor: "li", Action: ActionApprove})
		if err != nil || r.ID != 6 {
			t.Errorf("next append: id %d, %v; want 6", r.ID, err)
		}
		if res := mustVerify(t, d); !res.OK || res.Checked != 6 {
			t.Errorf("Verify after next append: %+v", res)
		}
	})
}
