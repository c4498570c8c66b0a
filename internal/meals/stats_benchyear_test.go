package meals

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/synth"
)

// buildStatsYear loads a synthetic city year of meals (2023) straight into the tables, as fast as
// the engine takes rows: canteens spread over the demo city's communities, diners living near
// one of them, regulars who lunch there most working days and occasional diners who come about
// ten times a year; now and then at another canteen, one meal in ten ordered online (a third of
// those delivered, with their order), a few breakfasts and a few voided meals. It returns the
// number of meals.
func buildStatsYear(ctx context.Context, d *db.DB, sc statsYearScale) (int, error) {
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		return 0, err
	}
	var communities []string
	rows, err := d.Query(ctx, `SELECT code FROM regions WHERE level = 5 AND code >= '3702' AND code < '3703' ORDER BY code`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return 0, err
		}
		communities = append(communities, c)
	}
	rows.Close()
	rnd := rand.New(rand.NewPCG(2023, 10))
	stamp := func(t time.Time) string { return db.FormatTime(t) }
	yearStart := civil.Date{Year: 2023, Month: 1, Day: 1}
	canteenRegion := make([]string, sc.canteens+1)
	b := &statsBulk{ctx: ctx, d: d}
	for i := 1; i <= sc.canteens; i++ {
		canteenRegion[i] = communities[(i*7919)%len(communities)]
		// Most canteens opened before the year, some during it.
		opened := yearStart.AddDays(-400 + rnd.IntN(700)).Time(civil.China).Add(9 * time.Hour)
		b.add("canteens (id, name, operator, address, region_code, created_at, updated_at)",
			i, fmt.Sprintf("食堂%04d", i), statsBenchOperator, "地址", canteenRegion[i], stamp(opened), stamp(opened))
	}
	if err := b.flush(); err != nil {
		return 0, err
	}
	for i := 1; i <= sc.canteens; i++ {
		b.add("menu_items (id, canteen_id, name, meal_type, price_fen, created_at, updated_at)",
			i, i, "套餐", Lunch, 1200, "2022-01-01T00:00:00Z", "2022-01-01T00:00:00Z")
	}
	if err := b.flush(); err != nil {
		return 0, err
	}
	diners := sc.regulars + sc.occasional
	home := make([]int, diners+1)
	for i := 1; i <= diners; i++ {
		home[i] = 1 + rnd.IntN(sc.canteens)
		registered := yearStart.AddDays(-500 + rnd.IntN(800)).Time(civil.China).Add(time.Duration(8+rnd.IntN(9)) * time.Hour)
		b.add("diners (id, name, id_sealed, id_hash, id_masked, birth_date, home_region, card_no, qr_token_hash, created_by, created_at, updated_at)",
			i, "用餐人", "", fmt.Sprintf("h%d", i), "", "1945-01-01", canteenRegion[home[i]], fmt.Sprintf("C%d", i),
			fmt.Sprintf("q%d", i), "bench", stamp(registered), stamp(registered))
	}
	if err := b.flush(); err != nil {
		return 0, err
	}
	const mealCols = "meal_transactions (id, canteen_id, diner_id, menu_item_id, region_code, meal_type, served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, channel, status, idempotency_key, created_at)"
	const orderCols = "meal_orders (diner_id, canteen_id, menu_item_id, meal_type, meal_day, delivery, price_fen, diner_pays_fen, city_fen, district_fen, ordered_by, status, transaction_id, created_at, updated_at)"
	id := 0
	var orders [][]any
	for day := yearStart; day.Year == 2023; day = day.AddDays(1) {
		weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		for diner := 1; diner <= diners; diner++ {
			p := 10.0 / 365
			if diner <= sc.regulars {
				p = 0.8
				if weekend {
					p = 0.1
				}
			}
			if rnd.Float64() >= p {
				continue
			}
			c := home[diner]
			if rnd.IntN(20) == 0 {
				c = 1 + rnd.IntN(sc.canteens)
			}
			kind, channel, status := Lunch, ChannelCounter, "served"
			switch {
			case rnd.IntN(15) == 0:
				kind = Breakfast
			case rnd.IntN(10) == 0:
				channel = ChannelOnline
			}
			if rnd.IntN(500) == 0 {
				status = "voided"
			}
			pays, city, district, street := 600, 300, 300, 0
			if diner%10 == 3 {
				pays, city, district, street = 200, 500, 400, 100
			}
			at := day.Time(civil.China).Add(11*time.Hour + time.Duration(rnd.IntN(7200))*time.Second)
			id++
			b.add(mealCols, id, c, diner, c, canteenRegion[c], kind, day.String(), 1200, pays, city, district, street,
				channel, status, fmt.Sprintf("s%d", id), stamp(at))
			if channel == ChannelOnline && status == "served" {
				orders = append(orders, []any{diner, c, c, kind, day.String(), rnd.IntN(3) == 0, 1200, pays, city,
					district + street, "diner", OrderServed, id, stamp(at), stamp(at)})
			}
		}
		if err := b.flush(); err != nil {
			return 0, err
		}
	}
	for _, o := range orders {
		b.add(orderCols, o...)
	}
	if err := b.flush(); err != nil {
		return 0, err
	}
	for _, t := range []string{"canteens", "menu_items", "diners", "meal_transactions"} {
		if q := d.Dialect().AfterExplicitIDs(t); q != "" {
			if _, err := d.Exec(ctx, q); err != nil {
				return 0, err
			}
		}
	}
	if _, err := d.Exec(ctx, `ANALYZE`); err != nil {
		return 0, err
	}
	return id, nil
}

// statsBulk gathers rows of one table and inserts them many to a statement. The first error
// stops it and is returned by the next flush.
type statsBulk struct {
	ctx   context.Context
	d     *db.DB
	table string
	width int
	args  []any
	err   error
}

// add queues a row of table (its name and column list); a row of another table flushes first.
func (b *statsBulk) add(table string, row ...any) {
	if b.table != table {
		b.err = b.flush()
	}
	b.table, b.width = table, len(row)
	b.args = append(b.args, row...)
	if len(b.args) >= 30000-b.width {
		b.err = b.flush()
	}
}

// flush inserts the queued rows.
func (b *statsBulk) flush() error {
	if b.err != nil || len(b.args) == 0 {
		return b.err
	}
	row := "(" + db.Placeholders(b.width) + ")"
	n := len(b.args) / b.width
	_, err := b.d.Exec(b.ctx, `INSERT INTO `+b.table+` VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", n), ", "), b.args...)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", b.table[:strings.Index(b.table, " ")], err)
	}
	b.args = b.args[:0]
	return nil
}
