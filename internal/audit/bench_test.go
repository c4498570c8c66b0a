package audit

import (
	"context"
	"os"
	"testing"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// BenchmarkAppend measures one stand-alone append (its own transaction, head lock, insert, head
// update) on each engine; that is the cost every audited request pays.
func BenchmarkAppend(b *testing.B) {
	run := func(b *testing.B, d *db.DB) {
		l := &Log{}
		e := event(1)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := l.Record(context.Background(), d, e); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, dbtest.SQLite(b)) })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { run(b, dbtest.Postgres(b)) })
	}
}
