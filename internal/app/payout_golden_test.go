package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/payout"
)

// goldenUpdate rewrites the golden files of testdata instead of comparing with them.
var goldenUpdate = flag.Bool("update", false, "rewrite the golden files under testdata")

// payoutGoldenClock is the instant the golden demo city lives at. The demo takes its dates from
// Main.Now, so pinning it makes the city, its cases and the roster month the same on every run.
var payoutGoldenClock = time.Date(2025, time.June, 16, 10, 0, 0, 0, civil.China)

// startDemoAt is startDemo with the clock pinned at now.
func startDemoAt(t *testing.T, dsn string, now time.Time) *Main {
	t.Helper()
	m := NewMain()
	m.Demo = true
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Getenv = func(string) string { return "" }
	m.Now = func() time.Time { return now }
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DataDir = t.TempDir()
	m.Config.DB = dsn
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// TestPayoutGolden generates and approves, as the demo's 崂山区 approver, the 低保 roster of the
// month after the demo's current month, and compares a text rendering of it (the roster, its
// ledger posting, one line per roster line) with testdata/payout/dibao-370212.golden: the same
// on every run and on both databases. go test ./internal/app -run TestPayoutGolden -update
// rewrites it (from SQLite; PostgreSQL, when set, is then compared with what SQLite wrote).
func TestPayoutGolden(t *testing.T) {
	path := filepath.Join("testdata", "payout", "dibao-370212.golden")
	run := func(t *testing.T, dsn string, update bool) {
		got := payoutGolden(t, startDemoAt(t, dsn, payoutGoldenClock))
		if update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if d := cmp.Diff(string(want), got); d != "" {
			t.Fatalf("roster differs from %s (-golden +got):\n%s", path, d)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "", *goldenUpdate) })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.PostgresDSN(t), false) })
	}
}

// payoutGolden generates and approves the roster and renders it.
func payoutGolden(t *testing.T, m *Main) string {
	t.Helper()
	ctx := context.Background()
	const district = "370212"
	p := &auth.Principal{Login: "laoshan", Role: auth.DistrictApprover, Scope: district}
	if err := m.DB.QueryRow(ctx, `SELECT id FROM users WHERE login = ?`, p.Login).Scan(&p.UserID); err != nil {
		t.Fatalf("demo user laoshan: %v", err)
	}
	month := civil.MonthOf(civil.Today(m.Now())).Next()
	r, err := m.svc.payout.Generate(ctx, p, month, "dibao", district)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = m.svc.payout.Approve(ctx, p, r.ID, r.Version, ""); err != nil {
		t.Fatal(err)
	}
	if v, err := m.svc.payout.Verify(ctx); err != nil || len(v.Problems) > 0 {
		t.Fatalf("ledger: %v %v", v.Problems, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# 低保 roster of %s, district %s: demo seed %d, clock %s\n", r.Month, r.District, m.DemoSeed,
		m.Now().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "status %s, %d lines, %d households, %d persons, total %s\n", r.Status, r.Lines, r.Households, r.Persons, r.Total.Plain())
	rows, sum, err := m.svc.payout.TrialBalance(ctx, auth.System(), r.Month)
	if err != nil {
		t.Fatal(err)
	}
	for _, bal := range rows {
		fmt.Fprintf(&b, "ledger %-24s debits %12s credits %12s closing %13s\n", bal.Account, bal.Debits.Plain(), bal.Credits.Plain(), bal.Closing.Plain())
	}
	fmt.Fprintf(&b, "ledger closing sum %s\n", sum.Plain())
	b.WriteString("# household kind amount months account\n")
	n := 0
	err = m.svc.payout.EachLine(ctx, p, r.ID, func(l payout.Line, _ string) error {
		n++
		account := l.AccountMasked
		if account == "" {
			account = "-"
		}
		fmt.Fprintf(&b, "%d %s %s %s..%s %s\n", l.HouseholdID, l.Kind, l.Amount.Plain(), l.From, l.To, account)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != r.Lines || n == 0 {
		t.Fatalf("%d lines rendered, roster has %d", n, r.Lines)
	}
	return b.String()
}
