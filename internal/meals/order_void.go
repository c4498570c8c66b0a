package meals

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// Voiding orders when a diner dies or leaves (SetDinerStatus): the orders of the date of death or
// leaving and later that nobody has served yet are cancelled in the transaction that records the
// status, the paid ones refunded, so the kitchen no longer cooks them and the diner's share goes
// back to whoever paid it.
//
//   - The cut-off does not apply: it protects a kitchen from a diner changing their mind, and here
//     the office cancels because there is nobody left to eat.
//   - Served orders stay as they are: the meal was recorded, and the anti-fraud scan flags meals
//     after the date of death.
//   - Orders for days before the date stay live too: the diner was there to eat them.
//   - The refund follows Cancel: the provider is called under the order's row lock, inside the
//     transaction, before the order is written, with the key refundKey(id). If a refund fails the
//     whole status change rolls back (the diner as before, the orders as before) and the office
//     tries again; if the commit fails after a refund, the retry sends the same key and the
//     provider answers with the first refund, so money moves once. A paid order whose provider is
//     no longer the store's refuses the change as Cancel refuses the cancellation: cancelling it
//     without a refund would keep the diner's money silently.
//   - Each cancelled order gets its own meals.order.cancel audit event, as Cancel writes, with the
//     refund's reference and the reason; the order keeps the reason (cancel_reason:
//     CancelDinerDeceased or CancelDinerLeft), and the status event lists the ids under
//     cancelled_orders.

// voidedOrder is an order a status change cancelled, as it was before: its status and share say
// what was refunded, refundRef the provider's reference ("" when nothing was).
type voidedOrder struct {
	order     *Order
	refundRef string
	reason    string
}

// voidOrders cancels diner dinerID's live, unserved orders for from and later days, refunding
// the paid ones, and returns them in id order. The caller has taken the diner's row lock (its
// UPDATE of diners) and written the new status, so no order can be placed for the diner meanwhile
// (PlaceOrder locks the diner first) and any order placed before is seen here.
func (s *Store) voidOrders(ctx context.Context, tx *db.Tx, dinerID int64, from civil.Date, reason string) ([]voidedOrder, error) {
	ids, err := lockOpenOrders(ctx, tx, dinerID, from)
	if err != nil {
		return nil, err
	}
	now := s.stamp()
	out := make([]voidedOrder, 0, len(ids))
	for _, id := range ids {
		ord, err := s.orderByID(ctx, tx, id)
		if err != nil {
			return nil, fmt.Errorf("void order %d: %w", id, err)
		}
		ref, err := s.refundVoided(ctx, ord)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE meal_orders SET status = ?, cancelled_at = ?, cancel_reason = ?,
			version = version + 1, updated_at = ? WHERE id = ?`, OrderCancelled, now, reason, now, id); err != nil {
			return nil, fmt.Errorf("void order %d: %w", id, err)
		}
		out = append(out, voidedOrder{order: ord, refundRef: ref, reason: reason})
	}
	return out, nil
}

// lockOpenOrders takes the row locks of diner dinerID's placed and paid orders for from and later
// days and returns their ids in order. An UPDATE takes the lock on both engines (see lockOrder);
// on PostgreSQL it waits for a payment, cancellation or service in progress and then sees its
// outcome, so an order the canteen has just served is left out.
func lockOpenOrders(ctx context.Context, tx *db.Tx, dinerID int64, from civil.Date) ([]int64, error) {
	ids, err := db.Column[int64](tx.Query(ctx, `UPDATE meal_orders SET version = version WHERE diner_id = ? AND meal_day >= ?
		AND status IN (?, ?) RETURNING id`, dinerID, from, OrderPlaced, OrderPaid))
	if err != nil {
		return nil, fmt.Errorf("lock open orders of diner %d: %w", dinerID, err)
	}
	slices.Sort(ids)
	return ids, nil
}

// refundVoided gives back the diner's share of ord if it was paid, as Cancel does, and returns
// the refund's reference ("" when there was nothing to give back).
func (s *Store) refundVoided(ctx context.Context, ord *Order) (string, error) {
	if ord.Status != OrderPaid || ord.DinerPays <= 0 {
		return "", nil
	}
	pay := s.payments()
	if ord.PaymentProvider != pay.Name() {
		return "", apperr.Msg(apperr.Conflict, "meals.order.void_refund_provider", ord.ID, ord.PaymentProvider)
	}
	ref, err := pay.Refund(ctx, Refund{Key: refundKey(ord.ID), OrderID: ord.ID, Amount: ord.DinerPays, ChargeRef: ord.PaymentRef})
	if err != nil {
		e := apperr.Msg(apperr.Conflict, "meals.order.void_refund_failed", ord.ID)
		e.Err = err
		return "", e
	}
	return ref, nil
}

// auditVoids appends one meals.order.cancel event per order a change to status cancelled, by p.
// The caller appends them last, after every refund, so the audit chain's lock is not held while
// a provider answers.
func (s *Store) auditVoids(ctx context.Context, tx *db.Tx, p *auth.Principal, voided []voidedOrder) error {
	for _, v := range voided {
		_, err := s.Audit.Append(ctx, tx, event(p, "meals.order.cancel", "meal_order", v.order.ID, v.order.homeRegion,
			map[string]any{"status_before": v.order.Status, "refund_fen": refunded(v.order), "refund_ref": v.refundRef,
				"reason": v.reason}))
		if err != nil {
			return fmt.Errorf("audit voided order %d: %w", v.order.ID, err)
		}
	}
	return nil
}

// voidedIDs lists the ids of voided as the status event's cancelled_orders: "12,13".
func voidedIDs(voided []voidedOrder) string {
	ids := make([]string, len(voided))
	for i, v := range voided {
		ids[i] = itoa(v.order.ID)
	}
	return strings.Join(ids, ",")
}

// VoidedOrder is an order the office cancelled because its diner died or left, as the diner page
// lists them so staff see what recording the status undid.
type VoidedOrder struct {
	Order
	// Refunded is the diner's share given back: 0 for an order that was not paid.
	Refunded money.Fen
}

// VoidedOrders lists, by day, the orders of diner dinerID that recording the diner's death or
// leaving cancelled (their CancelReason says which), for whoever reads the diner (Store.Diner).
func (s *Store) VoidedOrders(ctx context.Context, p *auth.Principal, dinerID int64) ([]VoidedOrder, error) {
	if _, err := s.Diner(ctx, p, dinerID); err != nil {
		return nil, err
	}
	orders, err := s.listOrders(ctx, `o.diner_id = ? AND o.status = ? AND o.cancel_reason <> ''`, dinerID, OrderCancelled)
	if err != nil {
		return nil, fmt.Errorf("voided orders of diner %d: %w", dinerID, err)
	}
	out := make([]VoidedOrder, len(orders))
	for i, o := range orders {
		out[i] = VoidedOrder{Order: o}
		if !o.PaidAt.IsZero() {
			out[i].Refunded = o.DinerPays
		}
	}
	return out, nil
}
