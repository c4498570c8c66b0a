package meals

import (
	"testing"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestPrepareStats checks the hourly summing: it leaves every closed period since the first meal
// summed at its current version (February as a month, 1–18 March day by day, on 20 March), sums
// again a month a history load changed, and the statistics read after it still match counting the
// meals one by one. An empty database has nothing to prepare.
func TestPrepareStats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		empty := newFixture(t, d, day(2024, 3, 20))
		if err := empty.s.PrepareStats(empty.ctx); err != nil {
			t.Fatalf("an empty database: %v", err)
		}
		c := newStatsStale(t, d)
		f := c.f
		// stale counts the periods a read of February and March uses (the day rows of February a
		// writer marks while March runs are not read once February is summed as a month).
		stale := func() (summed, pending int) {
			t.Helper()
			if err := f.d.QueryRow(f.ctx, `SELECT
				COALESCE(SUM(CASE WHEN version = built_version THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN version <> built_version THEN 1 ELSE 0 END), 0)
				FROM meal_stats_periods WHERE period = '2024-02' OR period BETWEEN '2024-03-01' AND '2024-03-18'`).Scan(&summed, &pending); err != nil {
				t.Fatal(err)
			}
			return summed, pending
		}
		if err := f.s.PrepareStats(f.ctx); err != nil {
			t.Fatal(err)
		}
		// February, and 1–18 March: the 19th is not closed on the 20th.
		if summed, pending := stale(); summed != 19 || pending != 0 {
			t.Fatalf("after preparing: %d periods summed, %d pending; want 19 and 0", summed, pending)
		}
		if _, err := f.s.RecordHistory(f.ctx, []HistoricMeal{c.meal(c.other, c.lateFeb)}); err != nil {
			t.Fatal(err)
		}
		if _, pending := stale(); pending != 1 {
			t.Fatalf("a history load into February left %d periods pending, want 1", pending)
		}
		if err := f.s.PrepareStats(f.ctx); err != nil {
			t.Fatal(err)
		}
		if summed, pending := stale(); summed != 19 || pending != 0 {
			t.Fatalf("after preparing again: %d periods summed, %d pending; want 19 and 0", summed, pending)
		}
		c.read(t, "after preparing")
	})
}
