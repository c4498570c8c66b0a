package meals

import (
	"context"
	"database/sql"
	"errors"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// The two statements of one meal at the counter: the diner's row lock, which also reads what the
// cached canteen and item are checked against and the diner's subsidised meals today, and the
// insert, which counts those meals again under the lock so that the one-a-day rule holds across
// canteens.

// serve prices and inserts the meal; errKeyTaken when the key was taken meanwhile.
//
// Two statements do it. The first takes the diner's row lock with an UPDATE (SQLite has no
// SELECT … FOR UPDATE; its single writer serialises anyway) and returns, with the diner, the
// versions that tell whether the cached canteen and item still hold and the diner's subsidised
// meals today. The second inserts the meal only if that count still stands. On PostgreSQL the
// first statement's count can be stale: if it waited for the lock of a transaction that served
// the same diner at another canteen, its snapshot predates that meal. The insert, a statement of
// its own with a fresh snapshot taken under the lock, counts again; when nothing was inserted
// and the key is free, the count moved, and the meal is priced again with the new one (the lock
// is held now, so the second try stands). A round trip is saved for every meal served alone
// and it costs nothing where nothing raced.
func (s *Store) serve(ctx context.Context, tx *db.Tx, cid int64, key string, in ServeInput) (*Receipt, error) {
	today := s.today()
	where, arg := in.dinerWhere()
	var d DinerRecord
	var cats string
	var version, itemLive sql.NullInt64
	var itemStamp sql.NullString
	var subsidised int
	err := tx.QueryRow(ctx, `UPDATE diners SET version = version WHERE `+where+` RETURNING id, name, birth_date,
		hukou_region, home_region, categories, card_no, status, (SELECT version FROM canteens WHERE id = ?),
		(SELECT updated_at FROM menu_items WHERE id = ? AND canteen_id = ?),
		(SELECT CASE WHEN active THEN price_fen ELSE 0 END FROM menu_items WHERE id = ?), `+subsidisedSQL("diners.id"),
		arg, cid, in.MenuItemID, cid, in.MenuItemID, today.String(), today.String()).Scan(&d.ID, &d.Name, &d.BirthDate,
		&d.HukouRegion, &d.HomeRegion, &cats, &d.CardNo, &d.Status, &version, &itemStamp, &itemLive, &subsidised)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, apperr.Msg(apperr.NotFound, "meals.diner_notfound")
	case err != nil:
		return nil, err
	case !version.Valid:
		return nil, apperr.Msg(apperr.NotFound, "meals.canteen_notfound")
	case !itemStamp.Valid:
		return nil, apperr.Msg(apperr.NotFound, "meals.item_notfound")
	}
	d.Categories = splitList(cats)
	c, item, err := s.counter.lookup(ctx, tx, cid, int(version.Int64), in.MenuItemID, itemStamp.String, itemLive.Int64)
	switch {
	case err != nil:
		return nil, err
	case c.Status != CanteenOpen:
		return nil, apperr.Msg(apperr.Conflict, "meals.canteen_closed")
	case !item.Active:
		return nil, apperr.Msg(apperr.Conflict, "meals.item_inactive")
	case d.Status == DinerLeft:
		return nil, apperr.Msg(apperr.Conflict, "meals.diner_left")
	}
	for attempt := 0; ; attempt++ {
		r := s.receipt(&d, c, item, today, subsidised)
		stamp := s.stamp()
		r.CreatedAt, _ = db.ParseTime(stamp) // as a replay will read it back
		err = tx.QueryRow(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
			served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, policy_id, rule, reason, flags, channel,
			status, idempotency_key, created_at) SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), ?, ?, ?,
			CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), ?, ?, ?, ?, ?,
			'served', ?, ? WHERE `+subsidisedSQL("CAST(? AS BIGINT)")+` = CAST(? AS BIGINT)
			ON CONFLICT (canteen_id, idempotency_key) DO NOTHING RETURNING id`,
			cid, d.ID, item.ID, c.RegionCode, item.MealType, today.String(), int64(r.Price), int64(r.DinerPays), int64(r.City),
			int64(r.District), int64(r.Street), r.PolicyID, r.Rule, r.Reason, joinList(r.Flags), ChannelCounter, key, stamp,
			d.ID, today.String(), d.ID, today.String(), subsidised).Scan(&r.TransactionID)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		// Nothing inserted: the key is taken, or the count moved.
		var taken int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE canteen_id = ? AND idempotency_key = ?`,
			cid, key).Scan(&taken); err != nil {
			return nil, err
		}
		if taken > 0 {
			return nil, errKeyTaken
		}
		if attempt == 2 {
			return nil, errors.New("meals: the diner's daily count kept changing under the lock")
		}
		if subsidised, err = s.subsidisedCount(ctx, tx, d.ID, today); err != nil {
			return nil, err
		}
	}
}

// subsidisedSQL is the expression counting the subsidised meals of the diner whose id is the
// expression dinerID on the day given by the next two placeholders, as the one-a-day rule counts
// them: meals served (at any canteen, on any channel) and live online orders (placed or paid)
// that carry a subsidy. A served order is counted once, as its meal.
func subsidisedSQL(dinerID string) string {
	return `((SELECT COUNT(*) FROM meal_transactions st WHERE st.diner_id = ` + dinerID + ` AND st.served_on = ?
		AND st.status = 'served' AND st.diner_pays_fen < st.price_fen) + (SELECT COUNT(*) FROM meal_orders so
		WHERE so.diner_id = ` + dinerID + ` AND so.meal_day = ? AND so.status IN ('placed', 'paid')
		AND so.diner_pays_fen < so.price_fen))`
}

// subsidisedCount counts diner id's subsidised meals on day (subsidisedSQL).
func (s *Store) subsidisedCount(ctx context.Context, q db.Querier, id int64, day civil.Date) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT `+subsidisedSQL("CAST(? AS BIGINT)"), id, day.String(), id, day.String()).Scan(&n)
	return n, err
}
