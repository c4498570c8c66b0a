package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

// The access-matrix entries of the anti-fraud flag pages and API. The review and scan routes
// name no flag in their path (the flags come in the body, several at once), so the matrix checks
// the permission; the writes send what the store refuses before it looks at any flag (no note,
// no month): 422 on a page, 400 from the API, for whoever holds the permission. Scope is tested
// by TestMealFlagsAPI below with real flags in two districts.
func init() {
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /meals/flags":         func(accessTarget) accessRequest { return accessRequest{path: "/meals/flags?status=open"} },
		"POST /meals/flags/review": func(accessTarget) accessRequest { return form("/meals/flags/review", "decision=cleared&note=&id=1") },
		"POST /meals/flags/scan":   func(accessTarget) accessRequest { return form("/meals/flags/scan", "month=") },
		"GET /api/v1/meals/flags":  func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/meals/flags?status=open"} },
		"POST /api/v1/meals/flags/review": func(accessTarget) accessRequest {
			return jsonReq("POST", "/api/v1/meals/flags/review", `{"ids":[1],"status":"cleared","note":""}`)
		},
		"POST /api/v1/meals/flags/scan": func(accessTarget) accessRequest {
			return jsonReq("POST", "/api/v1/meals/flags/scan", `{"month":""}`)
		},
	})
}

// mealFlagsFixture is a demo server with a flagged meal at a canteen of 崂山区 中韩街道 and one at
// a canteen of 市南区 八大关街道: each canteen is closed every day, so the closed-day rule flags
// today's meal at each.
type mealFlagsFixture struct {
	m                   *Main
	laoshan, shinan     int64 // canteens
	laoshanF, shinanF   int64 // flags
	admin, district     *http.Client
	street, operator    *http.Client
	laoshanName, shName string
}

func newMealFlagsFixture(t *testing.T, dsn string) *mealFlagsFixture {
	t.Helper()
	m := startDemo(t, dsn)
	ctx := context.Background()
	f := &mealFlagsFixture{m: m, laoshanName: "中韩核查测试食堂", shName: "八大关核查测试食堂"}
	admin := &auth.Principal{Login: "flags.admin", Role: auth.CityAdmin, Scope: region.Scope("3702")}
	store := m.svc.meals
	today := civil.Today(m.Now())
	var err error
	canteen := func(name, street string) (int64, int64) {
		var community string
		if err := m.DB.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE parent_code = ?`, street).Scan(&community); err != nil {
			t.Fatal(err)
		}
		cid, err := store.CreateCanteen(ctx, admin, meals.CanteenInput{Name: name, Operator: "测试运营方", Address: "测试路 9 号",
			RegionCode: community, OpenDays: "0000000"})
		if err != nil {
			t.Fatal(err)
		}
		item, err := store.AddMenuItem(ctx, admin, cid, meals.MenuItem{Name: "套餐", MealType: meals.Lunch, Price: money.Yuan(12)})
		if err != nil {
			t.Fatal(err)
		}
		return cid, item
	}
	var lItem, sItem int64
	f.laoshan, lItem = canteen(f.laoshanName, "370212001")
	f.shinan, sItem = canteen(f.shName, "370202009")
	err = m.DB.InTx(ctx, func(tx *db.Tx) error {
		var diner int64
		if err := tx.QueryRow(ctx, `INSERT INTO diners (name, id_sealed, id_hash, id_masked, birth_date, home_region, card_no,
			qr_token_hash, created_by, created_at, updated_at) SELECT '核查测试', '', 'flags-test-hash', '', '1950-01-01', region_code,
			'F00000001', 'flags-test-qr', 'test', ?, ? FROM canteens WHERE id = ? RETURNING id`, db.FormatTime(m.Now()),
			db.FormatTime(m.Now()), f.laoshan).Scan(&diner); err != nil {
			return err
		}
		for i, c := range []struct{ canteen, item int64 }{{f.laoshan, lItem}, {f.shinan, sItem}} {
			if _, err := tx.Exec(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
				served_on, price_fen, diner_pays_fen, city_fen, district_fen, channel, idempotency_key, created_at)
				SELECT id, ?, ?, region_code, 'lunch', ?, 1200, 600, 300, 300, 'counter', ?, ? FROM canteens WHERE id = ?`,
				diner, c.item, today.String(), fmt.Sprintf("flags-test-%d", i), db.FormatTime(m.Now()), c.canteen); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	closed, _ := meals.FraudRuleByID("closed_day")
	if _, err := store.ScanFraudWith(ctx, []meals.FraudRule{closed}, today, today); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		canteen int64
		id      *int64
	}{{f.laoshan, &f.laoshanF}, {f.shinan, &f.shinanF}} {
		if err := m.DB.QueryRow(ctx, `SELECT id FROM meal_flags WHERE canteen_id = ? AND rule = 'closed_day'`, c.canteen).Scan(c.id); err != nil {
			t.Fatal(err)
		}
	}
	f.admin, f.district, f.street, f.operator = signIn(t, m, "admin"), signIn(t, m, "laoshan"), signIn(t, m, "zhonghan"), signIn(t, m, "canteen")
	return f
}

