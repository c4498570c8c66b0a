package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

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

// terminalFixture is the API over a meals store with two canteens (崂山区 and 市南区), a token
// for the first, and two registered diners.
type terminalFixture struct {
	t            *testing.T
	srv          *httptest.Server
	store        *meals.Store
	cid, other   int64
	lunch, away  int64
	token        string
	tokenID      int64
	card, card2  string
	qr           string
	operatorOrg  int64
	communityOut string
}

func newTerminalFixture(t *testing.T, d *db.DB) *terminalFixture {
	t.Helper()
	ctx := context.Background()
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	clock := civiltest.NewClock(civil.Date{Year: 2024, Month: 3, Day: 5})
	log := &audit.Log{Now: clock.Now}
	reg := &registry.Store{DB: d, Keys: keys, Audit: log, Now: clock.Now}
	ms := &meals.Store{DB: d, Keys: keys, Audit: log, Registry: reg, Policies: meals.DefaultPolicies(),
		Calendar: civil.DefaultCalendar(), Now: clock.Now}
	admin := auth.System()
	f := &terminalFixture{t: t, store: ms}
	community := func(district string) string {
		var c string
		if err := d.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE level = 5 AND code LIKE ?`, district+"%").Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	canteen := func(code string) (int64, int64) {
		cid, err := ms.CreateCanteen(ctx, admin, meals.CanteenInput{Name: "幸福食堂", Operator: "幸福餐饮", Address: "测试路 1 号", RegionCode: code})
		if err != nil {
			t.Fatal(err)
		}
		item, err := ms.AddMenuItem(ctx, admin, cid, meals.MenuItem{Name: "两荤两素套餐", MealType: meals.Lunch, Price: money.Yuan(12)})
		if err != nil {
			t.Fatal(err)
		}
		return cid, item
	}
	home := community("370212")
	f.cid, f.lunch = canteen(home)
	f.other, f.away = canteen(community("370202"))
	for i, name := range []string{"张三丰", "李四"} {
		r, err := ms.RegisterDiner(ctx, admin, meals.DinerInput{Name: name, HomeRegion: home,
			IDNumber: string(idcard.Synthesize("370212", civil.Date{Year: 1950, Month: 1, Day: 1 + i}, 7))})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.card, f.qr = r.CardNo, r.QRToken
		} else {
			f.card2 = r.CardNo
		}
	}
	if f.tokenID, f.token, err = ms.IssueTerminalToken(ctx, admin, f.cid, "一号窗口"); err != nil {
		t.Fatal(err)
	}
	a := New(Deps{DB: d, Auth: auth.NewService(d, keys, log, clock.Now), Meals: ms, Log: slog.New(slog.DiscardHandler)})
	// X-Test-Role signs the request in as a user of that role whose organisation is the first
	// canteen: the tests' stand-in for a session.
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if role := r.Header.Get("X-Test-Role"); role != "" {
			p := &auth.Principal{Login: "tester", Role: auth.Role(role), Scope: region.Scope("3702"), OrgID: f.cid}
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		a.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// do sends a request with the given headers and returns the status and the decoded JSON body.
func (f *terminalFixture) do(method, path, body string, headers ...string) (int, map[string]any) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+Prefix+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		f.t.Fatalf("%s %s: status %d, body %s is not JSON", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode, out
}

// serve posts a meal with the fixture's token under key.
func (f *terminalFixture) serve(key, body string) (int, map[string]any) {
	f.t.Helper()
	h := []string{"Authorization", "Bearer " + f.token, "Content-Type", "application/json"}
	if key != "" {
		h = append(h, "Idempotency-Key", key)
	}
	return f.do("POST", "/meals/terminal/meals", body, h...)
}

// errorOf is the error object of an error answer.
func terminalError(body map[string]any) map[string]any {
	e, _ := body["error"].(map[string]any)
	return e
}

func TestTerminalServe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newTerminalFixture(t, d)
		meal := `{"card_no":"` + f.card + `","menu_item_id":` + strconv.FormatInt(f.lunch, 10) + `}`

		status, r := f.serve("k1", meal)
		if status != http.StatusCreated || r["diner_name"] != "张*丰" || r["price_fen"] != 1200.0 || r["diner_pays_fen"] != 600.0 ||
			r["city_fen"] != 300.0 || r["district_fen"] != 300.0 || r["rule"] != "age60" || r["replayed"] != false ||
			r["card_no_masked"] != "********"+f.card[8:] || len(r["shares"].([]any)) != 2 || len(r["flags"].([]any)) != 0 {
			t.Fatalf("first meal: %d %v", status, r)
		}
		share := r["shares"].([]any)[0].(map[string]any)
		if share["source"] != "city" || share["label"] != "市级补贴" || share["amount_fen"] != 300.0 {
			t.Fatalf("share %v", share)
		}
		status, again := f.serve("k1", meal)
		if status != http.StatusOK || again["replayed"] != true || again["transaction_id"] != r["transaction_id"] ||
			again["diner_pays_fen"] != 600.0 {
			t.Fatalf("replay: %d %v", status, again)
		}
		status, second := f.serve("k2", meal)
		if status != http.StatusCreated || second["diner_pays_fen"] != 1200.0 || second["flags"].([]any)[0] != "second_meal_today" {
			t.Fatalf("second meal: %d %v", status, second)
		}
		status, byQR := f.serve("k3", `{"qr_token":"`+f.qr+`","menu_item_id":`+strconv.FormatInt(f.lunch, 10)+`}`)
		if status != http.StatusCreated || byQR["diner_name"] != "张*丰" {
			t.Fatalf("by QR: %d %v", status, byQR)
		}

		unknown := "100000000000"
		for n := int64(100000000000); !meals.ValidCardNo(unknown); n++ {
			unknown = strconv.FormatInt(n, 10)
		}
		for _, tc := range []struct {
			name, key, body string
			status          int
			code, field     string
		}{
			{"no key", "", meal, 400, "meals.key_required", "idempotency_key"},
			{"key reused for another meal", "k1", `{"card_no":"` + f.card2 + `","menu_item_id":` + strconv.FormatInt(f.lunch, 10) + `}`, 409, "meals.key_reused", ""},
			{"unknown card", "k4", `{"card_no":"` + unknown + `","menu_item_id":` + strconv.FormatInt(f.lunch, 10) + `}`, 404, "meals.diner_notfound", ""},
			{"card typo", "k4", `{"card_no":"12345","menu_item_id":` + strconv.FormatInt(f.lunch, 10) + `}`, 400, "meals.card_invalid", "card_no"},
			{"item of another canteen", "k4", `{"card_no":"` + f.card2 + `","menu_item_id":` + strconv.FormatInt(f.away, 10) + `}`, 404, "meals.item_notfound", ""},
			{"no item", "k4", `{"card_no":"` + f.card2 + `"}`, 400, "meals.terminal.item_required", "menu_item_id"},
			{"card and QR", "k4", `{"card_no":"` + f.card2 + `","qr_token":"x","menu_item_id":1}`, 400, "meals.terminal.diner_required", "card_no"},
			{"unknown field", "k4", `{"card":"1"}`, 400, "api.json_unknown", "card"},
			{"reserved key", "order-1", meal, 400, "meals.terminal.key_reserved", "idempotency_key"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := f.serve(tc.key, tc.body)
				e := terminalError(body)
				if status != tc.status || e["code"] != tc.code || (tc.field != "" && e["field"] != tc.field) || e["message"] == "" {
					t.Fatalf("status %d body %v, want %d %s", status, body, tc.status, tc.code)
				}
			})
		}

		// A closed canteen refuses new meals but still answers a retry with its first receipt.
		if _, err := d.Exec(context.Background(), `UPDATE canteens SET status = 'closed', version = version + 1 WHERE id = ?`, f.cid); err != nil {
			t.Fatal(err)
		}
		if status, body := f.serve("k5", meal); status != 409 || terminalError(body)["code"] != "meals.canteen_closed" {
			t.Fatalf("closed canteen: %d %v", status, body)
		}
		if status, body := f.serve("k1", meal); status != 200 || body["transaction_id"] != r["transaction_id"] {
			t.Fatalf("retry at a closed canteen: %d %v", status, body)
		}
	})
}

func TestTerminalAuth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newTerminalFixture(t, d)
		meal := `{"card_no":"` + f.card + `","menu_item_id":` + strconv.FormatInt(f.lunch, 10) + `}`
		hdr := []string{"Content-Type", "application/json", "Idempotency-Key", "a1"}
		for _, tc := range []struct {
			name    string
			headers []string
			status  int
			code    string
		}{
			{"nobody", nil, 401, "meals.terminal.token_required"},
			{"malformed canteen token", []string{"Authorization", "Bearer mzc_nope"}, 401, "meals.terminal.token_invalid"},
			{"unknown canteen token", []string{"Authorization", "Bearer mzc_" + strings.Repeat("A", 43)}, 401, "meals.terminal.token_invalid"},
			{"user API token", []string{"Authorization", "Bearer mzt_abcdefgh_" + strings.Repeat("A", 43)}, 401, "auth.token_invalid"},
			{"grid worker", []string{"X-Test-Role", string(auth.GridWorker)}, 403, "auth.forbidden"},
			{"city administrator", []string{"X-Test-Role", string(auth.CityAdmin)}, 403, "auth.forbidden"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, r := range []struct{ method, path, body string }{
					{"POST", "/meals/terminal/meals", meal}, {"GET", "/meals/terminal/menu", ""}, {"GET", "/meals/terminal/diners/" + f.card, ""},
				} {
					status, body := f.do(r.method, r.path, r.body, append(append([]string{}, hdr...), tc.headers...)...)
					if status != tc.status || terminalError(body)["code"] != tc.code {
						t.Errorf("%s %s: %d %v, want %d %s", r.method, r.path, status, body, tc.status, tc.code)
					}
				}
			})
		}
		// The canteen's own operator may use the terminal routes for their canteen.
		status, body := f.do("POST", "/meals/terminal/meals", meal, append(hdr, "X-Test-Role", string(auth.CanteenOperator))...)
		if status != 201 || body["canteen_id"] != float64(f.cid) {
			t.Fatalf("operator: %d %v", status, body)
		}
		// The canteen token opens nothing but the terminal routes.
		bearer := []string{"Authorization", "Bearer " + f.token}
		for _, path := range []string{"/regions/3702", "/users", "/audit"} {
			if status, body := f.do("GET", path, "", bearer...); status != 401 || terminalError(body)["code"] != "auth.signin_required" {
				t.Errorf("%s with a canteen token: %d %v", path, status, body)
			}
		}
		// A revoked token is refused at once, with its own message.
		if err := f.store.RevokeTerminalToken(context.Background(), auth.System(), f.tokenID); err != nil {
			t.Fatal(err)
		}
		status, body = f.do("GET", "/meals/terminal/menu", "", bearer...)
		if status != 401 || terminalError(body)["code"] != "meals.terminal.token_revoked" {
			t.Fatalf("revoked: %d %v", status, body)
		}
	})
}

func TestTerminalReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newTerminalFixture(t, d)
		bearer := []string{"Authorization", "Bearer " + f.token}
		status, menu := f.do("GET", "/meals/terminal/menu", "", bearer...)
		items, _ := menu["items"].([]any)
		if status != 200 || menu["canteen_id"] != float64(f.cid) || menu["status"] != "open" || len(items) != 1 ||
			items[0].(map[string]any)["id"] != float64(f.lunch) || items[0].(map[string]any)["price_fen"] != 1200.0 {
			t.Fatalf("menu: %d %v", status, menu)
		}

		status, pv := f.do("GET", "/meals/terminal/diners/"+f.card, "", bearer...)
		offers, _ := pv["offers"].([]any)
		if status != 200 || pv["name"] != "张*丰" || pv["subsidised_today"] != 0.0 || pv["subsidised_left"] != 1.0 || len(offers) != 1 ||
			offers[0].(map[string]any)["diner_pays_fen"] != 600.0 {
			t.Fatalf("preview: %d %v", status, pv)
		}
		f.serve("p1", `{"card_no":"`+f.card+`","menu_item_id":`+strconv.FormatInt(f.lunch, 10)+`}`)
		status, pv = f.do("GET", "/meals/terminal/diners/qr", "", append(bearer, "X-QR-Token", f.qr)...)
		offers, _ = pv["offers"].([]any)
		if status != 200 || pv["subsidised_today"] != 1.0 || pv["subsidised_left"] != 0.0 || offers[0].(map[string]any)["diner_pays_fen"] != 1200.0 {
			t.Fatalf("preview by QR after a meal: %d %v", status, pv)
		}
		if status, body := f.do("GET", "/meals/terminal/diners/qr", "", bearer...); status != 400 || terminalError(body)["field"] != "qr_token" {
			t.Fatalf("QR without the header: %d %v", status, body)
		}
		if status, body := f.do("GET", "/meals/terminal/diners/123", "", bearer...); status != 400 || terminalError(body)["code"] != "meals.card_invalid" {
			t.Fatalf("bad card: %d %v", status, body)
		}
	})
}
