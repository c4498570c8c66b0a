package meals

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// orderSelect reads orders with the names pages need; callers add WHERE and ORDER BY.
const orderSelect = `SELECT o.id, o.diner_id, d.name, o.canteen_id, c.name, o.menu_item_id, m.name, o.meal_type, o.meal_day,
	o.delivery, o.address_sealed, o.price_fen, o.diner_pays_fen, o.city_fen, o.district_fen, o.street_fen, o.policy_id,
	o.rule, o.reason, o.ordered_by, o.status, o.payment_provider, o.payment_ref, o.paid_at, o.cancelled_at, o.cancel_reason,
	COALESCE(o.transaction_id, 0), o.version, o.created_at, c.cutoff_minutes, d.home_region, c.region_code
	FROM meal_orders o JOIN diners d ON d.id = o.diner_id JOIN canteens c ON c.id = o.canteen_id
	JOIN menu_items m ON m.id = o.menu_item_id`

// orderSort lists orders by day, meal and id.
const orderSort = ` ORDER BY o.meal_day, CASE o.meal_type WHEN 'breakfast' THEN 1 WHEN 'lunch' THEN 2 ELSE 3 END, o.id`

// scanOrder reads one row of orderSelect; the address stays sealed until masked or revealed.
func (s *Store) scanOrder(row interface{ Scan(...any) error }) (*Order, error) {
	var o Order
	var paid, cancelled, created string
	var cutoff int
	if err := row.Scan(&o.ID, &o.DinerID, &o.DinerName, &o.CanteenID, &o.CanteenName, &o.MenuItemID, &o.ItemName,
		&o.MealType, &o.Day, &o.Delivery, &o.addressSealed, &o.Price, &o.DinerPays, &o.City, &o.District, &o.Street,
		&o.PolicyID, &o.Rule, &o.Reason, &o.OrderedBy, &o.Status, &o.PaymentProvider, &o.PaymentRef, &paid, &cancelled, &o.CancelReason,
		&o.TransactionID, &o.Version, &created, &cutoff, &o.homeRegion, &o.canteenRegion); err != nil {
		return nil, err
	}
	o.DinerName = pii.MaskName(o.DinerName)
	o.PaidAt, _ = db.ParseTime(paid)
	o.CancelledAt, _ = db.ParseTime(cancelled)
	o.CreatedAt, _ = db.ParseTime(created)
	o.Cutoff = s.orderRules().Cutoff(o.Day, o.MealType, cutoff)
	if o.addressSealed != "" {
		a, err := s.Keys.Open(o.addressSealed, OrderAddressField)
		if err != nil {
			return nil, err
		}
		o.AddressMasked = MaskAddress(a)
	}
	o.settle(s.now())
	return &o, nil
}

