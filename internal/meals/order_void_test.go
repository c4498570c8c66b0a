package meals

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// setStatus records a status of the env's diner on, with the version now stored.
func (e *orderEnv) setStatus(status string, on civil.Date, note string) error {
	e.t.Helper()
	return e.s.SetDinerStatus(e.ctx, e.officer, e.diner, e.dinerState(e.diner).version,
		DinerStatusInput{Status: status, On: on, Note: note})
}

// orderStatus reads order id's status as stored.
func (e *orderEnv) orderStatus(id int64) string {
	e.t.Helper()
	var s string
	if err := e.d.QueryRow(e.ctx, `SELECT status FROM meal_orders WHERE id = ?`, id).Scan(&s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// wantStatuses fails the test unless each order has its status.
func (e *orderEnv) wantStatuses(want map[*Order]string) {
	e.t.Helper()
	for o, s := range want {
		if got := e.orderStatus(o.ID); got != s {
			e.t.Errorf("order %d for %v %s: %s, want %s", o.ID, o.Day, o.MealType, got, s)
		}
	}
}

// auditDetail reads the detail of the newest audit event of action on target id.
func (e *orderEnv) auditDetail(action string, id int64) map[string]any {
	e.t.Helper()
	var text string
	if err := e.d.QueryRow(e.ctx, `SELECT detail FROM audit_log WHERE action = ? AND target_id = ? ORDER BY id DESC LIMIT 1`,
		action, itoa(id)).Scan(&text); err != nil {
		e.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		e.t.Fatal(err)
	}
	return m
}

// paid places an order and pays it.
func (e *orderEnv) paid(o Orderer, in OrderInput) *Order {
	e.t.Helper()
	ord := e.place(o, in)
	if _, err := e.s.Pay(e.ctx, o, ord.ID); err != nil {
		e.t.Fatal(err)
	}
	return ord
}

// refundKeys lists the keys of the refunds the provider was asked for, in order.
func (e *orderEnv) refundKeys() []string {
	var keys []string
	for _, r := range e.pay.refunds {
		keys = append(keys, r.Key)
	}
	return keys
}

// TestVoidOrdersOnDeath marks the diner deceased on the 6th, the day after her orders were
// placed: the paid lunch of the 7th and the unpaid one of the 8th are cancelled, the paid one
// refunded once; the dinner of the 5th, the lunch served on the 6th and another diner's order
// stay. Corrections, retries and a return to active never refund twice or bring an order back.
func TestVoidOrdersOnDeath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		staff := ByStaff(e.officer)
		dinnerOf := func(day civil.Date) OrderInput {
			return OrderInput{DinerID: e.diner, CanteenID: e.cid, MenuItemID: e.dinner, Day: day}
		}
		before := e.paid(e.daughter, dinnerOf(day(2024, 3, 5)))
		served := e.paid(e.daughter, e.lunchOn(day(2024, 3, 6)))
		tomorrow := e.paid(e.daughter, e.lunchOn(day(2024, 3, 7)))
		unpaid := e.place(e.daughter, e.lunchOn(day(2024, 3, 8)))
		neighbour := e.elder(e.laoshan, day(1945, 5, 5), "13800000009")
		other := e.paid(staff, OrderInput{DinerID: neighbour, CanteenID: e.cid, MenuItemID: e.lunch, Day: day(2024, 3, 7)})

		e.clock.AdvanceDays(1) // 2024-03-06 10:00: the lunch is served, then the family comes by
		if _, err := e.s.Fulfil(e.ctx, e.operator, served.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.setStatus(DinerDeceased, day(2024, 3, 6), "家属到社区告知"); err != nil {
			t.Fatal(err)
		}
		e.wantStatuses(map[*Order]string{before: OrderPaid, served: OrderServed, tomorrow: OrderCancelled,
			unpaid: OrderCancelled, other: OrderPaid})
		if r := e.pay.refunds; len(r) != 1 || r[0].Key != refundKey(tomorrow.ID) || r[0].Amount != money.Yuan(6) ||
			r[0].OrderID != tomorrow.ID || r[0].ChargeRef != "pay-"+chargeKey(tomorrow.ID) {
			t.Fatalf("refunds %+v, want the lunch of the 7th once", r)
		}
		if got, _ := e.s.Order(e.ctx, e.daughter, tomorrow.ID); got.CancelledAt.IsZero() || got.CanPay || got.CanCancel {
			t.Errorf("cancelled order %+v", got)
		}

		// Audited per order, as Cancel does, and listed on the status change.
		if n := e.auditCount("meals.order.cancel"); n != 2 {
			t.Errorf("%d cancel events, want 2", n)
		}
		if ev := e.auditDetail("meals.order.cancel", tomorrow.ID); ev["reason"] != "diner_deceased" ||
			ev["refund_ref"] != "refund-"+refundKey(tomorrow.ID) || ev["refund_fen"] != float64(600) || ev["status_before"] != OrderPaid {
			t.Errorf("cancel event %v", ev)
		}
		if ev := e.auditDetail("meals.order.cancel", unpaid.ID); ev["refund_fen"] != float64(0) || ev["refund_ref"] != "" {
			t.Errorf("cancel event of the unpaid order %v", ev)
		}
		if ev := e.auditDetail("meals.diner.status", e.diner); ev["cancelled_orders"] != itoa(tomorrow.ID)+","+itoa(unpaid.ID) {
			t.Errorf("status event %v", ev)
		}
		voided, err := e.s.VoidedOrders(e.ctx, e.officer, e.diner)
		if err != nil || len(voided) != 2 || voided[0].ID != tomorrow.ID || voided[0].CancelReason != CancelDinerDeceased ||
			voided[0].Refunded != money.Yuan(6) || voided[1].ID != unpaid.ID || voided[1].Refunded != 0 {
			t.Fatalf("voided orders %+v, %v", voided, err)
		}

		// The kitchen no longer counts her lunch of the 7th.
		cd, err := e.s.CanteenOrders(e.ctx, e.operator, e.cid, day(2024, 3, 7))
		if err != nil || len(cd.Counts) != 1 || cd.Counts[0].Total() != 1 {
			t.Fatalf("kitchen's 7th %+v, %v", cd, err)
		}
		// Nobody orders or pays for her any more; cancelling again refunds nothing.
		for _, o := range []Orderer{e.daughter, staff} {
			_, err := e.s.PlaceOrder(e.ctx, o, e.lunchOn(day(2024, 3, 9)))
			if apperr.As(err).Code != "meals.order.diner_inactive" {
				t.Errorf("order after death: %v", err)
			}
		}
		_, err = e.s.Pay(e.ctx, e.daughter, unpaid.ID)
		if apperr.As(err).Code != "meals.order.is_cancelled" {
			t.Errorf("pay after death: %v", err)
		}
		if _, err := e.s.Cancel(e.ctx, e.daughter, tomorrow.ID); err != nil || len(e.pay.refunds) != 1 {
			t.Fatalf("cancel a voided order: %v, %d refunds", err, len(e.pay.refunds))
		}

		// The death certificate says the 5th: the dinner of the 5th, paid and never served, goes too.
		v := e.dinerState(e.diner).version
		if err := e.setStatus(DinerDeceased, day(2024, 3, 5), "按死亡证明更正日期"); err != nil {
			t.Fatal(err)
		}
		e.wantStatuses(map[*Order]string{before: OrderCancelled, served: OrderServed, other: OrderPaid})
		// The page submitted twice: stale, and nothing moves.
		err = e.s.SetDinerStatus(e.ctx, e.officer, e.diner, v, DinerStatusInput{Status: DinerDeceased, On: day(2024, 3, 5), Note: "重复提交"})
		wantKind(t, err, apperr.Conflict)
		// A mistake corrected, and then she moved away after all: nothing is brought back or refunded again.
		if err := e.setStatus(DinerActive, civil.Date{}, "误报，本人健在"); err != nil {
			t.Fatal(err)
		}
		if err := e.setStatus(DinerLeft, day(2024, 3, 6), "随子女迁往济南"); err != nil {
			t.Fatal(err)
		}
		e.wantStatuses(map[*Order]string{before: OrderCancelled, served: OrderServed, tomorrow: OrderCancelled,
			unpaid: OrderCancelled, other: OrderPaid})
		if keys := e.refundKeys(); strings.Join(keys, " ") != refundKey(tomorrow.ID)+" "+refundKey(before.ID) {
			t.Fatalf("refunds %v, want one for the 7th's lunch and one for the 5th's dinner", keys)
		}
		if n := e.auditCount("meals.order.cancel"); n != 3 {
			t.Errorf("%d cancel events, want 3", n)
		}
		if voided, _ := e.s.VoidedOrders(e.ctx, e.officer, e.diner); len(voided) != 3 || voided[0].ID != before.ID {
			t.Errorf("voided orders %+v", voided)
		}
	})
}

