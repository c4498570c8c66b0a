package meals

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// The choices of the phone page, one step at a time: canteen, day, meal. Each step offers only
// what PlaceOrder would accept, so an elderly person is never shown a choice that fails at the
// end.

// orderFor reads diner dinerID for o and checks that o may order for them.
func (s *Store) orderFor(ctx context.Context, q db.Querier, o Orderer, dinerID int64) (*DinerRecord, error) {
	a, err := actorOf(ctx, q, o)
	if err != nil {
		return nil, err
	}
	d, err := scanDiner(q.QueryRow(ctx, `SELECT `+dinerColumns+` FROM diners WHERE id = ?`, dinerID))
	if err != nil {
		return nil, err
	}
	if _, err := a.orderedBy(ctx, q, d); err != nil {
		return nil, err
	}
	return d, nil
}

// OrderCanteens lists the open canteens with a menu that o may order from for diner dinerID:
// those of the diner's home district (where the district's share of the subsidy applies),
// nearest first — the diner's own community, then their street, then the rest.
func (s *Store) OrderCanteens(ctx context.Context, o Orderer, dinerID int64) ([]Canteen, error) {
	d, err := s.orderFor(ctx, s.DB, o, dinerID)
	if err != nil {
		return nil, err
	}
	district := d.HomeRegion[:min(6, len(d.HomeRegion))]
	where, args := db.PrefixRange("c.region_code", district)
	rows, err := s.DB.Query(ctx, `SELECT `+db.Qualify("c", canteenColumns)+` FROM canteens c WHERE `+where+`
		AND c.status = ? AND EXISTS (SELECT 1 FROM menu_items m WHERE m.canteen_id = c.id AND m.active = ?)
		ORDER BY c.region_code, c.id`, append(args, CanteenOpen, true)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Canteen
	for rows.Next() {
		c, err := scanCanteen(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	near := func(c Canteen) int { // 0: same community, 1: same street, 2: elsewhere in the district
		switch {
		case c.RegionCode == d.HomeRegion:
			return 0
		case len(d.HomeRegion) >= 9 && strings.HasPrefix(c.RegionCode, d.HomeRegion[:9]):
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b Canteen) int { return near(a) - near(b) })
	return out, nil
}

// OrderDays lists the days o may order a meal for at canteen cid: from today up to
// OrderRules.DaysAhead, when the canteen opens and some meal on its menu has not closed yet.
func (s *Store) OrderDays(ctx context.Context, o Orderer, dinerID, cid int64) ([]civil.Date, error) {
	if _, err := s.orderFor(ctx, s.DB, o, dinerID); err != nil {
		return nil, err
	}
	c, items, err := s.orderMenu(ctx, cid)
	if err != nil {
		return nil, err
	}
	rules, now, today := s.orderRules(), s.now(), s.today()
	var out []civil.Date
	for i := 0; i <= rules.DaysAhead; i++ {
		day := today.AddDays(i)
		if !c.OpensOn(day) {
			continue
		}
		if slices.ContainsFunc(items, func(it MenuItem) bool {
			return now.Before(rules.Cutoff(day, it.MealType, c.CutoffMinutes))
		}) {
			out = append(out, day)
		}
	}
	return out, nil
}

// MenuChoice is a menu item that may still be ordered for a day, with what the diner would pay.
type MenuChoice struct {
	Item   MenuItem
	Quote  Quote
	Cutoff time.Time
	// Taken says the diner has a live order for this meal of the day already.
	Taken bool
}

// OrderMenu lists what o may order at canteen cid on day for diner dinerID, by meal: the active
// items whose meal has not closed, each priced for this diner on that day.
func (s *Store) OrderMenu(ctx context.Context, o Orderer, dinerID, cid int64, day civil.Date) ([]MenuChoice, error) {
	d, err := s.orderFor(ctx, s.DB, o, dinerID)
	if err != nil {
		return nil, err
	}
	c, items, err := s.orderMenu(ctx, cid)
	if err != nil {
		return nil, err
	}
	rules := s.orderRules()
	if err := s.checkDay(c, day, rules); err != nil {
		return nil, err
	}
	subsidised, err := subsidisedOn(ctx, s.DB, d.ID, day)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	rows, err := s.DB.Query(ctx, `SELECT meal_type FROM meal_orders WHERE diner_id = ? AND meal_day = ? AND status <> ?`,
		d.ID, day, OrderCancelled)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		taken[t] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var out []MenuChoice
	for i := range items {
		it := &items[i]
		cut := rules.Cutoff(day, it.MealType, c.CutoffMinutes)
		if !now.Before(cut) {
			continue
		}
		out = append(out, MenuChoice{Item: *it, Quote: s.quote(d, c, it, day, subsidised), Cutoff: cut, Taken: taken[it.MealType]})
	}
	return out, nil
}

// orderMenu reads an open canteen and its active items, by meal and name.
func (s *Store) orderMenu(ctx context.Context, cid int64) (*Canteen, []MenuItem, error) {
	c, err := openCanteen(ctx, s.DB, cid)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, canteen_id, name, meal_type, price_fen, active FROM menu_items
		WHERE canteen_id = ? AND active = ?
		ORDER BY CASE meal_type WHEN 'breakfast' THEN 1 WHEN 'lunch' THEN 2 ELSE 3 END, name, id`, cid, true)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var items []MenuItem
	for rows.Next() {
		var it MenuItem
		if err := rows.Scan(&it.ID, &it.CanteenID, &it.Name, &it.MealType, &it.Price, &it.Active); err != nil {
			return nil, nil, err
		}
		items = append(items, it)
	}
	return c, items, rows.Err()
}

// OrderCanteen reads a canteen that takes orders, for the phone page to name the one chosen.
// Canteens are public places: anyone ordering may read one.
func (s *Store) OrderCanteen(ctx context.Context, cid int64) (*Canteen, error) {
	return openCanteen(ctx, s.DB, cid)
}

// OrderItem reads an active item of canteen cid's menu, for the phone page to name the one chosen.
func (s *Store) OrderItem(ctx context.Context, cid, itemID int64) (*MenuItem, error) {
	_, it, err := s.orderable(ctx, s.DB, cid, itemID)
	return it, err
}
