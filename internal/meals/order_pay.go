package meals

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// lockOrder takes order id's row lock for the rest of tx and reads it, for an actor who may see
// it. An UPDATE takes the lock on both engines (see lockDiner).
func (s *Store) lockOrder(ctx context.Context, tx *db.Tx, a *actor, id int64) (*Order, error) {
	var got int64
	err := tx.QueryRow(ctx, `UPDATE meal_orders SET version = version WHERE id = ? RETURNING id`, id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "meals.order.notfound")
	}
	if err != nil {
		return nil, err
	}
	return s.visibleOrder(ctx, tx, a, id)
}

// mayOrder refuses a reader of order o who is not on the ordering side: a citizen who may order
// for the diner, or staff who may register the diner. A canteen operator sees the order but does
// not pay or cancel it.
func (a *actor) mayOrder(ctx context.Context, q db.Querier, o *Order) error {
	_, err := a.orderedBy(ctx, q, &DinerRecord{ID: o.DinerID, HomeRegion: o.homeRegion})
	if apperr.KindOf(err) == apperr.NotFound {
		return apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	return err
}

// Pay charges the diner's share of order id through the payment provider and marks it paid. An
// order already paid (or served) is left as it is, so a second tap does nothing. If the provider
// refuses or fails, the order stays placed, nothing is recorded, and the error says it may be
// paid again; the charge's idempotency key makes that retry safe. An order whose share is 0 is
// marked paid without calling the provider.
func (s *Store) Pay(ctx context.Context, o Orderer, id int64) (*Order, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := actorOf(ctx, tx, o)
		if err != nil {
			return err
		}
		ord, err := s.lockOrder(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := a.mayOrder(ctx, tx, ord); err != nil {
			return err
		}
		switch ord.Status {
		case OrderPaid, OrderServed:
			return nil
		case OrderCancelled:
			return apperr.Msg(apperr.Conflict, "meals.order.is_cancelled")
		}
		if !s.now().Before(ord.Cutoff) {
			return apperr.Msg(apperr.Conflict, "meals.order.cutoff_passed", ord.Cutoff.In(civil.China).Format("01-02 15:04"))
		}
		// Recording a death or leaving cancels the open orders (order_void.go); this refuses an
		// order that was left open by a status recorded before that, or by a status change that
		// is waiting for this order's lock (it will then cancel and refund it).
		var dinerStatus string
		if err := tx.QueryRow(ctx, `SELECT status FROM diners WHERE id = ?`, ord.DinerID).Scan(&dinerStatus); err != nil {
			return fmt.Errorf("pay order %d: %w", id, err)
		}
		if dinerStatus != DinerActive {
			return apperr.Msg(apperr.Conflict, "meals.order.diner_inactive")
		}
		provider, ref := "", ""
		if ord.DinerPays > 0 {
			pay := s.payments()
			provider = pay.Name()
			ref, err = pay.Charge(ctx, Charge{Key: chargeKey(id), OrderID: id, Amount: ord.DinerPays, Payer: ord.OrderedBy,
				Description: ord.CanteenName + " " + ord.Day.String() + " " + ord.ItemName})
			if err != nil {
				e := apperr.Msg(apperr.Conflict, "meals.order.pay_failed")
				e.Err = err
				return e
			}
		}
		now := s.stamp()
		_, err = tx.Exec(ctx, `UPDATE meal_orders SET status = ?, payment_provider = ?, payment_ref = ?, paid_at = ?,
			version = version + 1, updated_at = ? WHERE id = ?`, OrderPaid, provider, ref, now, now, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Order(ctx, o, id)
}

// Cancel cancels order id for the ordering side. A paid order may be cancelled only before the
// cut-off, and its share is refunded through the provider in the same transaction: if the refund
// fails, the order stays paid and the error says so. The order keeps its charge's reference; the
// refund's is in the audit event of the cancellation. An unpaid order may be cancelled until it is
// served, since nobody cooks for it. Cancelling a cancelled order does nothing.
func (s *Store) Cancel(ctx context.Context, o Orderer, id int64) (*Order, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := actorOf(ctx, tx, o)
		if err != nil {
			return err
		}
		ord, err := s.lockOrder(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := a.mayOrder(ctx, tx, ord); err != nil {
			return err
		}
		switch ord.Status {
		case OrderCancelled:
			return nil
		case OrderServed:
			return apperr.Msg(apperr.Conflict, "meals.order.is_served")
		}
		refundRef := ""
		if ord.Status == OrderPaid {
			if !s.now().Before(ord.Cutoff) {
				return apperr.Msg(apperr.Conflict, "meals.order.cancel_too_late",
					ord.Cutoff.In(civil.China).Format("01-02 15:04"))
			}
			if ord.DinerPays > 0 {
				pay := s.payments()
				if ord.PaymentProvider != pay.Name() {
					return apperr.Msg(apperr.Conflict, "meals.order.refund_provider", ord.PaymentProvider)
				}
				refund, err := pay.Refund(ctx, Refund{Key: refundKey(id), OrderID: id, Amount: ord.DinerPays, ChargeRef: ord.PaymentRef})
				if err != nil {
					e := apperr.Msg(apperr.Conflict, "meals.order.refund_failed")
					e.Err = err
					return e
				}
				refundRef = refund
			}
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, `UPDATE meal_orders SET status = ?, cancelled_at = ?, version = version + 1, updated_at = ?
			WHERE id = ?`, OrderCancelled, now, now, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, a.event("meals.order.cancel", id, ord.homeRegion, map[string]any{
			"status_before": ord.Status, "refund_fen": refunded(ord), "refund_ref": refundRef}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Order(ctx, o, id)
}

// refunded is what cancelling ord gives back.
func refunded(ord *Order) int64 {
	if ord.Status == OrderPaid {
		return int64(ord.DinerPays)
	}
	return 0
}
