package meals

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/money"
)

// PaymentProvider charges and refunds the diner's share of an online order. It is an interface
// because a bureau pays through whatever its city runs (a bank's aggregated QR payment, a
// citizen-card wallet, WeChat or Alipay through an acquirer); the store only needs a reference
// back for the books.
//
// Both calls carry an idempotency key derived from the order ("order-<id>-charge",
// "order-<id>-refund"): a provider must answer a repeated key with the first result and never
// move money twice. That is what makes a retry safe when the answer was lost — after a timeout,
// or when the database commit after a successful charge failed — so the store never has to guess
// whether money moved.
type PaymentProvider interface {
	// Name identifies the provider in meal_orders.payment_provider.
	Name() string
	// Charge takes amount from the payer for the order and returns the provider's reference.
	Charge(ctx context.Context, c Charge) (ref string, err error)
	// Refund returns a charged amount in full and returns the refund's reference.
	Refund(ctx context.Context, r Refund) (ref string, err error)
}

// Charge is one payment asked of a provider.
type Charge struct {
	Key     string // idempotency key: "order-<id>-charge"
	OrderID int64
	Amount  money.Fen
	// Payer says who pays, as ordered_by does: diner, relative:<id> or staff:<login>.
	Payer string
	// Description is what the payer sees on their statement.
	Description string
}

// Refund is the return of a charge.
type Refund struct {
	Key       string // idempotency key: "order-<id>-refund"
	OrderID   int64
	Amount    money.Fen
	ChargeRef string // the reference Charge returned
}

// DemoPayments is the demo city's provider: every charge and refund succeeds at once, with a
// reference made from its key, so repeating a key gives the same reference as a real provider
// would. Tests and the demo use it; a bureau plugs in its own.
type DemoPayments struct{}

// DemoProviderName is DemoPayments' name in meal_orders.payment_provider.
const DemoProviderName = "demo"

// Name is "demo".
func (DemoPayments) Name() string { return DemoProviderName }

// Charge marks the amount paid.
func (DemoPayments) Charge(_ context.Context, c Charge) (string, error) {
	if c.Amount <= 0 {
		return "", fmt.Errorf("demo payments: charge of %s", c.Amount)
	}
	return "demo-" + c.Key, nil
}

// Refund marks the amount returned.
func (DemoPayments) Refund(_ context.Context, r Refund) (string, error) {
	return "demo-" + r.Key, nil
}

// payments is the store's provider, DemoPayments when none is set.
func (s *Store) payments() PaymentProvider {
	if s.Payments != nil {
		return s.Payments
	}
	return DemoPayments{}
}
