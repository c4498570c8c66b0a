package meals

import (
	"context"
	"fmt"
	"strconv"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// The pass over the meals themselves: for the days not yet closed, and for summing a closed
// month or day.

// statsPassCanteens is how many canteens one statement of a pass names, well under both engines'
// parameter limits; a pass over more runs a statement per chunk (a part is one canteen's, so the
// chunks' parts never overlap).
const statsPassCanteens = 500

// statsPeriodLen is how much of a day ("2024-03-05") names the period of a part: the month, or
// the day itself.
func statsPeriodLen(byDay bool) int {
	if byDay {
		return 10
	}
	return 7
}

// pass counts the query's meals served from from to to into parts by month, or by day when byDay
// is set, with their delivered meals. The meals are found canteen by canteen through the index on
// (canteen_id, served_on): a list of the canteens' ids lets PostgreSQL probe that index too, where
// a join with the canteens makes it scan the whole table for a few days.
func (q *statsQuery) pass(ctx context.Context, d *db.DB, from, to civil.Date, byDay bool) ([]statsPart, error) {
	ids, err := q.canteenIDs(ctx, d)
	if err != nil {
		return nil, err
	}
	period := `substr(t.served_on, 1, ` + strconv.Itoa(statsPeriodLen(byDay)) + `)`
	var ps statsParts
	for start := 0; start < len(ids); start += statsPassCanteens {
		chunk := ids[start:min(start+statsPassCanteens, len(ids))]
		if err := q.passMeals(ctx, d, from, to, period, chunk, &ps); err != nil {
			return nil, fmt.Errorf("count the meals: %w", err)
		}
		if err := q.passDelivered(ctx, d, from, to, period, chunk, &ps); err != nil {
			return nil, fmt.Errorf("count the delivered meals: %w", err)
		}
	}
	return ps.done(), nil
}

// passMeals adds the meals of canteens ids into ps, one row per part and diner.
func (q *statsQuery) passMeals(ctx context.Context, d *db.DB, from, to civil.Date, period string, ids []int64, ps *statsParts) error {
	in, args := db.In("t.canteen_id", ids)
	rc, rargs := db.PrefixRange("t.region_code", q.region)
	args = append(append(args, rargs...), from.String(), to.String())
	rows, err := d.Query(ctx, `SELECT t.canteen_id, t.region_code, `+period+`, t.diner_id, COUNT(*),
		SUM(t.price_fen), SUM(t.diner_pays_fen), SUM(t.city_fen), SUM(t.district_fen), SUM(t.street_fen),
		SUM(CASE WHEN t.channel = 'online' THEN 1 ELSE 0 END)
		FROM meal_transactions t WHERE `+in+` AND `+rc+` AND t.served_on >= ? AND t.served_on <= ? AND t.status = 'served'
		GROUP BY t.canteen_id, t.region_code, `+period+`, t.diner_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k statsPartKey
		var diner int64
		var r StatsRow
		var price, paid, city, district, street int64
		if err := rows.Scan(&k.canteen, &k.region, &k.period, &diner, &r.Meals, &price, &paid, &city, &district, &street,
			&r.OnlineMeals); err != nil {
			return err
		}
		if periodMonth(k.period).IsZero() {
			return fmt.Errorf("a meal of canteen %d is served on %q", k.canteen, k.period)
		}
		r.Price, r.DinerPaid, r.City, r.District, r.Street = money.Fen(price), money.Fen(paid), money.Fen(city),
			money.Fen(district), money.Fen(street)
		p := ps.get(k)
		p.row.add(&r)
		p.diners = append(p.diners, diner)
	}
	return rows.Err()
}

// passDelivered adds to the parts in ps the meals that were online orders of canteens ids
// delivered home. They are found from the orders, through the index on (canteen_id, meal_day,
// status), each order finding its meal by primary key (CROSS JOIN keeps SQLite to that order); an
// order's meal is served by the order's canteen (Fulfil). A meal in no part is not one of the
// query's and is left out.
func (q *statsQuery) passDelivered(ctx context.Context, d *db.DB, from, to civil.Date, period string, ids []int64, ps *statsParts) error {
	in, args := db.In("o.canteen_id", ids)
	rc, rargs := db.PrefixRange("t.region_code", q.region)
	args = append(append(args, from.String(), to.String(), true, from.String(), to.String()), rargs...)
	rows, err := d.Query(ctx, `SELECT t.canteen_id, t.region_code, `+period+`, COUNT(*)
		FROM meal_orders o CROSS JOIN meal_transactions t
		WHERE `+in+` AND o.meal_day >= ? AND o.meal_day <= ? AND o.status = 'served' AND o.delivery = ?
		AND t.id = o.transaction_id AND t.served_on >= ? AND t.served_on <= ? AND t.status = 'served' AND `+rc+`
		GROUP BY t.canteen_id, t.region_code, `+period, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k statsPartKey
		var n int
		if err := rows.Scan(&k.canteen, &k.region, &k.period, &n); err != nil {
			return err
		}
		if p := ps.find(k); p != nil {
			p.row.DeliveredMeals += n
		}
	}
	return rows.Err()
}
