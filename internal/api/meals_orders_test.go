package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/civil/civiltest"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// ordersAPI is the API over a meals store on Tuesday 2024-03-05 at 10:00 Beijing time, with a
// canteen of 崂山区 (lunch closes 30 minutes before 11:00) and a 76-year-old diner living there.
// X-Test-Login picks the caller from staff.
type ordersAPI struct {
	t          *testing.T
	srv        *httptest.Server
	cid, lunch int64
	diner      int64
	later      time.Duration
	staff      map[string]*auth.Principal
}

func newOrdersAPI(t *testing.T, d *db.DB) *ordersAPI {
	t.Helper()
	ctx := context.Background()
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	f := &ordersAPI{t: t}
	clock := civiltest.NewClock(civil.Date{Year: 2024, Month: 3, Day: 5})
	now := func() time.Time { return clock.Now().Add(f.later) }
	log := &audit.Log{Now: now}
	reg := &registry.Store{DB: d, Keys: keys, Audit: log, Now: now}
	ms := &meals.Store{DB: d, Keys: keys, Audit: log, Registry: reg, Policies: meals.DefaultPolicies(),
		Calendar: civil.DefaultCalendar(), Now: now}
	var home string
	if err := d.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE parent_code = ?`, "370212001").Scan(&home); err != nil {
		t.Fatal(err)
	}
	admin := &auth.Principal{Login: "admin", Role: auth.CityAdmin, Scope: region.Scope("3702")}
	if f.cid, err = ms.CreateCanteen(ctx, admin, meals.CanteenInput{Name: "幸福食堂", Operator: "幸福餐饮", Address: "测试路 1 号",
		RegionCode: home, CutoffMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	if f.lunch, err = ms.AddMenuItem(ctx, admin, f.cid, meals.MenuItem{Name: "两荤两素套餐", MealType: meals.Lunch, Price: money.Yuan(12)}); err != nil {
		t.Fatal(err)
	}
	r, err := ms.RegisterDiner(ctx, admin, meals.DinerInput{Name: "张三丰", HomeRegion: home,
		IDNumber: string(idcard.Synthesize("370212", civil.Date{Year: 1948, Month: 1, Day: 1}, 9))})
	if err != nil {
		t.Fatal(err)
	}
	f.diner = r.DinerID
	f.staff = map[string]*auth.Principal{
		"officer":  {Login: "officer", Role: auth.StreetOfficer, Scope: region.Scope("370212001")},
		"shinan":   {Login: "shinan", Role: auth.StreetOfficer, Scope: region.Scope("370202009")},
		"auditor":  {Login: "auditor", Role: auth.Auditor, Scope: region.Scope("3702")},
		"operator": {Login: "canteen", Role: auth.CanteenOperator, Scope: region.Scope(home), OrgID: f.cid},
	}
	a := New(Deps{DB: d, Meals: ms, Log: slog.New(slog.DiscardHandler)})
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := f.staff[r.Header.Get("X-Test-Login")]; p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		a.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// call sends a JSON request as login and decodes the answer.
func (f *ordersAPI) call(login, method, path, body string) (int, map[string]any) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+Prefix+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("X-Test-Login", login)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		f.t.Fatalf("%s %s: %d, not JSON: %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode, out
}

// want fails unless the answer has status.
func (f *ordersAPI) want(status int, got int, body map[string]any) {
	f.t.Helper()
	if got != status {
		f.t.Fatalf("status %d, want %d: %v", got, status, body)
	}
}

func TestMealOrdersAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newOrdersAPI(t, d)
		status, body := f.call("officer", "POST", "/meals/orders", fmt.Sprintf(
			`{"diner_id":%d,"canteen_id":%d,"menu_item_id":%d,"day":"2024-03-05","pay":true}`, f.diner, f.cid, f.lunch))
		f.want(http.StatusCreated, status, body)
		o := body["order"].(map[string]any)
		if o["status"] != "paid" || o["diner_pays_fen"] != 600.0 || o["city_fen"] != 300.0 || o["ordered_by"] != "staff:officer" ||
			o["payment_provider"] != "demo" || o["diner_name"] != "张*丰" || o["day"] != "2024-03-05" {
			t.Fatalf("placed %v", o)
		}
		id := int64(o["id"].(float64))
		version := int(o["version"].(float64))
		orderPath := fmt.Sprintf("/meals/orders/%d", id)

		status, body = f.call("officer", "POST", "/meals/orders", fmt.Sprintf(
			`{"diner_id":%d,"canteen_id":%d,"menu_item_id":%d,"day":"2024-03-05"}`, f.diner, f.cid, f.lunch))
		f.want(http.StatusConflict, status, body)
		status, body = f.call("officer", "POST", "/meals/orders", `{"diner_id":0}`)
		f.want(http.StatusBadRequest, status, body)
		status, body = f.call("officer", "POST", "/meals/orders", `{"day":"5 March"}`)
		f.want(http.StatusBadRequest, status, body)

		for login, want := range map[string]int{"officer": 200, "auditor": 200, "operator": 200, "shinan": 404} {
			status, body := f.call(login, "GET", orderPath, "")
			if status != want {
				t.Errorf("%s reads the order: %d, want %d (%v)", login, status, want, body)
			}
		}
		status, body = f.call("operator", "GET", fmt.Sprintf("/meals/orders?canteen=%d&day=2024-03-05", f.cid), "")
		f.want(http.StatusOK, status, body)
		if counts := body["counts"].([]any); len(counts) != 1 || counts[0].(map[string]any)["total"] != 1.0 {
			t.Errorf("counts %v", body["counts"])
		}
		status, body = f.call("officer", "GET", fmt.Sprintf("/meals/orders?diner=%d&since=2024-03-01", f.diner), "")
		f.want(http.StatusOK, status, body)
		if len(body["orders"].([]any)) != 1 {
			t.Errorf("diner's orders %v", body)
		}
		status, body = f.call("auditor", "GET", "/meals/orders?day=2024-03-05", "")
		f.want(http.StatusOK, status, body)
		if cs := body["canteens"].([]any); len(cs) != 1 || cs[0].(map[string]any)["orders"] != 1.0 {
			t.Errorf("canteens %v", body)
		}
		status, body = f.call("shinan", "GET", "/meals/orders?day=2024-03-05", "")
		f.want(http.StatusOK, status, body)
		if cs := body["canteens"].([]any); len(cs) != 0 {
			t.Errorf("another district's canteens %v", cs)
		}
		status, body = f.call("officer", "GET", "/meals/orders?canteen=x", "")
		f.want(http.StatusBadRequest, status, body)

		// Acts need the version read: missing is 400, stale is 409.
		status, body = f.call("officer", "POST", orderPath+"/cancellation", `{}`)
		f.want(http.StatusBadRequest, status, body)
		status, body = f.call("officer", "POST", orderPath+"/cancellation", fmt.Sprintf(`{"version":%d}`, version+5))
		f.want(http.StatusConflict, status, body)
		status, body = f.call("operator", "POST", orderPath+"/cancellation", fmt.Sprintf(`{"version":%d}`, version))
		f.want(http.StatusForbidden, status, body)
		status, body = f.call("officer", "POST", orderPath+"/fulfilment", fmt.Sprintf(`{"version":%d}`, version))
		f.want(http.StatusForbidden, status, body)

		// The operator records it served at 11:00; a retry with the old version gets the same meal.
		f.later = time.Hour
		status, body = f.call("operator", "POST", orderPath+"/fulfilment", fmt.Sprintf(`{"version":%d}`, version))
		f.want(http.StatusOK, status, body)
		tx := body["transaction_id"]
		if tx == nil || tx == 0.0 || body["order"].(map[string]any)["status"] != "served" {
			t.Fatalf("fulfilment %v", body)
		}
		status, body = f.call("operator", "POST", orderPath+"/fulfilment", fmt.Sprintf(`{"version":%d}`, version))
		f.want(http.StatusOK, status, body)
		if body["transaction_id"] != tx {
			t.Fatalf("second fulfilment recorded another meal: %v", body)
		}
		status, body = f.call("officer", "POST", orderPath+"/cancellation", fmt.Sprintf(`{"version":%d}`, version+1))
		f.want(http.StatusConflict, status, body) // served: no cancelling

		// Tomorrow's order placed unpaid, paid, cancelled (refunded).
		status, body = f.call("officer", "POST", "/meals/orders", fmt.Sprintf(
			`{"diner_id":%d,"canteen_id":%d,"menu_item_id":%d,"day":"2024-03-06"}`, f.diner, f.cid, f.lunch))
		f.want(http.StatusCreated, status, body)
		o = body["order"].(map[string]any)
		next := fmt.Sprintf("/meals/orders/%d", int64(o["id"].(float64)))
		status, body = f.call("officer", "POST", next+"/payment", fmt.Sprintf(`{"version":%d}`, int(o["version"].(float64))))
		f.want(http.StatusOK, status, body)
		if body["status"] != "paid" {
			t.Fatalf("payment %v", body)
		}
		status, body = f.call("officer", "POST", next+"/cancellation", fmt.Sprintf(`{"version":%d}`, int(body["version"].(float64))))
		f.want(http.StatusOK, status, body)
		if body["status"] != "cancelled" || body["cancelled_at"] == nil {
			t.Fatalf("cancellation %v", body)
		}
	})
}
