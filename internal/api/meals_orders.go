package api

import (
	"net/http"
	"strconv"

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
//
// This file holds the routes and the reads; the JSON shape of an order and the acts on orders
// are in meals_orders_json.go and meals_orders_acts.go.

// registerMealOrders adds the routes of online orders.
func (a *API) registerMealOrders() {
	a.handle("GET", "/meals/orders", auth.MealsView, a.listMealOrders)
	a.handle("POST", "/meals/orders", auth.MealsDiners, a.placeMealOrder)
	a.handle("GET", "/meals/orders/{id}", auth.MealsView, a.getMealOrder)
	a.handle("POST", "/meals/orders/{id}/payment", auth.MealsDiners, a.payMealOrder)
	a.handle("POST", "/meals/orders/{id}/cancellation", auth.MealsDiners, a.cancelMealOrder)
	a.handle("POST", "/meals/orders/{id}/fulfilment", auth.MealsServe, a.fulfilMealOrder)
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
