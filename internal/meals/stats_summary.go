package meals

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// The summaries of closed periods (migration 0018): rows of parts in meal_stats, and per period in
// meal_stats_periods a version that writers bump and the version the rows were summed at. A
// closed month is one period; in a month still running, each closed day is one. A period is
// summed by the first reader who needs it, and again after a writer recorded a meal in it; a
// period whose version moved while it was being summed is not stored, and that reader counts it
// from the meals.
//
// A day is closed two days after it began (statsGraceDays after its end), a month when its last
// day is: a process whose clock runs a little behind, still recording meals on a day, cannot be
// missed by one whose clock runs ahead, as long as they differ by less than a day. Writers mark
// every period of a day before their own today that a reader could have summed: the month once
// it is over, and the day while its month or the next one runs.

// statsGraceDays is how long after its end a day waits before it is summed.
const statsGraceDays = 1

// statsLastClosed is the last closed day on day today.
func statsLastClosed(today civil.Date) civil.Date { return today.AddDays(-1 - statsGraceDays) }

// statsPeriod is a period to sum: a month or a day, its key and its days.
type statsPeriod struct {
	key      string
	from, to civil.Date
	byDay    bool
}

// monthPeriod is the period of a closed month.
func monthPeriod(m civil.Month) statsPeriod {
	return statsPeriod{m.String(), m.FirstDay(), m.LastDay(), false}
}

// dayPeriod is the period of a closed day of a month not yet closed.
func dayPeriod(d civil.Date) statsPeriod { return statsPeriod{d.String(), d, d, true} }

// periodKeys are the keys of periods, in their order.
func periodKeys(periods []statsPeriod) []string {
	keys := make([]string, len(periods))
	for i, p := range periods {
		keys[i] = p.key
	}
	return keys
}

// statsTouched bumps the version of every period a reader may have summed that days fall in, so
// that it is summed again: what every writer of meals on a past day — a history load, an order
// fulfilled late, a meal voided — must call in its transaction. A meal of today (the counter's)
// costs nothing: no statement is run. The periods are bumped in one statement, in key order, so
// that two writers on PostgreSQL take their row locks in the same order.
func (s *Store) statsTouched(ctx context.Context, tx *db.Tx, days ...civil.Date) error {
	today := s.today()
	current := civil.MonthOf(today)
	seen := map[string]bool{}
	for _, d := range days {
		if !d.Before(today) {
			continue
		}
		if m := civil.MonthOf(d); m.Before(current) {
			seen[m.String()] = true
		}
		if !civil.MonthOf(d).Before(current.Prev()) {
			seen[d.String()] = true
		}
	}
	if len(seen) == 0 {
		return nil
	}
	keys := slices.Sorted(maps.Keys(seen))
	if err := markPeriods(ctx, tx, keys, true); err != nil {
		return fmt.Errorf("mark the meal statistics of %s to %s stale: %w", keys[0], keys[len(keys)-1], err)
	}
	return nil
}

// freshenStats sums again every period that was never summed or has been written to since, and
// returns those it could not store (a writer moved them meanwhile), which the caller must count
// from the meals. Months are summed one at a time; days in one pass.
func (s *Store) freshenStats(ctx context.Context, periods []statsPeriod) ([]statsPeriod, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	in, args := db.In("period", periodKeys(periods))
	rows, err := s.DB.Query(ctx, `SELECT period FROM meal_stats_periods WHERE version = built_version AND `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("read the meal statistics' periods: %w", err)
	}
	fresh := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		fresh[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var stale, moved []statsPeriod
	for _, p := range periods {
		if fresh[p.key] {
			continue
		}
		if !p.byDay {
			stale = append(stale, p)
			continue
		}
		if len(stale) > 0 && stale[len(stale)-1].byDay && stale[len(stale)-1].to.AddDays(1) == p.from {
			stale[len(stale)-1].to = p.to // neighbouring days are summed in one pass
			continue
		}
		stale = append(stale, statsPeriod{from: p.from, to: p.to, byDay: true})
	}
	for _, p := range stale {
		m, err := s.sumStats(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("sum the meal statistics from %s to %s: %w", p.from, p.to, err)
		}
		moved = append(moved, m...)
	}
	return moved, nil
}

// sumStats sums the meals of every canteen over span — a month, or neighbouring days each its
// own period — and stores each period's rows unless its version moved since the sum began: the
// versions are read first, and a period's rows replace its old ones only in a transaction that
// finds its version unchanged (on PostgreSQL that update waits for a writer holding the period's
// row, and then sees its version). Each period is stored in a transaction of its own, so the
// counter never waits for more than one. It returns the periods it did not store.
func (s *Store) sumStats(ctx context.Context, span statsPeriod) ([]statsPeriod, error) {
	periods := []statsPeriod{span}
	if span.byDay {
		periods = periods[:0]
		for d := span.from; !d.After(span.to); d = d.AddDays(1) {
			periods = append(periods, dayPeriod(d))
		}
	}
	keys := periodKeys(periods)
	if err := markPeriods(ctx, s.DB, keys, false); err != nil {
		return nil, err
	}
	versions, err := s.statsVersions(ctx, keys)
	if err != nil {
		return nil, err
	}
	all := &statsQuery{} // every canteen's meals, by the full region code on the meals
	parts, err := all.pass(ctx, s.DB, span.from, span.to, span.byDay)
	if err != nil {
		return nil, err
	}
	if statsBeforeStore != nil {
		statsBeforeStore(span)
	}
	byPeriod := map[string][]statsPart{}
	for _, p := range parts {
		byPeriod[p.period] = append(byPeriod[p.period], p)
	}
	var moved []statsPeriod
	for _, p := range periods {
		stored := false
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE meal_stats_periods SET built_version = version, built_at = ?
				WHERE period = ? AND version = ?`, s.stamp(), p.key, versions[p.key])
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err
			}
			stored = true
			if _, err := tx.Exec(ctx, `DELETE FROM meal_stats WHERE period = ?`, p.key); err != nil {
				return err
			}
			if err := insertStatsParts(ctx, tx, byPeriod[p.key]); err != nil {
				return err
			}
			if p.byDay {
				return nil
			}
			return s.dropOldDays(ctx, tx)
		})
		if err != nil {
			return nil, fmt.Errorf("store the meal statistics of %s: %w", p.key, err)
		}
		if !stored {
			moved = append(moved, p)
		}
	}
	return moved, nil
}