// call sends a JSON body (or none) as c to the API and decodes a 2xx answer into out; it returns
// the status and, for an error, its code.
func (f *mealFlagsFixture) call(t *testing.T, c *http.Client, method, path, body string, out any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.m.URL()+"/api/v1"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		var e apiError
		_ = json.Unmarshal(raw, &e)
		return resp.StatusCode, e.Error.Code
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %.300s", method, path, err, raw)
		}
	}
	return resp.StatusCode, ""
}

// apiFlagList is the part of GET /meals/flags the test reads.
type apiFlagList struct {
	Flags []struct {
		ID          int64    `json:"id"`
		CanteenID   int64    `json:"canteen_id"`
		CanteenName string   `json:"canteen_name"`
		Rule        string   `json:"rule"`
		RuleTitle   string   `json:"rule_title"`
		Status      string   `json:"status"`
		ReviewedBy  string   `json:"reviewed_by"`
		Note        string   `json:"note"`
		DinerName   string   `json:"diner_name"`
		SubsidyFen  int64    `json:"subsidy_fen"`
		Explanation []string `json:"explanation"`
		Evidence    struct {
			OpenDays string `json:"open_days"`
			Weekday  int    `json:"weekday"`
		} `json:"evidence"`
	} `json:"flags"`
	Total  int `json:"total"`
	Counts []struct {
		Rule string `json:"rule"`
		Open int    `json:"open"`
	} `json:"counts"`
}

// TestMealFlagsAPI lists flags through the API within and across scopes, reviews them (refused
// without a note, outside the scope and without the permission; accepted for the district),
// scans a month, and reads the page.
func TestMealFlagsAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testMealFlagsAPI(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testMealFlagsAPI(t, dbtest.PostgresDSN(t)) })
	}
}

