package meals

import (
	"context"
	"database/sql"
	"errors"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/msg"
)

// Flags a served meal may carry besides the engine's second_meal_today, for settlement and the
// anti-fraud checks to look at. The meal is still recorded: the counter has served it, and the
// evidence belongs in the books, not in a refusal.
const (
	FlagDeceased  = "diner_deceased"
	FlagClosedDay = "canteen_closed_day"
)

// ServeInput is one meal at the counter: the diner, by card number (what the terminal reads) or
// by id, and the menu item.
type ServeInput struct {
	CardNo     string
	DinerID    int64
	MenuItemID int64
}

// Serve records one meal served at canteen cid's counter and returns its receipt. key is the
// terminal's Idempotency-Key: a request with a key already used at this canteen returns the
// first receipt with replayed set and charges nothing again, however many copies arrive and
// however close together; the same key for a different meal is a Conflict.
//
// Everything happens in one transaction: find the diner and take their row lock, count their
// subsidised meals today at any canteen, price the meal with the policy in force for the
// canteen's region, and insert it with the split. Meals are not written to the audit log: each
// is a record of its own, and a city's lunch hour through one chain head would serialise every
// canteen behind one row.
func (s *Store) Serve(ctx context.Context, cid int64, key string, in ServeInput) (*Receipt, bool, error) {
	if !validKey(key) {
		return nil, false, apperr.FieldMsg("idempotency_key", "meals.key_required")
	}
	var r *Receipt
	replayed := false
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if r, err = receiptByKey(ctx, tx, cid, key); err == nil {
			replayed = true
			return sameMeal(r, in)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		id, err := s.serve(ctx, tx, cid, key, in)
		if err != nil {
			return err
		}
		// id 0: a concurrent request with the same key committed first (PostgreSQL; SQLite's
		// single writer never gets here); its receipt is the answer.
		replayed = id == 0
		if r, err = receiptByKey(ctx, tx, cid, key); err != nil {
			return err
		}
		if replayed {
			return sameMeal(r, in)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return r, replayed, nil
}

// serve prices and inserts the meal; it returns 0 when the key was taken meanwhile.
func (s *Store) serve(ctx context.Context, tx *db.Tx, cid int64, key string, in ServeInput) (int64, error) {
	c, err := scanCanteen(tx.QueryRow(ctx, `SELECT `+canteenColumns+` FROM canteens WHERE id = ?`, cid))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.Msg(apperr.NotFound, "meals.canteen_notfound")
	}
	if err != nil {
		return 0, err
	}
	if c.Status != CanteenOpen {
		return 0, apperr.Msg(apperr.Conflict, "meals.canteen_closed")
	}
	item, err := menuItem(ctx, tx, in.MenuItemID)
	if err == nil && item.CanteenID != cid {
		err = apperr.Msg(apperr.NotFound, "meals.item_notfound")
	}
	if err != nil {
		return 0, err
	}
	if !item.Active {
		return 0, apperr.Msg(apperr.Conflict, "meals.item_inactive")
	}
	d, err := lockDiner(ctx, tx, in.DinerID, in.CardNo)
	if err != nil {
		return 0, err
	}
	if d.Status == DinerLeft {
		return 0, apperr.Msg(apperr.Conflict, "meals.diner_left")
	}
	today := s.today()
	var subsidised int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE diner_id = ? AND served_on = ?
		AND status = 'served' AND diner_pays_fen < price_fen`, d.ID, today.String()).Scan(&subsidised); err != nil {
		return 0, err
	}
	q := s.quote(d, c, item, today, subsidised)
	if d.Status == DinerDeceased {
		q.Flags = append(q.Flags, FlagDeceased)
	}
	if !c.OpensOn(today) {
		q.Flags = append(q.Flags, FlagClosedDay)
	}
	var by [3]int64 // city, district, street
	for _, sh := range q.Shares {
		switch sh.Source {
		case SourceCity:
			by[0] += int64(sh.Amount)
		case SourceDistrict:
			by[1] += int64(sh.Amount)
		case SourceStreet:
			by[2] += int64(sh.Amount)
		}
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
		served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, policy_id, rule, reason, flags, channel,
		status, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'served', ?, ?)
		ON CONFLICT (canteen_id, idempotency_key) DO NOTHING RETURNING id`,
		cid, d.ID, item.ID, c.RegionCode, item.MealType, today.String(), int64(q.Price), int64(q.DinerPays),
		by[0], by[1], by[2], q.PolicyID, q.Rule, q.Reason, joinList(q.Flags), ChannelCounter, key, s.stamp()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// quote prices item for diner d at canteen c on day, with the policy in force there.
func (s *Store) quote(d *DinerRecord, c *Canteen, item *MenuItem, day civil.Date, subsidised int) Quote {
	p, ok := PolicyFor(s.Policies, c.RegionCode, day)
	if !ok {
		return Quote{Price: item.Price, DinerPays: item.Price, Reason: msg.Default().T("meals.no_policy")}
	}
	return p.Quote(d.pricing(day), Meal{Date: day, Type: item.MealType, Price: item.Price, CanteenRegion: c.RegionCode,
		SubsidisedToday: subsidised}, s.calendar())
}

// sameMeal refuses a replayed key whose stored meal is not the one asked for now: a terminal
// that reuses keys must not get someone else's receipt.
func sameMeal(r *Receipt, in ServeInput) error {
	if r.MenuItemID != in.MenuItemID || in.CardNo != "" && in.CardNo != r.CardNo ||
		in.CardNo == "" && in.DinerID != r.DinerID {
		return apperr.Msg(apperr.Conflict, "meals.key_reused")
	}
	return nil
}

// validKey reports whether an Idempotency-Key is 1 to 100 visible ASCII characters.
func validKey(k string) bool {
	if k == "" || len(k) > 100 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}
