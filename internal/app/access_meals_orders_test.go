package app

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// mealOrderTargets are the online-order records of an access target's community: tomorrow's
// lunch ordered (placed, not paid) for the target's diner at the target's canteen, both made by
// makeMealStaffTargets (access_meals_staff_test.go).
type mealOrderTargets struct {
	order, canteen, diner int64
	day                   civil.Date
}

// mealOrderTargetsOf holds each target community's order, found by the target's community.
var mealOrderTargetsOf sync.Map

// makeMealOrderTargets places the order of the access target in community at the canteen and for
// the diner makeMealStaffTargets made there (making them first if it has not run). TestAccessMatrix's
// makeTarget should call it right after makeMealStaffTargets (as it calls the payout and monitor
// makers) for the matrix over every route to reach these records; TestMealOrdersAccess below
// calls both itself.
func makeMealOrderTargets(t *testing.T, m *Main, community string) mealOrderTargets {
	t.Helper()
	mt := mealStaffTargetsIn(t, m, community)
	day := civil.Today(m.Now()).AddDays(1)
	o, err := m.svc.meals.PlaceOrder(context.Background(), meals.ByStaff(auth.System()), meals.OrderInput{DinerID: mt.diner,
		CanteenID: mt.canteen, MenuItemID: mt.item, Day: day})
	if err != nil {
		t.Fatal(err)
	}
	ot := mealOrderTargets{order: o.ID, canteen: mt.canteen, diner: mt.diner, day: day}
	mealOrderTargetsOf.Store(community, ot)
	return ot
}

// targetMealOrder is the order records of the target that the route cases name.
func targetMealOrder(t accessTarget) mealOrderTargets {
	v, _ := mealOrderTargetsOf.Load(t.userScope)
	ot, _ := v.(mealOrderTargets)
	return ot
}

// mealOrderRouteCases are the access-matrix entries of online ordering. The phone pages are
// auth.Public: every caller is anonymous to the citizen sign-in and is sent to it, so the matrix
// checks only that none of them fails. Staff writes send what the adapter or the store refuses
// after the order or canteen has been found in the caller's sight but before the caller's role is
// asked (version 0, an empty order, an unpaid order to fulfil): a holder within sight gets 400,
// 409 or 422, never 403 or 404, and a target outside the caller's area still 404.
var mealOrderRouteCases = map[string]func(t accessTarget) accessRequest{
	"GET /m/meals": func(accessTarget) accessRequest { return accessRequest{path: "/m/meals"} },
	"GET /m/meals/diners/{id}/order": func(t accessTarget) accessRequest {
		return accessRequest{path: fmt.Sprintf("/m/meals/diners/%d/order", targetMealOrder(t).diner)}
	},
	"POST /m/meals/diners/{id}/order": func(t accessTarget) accessRequest {
		return form(fmt.Sprintf("/m/meals/diners/%d/order", targetMealOrder(t).diner), "canteen=1")
	},
	"GET /m/meals/orders":      func(accessTarget) accessRequest { return accessRequest{path: "/m/meals/orders"} },
	"GET /m/meals/orders/{id}": func(t accessTarget) accessRequest { return accessRequest{path: phoneOrderPath(t, "")} },
	"POST /m/meals/orders/{id}/pay": func(t accessTarget) accessRequest {
		return form(phoneOrderPath(t, "/pay"), "")
	},
	"POST /m/meals/orders/{id}/cancel": func(t accessTarget) accessRequest {
		return form(phoneOrderPath(t, "/cancel"), "")
	},
	"GET /apply/meals": func(accessTarget) accessRequest { return accessRequest{path: "/apply/meals?to=/m/meals/orders"} },

	"GET /meals/orders": func(t accessTarget) accessRequest {
		return accessRequest{path: "/meals/orders?day=" + targetMealOrder(t).day.String()}
	},
	"GET /meals/canteens/{id}/orders": func(t accessTarget) accessRequest {
		return accessRequest{path: kitchenPath(t, "?day="+targetMealOrder(t).day.String())}
	},
	"POST /meals/canteens/{id}/orders/addresses": func(t accessTarget) accessRequest {
		return form(kitchenPath(t, "/addresses"), "day="+targetMealOrder(t).day.String())
	},
	"POST /meals/orders/{id}/fulfil": func(t accessTarget) accessRequest {
		return form(fmt.Sprintf("/meals/orders/%d/fulfil", targetMealOrder(t).order), "") // unpaid, tomorrow: 409
	},

	"GET /api/v1/meals/orders": func(t accessTarget) accessRequest {
		return accessRequest{path: "/api/v1/meals/orders?day=" + targetMealOrder(t).day.String()}
	},
	"POST /api/v1/meals/orders": func(accessTarget) accessRequest {
		return jsonReq("POST", "/api/v1/meals/orders", `{"diner_id":0}`) // 400
	},
	"GET /api/v1/meals/orders/{id}": func(t accessTarget) accessRequest { return accessRequest{path: apiOrderPath(t, "")} },
	"POST /api/v1/meals/orders/{id}/payment": func(t accessTarget) accessRequest {
		return jsonReq("POST", apiOrderPath(t, "/payment"), `{"version":0}`) // 400
	},
	"POST /api/v1/meals/orders/{id}/cancellation": func(t accessTarget) accessRequest {
		return jsonReq("POST", apiOrderPath(t, "/cancellation"), `{"version":0}`) // 400
	},
	"POST /api/v1/meals/orders/{id}/fulfilment": func(t accessTarget) accessRequest {
		return jsonReq("POST", apiOrderPath(t, "/fulfilment"), `{"version":0}`) // 400
	},
}

func init() { addRouteCases(mealOrderRouteCases) }

func phoneOrderPath(t accessTarget, suffix string) string {
	return fmt.Sprintf("/m/meals/orders/%d%s", targetMealOrder(t).order, suffix)
}

func kitchenPath(t accessTarget, suffix string) string {
	return fmt.Sprintf("/meals/canteens/%d/orders%s", targetMealOrder(t).canteen, suffix)
}

func apiOrderPath(t accessTarget, suffix string) string {
	return fmt.Sprintf("/api/v1/meals/orders/%d%s", targetMealOrder(t).order, suffix)
}
