package meals

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// The statements of storing a period's summary (sumStats in stats_summary.go): the versions read
// before the sum, the rows written after it, and the days no reader needs any more.

// statsBeforeStore, when a test sets it, runs between the sum of a span and its storing: where a
// writer's meal can fall in between.
var statsBeforeStore func(span statsPeriod)

// statsVersions reads the versions of the periods keys.
func (s *Store) statsVersions(ctx context.Context, keys []string) (map[string]int64, error) {
	in, args := db.In("period", keys)
	rows, err := s.DB.Query(ctx, `SELECT period, version FROM meal_stats_periods WHERE `+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// dropOldDays deletes the summaries of days of months before last month: no reader uses them
// again, their months being closed for every clock.
func (s *Store) dropOldDays(ctx context.Context, tx *db.Tx) error {
	before := civil.MonthOf(s.today()).Prev().FirstDay().String()
	for _, table := range []string{"meal_stats", "meal_stats_periods"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE period < ? AND period LIKE '____-__-__'`, before); err != nil {
			return err
		}
	}
	return nil
}

// markPeriods makes sure the periods keys have their row in meal_stats_periods and, when bump is
// set, moves each one's version on so that its summary is summed again: the writers' mark
// (statsTouched, whose keys come sorted, so two PostgreSQL writers lock the rows in the same
// order) and a sum's registration of the periods it is about to store.
func markPeriods(ctx context.Context, q db.Querier, keys []string, bump bool) error {
	row, conflict := "(?, 0, -1)", "DO NOTHING"
	if bump {
		row, conflict = "(?, 1, -1)", "DO UPDATE SET version = meal_stats_periods.version + 1"
	}
	_, args := db.In("period", keys)
	_, err := q.Exec(ctx, `INSERT INTO meal_stats_periods (period, version, built_version) VALUES `+
		strings.TrimSuffix(strings.Repeat(row+", ", len(keys)), ", ")+` ON CONFLICT (period) `+conflict, args...)
	return err
}

// statsSummaryBatch is how many rows one INSERT of summaries carries (13 values each).
const statsSummaryBatch = 400

// insertStatsParts stores parts as summary rows, many to a statement.
func insertStatsParts(ctx context.Context, tx *db.Tx, parts []statsPart) error {
	const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	for start := 0; start < len(parts); start += statsSummaryBatch {
		chunk := parts[start:min(start+statsSummaryBatch, len(parts))]
		args := make([]any, 0, 13*len(chunk))
		for _, p := range chunk {
			r := &p.row
			args = append(args, p.period, p.canteen, p.region, r.Meals, r.OnlineMeals, r.DeliveredMeals, int64(r.Price),
				int64(r.DinerPaid), int64(r.City), int64(r.District), int64(r.Street), len(p.diners), encodeDiners(p.diners))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO meal_stats (period, canteen_id, region_code, meals, online_meals, delivered_meals,
			price_fen, diner_fen, city_fen, district_fen, street_fen, diner_count, diners) VALUES `+
			strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", "), args...); err != nil {
			return err
		}
	}
	return nil
}
