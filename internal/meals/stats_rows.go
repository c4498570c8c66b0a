package meals

import (
	"context"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// The one pass over the meals that fills the statistics' cells, and the counts that come from
// other tables: deliveries from the orders, canteens and diners registered from their registers.

// statsScan is what one pass over the meals gives: the cells' figures, and who ate (and which
// canteens served) in each cell, each region over the range, each month and in all.
type statsScan struct {
	cells map[statsCellKey]*StatsRow
	// diners counts distinct diners; canteens holds the distinct canteens, few enough to keep.
	diners struct {
		region map[string]int
		month  map[civil.Month]int
		all    int
	}
	canteens struct {
		cell   map[statsCellKey]map[int64]bool
		region map[string]map[int64]bool
		month  map[civil.Month]map[int64]bool
		all    map[int64]bool
	}
}

// scan makes the one pass over the query's meals. Its rows come in diner order, so each diner's
// cells, regions and months are gathered one diner at a time and counted once.
func (q *statsQuery) scan(ctx context.Context, d *db.DB) (*statsScan, error) {
	from, where, args := q.source()
	rows, err := d.Query(ctx, `SELECT t.diner_id, t.canteen_id, substr(t.region_code, 1, ?), substr(t.served_on, 1, 7),
		COUNT(*), SUM(t.price_fen), SUM(t.diner_pays_fen), SUM(t.city_fen), SUM(t.district_fen), SUM(t.street_fen),
		SUM(CASE WHEN t.channel = 'online' THEN 1 ELSE 0 END)
		FROM `+from+` WHERE `+where+` GROUP BY 1, 2, 3, 4 ORDER BY 1`, append([]any{q.width}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sc := &statsScan{cells: map[statsCellKey]*StatsRow{}}
	sc.diners.region, sc.diners.month = map[string]int{}, map[civil.Month]int{}
	sc.canteens.cell, sc.canteens.region = map[statsCellKey]map[int64]bool{}, map[string]map[int64]bool{}
	sc.canteens.month, sc.canteens.all = map[civil.Month]map[int64]bool{}, map[int64]bool{}
	// One diner's cells, regions and months so far.
	cur := int64(-1)
	cells, regions, months := map[statsCellKey]bool{}, map[string]bool{}, map[civil.Month]bool{}
	flush := func() {
		for k := range cells {
			sc.cells[k].Diners++
		}
		for r := range regions {
			sc.diners.region[r]++
		}
		for m := range months {
			sc.diners.month[m]++
		}
		if cur >= 0 {
			sc.diners.all++
		}
		clear(cells)
		clear(regions)
		clear(months)
	}
	for rows.Next() {
		var diner, canteen int64
		var k statsCellKey
		var month string
		var r StatsRow
		var price, paid, city, district, street int64
		if err := rows.Scan(&diner, &canteen, &k.region, &month, &r.Meals, &price, &paid, &city, &district, &street,
			&r.OnlineMeals); err != nil {
			return nil, err
		}
		k.month, _ = civil.ParseMonth(month)
		r.Price, r.DinerPaid, r.City, r.District, r.Street = money.Fen(price), money.Fen(paid), money.Fen(city),
			money.Fen(district), money.Fen(street)
		if diner != cur {
			flush()
			cur = diner
		}
		statsCell(sc.cells, k).add(&r)
		cells[k], regions[k.region], months[k.month] = true, true, true
		statsMark(sc.canteens.cell, k, canteen)
		statsMark(sc.canteens.region, k.region, canteen)
		statsMark(sc.canteens.month, k.month, canteen)
		sc.canteens.all[canteen] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flush()
	for k, set := range sc.canteens.cell {
		sc.cells[k].Canteens = len(set)
	}
	return sc, nil
}

// statsMark adds canteen to the set of key.
func statsMark[K comparable](sets map[K]map[int64]bool, key K, canteen int64) {
	if sets[key] == nil {
		sets[key] = map[int64]bool{}
	}
	sets[key][canteen] = true
}

// delivered counts the query's meals that were online orders delivered home, into cells.
func (q *statsQuery) delivered(ctx context.Context, d *db.DB, cells map[statsCellKey]*StatsRow) error {
	// Driven from the orders (CROSS JOIN keeps SQLite's planner to that order): there are far
	// fewer of them than meals, and each finds its meal by primary key.
	tc, args := db.PrefixRange("t.region_code", q.region)
	where := tc
	if q.canteen != 0 {
		where += ` AND o.canteen_id = ?`
		args = append(args, q.canteen)
	}
	rows, err := d.Query(ctx, `SELECT substr(t.region_code, 1, ?), substr(t.served_on, 1, 7), COUNT(*)
		FROM meal_orders o CROSS JOIN meal_transactions t
		WHERE t.id = o.transaction_id AND o.meal_day >= ? AND o.meal_day <= ? AND o.status = 'served' AND o.delivery = ?
		AND t.served_on >= ? AND t.served_on <= ? AND t.status = 'served' AND `+where+` GROUP BY 1, 2`,
		append([]any{q.width, q.from.String(), q.to.String(), true, q.from.String(), q.to.String()}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k statsCellKey
		var month string
		var n int
		if err := rows.Scan(&k.region, &month, &n); err != nil {
			return err
		}
		k.month, _ = civil.ParseMonth(month)
		statsCell(cells, k).DeliveredMeals += n
	}
	return rows.Err()
}

// registered counts, for every cell, the canteens registered in the region by the end of its
// month and the diners living there registered by then (not for an operator, who reads no
// register of diners).
func (q *statsQuery) registered(ctx context.Context, d *db.DB, cells map[statsCellKey]*StatsRow) error {
	end := statsMonthEnd(q.months[len(q.months)-1])
	cond, args := db.PrefixRange("region_code", q.region)
	if q.canteen != 0 {
		cond += ` AND id = ?`
		args = append(args, q.canteen)
	}
	rows, err := d.Query(ctx, `SELECT substr(region_code, 1, ?), created_at FROM canteens WHERE `+cond+` AND created_at < ?`,
		append(append([]any{q.width}, args...), end)...)
	if err != nil {
		return err
	}
	if err := q.spread(rows, false, func(c *StatsRow, n int) { c.CanteensRegistered += n }, cells); err != nil {
		return err
	}
	if q.canteen != 0 {
		return nil
	}
	// By the hour of registration: a few rows per busy hour instead of one per diner.
	cond, args = db.PrefixRange("home_region", q.region)
	rows, err = d.Query(ctx, `SELECT substr(home_region, 1, ?), substr(created_at, 1, 13), COUNT(*) FROM diners
		WHERE `+cond+` AND created_at < ? GROUP BY 1, 2`, append(append([]any{q.width}, args...), end)...)
	if err != nil {
		return err
	}
	return q.spread(rows, true, func(c *StatsRow, n int) { c.DinersRegistered += n }, cells)
}

// spread adds each row's count (1 when counted is false) to the cells of every month its
// registration time precedes the end of; rows are (region, time or hour, [count]).
func (q *statsQuery) spread(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, counted bool, add func(*StatsRow, int), cells map[statsCellKey]*StatsRow) error {
	defer rows.Close()
	ends := make([]time.Time, len(q.months))
	for i, m := range q.months {
		ends[i] = m.Next().FirstDay().Time(civil.China)
	}
	for rows.Next() {
		var code, at string
		n := 1
		dest := []any{&code, &at}
		if counted {
			dest = append(dest, &n)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		t, err := time.Parse("2006-01-02T15", at[:min(len(at), 13)])
		if err != nil {
			continue
		}
		for i, m := range q.months {
			if t.Before(ends[i]) {
				add(statsCell(cells, statsCellKey{code, m}), n)
			}
		}
	}
	return rows.Err()
}

// statsCell returns the row of k, creating an empty one.
func statsCell(cells map[statsCellKey]*StatsRow, k statsCellKey) *StatsRow {
	c, ok := cells[k]
	if !ok {
		c = &StatsRow{Region: k.region, Month: k.month}
		cells[k] = c
	}
	return c
}

// statsMonthEnd is the stored form of the instant month m ends in China.
func statsMonthEnd(m civil.Month) string {
	return db.FormatTime(m.Next().FirstDay().Time(civil.China))
}
