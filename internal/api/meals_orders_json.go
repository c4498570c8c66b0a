package api

import (
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// Online orders as the API shows them, in one shape for every route that returns an order.

// mealOrderJSON is an order as the API shows it; the diner's name and address are masked.
type mealOrderJSON struct {
	ID              int64      `json:"id"`
	DinerID         int64      `json:"diner_id"`
	DinerName       string     `json:"diner_name"`
	CanteenID       int64      `json:"canteen_id"`
	CanteenName     string     `json:"canteen_name"`
	MenuItemID      int64      `json:"menu_item_id"`
	ItemName        string     `json:"item_name"`
	MealType        string     `json:"meal_type"`
	Day             civil.Date `json:"day"`
	Delivery        bool       `json:"delivery"`
	AddressMasked   string     `json:"address_masked,omitempty"`
	PriceFen        int64      `json:"price_fen"`
	DinerPaysFen    int64      `json:"diner_pays_fen"`
	CityFen         int64      `json:"city_fen"`
	DistrictFen     int64      `json:"district_fen"`
	StreetFen       int64      `json:"street_fen"`
	PolicyID        string     `json:"policy_id"`
	Rule            string     `json:"rule"`
	Reason          string     `json:"reason,omitempty"`
	OrderedBy       string     `json:"ordered_by"`
	Status          string     `json:"status"`
	PaymentProvider string     `json:"payment_provider,omitempty"`
	PaymentRef      string     `json:"payment_ref,omitempty"`
	PaidAt          *time.Time `json:"paid_at,omitempty"`
	CancelledAt     *time.Time `json:"cancelled_at,omitempty"`
	CancelReason    string     `json:"cancel_reason,omitempty"`
	TransactionID   int64      `json:"transaction_id,omitempty"`
	Cutoff          time.Time  `json:"cutoff"`
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
}

// toMealOrderJSON shows order o; its name and address come masked from internal/meals.
func toMealOrderJSON(o *meals.Order) mealOrderJSON {
	return mealOrderJSON{ID: o.ID, DinerID: o.DinerID, DinerName: o.DinerName, CanteenID: o.CanteenID, CanteenName: o.CanteenName,
		MenuItemID: o.MenuItemID, ItemName: o.ItemName, MealType: o.MealType, Day: o.Day, Delivery: o.Delivery,
		AddressMasked: o.AddressMasked, PriceFen: int64(o.Price), DinerPaysFen: int64(o.DinerPays), CityFen: int64(o.City),
		DistrictFen: int64(o.District), StreetFen: int64(o.Street), PolicyID: o.PolicyID, Rule: o.Rule, Reason: o.Reason,
		OrderedBy: o.OrderedBy, Status: o.Status, PaymentProvider: o.PaymentProvider, PaymentRef: o.PaymentRef,
		PaidAt: stamp(o.PaidAt), CancelledAt: stamp(o.CancelledAt), CancelReason: o.CancelReason, TransactionID: o.TransactionID, Cutoff: o.Cutoff,
		Version: o.Version, CreatedAt: o.CreatedAt}
}

// toMealOrdersJSON shows a list of orders, as an empty array rather than null when there are
// none, so clients need not test for null.
func toMealOrdersJSON(list []meals.Order) []mealOrderJSON {
	out := make([]mealOrderJSON, 0, len(list))
	for i := range list {
		out = append(out, toMealOrderJSON(&list[i]))
	}
	return out
}
