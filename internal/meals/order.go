package meals

import (
	"fmt"
	"slices"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// Online orders (线上订餐): an elderly person, a linked relative (亲属代订餐) or staff order one
// meal at one canteen for one day, eat in or delivered, and pay the diner's share up front.
//
// The life of an order: placed (priced with the policy in force for its day, the price and split
// stored on the order) → paid (the diner's share charged through the PaymentProvider; an order
// whose share is 0 needs no payment) → served (the canteen operator records the meal, which
// writes the meal_transactions row settlement reads) — or cancelled, before the cut-off when it
// was paid, and then refunded.
//
// One subsidised meal a day holds across the counter and online: pricing an order counts the
// diner's served subsidised meals of that day and their live (placed or paid) subsidised orders,
// under the diner's row lock, as the counter does.
//
// Rules:
//   - Ordering, paying and cancelling a paid order close at the canteen's cut-off: the meal's start
//     time (OrderRules.MealStarts, Beijing time) less the canteen's cutoff_minutes. After it the
//     kitchen has bought and cooked. An unpaid order may still be cancelled, since nobody cooks for it.
//   - The provider is called inside the transaction that holds the order's row lock, so a payment
//     and a cancellation, or a cancellation and the canteen's service, can never cross. Every call
//     carries an idempotency key made from the order, so a retry after a lost answer or a failed
//     commit never moves money twice. The price is that a slow provider holds the lock while it
//     answers: on PostgreSQL one order row, on SQLite (one office, the demo) every writer.

// Order statuses.
const (
	OrderPlaced    = "placed"
	OrderPaid      = "paid"
	OrderCancelled = "cancelled"
	OrderServed    = "served"
)

// Why the office cancelled an order (Order.CancelReason): its diner died or left the programme
// on or before the order's day (order_void.go).
const (
	CancelDinerDeceased = "diner_" + DinerDeceased
	CancelDinerLeft     = "diner_" + DinerLeft
)

// OrderRules are the settings of online ordering. The values of DefaultOrderRules are project
// defaults [D], not any city's rule.
type OrderRules struct {
	// DaysAhead is how many days after today an order may be for (today counts as 0).
	DaysAhead int
	// MealStarts is when each meal type starts, in minutes after midnight Beijing time; the
	// cut-off counts back from it.
	MealStarts map[string]int
	// DeliveryCategories are the diner categories entitled to delivery (失能: people who cannot
	// go out). A diner in none of them eats in.
	DeliveryCategories []string
}

// DefaultOrderRules are the [D] settings: a week ahead; breakfast 07:00, lunch 11:00, dinner
// 17:00; delivery for 失能 diners.
func DefaultOrderRules() OrderRules {
	return OrderRules{
		DaysAhead:          7,
		MealStarts:         map[string]int{Breakfast: 7 * 60, Lunch: 11 * 60, Dinner: 17 * 60},
		DeliveryCategories: []string{CategoryDisabled},
	}
}

// orderRules are the rules the store applies: its own, or the [D] defaults.
func (s *Store) orderRules() OrderRules {
	if s.Orders != nil {
		return *s.Orders
	}
	return DefaultOrderRules()
}

// Cutoff is the instant online orders for mealType on day at a canteen with cutoffMinutes close.
func (r OrderRules) Cutoff(day civil.Date, mealType string, cutoffMinutes int) time.Time {
	start := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, civil.China).
		Add(time.Duration(r.MealStarts[mealType]) * time.Minute)
	return start.Add(-time.Duration(cutoffMinutes) * time.Minute)
}

// EntitledToDelivery reports whether a diner of categories may have meals delivered.
func (r OrderRules) EntitledToDelivery(categories []string) bool {
	return containsAny(categories, r.DeliveryCategories)
}

// Orderer is who acts on an order: a signed-in citizen (the diner or a linked relative, by the
// number they signed in with) or a staff member.
type Orderer struct {
	CitizenID int64
	Staff     *auth.Principal
}

// ByCitizen is the signed-in citizen with id citizenID.
func ByCitizen(citizenID int64) Orderer { return Orderer{CitizenID: citizenID} }

// ByStaff is staff member p.
func ByStaff(p *auth.Principal) Orderer { return Orderer{Staff: p} }

// OrderInput is an order as chosen on the phone page or sent by the API.
type OrderInput struct {
	DinerID    int64
	CanteenID  int64
	MenuItemID int64
	Day        civil.Date
	Delivery   bool
}

// Order is an online order as pages show it: names masked, amounts in fen.
type Order struct {
	ID          int64
	DinerID     int64
	DinerName   string // masked
	CanteenID   int64
	CanteenName string
	MenuItemID  int64
	ItemName    string
	MealType    string
	Day         civil.Date
	Delivery    bool
	// AddressMasked is the delivery address, masked ("" when eating in).
	AddressMasked string
	Price         money.Fen
	DinerPays     money.Fen
	City          money.Fen
	District      money.Fen
	Street        money.Fen
	PolicyID      string
	Rule          string
	Reason        string
	// OrderedBy is diner, relative:<id> or staff:<login>.
	OrderedBy       string
	Status          string
	PaymentProvider string
	PaymentRef      string
	PaidAt          time.Time
	CancelledAt     time.Time
	// CancelReason is why a cancelled order was: "" by the ordering side, else the diner's
	// status whose recording cancelled it (CancelDinerDeceased, CancelDinerLeft).
	CancelReason  string
	TransactionID int64 // the meal recorded when served, 0 before
	Version       int
	CreatedAt     time.Time
	// Cutoff is when ordering, paying and cancelling close for this meal.
	Cutoff time.Time
	// CanPay and CanCancel say what the orderer may still do, as of when the order was read.
	CanPay, CanCancel bool
	// CanFulfil says the canteen may record it as served: paid, or nothing to pay.
	CanFulfil bool

	homeRegion, canteenRegion string
	addressSealed             string
}

// Subsidy is what the funding sources pay together.
func (o Order) Subsidy() money.Fen { return o.City + o.District + o.Street }

// Live reports whether the order still holds its meal (not cancelled).
func (o Order) Live() bool { return o.Status != OrderCancelled }

// settle fills what follows from the status and the clock.
func (o *Order) settle(now time.Time) {
	before := now.Before(o.Cutoff)
	o.CanPay = o.Status == OrderPlaced && o.DinerPays > 0 && before
	o.CanCancel = o.Status == OrderPlaced || o.Status == OrderPaid && before
	o.CanFulfil = o.Status == OrderPaid || o.Status == OrderPlaced && o.DinerPays == 0
}

// chargeKey and refundKey are the provider's idempotency keys of an order; TransactionKey is the
// meal's Idempotency-Key among the canteen's meal_transactions.
func chargeKey(id int64) string { return fmt.Sprintf("order-%d-charge", id) }
func refundKey(id int64) string { return fmt.Sprintf("order-%d-refund", id) }

// TransactionKey is the idempotency key of the meal an order records when served.
func TransactionKey(orderID int64) string { return fmt.Sprintf("order-%d", orderID) }

// mealOrder sorts meal types in the order of a day.
func mealOrder(t string) int { return slices.Index(MealTypes(), t) }
