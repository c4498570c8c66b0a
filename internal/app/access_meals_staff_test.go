package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
)

// mealStaffTargets are the 老年助餐 records of an access target's community: a canteen with a
// menu item and a terminal token, and a diner with a linked relative.
type mealStaffTargets struct {
	main                 *Main // whose database holds them
	canteen, item, token int64
	diner, relative      int64
}

// mealStaffTargetsOf holds each target community's records; the route cases find them by the
// target's community (userScope), as the payout and monitor cases do.
var mealStaffTargetsOf sync.Map

// mealTargetSeq makes each target diner's ID number unique within a test binary.
var mealTargetSeq atomic.Int64

// makeMealStaffTargets creates the meal records of the access target in community. The demo's
// canteen operator (login canteen) works at the canteen of the community its scope holds: if its
// canteen (org_id) already stands in community it is reused, else the new canteen becomes its own,
// so that the operator's routes are exercised on a canteen of theirs and everyone else's on one
// inside (or outside) their area.
func makeMealStaffTargets(t *testing.T, m *Main, community string) mealStaffTargets {
	t.Helper()
	ctx := context.Background()
	sys := auth.System()
	var opScope string
	var opOrg int64
	if err := m.DB.QueryRow(ctx, `SELECT scope, org_id FROM users WHERE login = 'canteen'`).Scan(&opScope, &opOrg); err != nil {
		t.Fatal(err)
	}
	mt := mealStaffTargets{main: m}
	if c, err := m.svc.meals.Canteen(ctx, sys, opOrg); err == nil && c.RegionCode == community {
		mt.canteen = c.ID
	} else {
		id, err := m.svc.meals.CreateCanteen(ctx, sys, meals.CanteenInput{Name: "访问测试助餐点" + community[9:], Operator: "测试运营",
			Address: "测试路2号", RegionCode: community, Capacity: 100})
		if err != nil {
			t.Fatal(err)
		}
		mt.canteen = id
		if strings.HasPrefix(community, opScope) {
			if _, err := m.DB.Exec(ctx, `UPDATE users SET org_id = ? WHERE login = 'canteen'`, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	var err error
	if mt.item, err = m.svc.meals.AddMenuItem(ctx, sys, mt.canteen, meals.MenuItem{Name: "访问测试套餐", MealType: meals.Lunch,
		Price: money.Yuan(12)}); err != nil {
		t.Fatal(err)
	}
	if mt.token, _, err = m.svc.meals.IssueTerminalToken(ctx, sys, mt.canteen, "访问测试终端"); err != nil {
		t.Fatal(err)
	}
	seq := int(mealTargetSeq.Add(1))
	id := idcard.Synthesize("370198", civil.Date{Year: 1950, Month: 3, Day: 1 + seq%28}, seq%1000)
	reg, err := m.svc.meals.RegisterDiner(ctx, sys, meals.DinerInput{Name: "访问老人", IDNumber: string(id), HomeRegion: community})
	if err != nil {
		t.Fatal(err)
	}
	mt.diner = reg.DinerID
	if mt.relative, err = m.svc.meals.AddRelative(ctx, sys, mt.diner, meals.RelativeInput{Name: "访问亲属", Relation: "子女",
		Phone: fmt.Sprintf("139%08d", 10000000+seq)}); err != nil {
		t.Fatal(err)
	}
	mealStaffTargetsOf.Store(community, mt)
	return mt
}

// mealStaffTargetsIn is the meal records of community in m's database: those made there already
// (the order and settlement targets are made at the same canteen, for the same diner), else new
// ones. Records of another test's database are never reused, though the map keeps them by
// community.
func mealStaffTargetsIn(t *testing.T, m *Main, community string) mealStaffTargets {
	t.Helper()
	if v, ok := mealStaffTargetsOf.Load(community); ok && v.(mealStaffTargets).main == m {
		return v.(mealStaffTargets)
	}
	return makeMealStaffTargets(t, m, community)
}

// targetMealStaff is the meal records of the target that the route cases name.
func targetMealStaff(t accessTarget) mealStaffTargets {
	v, _ := mealStaffTargetsOf.Load(t.userScope)
	mt, _ := v.(mealStaffTargets)
	return mt
}

// mealStaffRouteCases are the access-matrix entries of the canteen, counter and diner pages and
// API. Writes send what the adapter or the store refuses after the canteen or diner has been
// found in the caller's sight but before anyone asks the caller's role (no name, no opening day,
// no confirmation, no version): a holder within sight gets 422 or 400, never 403 or 404, and a
// target outside the caller's area still 404.
var mealStaffRouteCases = map[string]func(t accessTarget) accessRequest{
	"GET /meals/canteens":      func(accessTarget) accessRequest { return accessRequest{path: "/meals/canteens?status=open"} },
	"GET /meals/canteens/new":  func(accessTarget) accessRequest { return accessRequest{path: "/meals/canteens/new"} },
	"POST /meals/canteens/new": func(accessTarget) accessRequest { return form("/meals/canteens/new", "name=") },
	"GET /meals/canteens/{id}": func(t accessTarget) accessRequest {
		return accessRequest{path: canteenPath(t, "")}
	},
	"GET /meals/canteens/{id}/edit":  func(t accessTarget) accessRequest { return accessRequest{path: canteenPath(t, "/edit")} },
	"POST /meals/canteens/{id}/edit": func(t accessTarget) accessRequest { return form(canteenPath(t, "/edit"), "version=1&name=") },
	"POST /meals/canteens/{id}/menu": func(t accessTarget) accessRequest {
		return form(canteenPath(t, "/menu"), "name=&meal_type=lunch&price=12")
	},
	"POST /meals/canteens/{id}/menu/{item}/active": func(t accessTarget) accessRequest {
		return form(canteenPath(t, fmt.Sprintf("/menu/%d/active", targetMealStaff(t).item)), "") // no active: 422
	},
	"POST /meals/canteens/{id}/tokens": func(t accessTarget) accessRequest { return form(canteenPath(t, "/tokens"), "name=") },
	"POST /meals/canteens/{id}/tokens/{token}/revoke": func(t accessTarget) accessRequest {
		return form(canteenPath(t, fmt.Sprintf("/tokens/%d/revoke", targetMealStaff(t).token)), "") // no confirmation: 422
	},
	"GET /meals/counter":     func(accessTarget) accessRequest { return accessRequest{path: "/meals/counter"} },
	"POST /meals/counter":    func(accessTarget) accessRequest { return form("/meals/counter", "card_no=&item=1&key=k") },
	"GET /meals/diners":      func(accessTarget) accessRequest { return accessRequest{path: "/meals/diners?status=active"} },
	"GET /meals/diners/new":  func(accessTarget) accessRequest { return accessRequest{path: "/meals/diners/new"} },
	"POST /meals/diners/new": func(accessTarget) accessRequest { return form("/meals/diners/new", "name=") },
	"GET /meals/diners/{id}": func(t accessTarget) accessRequest { return accessRequest{path: dinerPath(t, "")} },
	"POST /meals/diners/{id}/relatives": func(t accessTarget) accessRequest {
		return form(dinerPath(t, "/relatives"), "name=&relation=子女&phone=13900000000")
	},
	"POST /meals/diners/{id}/relatives/{rel}/remove": func(t accessTarget) accessRequest {
		return form(dinerPath(t, fmt.Sprintf("/relatives/%d/remove", targetMealStaff(t).relative)), "") // no confirmation: 422
	},
	"POST /meals/diners/{id}/status": func(t accessTarget) accessRequest {
		return form(dinerPath(t, "/status"), "status=deceased&on=2024-03-01&note=访问测试") // no confirmation: 422
	},

	"GET /api/v1/meals/canteens":  func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/meals/canteens?status=open"} },
	"POST /api/v1/meals/canteens": func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/meals/canteens", `{"name":""}`) },
	"GET /api/v1/meals/canteens/{id}": func(t accessTarget) accessRequest {
		return accessRequest{path: "/api/v1" + canteenPath(t, "")}
	},
	"PUT /api/v1/meals/canteens/{id}": func(t accessTarget) accessRequest {
		return jsonReq("PUT", "/api/v1"+canteenPath(t, ""), `{"version":0}`) // 400
	},
	"GET /api/v1/meals/canteens/{id}/menu": func(t accessTarget) accessRequest {
		return accessRequest{path: "/api/v1" + canteenPath(t, "/menu?all=true")}
	},
	"POST /api/v1/meals/canteens/{id}/menu": func(t accessTarget) accessRequest {
		return jsonReq("POST", "/api/v1"+canteenPath(t, "/menu"), `{"name":""}`) // 400
	},
	"PATCH /api/v1/meals/canteens/{id}/menu/{item}": func(t accessTarget) accessRequest {
		return jsonReq("PATCH", "/api/v1"+canteenPath(t, fmt.Sprintf("/menu/%d", targetMealStaff(t).item)), `{}`) // 400
	},
	"GET /api/v1/meals/diners":  func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/meals/diners?q=访问"} },
	"POST /api/v1/meals/diners": func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/meals/diners", `{"name":""}`) },
	"GET /api/v1/meals/diners/{id}": func(t accessTarget) accessRequest {
		return accessRequest{path: "/api/v1" + dinerPath(t, "")}
	},
	"POST /api/v1/meals/diners/{id}/status": func(t accessTarget) accessRequest {
		return jsonReq("POST", "/api/v1"+dinerPath(t, "/status"), `{"status":"deceased","version":0}`) // no version: 400
	},
}

func init() { addRouteCases(mealStaffRouteCases) }

func canteenPath(t accessTarget, suffix string) string {
	return fmt.Sprintf("/meals/canteens/%d%s", targetMealStaff(t).canteen, suffix)
}

func dinerPath(t accessTarget, suffix string) string {
	return fmt.Sprintf("/meals/diners/%d%s", targetMealStaff(t).diner, suffix)
}
