package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// The staff API of online orders: the day's orders by canteen or one canteen's day (meals.view),
// a diner's orders, one order; placing, paying and cancelling an order for a diner (meals.manage:
// staff who may register the diner, 亲属代订餐's office side); and the canteen operator's record
// that an order was served (meals.serve). The public orders through the phone pages, not here.
// internal/meals decides who sees and does what; an order outside the caller's sight is 404.
//
// Acting on an order (payment, cancellation, fulfilment) takes the version the caller read, so a
// client acting on a stale view gets 409 instead of paying for an order someone cancelled.

// registerMealOrders adds the routes of online orders.
func (a *API) registerMealOrders() {
	a.handle("GET", "/meals/orders", auth.MealsView, a.listMealOrders)
	a.handle("POST", "/meals/orders", auth.MealsDiners, a.placeMealOrder)
	a.handle("GET", "/meals/orders/{id}", auth.MealsView, a.getMealOrder)
	a.handle("POST", "/meals/orders/{id}/payment", auth.MealsDiners, a.payMealOrder)
	a.handle("POST", "/meals/orders/{id}/cancellation", auth.MealsDiners, a.cancelMealOrder)
	a.handle("POST", "/meals/orders/{id}/fulfilment", auth.MealsServe, a.fulfilMealOrder)
}

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
	TransactionID   int64      `json:"transaction_id,omitempty"`
	Cutoff          time.Time  `json:"cutoff"`
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
}

func toMealOrderJSON(o *meals.Order) mealOrderJSON {
	return mealOrderJSON{ID: o.ID, DinerID: o.DinerID, DinerName: o.DinerName, CanteenID: o.CanteenID, CanteenName: o.CanteenName,
		MenuItemID: o.MenuItemID, ItemName: o.ItemName, MealType: o.MealType, Day: o.Day, Delivery: o.Delivery,
		AddressMasked: o.AddressMasked, PriceFen: int64(o.Price), DinerPaysFen: int64(o.DinerPays), CityFen: int64(o.City),
		DistrictFen: int64(o.District), StreetFen: int64(o.Street), PolicyID: o.PolicyID, Rule: o.Rule, Reason: o.Reason,
		OrderedBy: o.OrderedBy, Status: o.Status, PaymentProvider: o.PaymentProvider, PaymentRef: o.PaymentRef,
		PaidAt: stamp(o.PaidAt), CancelledAt: stamp(o.CancelledAt), TransactionID: o.TransactionID, Cutoff: o.Cutoff,
		Version: o.Version, CreatedAt: o.CreatedAt}
}

func toMealOrdersJSON(list []meals.Order) []mealOrderJSON {
	out := make([]mealOrderJSON, 0, len(list))
	for i := range list {
		out = append(out, toMealOrderJSON(&list[i]))
	}
	return out
}

// queryDay reads an optional date of the query; empty is today.
func (a *API) queryDay(r *http.Request, field string) (civil.Date, error) {
	v := r.URL.Query().Get(field)
	if v == "" {
		return civil.Today(a.deps.Meals.Now()), nil
	}
	d, err := civil.ParseDate(v)
	if err != nil {
		return d, apperr.FieldMsg(field, "field.date_invalid")
	}
	return d, nil
}

// queryInt64 reads an optional positive id of the query; 0 when absent.
func queryInt64(r *http.Request, field string) (int64, error) {
	v := r.URL.Query().Get(field)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.FieldMsg(field, "meals.order.query_id_invalid")
	}
	return n, nil
}

// listMealOrders answers GET /meals/orders: with canteen, that canteen's orders of day (default
// today) with what to cook; with diner, the diner's orders from since (default today); with
// neither, how many orders each canteen of the caller's area has on day.
func (a *API) listMealOrders(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	canteen, err := queryInt64(r, "canteen")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	diner, err := queryInt64(r, "diner")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	field := "day"
	if diner > 0 {
		field = "since"
	}
	day, err := a.queryDay(r, field)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	switch {
	case canteen > 0:
		cd, err := a.deps.Meals.CanteenOrders(r.Context(), p, canteen, day)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		counts := make([]map[string]any, 0, len(cd.Counts))
		for _, c := range cd.Counts {
			counts = append(counts, map[string]any{"menu_item_id": c.MenuItemID, "name": c.Name, "meal_type": c.MealType,
				"eat_in": c.EatIn, "delivery": c.Delivery, "unpaid": c.Unpaid, "total": c.Total()})
		}
		writeJSON(w, http.StatusOK, map[string]any{"canteen_id": canteen, "day": day, "counts": counts,
			"orders": toMealOrdersJSON(cd.Orders)})
	case diner > 0:
		list, err := a.deps.Meals.DinerOrders(r.Context(), p, diner, day)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"diner_id": diner, "since": day, "orders": toMealOrdersJSON(list)})
	default:
		rows, err := a.deps.Meals.OrderCountsByCanteen(r.Context(), p, day)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		out := make([]map[string]any, 0, len(rows))
		for _, c := range rows {
			out = append(out, map[string]any{"canteen_id": c.CanteenID, "name": c.Name, "region_code": c.RegionCode,
				"orders": c.Orders, "delivery": c.Delivery, "unpaid": c.Unpaid, "served": c.Served})
		}
		writeJSON(w, http.StatusOK, map[string]any{"day": day, "canteens": out})
	}
}