// orderByID reads order id whoever asks; callers check who may see it.
func (s *Store) orderByID(ctx context.Context, q db.Querier, id int64) (*Order, error) {
	o, err := s.scanOrder(q.QueryRow(ctx, orderSelect+` WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "meals.order.notfound")
	}
	return o, err
}

// Order reads order id for o: a citizen for the diners they may order for, staff who see the
// canteen or the diner's home. Anyone else is told it does not exist.
func (s *Store) Order(ctx context.Context, o Orderer, id int64) (*Order, error) {
	a, err := actorOf(ctx, s.DB, o)
	if err != nil {
		return nil, err
	}
	return s.visibleOrder(ctx, s.DB, a, id)
}

func (s *Store) visibleOrder(ctx context.Context, q db.Querier, a *actor, id int64) (*Order, error) {
	ord, err := s.orderByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	ok, err := a.maySee(ctx, q, ord)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.Msg(apperr.NotFound, "meals.order.notfound")
	}
	return ord, nil
}

// orderLimit bounds a list of orders a page or the API reads at once.
const orderLimit = 500

// listOrders reads the orders matching where, in day order.
func (s *Store) listOrders(ctx context.Context, where string, args ...any) ([]Order, error) {
	rows, err := s.DB.Query(ctx, orderSelect+` WHERE `+where+orderSort+` LIMIT `+itoa(orderLimit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		o, err := s.scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// MyOrders lists, for a citizen, the orders of every diner they may order for, from since on
// (the phone page passes a week ago, so yesterday's lunch is still there to look at).
func (s *Store) MyOrders(ctx context.Context, o Orderer, since civil.Date) ([]Order, error) {
	a, err := actorOf(ctx, s.DB, o)
	if err != nil {
		return nil, err
	}
	if a.staff != nil {
		return nil, nil
	}
	return s.listOrders(ctx, `o.meal_day >= ? AND (d.phone_hash = ? OR o.diner_id IN
		(SELECT r.diner_id FROM diner_relatives r WHERE r.phone_hash = ?))`, since, a.phoneHash, a.phoneHash)
}

// DinerOrders lists diner dinerID's orders from since on, for staff who see the diner.
func (s *Store) DinerOrders(ctx context.Context, p *auth.Principal, dinerID int64, since civil.Date) ([]Order, error) {
	if _, err := s.Diner(ctx, p, dinerID); err != nil {
		return nil, err
	}
	return s.listOrders(ctx, `o.diner_id = ? AND o.meal_day >= ?`, dinerID, since)
}

// ItemCount is how many of one menu item a canteen cooks for a day's orders.
type ItemCount struct {
	MenuItemID int64
	Name       string
	MealType   string
	EatIn      int
	Delivery   int
	// Unpaid are orders placed but not paid: not to be cooked unless paid before the cut-off.
	Unpaid int
}

// Total is how many to cook.
func (c ItemCount) Total() int { return c.EatIn + c.Delivery }

// CanteenDay is a canteen's online orders for one day, as its kitchen works from them.
type CanteenDay struct {
	Canteen *Canteen
	Day     civil.Date
	Orders  []Order // every order of the day, cancelled ones included, by meal and id
	Counts  []ItemCount
	// Deliveries are the live delivery orders; their addresses are masked (RevealDeliveries).
	Deliveries []Order
}

// CanteenOrders reads canteen cid's orders for day, for whoever sees the canteen.
func (s *Store) CanteenOrders(ctx context.Context, p *auth.Principal, cid int64, day civil.Date) (*CanteenDay, error) {
	c, err := s.Canteen(ctx, p, cid)
	if err != nil {
		return nil, err
	}
	orders, err := s.listOrders(ctx, `o.canteen_id = ? AND o.meal_day = ?`, cid, day)
	if err != nil {
		return nil, err
	}
	cd := &CanteenDay{Canteen: c, Day: day, Orders: orders}
	index := map[int64]int{}
	for _, o := range orders {
		if !o.Live() {
			continue
		}
		k, ok := index[o.MenuItemID]
		if !ok {
			k = len(cd.Counts)
			index[o.MenuItemID] = k
			cd.Counts = append(cd.Counts, ItemCount{MenuItemID: o.MenuItemID, Name: o.ItemName, MealType: o.MealType})
		}
		ic := &cd.Counts[k]
		switch {
		case o.Status == OrderPlaced && o.DinerPays > 0:
			ic.Unpaid++
		case o.Delivery:
			ic.Delivery++
		default:
			ic.EatIn++
		}
		if o.Delivery {
			cd.Deliveries = append(cd.Deliveries, o)
		}
	}
	return cd, nil
}

// RevealDeliveries opens the delivery addresses of canteen cid's live delivery orders for day,
// by order id. Only the canteen's own operator may, who delivers them; the reveal is audited.
func (s *Store) RevealDeliveries(ctx context.Context, p *auth.Principal, cid int64, day civil.Date) (map[int64]string, error) {
	c, err := s.Canteen(ctx, p, cid)
	if err != nil {
		return nil, err
	}
	if p.Role != auth.CanteenOperator || p.OrgID != c.ID {
		return nil, apperr.Msg(apperr.Forbidden, "meals.order.reveal_forbidden")
	}
	orders, err := s.listOrders(ctx, `o.canteen_id = ? AND o.meal_day = ? AND o.delivery = ? AND o.status <> ?`,
		cid, day, true, OrderCancelled)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	ids := make([]string, 0, len(orders))
	for _, o := range orders {
		if o.addressSealed == "" {
			continue
		}
		a, err := s.Keys.Open(o.addressSealed, OrderAddressField)
		if err != nil {
			return nil, err
		}
		out[o.ID] = a
		ids = append(ids, itoa(o.ID))
	}
	_, err = s.Audit.Record(ctx, s.DB, event(p, "meals.order.reveal_addresses", "canteen", cid, c.RegionCode,
		map[string]any{"day": day.String(), "orders": strings.Join(ids, ",")}))
	return out, err
}

// CanteenOrderCount is one canteen's live online orders for a day.
type CanteenOrderCount struct {
	CanteenID  int64
	Name       string
	RegionCode string
	Orders     int // live orders
	Delivery   int // of which delivered
	Unpaid     int // of which not paid yet
	Served     int // of which served
}

// OrderCountsByCanteen lists, for the canteens p sees, how many live online orders each has for
// day; canteens without any are left out, so a city's list shows where ordering happens.
func (s *Store) OrderCountsByCanteen(ctx context.Context, p *auth.Principal, day civil.Date) ([]CanteenOrderCount, error) {
	where, args := "1 = 0", []any(nil)
	switch {
	case p != nil && p.Role == auth.CanteenOperator:
		where, args = "c.id = ?", []any{p.OrgID}
	case readsByRegion(p):
		where, args = p.ScopeCondition("c.region_code")
	}
	rows, err := s.DB.Query(ctx, `SELECT c.id, c.name, c.region_code, COUNT(*),
		SUM(CASE WHEN o.delivery THEN 1 ELSE 0 END),
		SUM(CASE WHEN o.status = ? AND o.diner_pays_fen > 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN o.status = ? THEN 1 ELSE 0 END)
		FROM meal_orders o JOIN canteens c ON c.id = o.canteen_id
		WHERE o.meal_day = ? AND o.status <> ? AND `+where+`
		GROUP BY c.id, c.name, c.region_code ORDER BY c.region_code, c.id LIMIT `+itoa(orderLimit),
		append([]any{OrderPlaced, OrderServed, day, OrderCancelled}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CanteenOrderCount
	for rows.Next() {
		var c CanteenOrderCount
		if err := rows.Scan(&c.CanteenID, &c.Name, &c.RegionCode, &c.Orders, &c.Delivery, &c.Unpaid, &c.Served); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