func testMealFlagsAPI(t *testing.T, dsn string) {
	f := newMealFlagsFixture(t, dsn)
	var list apiFlagList
	if status, _ := f.call(t, f.district, "GET", "/meals/flags?rule=closed_day&status=open", "", &list); status != http.StatusOK {
		t.Fatalf("list: %d", status)
	}
	seen := map[int64]bool{}
	for _, fl := range list.Flags {
		seen[fl.ID] = true
		if fl.ID == f.laoshanF && (fl.CanteenName != f.laoshanName || fl.RuleTitle != "非营业日用餐" || fl.DinerName != "核**试" ||
			fl.SubsidyFen != 600 || fl.Evidence.OpenDays != "0000000" || fl.Evidence.Weekday == 0 || len(fl.Explanation) == 0 ||
			!strings.Contains(fl.Explanation[0], "该机构的营业日为无")) {
			t.Errorf("flag %+v", fl)
		}
	}
	if !seen[f.laoshanF] || seen[f.shinanF] {
		t.Fatalf("the district sees %v: want its own flag %d and not 市南区's %d", seen, f.laoshanF, f.shinanF)
	}
	if status, _ := f.call(t, f.admin, "GET", fmt.Sprintf("/meals/flags?canteen_id=%d", f.shinan), "", &list); status != http.StatusOK ||
		list.Total != 1 || list.Flags[0].ID != f.shinanF {
		t.Errorf("the city by canteen: %d %+v", status, list)
	}
	if status, code := f.call(t, f.district, "GET", "/meals/flags?from=yesterday", "", nil); status != http.StatusBadRequest || code != "field.date_invalid" {
		t.Errorf("bad date: %d %s", status, code)
	}
	review := func(id int64, note string) string {
		return fmt.Sprintf(`{"ids":[%d],"status":"cleared","note":%q}`, id, note)
	}
	for _, c := range []struct {
		name   string
		who    *http.Client
		body   string
		status int
		code   string
	}{
		{"no note", f.district, review(f.laoshanF, " "), http.StatusBadRequest, "meals.fraud.note_required"},
		{"bad status", f.district, fmt.Sprintf(`{"ids":[%d],"status":"open","note":"x"}`, f.laoshanF), http.StatusBadRequest, "meals.fraud.status_invalid"},
		{"another district's flag", f.district, review(f.shinanF, "核实"), http.StatusNotFound, "meals.fraud.notfound"},
		{"a street officer", f.street, review(f.laoshanF, "核实"), http.StatusForbidden, ""},
		{"the canteen itself", f.operator, review(f.laoshanF, "核实"), http.StatusForbidden, ""},
	} {
		if status, code := f.call(t, c.who, "POST", "/meals/flags/review", c.body, nil); status != c.status || c.code != "" && code != c.code {
			t.Errorf("review %s: %d %s, want %d %s", c.name, status, code, c.status, c.code)
		}
	}
	var done struct{ Reviewed int }
	if status, _ := f.call(t, f.district, "POST", "/meals/flags/review", review(f.laoshanF, "装修期间临时营业，已核实"), &done); status != http.StatusOK || done.Reviewed != 1 {
		t.Fatalf("review: %d %+v", status, done)
	}
	if status, _ := f.call(t, f.district, "GET", fmt.Sprintf("/meals/flags?status=cleared&canteen_id=%d", f.laoshan), "", &list); status != http.StatusOK ||
		list.Total != 1 || list.Flags[0].ReviewedBy != "laoshan" || list.Flags[0].Note != "装修期间临时营业，已核实" {
		t.Errorf("after the review: %d %+v", status, list)
	}
	// The canteen operator reads the flags of its own canteen only (demo canteen 1), none of ours.
	if status, _ := f.call(t, f.operator, "GET", "/meals/flags", "", &list); status != http.StatusOK {
		t.Errorf("operator list: %d", status)
	}
	for _, fl := range list.Flags {
		if fl.CanteenID != 1 {
			t.Errorf("the operator of canteen 1 sees %+v", fl)
		}
	}
	var rep struct {
		Scope string `json:"scope"`
		Meals int    `json:"meals"`
	}
	month := civil.MonthOf(civil.Today(f.m.Now())).String()
	if status, _ := f.call(t, f.district, "POST", "/meals/flags/scan", fmt.Sprintf(`{"month":%q}`, month), &rep); status != http.StatusOK ||
		rep.Scope != "370212" || rep.Meals < 1 {
		t.Errorf("scan: %d %+v", status, rep)
	}
	if status, code := f.call(t, f.district, "POST", "/meals/flags/scan", `{"month":"2024-13"}`, nil); status != http.StatusBadRequest || code != "meals.fraud.month_invalid" {
		t.Errorf("bad month: %d %s", status, code)
	}
	resp, err := f.district.Get(fmt.Sprintf("%s/meals/flags?status=&canteen=%d", f.m.URL(), f.laoshan))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), f.laoshanName) || !strings.Contains(string(body), "装修期间临时营业") {
		t.Errorf("page: %d", resp.StatusCode)
	}
}
