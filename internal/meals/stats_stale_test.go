package meals

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/region"
)

// statsStale is a canteen with a diner and meals through February and March 2024, read on
// 20 March: February is summed as a month, 1 to 18 March day by day.
type statsStale struct {
	f                  *fixture
	canteen, lunch     int64
	diner, other       int64
	otherCard          string
	feb, mar           civil.Month
	operator           *auth.Principal
	lateFeb, lateMarch civil.Date
}

// newStatsStale builds the canteen, its two diners and the first diner's meals of February and
// March (a lunch every third day from 1 February to 19 March).
func newStatsStale(t *testing.T, d *db.DB) *statsStale {
	t.Helper()
	f := newFixture(t, d, day(2024, 3, 20))
	c := &statsStale{f: f, feb: civil.Month{Year: 2024, Month: 2}, mar: civil.Month{Year: 2024, Month: 3},
		lateFeb: day(2024, 2, 10), lateMarch: day(2024, 3, 5)}
	c.canteen, c.lunch = f.canteen(f.laoshan)
	c.diner, _ = f.histDiner(f.laoshan, day(1940, 5, 1), false)
	c.other, c.otherCard = f.histDiner(f.shinan, day(1942, 5, 1), false)
	c.operator = &auth.Principal{Login: "op", Role: auth.CanteenOperator, Scope: region.Scope(f.laoshan), OrgID: c.canteen}
	var meals []HistoricMeal
	for on := day(2024, 2, 1); on.Before(day(2024, 3, 20)); on = on.AddDays(3) {
		meals = append(meals, c.meal(c.diner, on))
	}
	if _, err := f.s.RecordHistory(f.ctx, meals); err != nil {
		t.Fatal(err)
	}
	return c
}

// meal is a lunch of diner on day on.
func (c *statsStale) meal(diner int64, on civil.Date) HistoricMeal {
	return HistoricMeal{CanteenID: c.canteen, DinerID: diner, MenuItemID: c.lunch, At: on.Time(civil.China).Add(12 * time.Hour)}
}

// read reads February and March for the city and fails unless they are what counting the meals
// one by one gives; it returns the total.
func (c *statsStale) read(t *testing.T, when string) StatsRow {
	t.Helper()
	got, err := c.f.s.Stats(c.f.ctx, c.f.admin, StatsFilter{From: c.feb, To: c.mar})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(naiveStats(t, c.f.d, got), got); diff != "" {
		t.Fatalf("%s (-counted one by one +Stats):\n%s", when, diff)
	}
	return got.Total
}

// TestStatsSumRacesAWriter: a meal recorded while a month is being summed (between the pass over
// its meals and the storing of its rows) moves the month's version, so the sum is not stored: the
// read counts that month from the meals, and the next read sums it again.
func TestStatsSumRacesAWriter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newStatsStale(t, d)
		f := c.f
		raced := 0
		statsBeforeStore = func(span statsPeriod) {
			if span.byDay || raced > 0 {
				return
			}
			raced++
			err := d.InTx(f.ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(f.ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code,
					meal_type, served_on, price_fen, diner_pays_fen, city_fen, channel, idempotency_key, created_at)
					VALUES (?, ?, ?, ?, 'lunch', ?, 1200, 600, 600, 'counter', 'race', ?)`, c.canteen, c.other, c.lunch, f.laoshan,
					c.lateFeb.String(), f.s.stamp()); err != nil {
					return err
				}
				return f.s.statsTouched(f.ctx, tx, c.lateFeb)
			})
			if err != nil {
				t.Error(err)
			}
		}
		t.Cleanup(func() { statsBeforeStore = nil })
		first := c.read(t, "the read that raced the writer")
		var version, built int64
		if err := d.QueryRow(f.ctx, `SELECT version, built_version FROM meal_stats_periods WHERE period = ?`, c.feb.String()).Scan(&version, &built); err != nil {
			t.Fatal(err)
		}
		if raced != 1 || version == built {
			t.Fatalf("raced %d times; February's version %d, summed at %d: the stale sum was stored", raced, version, built)
		}
		if second := c.read(t, "the next read"); second != first {
			t.Fatalf("the next read differs: %+v, then %+v", first, second)
		}
		if err := d.QueryRow(f.ctx, `SELECT version, built_version FROM meal_stats_periods WHERE period = ?`, c.feb.String()).Scan(&version, &built); err != nil || version != built {
			t.Fatalf("February's version %d, summed at %d (%v): not summed again", version, built, err)
		}
	})
}
