package meals

import (
	"context"
	"database/sql"
	"errors"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// Fulfil records order id as served (eaten in or delivered) by its canteen's operator and returns
// the meal's transaction id. In one transaction it writes the meal_transactions row — channel
// online, the order's price and split, Idempotency-Key "order-<id>" — and links the order to it,
// so settlement sees exactly the meals the canteen says it served, each once: fulfilling an order
// twice returns the first meal. Only a paid order, or one with nothing to pay, may be served, and
// not before its day.
func (s *Store) Fulfil(ctx context.Context, p *auth.Principal, id int64) (int64, error) {
	var txID int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		ord, err := s.lockOrder(ctx, tx, &actor{staff: p}, id)
		if err != nil {
			return err
		}
		if p.Role != auth.CanteenOperator || p.OrgID != ord.CanteenID {
			return apperr.Msg(apperr.Forbidden, "meals.order.fulfil_forbidden")
		}
		switch {
		case ord.Status == OrderServed:
			txID = ord.TransactionID
			return nil
		case ord.Status == OrderCancelled:
			return apperr.Msg(apperr.Conflict, "meals.order.is_cancelled")
		case !ord.CanFulfil:
			return apperr.Msg(apperr.Conflict, "meals.order.unpaid")
		case ord.Day.After(s.today()):
			return apperr.Msg(apperr.Conflict, "meals.order.fulfil_early", ord.Day.String())
		}
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM diners WHERE id = ?`, ord.DinerID).Scan(&status); err != nil {
			return err
		}
		flags := ""
		if status == DinerDeceased { // recorded, as at the counter, for settlement to hold back
			flags = FlagDeceased
		}
		key := TransactionKey(id)
		err = tx.QueryRow(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
			served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, policy_id, rule, reason, flags, channel,
			status, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'served', ?, ?)
			ON CONFLICT (canteen_id, idempotency_key) DO NOTHING RETURNING id`,
			ord.CanteenID, ord.DinerID, ord.MenuItemID, ord.canteenRegion, ord.MealType, ord.Day, int64(ord.Price),
			int64(ord.DinerPays), int64(ord.City), int64(ord.District), int64(ord.Street), ord.PolicyID, ord.Rule, ord.Reason,
			flags, ChannelOnline, key, s.stamp()).Scan(&txID)
		if errors.Is(err, sql.ErrNoRows) {
			// The meal is there already (an earlier attempt whose order update was lost cannot
			// happen in one transaction, but a meal recorded under this key by other means can).
			err = tx.QueryRow(ctx, `SELECT id FROM meal_transactions WHERE canteen_id = ? AND idempotency_key = ?`,
				ord.CanteenID, key).Scan(&txID)
		}
		if err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `UPDATE meal_orders SET status = ?, transaction_id = ?, version = version + 1, updated_at = ?
			WHERE id = ?`, OrderServed, txID, s.stamp(), id); err != nil {
			return err
		}
		// An order fulfilled after its day changes a day the statistics may have summed.
		return s.statsTouched(ctx, tx, ord.Day)
	})
	return txID, err
}
