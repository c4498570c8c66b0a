package meals

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// draft is an order checked and priced, ready to insert (or to show on the confirm page).
type draft struct {
	diner     *DinerRecord
	canteen   *Canteen
	item      *MenuItem
	orderedBy string
	quote     Quote
	cutoff    time.Time
	address   string // the plain delivery address, "" when eating in
}

// Draft is an order checked and priced but not placed: what the confirm page shows.
type Draft struct {
	DinerName     string // masked
	CanteenName   string
	ItemName      string
	MealType      string
	Day           civil.Date
	Delivery      bool
	AddressMasked string
	Quote         Quote
	Cutoff        time.Time
}

// PreviewOrder checks and prices in as PlaceOrder would, without placing it, so the confirm page
// shows the amount the diner will pay.
func (s *Store) PreviewOrder(ctx context.Context, o Orderer, in OrderInput) (*Draft, error) {
	a, err := actorOf(ctx, s.DB, o)
	if err != nil {
		return nil, err
	}
	d, err := s.prepareOrder(ctx, s.DB, nil, a, in)
	if err != nil {
		return nil, err
	}
	return &Draft{DinerName: pii.MaskName(d.diner.Name), CanteenName: d.canteen.Name, ItemName: d.item.Name,
		MealType: d.item.MealType, Day: in.Day, Delivery: in.Delivery, AddressMasked: MaskAddress(d.address),
		Quote: d.quote, Cutoff: d.cutoff}, nil
}

// PlaceOrder places an order for one meal and returns it, status placed: the diner's share is
// then paid with Pay (the phone page does both in one tap). A second live order for the same
// diner, day and meal is a Conflict.
func (s *Store) PlaceOrder(ctx context.Context, o Orderer, in OrderInput) (*Order, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := actorOf(ctx, tx, o)
		if err != nil {
			return err
		}
		d, err := s.prepareOrder(ctx, tx, tx, a, in)
		if err != nil {
			return err
		}
		sealed := ""
		if d.address != "" {
			if sealed, err = s.Keys.Seal(d.address, OrderAddressField); err != nil {
				return err
			}
		}
		by := splitShares(d.quote)
		now := s.stamp()
		err = tx.QueryRow(ctx, `INSERT INTO meal_orders (diner_id, canteen_id, menu_item_id, meal_type, meal_day, delivery,
			address_sealed, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, policy_id, rule, reason, ordered_by,
			status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.diner.ID, d.canteen.ID, d.item.ID, d.item.MealType, in.Day, in.Delivery, sealed, int64(d.quote.Price),
			int64(d.quote.DinerPays), by[0], by[1], by[2], d.quote.PolicyID, d.quote.Rule, d.quote.Reason, d.orderedBy,
			OrderPlaced, now, now).Scan(&id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, a.event("meals.order.place", id, d.diner.HomeRegion, map[string]any{
			"diner_id": d.diner.ID, "canteen_id": d.canteen.ID, "day": in.Day.String(), "meal_type": d.item.MealType,
			"delivery": in.Delivery, "ordered_by": d.orderedBy, "diner_pays_fen": int64(d.quote.DinerPays)}))
		return err
	})
	if db.IsUniqueViolation(err) { // meal_orders_one_per_meal: two taps at once
		return nil, apperr.Msg(apperr.Conflict, "meals.order.exists")
	}
	if err != nil {
		return nil, err
	}
	return s.Order(ctx, o, id)
}

// prepareOrder checks in for a and prices it. With tx set it takes the diner's row lock first,
// so the count of subsidised meals that day cannot change before the order is inserted.
func (s *Store) prepareOrder(ctx context.Context, q db.Querier, tx *db.Tx, a *actor, in OrderInput) (*draft, error) {
	if in.DinerID <= 0 {
		return nil, apperr.FieldMsg("diner_id", "meals.order.diner_required")
	}
	var d draft
	var err error
	if tx != nil {
		d.diner, err = lockDiner(ctx, tx, in.DinerID, "")
	} else {
		d.diner, err = scanDiner(q.QueryRow(ctx, `SELECT `+dinerColumns+` FROM diners WHERE id = ?`, in.DinerID))
	}
	if err != nil {
		return nil, err
	}
	if d.orderedBy, err = a.orderedBy(ctx, q, d.diner); err != nil {
		return nil, err
	}
	if d.diner.Status != DinerActive {
		return nil, apperr.Msg(apperr.Conflict, "meals.order.diner_inactive")
	}
	if d.canteen, d.item, err = s.orderable(ctx, q, in.CanteenID, in.MenuItemID); err != nil {
		return nil, err
	}
	rules := s.orderRules()
	if err := s.checkDay(d.canteen, in.Day, rules); err != nil {
		return nil, err
	}
	d.cutoff = rules.Cutoff(in.Day, d.item.MealType, d.canteen.CutoffMinutes)
	if !s.now().Before(d.cutoff) {
		return nil, apperr.Msg(apperr.Conflict, "meals.order.cutoff_passed", d.cutoff.In(civil.China).Format("01-02 15:04"))
	}
	if in.Delivery {
		if d.address, err = s.deliveryAddress(ctx, q, d.diner, d.canteen, rules); err != nil {
			return nil, err
		}
	}
	var live int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meal_orders WHERE diner_id = ? AND meal_day = ? AND meal_type = ?
		AND status <> ?`, d.diner.ID, in.Day, d.item.MealType, OrderCancelled).Scan(&live); err != nil {
		return nil, err
	}
	if live > 0 {
		return nil, apperr.Msg(apperr.Conflict, "meals.order.exists")
	}
	subsidised, err := subsidisedOn(ctx, q, d.diner.ID, in.Day)
	if err != nil {
		return nil, err
	}
	d.quote = s.quote(d.diner, d.canteen, d.item, in.Day, subsidised)
	return &d, nil
}

