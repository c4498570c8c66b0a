package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// mealSettleTargets are the settlement records of an access target's community: last month's
// draft settlement of a canteen there, with one subsidised meal.
type mealSettleTargets struct {
	canteen, settlement int64
}

// mealSettleTargetsOf holds each target community's settlement; the route cases find it by the
// target's community (userScope), as the payout and monitor cases do.
var mealSettleTargetsOf sync.Map

// makeMealSettleTargets makes last month's draft settlement, with one subsidised lunch, of the
// canteen and for the diner of community's staff targets (mealStaffTargetsIn), so that the canteen
// operator is at a canteen of theirs here as on the staff pages.
func makeMealSettleTargets(t *testing.T, m *Main, community string) mealSettleTargets {
	t.Helper()
	ctx := context.Background()
	sys := auth.System()
	staff := mealStaffTargetsIn(t, m, community)
	mt := mealSettleTargets{canteen: staff.canteen}
	last := civil.MonthOf(civil.Today(m.Now())).Prev()
	err := m.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type, served_on,
			price_fen, diner_pays_fen, city_fen, district_fen, street_fen, channel, status, idempotency_key, created_at)
			VALUES (?, ?, ?, ?, 'lunch', ?, 1200, 600, 300, 300, 0, 'counter', 'served', ?, ?)`,
			mt.canteen, staff.diner, staff.item, community, last.FirstDay().String(), fmt.Sprint("settle-access-", staff.diner), db.FormatTime(m.Now()))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := m.svc.meals.GenerateSettlement(ctx, sys, mt.canteen, last)
	if err != nil {
		t.Fatal(err)
	}
	mt.settlement = st.ID
	mealSettleTargetsOf.Store(community, mt)
	return mt
}

// settlementPath is the page of the target's settlement, with suffix.
func settlementPath(t accessTarget, suffix string) string {
	v, _ := mealSettleTargetsOf.Load(t.userScope)
	mt, _ := v.(mealSettleTargets)
	return fmt.Sprintf("/meals/settlements/%d%s", mt.settlement, suffix)
}

// mealSettleRouteCases are the access-matrix entries of the settlement pages and API. Writes send
// what the adapter refuses after the settlement is found in the caller's sight but before the
// store asks the caller's role (no confirmation, no version, no month): a holder within sight
// gets 422 or 400, never 403 or 404, and a settlement outside the caller's area still 404.
var mealSettleRouteCases = map[string]func(t accessTarget) accessRequest{
	"GET /meals/settlements": func(accessTarget) accessRequest {
		return accessRequest{path: "/meals/settlements?status=draft"}
	},
	"POST /meals/settlements/generate":     func(accessTarget) accessRequest { return form("/meals/settlements/generate", "month=") },
	"GET /meals/settlements/{id}":          func(t accessTarget) accessRequest { return accessRequest{path: settlementPath(t, "")} },
	"GET /meals/settlements/{id}/print":    func(t accessTarget) accessRequest { return accessRequest{path: settlementPath(t, "/print")} },
	"POST /meals/settlements/{id}/approve": func(t accessTarget) accessRequest { return form(settlementPath(t, "/approve"), "version=1") },
	"GET /meals/settlements/{id}/statement.xlsx": func(t accessTarget) accessRequest {
		return accessRequest{path: settlementPath(t, "/statement.xlsx")}
	},
	"GET /api/v1/meals/settlements": func(accessTarget) accessRequest {
		return accessRequest{path: "/api/v1/meals/settlements?status=draft"}
	},
	"POST /api/v1/meals/settlements": func(accessTarget) accessRequest {
		return jsonReq("POST", "/api/v1/meals/settlements", `{"month":""}`)
	},
	"GET /api/v1/meals/settlements/{id}": func(t accessTarget) accessRequest {
		return accessRequest{path: "/api/v1" + settlementPath(t, "")}
	},
	"GET /api/v1/meals/settlements/{id}/statement": func(t accessTarget) accessRequest {
		return accessRequest{path: "/api/v1" + settlementPath(t, "/statement")}
	},
	"POST /api/v1/meals/settlements/{id}/approval": func(t accessTarget) accessRequest {
		return jsonReq("POST", "/api/v1"+settlementPath(t, "/approval"), `{"version":0}`)
	},
}

func init() { addRouteCases(mealSettleRouteCases) }

// settleAccessTargets are the access targets of the settlement routes: the first community of
// 中韩街道 (崂山区) and of 八大关街道 (市南区), each with its settlement.
func settleAccessTargets(t *testing.T, m *Main) (accessTarget, accessTarget) {
	t.Helper()
	var targets [2]accessTarget
	for i, street := range []string{"370212001", "370202009"} {
		var community string
		if err := m.DB.QueryRow(context.Background(), `SELECT MIN(code) FROM regions WHERE parent_code = ?`, street).Scan(&community); err != nil {
			t.Fatal(err)
		}
		makeMealSettleTargets(t, m, community)
		targets[i] = accessTarget{userScope: community, region: community}
	}
	return targets[0], targets[1]
}

// TestMealSettlementsAPI settles last month through the API: the city generates, the district
// approver approves at the version seen (and not twice), the statement comes as JSON and as
// .xlsx, and a canteen operator lists only their own canteen's settlement.
func TestMealSettlementsAPI(t *testing.T) {
	m := startDemo(t, "")
	in, out := settleAccessTargets(t, m)
	laoshan, _ := mealSettleTargetsOf.Load(in.userScope)
	shinan, _ := mealSettleTargetsOf.Load(out.userScope)
	id, other := laoshan.(mealSettleTargets).settlement, shinan.(mealSettleTargets).settlement
	last := civil.MonthOf(civil.Today(m.Now())).Prev().String()
	clients := map[string]*http.Client{}
	call := func(login, method, path, body string) (int, map[string]any) {
		t.Helper()
		if clients[login] == nil {
			clients[login] = signIn(t, m, login)
		}
		c := caller{name: login, client: clients[login]}
		status, text := c.do(t, m, jsonReq(method, path, body))
		var v map[string]any
		if strings.HasPrefix(strings.TrimSpace(text), "{") {
			if err := json.Unmarshal([]byte(text), &v); err != nil {
				t.Fatalf("%s %s: %v: %s", method, path, err, text)
			}
		}
		return status, v
	}
	status, v := call("admin", "POST", "/api/v1/meals/settlements", `{"month":"`+last+`"}`)
	if status != http.StatusOK || v["built"].(float64) < 2 {
		t.Fatalf("generate: %d %v", status, v)
	}
	if status, v := call("admin", "POST", "/api/v1/meals/settlements", `{"month":"2999-01"}`); status != http.StatusBadRequest ||
		v["error"].(map[string]any)["field"] != "month" {
		t.Fatalf("a month to come: %d %v", status, v)
	}
	path := fmt.Sprintf("/api/v1/meals/settlements/%d", id)
	// The target canteen may be the demo's canteen 1, which has a month of meals of its own:
	// what the settlement holds is read from the database, not assumed.
	var settled, subsidy int64
	if err := m.DB.QueryRow(context.Background(), `SELECT COUNT(*), COALESCE(SUM(price_fen - diner_pays_fen), 0)
		FROM meal_transactions WHERE settlement_id = ?`, id).Scan(&settled, &subsidy); err != nil || settled < 1 {
		t.Fatalf("meals settled: %d, %v", settled, err)
	}
	status, v = call("laoshan", "GET", path, "")
	if status != http.StatusOK || v["status"] != "draft" || v["meals"].(float64) != float64(settled) || v["subsidy_fen"].(float64) != float64(subsidy) {
		t.Fatalf("get: %d %v", status, v)
	}
	version := int(v["version"].(float64))
	if status, _ := call("admin", "POST", path+"/approval", fmt.Sprintf(`{"version":%d}`, version)); status != http.StatusForbidden {
		t.Fatalf("the city approves: %d", status)
	}
	if status, _ := call("laoshan", "POST", path+"/approval", fmt.Sprintf(`{"version":%d}`, version-1)); status != http.StatusConflict {
		t.Fatalf("stale version: %d", status)
	}
	status, v = call("laoshan", "POST", path+"/approval", fmt.Sprintf(`{"version":%d}`, version))
	if status != http.StatusOK || v["status"] != "approved" || v["approved_by"] != "laoshan" {
		t.Fatalf("approve: %d %v", status, v)
	}
	if status, _ := call("laoshan", "POST", path+"/approval", fmt.Sprintf(`{"version":%d}`, version+1)); status != http.StatusConflict {
		t.Fatalf("approving twice: %d", status)
	}
	status, v = call("canteen", "GET", path+"/statement", "")
	meal, _ := v["meals"].([]any)
	target := false
	for _, x := range meal {
		target = target || x.(map[string]any)["diner_name"] == "访**人"
		if x.(map[string]any)["ledger_transaction_id"] == nil {
			t.Fatalf("statement meal not posted: %v", x)
		}
	}
	if status != http.StatusOK || len(meal) != int(settled) || !target {
		t.Fatalf("statement: %d, %d meals of %d, the target's among them %v", status, len(meal), settled, target)
	}
	c := caller{name: "canteen", client: clients["canteen"]}
	if status, body := c.do(t, m, accessRequest{path: path + "/statement?format=xlsx"}); status != http.StatusOK || !strings.HasPrefix(body, "PK") {
		t.Fatalf("statement xlsx: %d %.40q", status, body)
	}
	status, v = call("canteen", "GET", "/api/v1/meals/settlements?month="+last, "")
	list, _ := v["settlements"].([]any)
	if status != http.StatusOK || len(list) != 1 || list[0].(map[string]any)["id"].(float64) != float64(id) {
		t.Fatalf("operator's list: %d %v", status, v)
	}
	if status, _ := call("canteen", "GET", fmt.Sprintf("/api/v1/meals/settlements/%d", other), ""); status != http.StatusNotFound {
		t.Fatalf("another canteen's settlement: %d", status)
	}
	check, err := m.svc.meals.VerifyLedger(context.Background())
	if err != nil || len(check.Problems) > 0 || check.Settlements != 1 || check.Meals != int(settled) {
		t.Fatalf("ledger: %v %+v", err, check)
	}
}
