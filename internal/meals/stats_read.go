package meals

import (
	"context"
	"fmt"
	"slices"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// Where a query's parts come from: the summaries of its closed months and days, summed first
// where missing or moved, and the meals of the days not yet closed.

// statsParts gathers the query's meals as parts: each closed month from its summary, each closed
// day of a month still running from its own, and the last days from the meals.
func (s *Store) statsParts(ctx context.Context, q *statsQuery) ([]statsPart, error) {
	periods, live := closedPeriods(q.from, q.to, statsLastClosed(s.today()))
	moved, err := s.freshenStats(ctx, periods)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, p := range periods {
		if !slices.ContainsFunc(moved, func(m statsPeriod) bool { return m.key == p.key }) {
			keys = append(keys, p.key)
		}
	}
	parts, err := q.summaries(ctx, s.DB, keys)
	if err != nil {
		return nil, err
	}
	for _, p := range moved {
		more, err := q.pass(ctx, s.DB, p.from, p.to, p.byDay)
		if err != nil {
			return nil, err
		}
		parts = append(parts, more...)
	}
	if !live.After(q.to) {
		more, err := q.pass(ctx, s.DB, live, q.to, false)
		if err != nil {
			return nil, err
		}
		parts = append(parts, more...)
	}
	return parts, nil
}

// closedPeriods splits the days from from to to into the periods kept as summaries — each month
// closed by last whole, then each closed day of the month still running — and returns them with
// the first day after them (live), from which on the meals themselves are read.
func closedPeriods(from, to, last civil.Date) (periods []statsPeriod, live civil.Date) {
	live = from
	for m := civil.MonthOf(from); !m.After(civil.MonthOf(to)); m = m.Next() {
		if !m.LastDay().After(last) {
			periods, live = append(periods, monthPeriod(m)), m.Next().FirstDay()
			continue
		}
		for d := m.FirstDay(); !d.After(m.LastDay()) && !d.After(last); d = d.AddDays(1) {
			periods, live = append(periods, dayPeriod(d)), d.AddDays(1)
		}
	}
	return periods, live
}

// summaries reads the summary rows of the periods keys in the query's region and canteen.
func (q *statsQuery) summaries(ctx context.Context, d *db.DB, keys []string) ([]statsPart, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	in, args := db.In("s.period", keys)
	from, where, args := q.summaryFilter(in, args...)
	rows, err := d.Query(ctx, `SELECT s.period, s.canteen_id, s.region_code, s.meals, s.online_meals, s.delivered_meals,
		s.price_fen, s.diner_fen, s.city_fen, s.district_fen, s.street_fen, s.diner_count, s.diners
		FROM `+from+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read the meal statistics' summaries: %w", err)
	}
	defer rows.Close()
	var out []statsPart
	for rows.Next() {
		var p statsPart
		var price, paid, city, district, street int64
		var n int
		var blob []byte
		if err := rows.Scan(&p.period, &p.canteen, &p.region, &p.row.Meals, &p.row.OnlineMeals, &p.row.DeliveredMeals,
			&price, &paid, &city, &district, &street, &n, &blob); err != nil {
			return nil, err
		}
		if p.month = periodMonth(p.period); p.month.IsZero() {
			return nil, fmt.Errorf("read the meal statistics' summaries: a row of period %q", p.period)
		}
		p.row.Price, p.row.DinerPaid, p.row.City, p.row.District, p.row.Street = money.Fen(price), money.Fen(paid),
			money.Fen(city), money.Fen(district), money.Fen(street)
		if p.diners, err = decodeDiners(blob, n); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
