package api

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
)

// Placing an online order for a diner, and the acts on one (payment, cancellation, fulfilment),
// each checked against the version the caller read.

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