// flakyPayments charges always and refunds until failAt refunds have been asked (counting from
// 1), which fails; failAt 0 never fails. It records every refund asked, failed or not.
type flakyPayments struct {
	mu     sync.Mutex
	failAt int
	asked  []string
}

func (p *flakyPayments) Name() string { return "flaky" }

func (p *flakyPayments) Charge(_ context.Context, c Charge) (string, error) {
	return "pay-" + c.Key, nil
}

func (p *flakyPayments) Refund(_ context.Context, r Refund) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, r.Key)
	if len(p.asked) == p.failAt {
		return "", errors.New("gateway timeout")
	}
	return "refund-" + r.Key, nil
}

// TestVoidOrdersRefundFails has the second of two refunds fail: the status change rolls back
// whole, and its retry asks for the first refund again with the same key, which a provider
// answers with the first refund, so money moves once. A paid order whose provider is not the
// store's refuses the change, as Cancel does.
func TestVoidOrdersRefundFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		pay := &flakyPayments{failAt: 2}
		e.s.Payments = pay
		first := e.paid(e.daughter, e.lunchOn(day(2024, 3, 6)))
		second := e.paid(e.daughter, e.lunchOn(day(2024, 3, 7)))
		stateBefore := e.dinerState(e.diner)

		err := e.setStatus(DinerLeft, day(2024, 3, 5), "迁往外地")
		if ae := apperr.As(err); ae.Kind != apperr.Conflict || ae.Code != "meals.order.void_refund_failed" ||
			!strings.Contains(ae.Message, itoa(second.ID)) {
			t.Fatalf("failed refund: %v", err)
		}
		if got := e.dinerState(e.diner); got != stateBefore {
			t.Fatalf("a failed refund changed the diner: %+v", got)
		}
		e.wantStatuses(map[*Order]string{first: OrderPaid, second: OrderPaid})
		if n := e.auditCount("meals.order.cancel") + e.auditCount("meals.diner.status"); n != 0 {
			t.Fatalf("%d events of a change rolled back", n)
		}

		if err := e.setStatus(DinerLeft, day(2024, 3, 5), "迁往外地"); err != nil {
			t.Fatal(err)
		}
		e.wantStatuses(map[*Order]string{first: OrderCancelled, second: OrderCancelled})
		want := []string{refundKey(first.ID), refundKey(second.ID), refundKey(first.ID), refundKey(second.ID)}
		if strings.Join(pay.asked, " ") != strings.Join(want, " ") {
			t.Fatalf("refunds asked %v, want %v", pay.asked, want)
		}
		if ev := e.auditDetail("meals.order.cancel", first.ID); ev["reason"] != "diner_left" || ev["refund_ref"] != "refund-"+refundKey(first.ID) {
			t.Errorf("cancel event %v", ev)
		}

		// Another diner paid through a provider the store no longer uses: refused, nothing changed.
		neighbour := e.elder(e.laoshan, day(1945, 5, 5), "13800000009")
		old := e.paid(ByStaff(e.officer), OrderInput{DinerID: neighbour, CanteenID: e.cid, MenuItemID: e.lunch, Day: day(2024, 3, 6)})
		e.s.Payments = DemoPayments{}
		v := e.dinerState(neighbour).version
		err = e.s.SetDinerStatus(e.ctx, e.officer, neighbour, v, DinerStatusInput{Status: DinerDeceased, On: day(2024, 3, 5), Note: "家属告知"})
		if ae := apperr.As(err); ae.Code != "meals.order.void_refund_provider" || !strings.Contains(ae.Message, "flaky") {
			t.Fatalf("other provider: %v", err)
		}
		if got := e.dinerState(neighbour); got.status != DinerActive || got.version != v {
			t.Fatalf("refused change stored %+v", got)
		}
		e.wantStatuses(map[*Order]string{old: OrderPaid})
	})
}