// mealOrderInJSON is the body of POST /meals/orders.
type mealOrderInJSON struct {
	DinerID    int64  `json:"diner_id"`
	CanteenID  int64  `json:"canteen_id"`
	MenuItemID int64  `json:"menu_item_id"`
	Day        string `json:"day"`
	Delivery   bool   `json:"delivery"`
	// Pay charges the diner's share at once, as the phone page does.
	Pay bool `json:"pay"`
}

// placeMealOrder answers POST /meals/orders: places an order for a diner (201), paid at once
// when pay is set. A failed payment still answers 201 with the order placed, and payment_error
// saying why, so the client pays again rather than ordering twice.
func (a *API) placeMealOrder(w http.ResponseWriter, r *http.Request) {
	var in mealOrderInJSON
	if !a.body(w, r, &in) {
		return
	}
	day, err := jsonDate("day", in.Day)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	by := meals.ByStaff(auth.FromContext(r.Context()))
	o, err := a.deps.Meals.PlaceOrder(r.Context(), by, meals.OrderInput{DinerID: in.DinerID, CanteenID: in.CanteenID,
		MenuItemID: in.MenuItemID, Day: day, Delivery: in.Delivery})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := map[string]any{"order": toMealOrderJSON(o)}
	if in.Pay {
		paid, err := a.deps.Meals.Pay(r.Context(), by, o.ID)
		switch {
		case err == nil:
			out["order"] = toMealOrderJSON(paid)
		case apperr.KindOf(err) == apperr.Internal:
			a.writeError(w, r, err)
			return
		default:
			e := apperr.As(err)
			out["payment_error"] = errorDetail{Code: e.Code, Message: e.Message, Field: e.Field}
		}
	}
	writeJSON(w, http.StatusCreated, out)
}

// getMealOrder answers GET /meals/orders/{id}.
func (a *API) getMealOrder(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "meals.order.notfound")
	if !ok {
		return
	}
	o, err := a.deps.Meals.Order(r.Context(), meals.ByStaff(auth.FromContext(r.Context())), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMealOrderJSON(o))
}

// orderVersionJSON is the body of the acts on an order: the version the caller read.
type orderVersionJSON struct {
	Version int `json:"version"`
}

// orderAct reads the order of the path for the caller (404 outside their sight) and the version
// they act on (400 when missing, 409 when the order has changed since), then runs act. An order
// already in the state the act leads to (done) skips the version check: a retry whose first
// answer was lost gets the result, not a conflict.
func (a *API) orderAct(w http.ResponseWriter, r *http.Request, done string, act func(p *auth.Principal, id int64) (any, error)) {
	p := auth.FromContext(r.Context())
	id, ok := a.pathID(w, r, "id", "meals.order.notfound")
	if !ok {
		return
	}
	o, err := a.deps.Meals.Order(r.Context(), meals.ByStaff(p), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var in orderVersionJSON
	if !a.body(w, r, &in) {
		return
	}
	switch {
	case in.Version <= 0:
		a.writeError(w, r, apperr.FieldMsg("version", "meals.order.version_required"))
		return
	case in.Version != o.Version && o.Status != done:
		a.writeError(w, r, apperr.Msg(apperr.Conflict, "meals.stale"))
		return
	}
	out, err := act(p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// payMealOrder answers POST /meals/orders/{id}/payment: charges the diner's share (an order paid
// already is left as it is). A refused or failed charge is 409 and leaves the order placed.
func (a *API) payMealOrder(w http.ResponseWriter, r *http.Request) {
	a.orderAct(w, r, meals.OrderPaid, func(p *auth.Principal, id int64) (any, error) {
		o, err := a.deps.Meals.Pay(r.Context(), meals.ByStaff(p), id)
		if err != nil {
			return nil, err
		}
		return toMealOrderJSON(o), nil
	})
}

// cancelMealOrder answers POST /meals/orders/{id}/cancellation: cancels the order, refunding a
// paid one; after the cut-off a paid order is 409.
func (a *API) cancelMealOrder(w http.ResponseWriter, r *http.Request) {
	a.orderAct(w, r, meals.OrderCancelled, func(p *auth.Principal, id int64) (any, error) {
		o, err := a.deps.Meals.Cancel(r.Context(), meals.ByStaff(p), id)
		if err != nil {
			return nil, err
		}
		return toMealOrderJSON(o), nil
	})
}

// fulfilMealOrder answers POST /meals/orders/{id}/fulfilment: the canteen's operator records
// the order served, which records the meal (channel online); doing it again returns the same meal.
func (a *API) fulfilMealOrder(w http.ResponseWriter, r *http.Request) {
	a.orderAct(w, r, meals.OrderServed, func(p *auth.Principal, id int64) (any, error) {
		tx, err := a.deps.Meals.Fulfil(r.Context(), p, id)
		if err != nil {
			return nil, err
		}
		o, err := a.deps.Meals.Order(r.Context(), meals.ByStaff(p), id)
		if err != nil {
			return nil, err
		}
		return map[string]any{"transaction_id": tx, "order": toMealOrderJSON(o)}, nil
	})
}
