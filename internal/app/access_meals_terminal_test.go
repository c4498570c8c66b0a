package app

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
)

// The access-matrix entries of the canteen terminal API. The routes declare meals.serve: a
// canteen operator signed in uses them for their own canteen, every other role is refused (403)
// and an anonymous caller is 401. The menu and the diner look-up name the caller's own canteen,
// not a region, so scope does not apply and a demo operator whose canteen does not exist gets
// 404 (ownedByCaller). The meal sent lacks its Idempotency-Key: a holder gets 400, never a meal.
func init() {
	ownedByCaller["GET /api/v1/meals/terminal/menu"] = true
	ownedByCaller["GET /api/v1/meals/terminal/diners/{card}"] = true
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"POST /api/v1/meals/terminal/meals": func(accessTarget) accessRequest {
			return jsonReq("POST", "/api/v1/meals/terminal/meals", `{"card_no":"123","menu_item_id":1}`)
		},
		"GET /api/v1/meals/terminal/menu":          func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/meals/terminal/menu"} },
		"GET /api/v1/meals/terminal/diners/{card}": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/meals/terminal/diners/123"} },
	})
}

// TestMealsTerminalToken runs a canteen terminal against the whole server: its token serves
// meals and reads the menu and a diner, and opens no other route of the site or the API — there
// it is an anonymous caller.
func TestMealsTerminalToken(t *testing.T) {
	m := startDemo(t, "")
	ctx := context.Background()
	sys := auth.System()
	var community string
	if err := m.DB.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE level = 5 AND code LIKE '370212%'`).Scan(&community); err != nil {
		t.Fatal(err)
	}
	cid, err := m.svc.meals.CreateCanteen(ctx, sys, meals.CanteenInput{Name: "终端测试食堂", Operator: "测试", Address: "测试路 1 号", RegionCode: community})
	if err != nil {
		t.Fatal(err)
	}
	item, err := m.svc.meals.AddMenuItem(ctx, sys, cid, meals.MenuItem{Name: "套餐", MealType: meals.Lunch, Price: money.Yuan(12)})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := m.svc.meals.RegisterDiner(ctx, sys, meals.DinerInput{Name: "周奶奶", HomeRegion: community, IDNumber: string(idcard.Synthesize("370212", civil.Date{Year: 1950, Month: 1, Day: 1}, 2))})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := m.svc.meals.IssueTerminalToken(ctx, sys, cid, "一号窗口")
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string, headers ...string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, m.URL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := noRedirect(nil).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	meal := `{"card_no":"` + reg.CardNo + `","menu_item_id":` + strconv.FormatInt(item, 10) + `}`
	if status, body := do("POST", "/api/v1/meals/terminal/meals", meal, "Idempotency-Key", "t-1"); status != 201 || !strings.Contains(body, `"diner_pays_fen":600`) {
		t.Fatalf("serve: %d %s", status, body)
	}
	if status, body := do("POST", "/api/v1/meals/terminal/meals", meal, "Idempotency-Key", "t-1"); status != 200 || !strings.Contains(body, `"replayed":true`) {
		t.Fatalf("retry: %d %s", status, body)
	}
	if status, body := do("GET", "/api/v1/meals/terminal/menu", ""); status != 200 || !strings.Contains(body, `"套餐"`) {
		t.Fatalf("menu: %d %s", status, body)
	}
	if status, body := do("GET", "/api/v1/meals/terminal/diners/"+reg.CardNo, ""); status != 200 || !strings.Contains(body, `"subsidised_left":0`) {
		t.Fatalf("diner: %d %s", status, body)
	}

	checked := 0
	for _, r := range m.Routes() {
		if strings.HasPrefix(r.Pattern, "/api/v1/meals/terminal/") || r.Perm == auth.Public {
			continue
		}
		checked++
		path := strings.ReplaceAll(r.Pattern, "{$}", "")
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + "1" + path[j+1:]
		}
		body := ""
		if r.Method != "GET" {
			body = "{}"
		}
		status, text := do(r.Method, path, body)
		want := http.StatusSeeOther // pages take no tokens: the log-in page
		if r.API {
			want = http.StatusUnauthorized
		}
		if status != want {
			t.Errorf("%s %s with a canteen token: status %d, want %d: %.200s", r.Method, r.Pattern, status, want, text)
		}
	}
	if checked < 50 {
		t.Fatalf("only %d routes checked", checked)
	}
}
