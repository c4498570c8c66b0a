package app

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/synth"
)

// TestDemoCasesSmallCity starts a demo of a few hundred households: the cases degrade to what
// those households allow, and the demo still starts.
func TestDemoCasesSmallCity(t *testing.T) {
	m := NewMain()
	m.Demo, m.DemoHouseholds = true, 200
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Getenv = func(string) string { return "" }
	m.Config.Addr, m.Config.DataDir = "127.0.0.1:0", t.TempDir()
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	s := readDemoCases(t, m)
	if len(s.apps) < 20 {
		t.Errorf("a 200-household demo has %d cases", len(s.apps))
	}
}

// BenchmarkDemoCases measures what the demo's cases add to the start of a demo city of 3000
// households (the default), on SQLite and, when configured, PostgreSQL: the city and its
// households are made outside the timer.
func BenchmarkDemoCases(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchmarkDemoCases(b, func() string { return "" }) })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { benchmarkDemoCases(b, func() string { return dbtest.PostgresDSN(b) }) })
	}
}

func benchmarkDemoCases(b *testing.B, dsn func() string) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		m := NewMain()
		m.Stdout, m.Stderr = io.Discard, io.Discard
		m.Getenv = func(string) string { return "" }
		m.Config.Addr, m.Config.DataDir, m.Config.DB = "127.0.0.1:0", b.TempDir(), dsn()
		if err := m.Run(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := synth.Regions(ctx, m.DB, m.DemoSeed); err != nil {
			b.Fatal(err)
		}
		if _, _, err := generateHouseholds(ctx, m.svc, m.DemoSeed, m.DemoHouseholds, nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := generateDemoCases(ctx, m.svc, int64(m.DemoSeed), m.Now)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(n), "cases")
		m.Close()
		b.StartTimer()
	}
}
