package meals

import (
	"slices"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

// naiveStats is what Stats must answer for the region, level and canteen of got over months from
// to to, counted the straightforward way: every meal, canteen and diner read one by one and added
// up in Go, with a set of diners and canteens for every figure that counts persons. It shares
// nothing with the fast path but the shape of the answer.
func naiveStats(t *testing.T, d *db.DB, got *Stats) *Stats {
	t.Helper()
	ctx := t.Context()
	code, width, canteen := got.Region, got.Level.Len(), got.CanteenID
	byCanteen := canteen != 0 || region.LevelOf(code) >= region.County
	from, to := got.From.FirstDay().String(), got.To.LastDay().String()
	cells := map[statsCellKey]*StatsRow{}
	diners, canteens := map[statsCellKey]map[int64]bool{}, map[statsCellKey]map[int64]bool{}
	rows, err := d.Query(ctx, `SELECT t.region_code, c.region_code, t.served_on, t.channel, t.diner_id, t.canteen_id,
		t.price_fen, t.diner_pays_fen, t.city_fen, t.district_fen, t.street_fen,
		(SELECT COUNT(*) FROM meal_orders o WHERE o.transaction_id = t.id AND o.delivery = ? AND o.status = 'served'
			AND o.meal_day >= ? AND o.meal_day <= ?)
		FROM meal_transactions t JOIN canteens c ON c.id = t.canteen_id WHERE t.status = 'served'`, true, from, to)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var at, home, served, channel string
		var diner, cid, price, paid, city, district, street int64
		var delivered int
		if err := rows.Scan(&at, &home, &served, &channel, &diner, &cid, &price, &paid, &city, &district, &street, &delivered); err != nil {
			t.Fatal(err)
		}
		if served < from || served > to || !strings.HasPrefix(at, code) || byCanteen && !strings.HasPrefix(home, code) ||
			canteen != 0 && cid != canteen {
			continue
		}
		day, err := civil.ParseDate(served)
		if err != nil {
			t.Fatal(err)
		}
		child, m := at[:min(len(at), width)], civil.MonthOf(day)
		for _, k := range []statsCellKey{{child, m}, {child, civil.Month{}}, {"", m}, {"", civil.Month{}}} {
			r := statsCell(cells, k)
			r.Meals++
			if channel == ChannelOnline {
				r.OnlineMeals++
			}
			r.DeliveredMeals += delivered
			r.Price, r.DinerPaid = r.Price+money.Fen(price), r.DinerPaid+money.Fen(paid)
			r.City, r.District, r.Street = r.City+money.Fen(city), r.District+money.Fen(district), r.Street+money.Fen(street)
			if diners[k] == nil {
				diners[k], canteens[k] = map[int64]bool{}, map[int64]bool{}
			}
			diners[k][diner], canteens[k][cid] = true, true
			r.Diners, r.Canteens = len(diners[k]), len(canteens[k])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	var months []civil.Month
	for m := got.From; !m.After(got.To); m = m.Next() {
		months = append(months, m)
	}
	// Registered by the end of each month: canteens in the region (the operator's own), diners
	// living there (not for an operator).
	registered := func(query string, add func(*StatsRow)) {
		rows, err := d.Query(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var at, created string
			var id int64
			if err := rows.Scan(&at, &id, &created); err != nil {
				t.Fatal(err)
			}
			when, err := db.ParseTime(created)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(at, code) || canteen != 0 && id != canteen {
				continue
			}
			for _, m := range months {
				if when.Before(m.Next().FirstDay().Time(civil.China)) {
					add(statsCell(cells, statsCellKey{at[:min(len(at), width)], m}))
				}
			}
		}
	}
	registered(`SELECT region_code, id, created_at FROM canteens`, func(r *StatsRow) { r.CanteensRegistered++ })
	if canteen == 0 {
		registered(`SELECT home_region, 0, created_at FROM diners`, func(r *StatsRow) { r.DinersRegistered++ })
	}
	return naiveAssemble(t, d, got, cells, months)
}

// naiveAssemble lays the cells out as Stats does: a row per child region (every child, even
// without meals) over the range, a row per month, the cells by region then month, and the total.
func naiveAssemble(t *testing.T, d *db.DB, got *Stats, cells map[statsCellKey]*StatsRow, months []civil.Month) *Stats {
	t.Helper()
	want := &Stats{From: got.From, To: got.To, Region: got.Region, Level: got.Level, CanteenID: got.CanteenID}
	var children []string
	switch {
	case got.CanteenID != 0:
	case region.LevelOf(got.Region) == got.Level:
		children = []string{got.Region}
	default:
		tree, err := region.LoadTree(t.Context(), d, got.Region)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tree.Children(got.Region) {
			children = append(children, c.Code)
		}
	}
	for k := range cells {
		if k.region != "" && !slices.Contains(children, k.region) {
			children = append(children, k.region)
		}
	}
	slices.Sort(children)
	row := func(k statsCellKey) StatsRow {
		if r := cells[k]; r != nil {
			return *r
		}
		return StatsRow{Region: k.region, Month: k.month}
	}
	for _, c := range children {
		r := row(statsCellKey{c, civil.Month{}})
		end := row(statsCellKey{c, got.To})
		r.CanteensRegistered, r.DinersRegistered = end.CanteensRegistered, end.DinersRegistered
		want.ByRegion = append(want.ByRegion, r)
	}
	for _, m := range months {
		r := row(statsCellKey{"", m})
		r.CanteensRegistered, r.DinersRegistered = 0, 0
		for _, c := range children {
			cell := row(statsCellKey{c, m})
			r.CanteensRegistered += cell.CanteensRegistered
			r.DinersRegistered += cell.DinersRegistered
		}
		want.ByMonth = append(want.ByMonth, r)
	}
	for _, c := range children {
		for _, m := range months {
			if r := cells[statsCellKey{c, m}]; r != nil {
				want.Cells = append(want.Cells, *r)
			}
		}
	}
	want.Total = row(statsCellKey{})
	last := want.ByMonth[len(want.ByMonth)-1]
	want.Total.CanteensRegistered, want.Total.DinersRegistered = last.CanteensRegistered, last.DinersRegistered
	return want
}