// openCanteen reads a canteen that takes orders. Canteens are public places: anyone ordering
// may name any of them.
func openCanteen(ctx context.Context, q db.Querier, canteenID int64) (*Canteen, error) {
	if canteenID <= 0 {
		return nil, apperr.FieldMsg("canteen_id", "meals.order.canteen_required")
	}
	c, err := scanCanteen(q.QueryRow(ctx, `SELECT `+canteenColumns+` FROM canteens WHERE id = ?`, canteenID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "meals.canteen_notfound")
	}
	if err != nil {
		return nil, err
	}
	if c.Status != CanteenOpen {
		return nil, apperr.Msg(apperr.Conflict, "meals.canteen_closed")
	}
	return c, nil
}

// orderable reads a canteen taking orders and an item on its menu.
func (s *Store) orderable(ctx context.Context, q db.Querier, canteenID, itemID int64) (*Canteen, *MenuItem, error) {
	c, err := openCanteen(ctx, q, canteenID)
	if err != nil {
		return nil, nil, err
	}
	if itemID <= 0 {
		return nil, nil, apperr.FieldMsg("menu_item_id", "meals.order.item_required")
	}
	it, err := menuItem(ctx, q, itemID)
	if err == nil && it.CanteenID != c.ID {
		err = apperr.Msg(apperr.NotFound, "meals.item_notfound")
	}
	if err != nil {
		return nil, nil, err
	}
	if !it.Active {
		return nil, nil, apperr.Msg(apperr.Conflict, "meals.item_inactive")
	}
	return c, it, nil
}

// checkDay refuses a day the canteen takes no orders for: past, too far ahead, or closed.
func (s *Store) checkDay(c *Canteen, day civil.Date, rules OrderRules) error {
	today := s.today()
	switch {
	case day.IsZero():
		return apperr.FieldMsg("day", "meals.order.day_required")
	case day.Before(today):
		return apperr.FieldMsg("day", "meals.order.day_past")
	case day.After(today.AddDays(rules.DaysAhead)):
		return apperr.FieldMsg("day", "meals.order.day_too_far", rules.DaysAhead)
	case !c.OpensOn(day):
		return apperr.FieldMsg("day", "meals.order.day_closed", day.String())
	}
	return nil
}

// deliveryAddress returns where to deliver diner d's meal from canteen c, or why it cannot be
// delivered: the canteen does not deliver, the diner is not entitled, or no address is on file.
func (s *Store) deliveryAddress(ctx context.Context, q db.Querier, d *DinerRecord, c *Canteen, rules OrderRules) (string, error) {
	switch {
	case !c.Delivery:
		return "", apperr.FieldMsg("delivery", "meals.order.no_delivery")
	case !rules.EntitledToDelivery(d.Categories):
		return "", apperr.FieldMsg("delivery", "meals.order.not_entitled")
	}
	var sealed string
	if err := q.QueryRow(ctx, `SELECT address_sealed FROM diners WHERE id = ?`, d.ID).Scan(&sealed); err != nil {
		return "", err
	}
	if sealed == "" {
		return "", apperr.FieldMsg("delivery", "meals.order.no_address")
	}
	return s.Keys.Open(sealed, AddressField)
}

// subsidisedOn counts diner's subsidised meals on day: those served (at a counter, or online
// orders already served) and live orders not yet served. Counting both is what makes one
// subsidised meal a day hold whichever way the meals are bought.
func subsidisedOn(ctx context.Context, q db.Querier, diner int64, day civil.Date) (int, error) {
	var served, ordered int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE diner_id = ? AND served_on = ?
		AND status = 'served' AND diner_pays_fen < price_fen`, diner, day).Scan(&served); err != nil {
		return 0, err
	}
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meal_orders WHERE diner_id = ? AND meal_day = ?
		AND status IN (?, ?) AND diner_pays_fen < price_fen`, diner, day, OrderPlaced, OrderPaid).Scan(&ordered); err != nil {
		return 0, err
	}
	return served + ordered, nil
}
