package meals

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/minzheng/minzheng/internal/civil"
)

// PrepareStats sums every closed period with meals, within the range a statistics page may ask
// for (StatsMaxMonths), that no reader has summed yet or that a writer has changed since: what
// the first reader would otherwise wait for after migration 0018 (about a second a month of a
// city's meals) or after a large history load. The server runs it hourly (job
// meals.stats_prepare); a run where nothing is stale reads one row per period and writes nothing.
func (s *Store) PrepareStats(ctx context.Context) error {
	today := s.today()
	last := statsLastClosed(today)
	from := civil.MonthOf(today).AddMonths(1 - StatsMaxMonths).FirstDay()
	// The first day with meals, found canteen by canteen through the index on
	// (canteen_id, served_on) rather than by a scan of every meal.
	var first sql.NullString
	if err := s.DB.QueryRow(ctx, `SELECT MIN(f.first) FROM (SELECT (SELECT MIN(m.served_on)
		FROM meal_transactions m WHERE m.canteen_id = c.id AND m.served_on >= ?) AS first FROM canteens c) f`, from.String()).Scan(&first); err != nil {
		return fmt.Errorf("find the first day of meals: %w", err)
	}
	if !first.Valid || first.String == "" {
		return nil
	}
	start, err := civil.ParseDate(first.String)
	if err != nil {
		return fmt.Errorf("find the first day of meals: %w", err)
	}
	if start.After(last) {
		return nil
	}
	periods, _ := closedPeriods(start, last, last)
	if _, err := s.freshenStats(ctx, periods); err != nil {
		return fmt.Errorf("sum the meal statistics: %w", err)
	}
	return nil
}