// TestVoidOrdersRace records the death while three orders are being placed for later days: each
// order is either refused or placed before and then cancelled, never left live after the date.
func TestVoidOrdersRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		v := e.dinerState(e.diner).version
		concurrently(t, 4, func(i int) error {
			if i == 0 {
				return e.s.SetDinerStatus(e.ctx, e.officer, e.diner, v, DinerStatusInput{Status: DinerDeceased,
					On: day(2024, 3, 5), Note: "家属告知"})
			}
			_, err := e.s.PlaceOrder(e.ctx, ByStaff(e.officer), e.lunchOn(day(2024, 3, 5+i)))
			if apperr.As(err).Code == "meals.order.diner_inactive" {
				return nil
			}
			return err
		})
		var live int
		if err := d.QueryRow(e.ctx, `SELECT COUNT(*) FROM meal_orders WHERE diner_id = ? AND status <> ?`,
			e.diner, OrderCancelled).Scan(&live); err != nil || live != 0 {
			t.Fatalf("%d live orders after the death (%v)", live, err)
		}
	})
}

// TestPayRefusesInactiveDiner pays an order left open for a diner who was marked as having left
// before open orders were cancelled with the status (a status written straight into the table, as
// an older version stored it): Pay refuses it and charges nothing. An order the diner's relative
// cancels carries no office reason.
func TestPayRefusesInactiveDiner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		open := e.place(e.daughter, e.lunchOn(day(2024, 3, 7)))
		mine := e.place(e.daughter, e.lunchOn(day(2024, 3, 8)))
		if got, err := e.s.Cancel(e.ctx, e.daughter, mine.ID); err != nil || got.Status != OrderCancelled || got.CancelReason != "" {
			t.Fatalf("cancelled by the relative: %+v, %v", got, err)
		}
		if _, err := e.d.Exec(e.ctx, `UPDATE diners SET status = ?, left_on = ? WHERE id = ?`, DinerLeft, "2024-03-05", e.diner); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.Pay(e.ctx, e.daughter, open.ID)
		if apperr.As(err).Code != "meals.order.diner_inactive" {
			t.Fatalf("pay for a diner who left: %v", err)
		}
		if len(e.pay.charges) != 0 || e.orderStatus(open.ID) != OrderPlaced {
			t.Errorf("charges %+v, status %s", e.pay.charges, e.orderStatus(open.ID))
		}
	})
}
