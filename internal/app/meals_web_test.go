package app

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/idcard"
)

// staffMealsFixture is a demo server on which the 老年助餐 staff pages are walked through: a
// canteen of 中韩街道's first community made on its forms, whose operator is the demo's canteen
// user, and the demo users who work with it.
type staffMealsFixture struct {
	m                *Main
	community, other string
	admin, zhonghan  *http.Client
	badaguan, grid   *http.Client
	canteen, auditor *http.Client
}

func newStaffMealsFixture(t *testing.T, dsn string) *staffMealsFixture {
	t.Helper()
	m := startDemo(t, dsn)
	f := &staffMealsFixture{m: m, admin: cwClient(t, m, "admin"), zhonghan: cwClient(t, m, "zhonghan"),
		badaguan: cwClient(t, m, "badaguan"), grid: cwClient(t, m, "grid"), canteen: cwClient(t, m, "canteen"),
		auditor: cwClient(t, m, "auditor")}
	for street, dst := range map[string]*string{"370212001": &f.community, "370202009": &f.other} {
		if err := m.DB.QueryRow(context.Background(), `SELECT MIN(code) FROM regions WHERE parent_code = ?`, street).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// do sends a GET (form nil) or a form POST as c and returns the status, the unescaped body and
// the redirect target; a message key missing from the catalogue fails the test.
func (f *staffMealsFixture) do(t *testing.T, c *http.Client, path string, form url.Values) (int, string, string) {
	t.Helper()
	method := "GET"
	if form != nil {
		method = "POST"
	}
	status, body, h := cwDo(t, c, method, f.m.URL()+path, form)
	if strings.Contains(body, "«") {
		t.Errorf("%s %s shows a message key missing from the catalogue", method, path)
	}
	return status, html.UnescapeString(body), h.Get("Location")
}

// api sends a JSON request as c and decodes the JSON answer.
func (f *staffMealsFixture) api(t *testing.T, c *http.Client, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, f.m.URL()+"/api/v1"+path, strings.NewReader(body))
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
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %v", method, path, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

// TestMealsStaffPages walks the canteen, counter and diner pages and the staff API: a canteen
// made and edited on its form (with a stale edit refused), its menu and terminal tokens, diners
// registered with a card and their relatives, scope on every page, and meals served at the
// counter, where a double submit charges once and a second subsidised meal is charged in full.
func TestMealsStaffPages(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testMealsStaffPages(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testMealsStaffPages(t, dbtest.PostgresDSN(t)) })
	}
}

var canteenPathRE = regexp.MustCompile(`^/meals/canteens/(\d+)\?done=created$`)

func testMealsStaffPages(t *testing.T, dsn string) {
	f := newStaffMealsFixture(t, dsn)
	var canteen int64
	t.Run("canteen form", func(t *testing.T) { canteen = f.canteenForm(t) })
	if canteen == 0 {
		t.FailNow()
	}
	// The demo's canteen operator works here from now on.
	if _, err := f.m.DB.Exec(context.Background(), `UPDATE users SET org_id = ? WHERE login = 'canteen'`, canteen); err != nil {
		t.Fatal(err)
	}
	t.Run("canteen list and scope", func(t *testing.T) { f.canteenScope(t, canteen) })
	t.Run("stale edit", func(t *testing.T) { f.canteenEdit(t, canteen) })
	var lunch int64
	t.Run("menu", func(t *testing.T) { lunch = f.menu(t, canteen) })
	t.Run("terminal tokens", func(t *testing.T) { f.tokens(t, canteen) })
	var cards map[string]string
	var diners map[string]int64
	t.Run("diner registration", func(t *testing.T) { cards, diners = f.registerDiners(t) })
	if len(cards) != 2 || lunch == 0 {
		t.FailNow()
	}
	t.Run("diner roster and page", func(t *testing.T) { f.dinerPages(t, cards, diners) })
	t.Run("relatives", func(t *testing.T) { f.relatives(t, diners["young"]) })
	t.Run("counter", func(t *testing.T) { f.counter(t, canteen, lunch, cards, diners) })
	t.Run("api", func(t *testing.T) { f.staffAPI(t, canteen, cards["young"], diners["young"]) })
}

// canteenForm refuses an incomplete canteen keeping what was typed, then adds one.
func (f *staffMealsFixture) canteenForm(t *testing.T) int64 {
	status, body, _ := f.do(t, f.zhonghan, "/meals/canteens/new", nil)
	if status != http.StatusOK {
		t.Fatalf("new form: %d", status)
	}
	wantIn(t, "new form", body, `name="open_day"`, `name="delivery"`, `name="cutoff_minutes"`, `value="`+f.community+`"`)
	form := url.Values{"name": {""}, "operator": {"青岛幸福里餐饮有限公司"}, "address": {"中韩街道测试路8号"},
		"region_code": {f.community}, "capacity": {"120"}, "open_day": {"0", "1", "2", "3", "4"}, "status": {"open"}}
	status, body, _ = f.do(t, f.zhonghan, "/meals/canteens/new", form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("no name: %d", status)
	}
	wantIn(t, "refused form", body, "请填写名称", "青岛幸福里餐饮有限公司", "中韩街道测试路8号")
	form.Set("name", "幸福里长者食堂")
	form.Set("latitude", "36.1032")
	status, body, _ = f.do(t, f.zhonghan, "/meals/canteens/new", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "经纬度格式不正确") {
		t.Errorf("latitude without longitude: %d", status)
	}
	form.Set("longitude", "120.4676")
	form.Set("delivery", "1")
	status, _, loc := f.do(t, f.zhonghan, "/meals/canteens/new", form)
	m := canteenPathRE.FindStringSubmatch(loc)
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("create: %d → %q", status, loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	_, body, _ = f.do(t, f.zhonghan, loc, nil)
	wantIn(t, "new canteen", body, "幸福里长者食堂", "助餐机构已建立", "每周一二三四五", "提供送餐", "36.1032, 120.4676", "营业中")
	return id
}

// canteenScope checks who sees the canteen in the list and on its page.
func (f *staffMealsFixture) canteenScope(t *testing.T, id int64) {
	page := "/meals/canteens/" + strconv.FormatInt(id, 10)
	for who, c := range map[string]*http.Client{"zhonghan": f.zhonghan, "admin": f.admin, "grid": f.grid, "canteen": f.canteen, "auditor": f.auditor} {
		if _, body, _ := f.do(t, c, "/meals/canteens", nil); !strings.Contains(body, `href="`+page+`"`) {
			t.Errorf("%s's list lacks the canteen", who)
		}
	}
	_, body, _ := f.do(t, f.badaguan, "/meals/canteens", nil)
	wantOut(t, "another district's list", body, `href="`+page+`"`)
	if status, _, _ := f.do(t, f.badaguan, page, nil); status != http.StatusNotFound {
		t.Errorf("another district's canteen page: %d, want 404", status)
	}
	_, body, _ = f.do(t, f.admin, "/meals/canteens?status=closed", nil)
	wantOut(t, "closed canteens", body, `href="`+page+`"`)
	_, body, _ = f.do(t, f.canteen, page, nil)
	wantIn(t, "the operator's canteen page", body, `href="/meals/counter"`, `action="`+page+`/menu"`, `action="`+page+`/tokens"`)
	wantOut(t, "the operator's canteen page", body, page+"/edit")
	_, body, _ = f.do(t, f.grid, page, nil)
	wantOut(t, "the grid worker's canteen page", body, `action="`+page+`/menu"`, `action="`+page+`/tokens"`, page+"/edit")
	_, body, _ = f.do(t, f.zhonghan, "/", nil)
	wantIn(t, "navigation", body, "老年助餐", `href="/meals/canteens"`, `href="/meals/diners"`)
	wantOut(t, "the street officer's navigation", body, `href="/meals/counter"`)
	_, body, _ = f.do(t, f.canteen, "/", nil)
	wantIn(t, "the operator's navigation", body, `href="/meals/counter"`)
}

// canteenEdit saves a change with the version read, and refuses one made on an older version.
func (f *staffMealsFixture) canteenEdit(t *testing.T, id int64) {
	page := "/meals/canteens/" + strconv.FormatInt(id, 10)
	status, body, _ := f.do(t, f.zhonghan, page+"/edit", nil)
	if status != http.StatusOK {
		t.Fatalf("edit form: %d", status)
	}
	wantIn(t, "edit form", body, `name="version" value="1"`, `value="幸福里长者食堂"`, `value="4" checked`)
	form := url.Values{"version": {"1"}, "name": {"幸福里长者食堂"}, "operator": {"青岛幸福里餐饮有限公司"}, "address": {"中韩街道测试路8号"},
		"region_code": {f.community}, "capacity": {"一百五"}, "open_day": {"0", "1", "2", "3", "4", "5", "6"}, "status": {"open"}, "delivery": {"1"},
		"cutoff_minutes": {"90"}}
	if status, body, _ := f.do(t, f.zhonghan, page+"/edit", form); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写整数") {
		t.Errorf("capacity in words: %d", status)
	}
	form.Set("capacity", "150")
	if status, _, loc := f.do(t, f.zhonghan, page+"/edit", form); status != http.StatusSeeOther || loc != page+"?done=updated" {
		t.Fatalf("edit: %d → %q", status, loc)
	}
	form.Set("capacity", "200") // the same version again: someone saved in between
	status, body, _ = f.do(t, f.zhonghan, page+"/edit", form)
	if status != http.StatusConflict || !strings.Contains(body, "该记录已被他人修改") || !strings.Contains(body, `value="200"`) {
		t.Errorf("stale edit: %d", status)
	}
	_, body, _ = f.do(t, f.zhonghan, page, nil)
	wantIn(t, "edited canteen", body, "每天", "150", "开餐前 90 分钟")
	if status, _, _ := f.do(t, f.canteen, page+"/edit", form); status != http.StatusForbidden {
		t.Errorf("the operator editing the canteen: %d, want 403", status)
	}
}

var itemRowRE = regexp.MustCompile(`<tr id="item-(\d+)"><td>([^<]+)</td><td>([^<]+)</td>`)

// menu adds items as the operator, refuses a bad price, and takes one off the menu; it returns
// the lunch item.
func (f *staffMealsFixture) menu(t *testing.T, id int64) int64 {
	page := "/meals/canteens/" + strconv.FormatInt(id, 10)
	status, body, _ := f.do(t, f.canteen, page+"/menu", url.Values{"name": {"两荤两素套餐"}, "meal_type": {"lunch"}, "price": {"十二"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "金额格式不正确") || !strings.Contains(body, `value="两荤两素套餐"`) {
		t.Errorf("price in words: %d", status)
	}
	for _, it := range []url.Values{{"name": {"两荤两素套餐"}, "meal_type": {"lunch"}, "price": {"12"}},
		{"name": {"营养早餐"}, "meal_type": {"breakfast"}, "price": {"4.50"}}} {
		if status, _, loc := f.do(t, f.canteen, page+"/menu", it); status != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?done=menu_added") {
			t.Fatalf("add %s: %d → %q", it.Get("name"), status, loc)
		}
	}
	_, body, _ = f.do(t, f.canteen, page, nil)
	items := map[string]int64{}
	for _, m := range itemRowRE.FindAllStringSubmatch(body, -1) {
		items[m[3]], _ = strconv.ParseInt(m[1], 10, 64)
	}
	wantIn(t, "menu", body, "¥12.00", "¥4.50", "午餐", "早餐")
	if items["两荤两素套餐"] == 0 || items["营养早餐"] == 0 {
		t.Fatalf("menu rows %v", items)
	}
	off := page + "/menu/" + strconv.FormatInt(items["营养早餐"], 10) + "/active"
	if status, _, _ := f.do(t, f.canteen, off, url.Values{}); status != http.StatusUnprocessableEntity {
		t.Errorf("no active value: %d", status)
	}
	if status, _, _ := f.do(t, f.canteen, off, url.Values{"active": {"0"}}); status != http.StatusSeeOther {
		t.Errorf("take off: %d", status)
	}
	_, body, _ = f.do(t, f.canteen, page, nil)
	wantIn(t, "menu after", body, "已停售", "恢复供应")
	if status, _, _ := f.do(t, f.badaguan, off, url.Values{"active": {"1"}}); status != http.StatusNotFound {
		t.Errorf("another district's menu: %d, want 404", status)
	}
	return items["两荤两素套餐"]
}

var secretRE = regexp.MustCompile(`id="secret">(mzc_[^<]+)<`)

// tokens issues a terminal token, shown once, and revokes it after confirmation.
func (f *staffMealsFixture) tokens(t *testing.T, id int64) {
	page := "/meals/canteens/" + strconv.FormatInt(id, 10)
	if status, body, _ := f.do(t, f.canteen, page+"/tokens", url.Values{"name": {""}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写终端名称") {
		t.Errorf("no name: %d", status)
	}
	status, body, _ := f.do(t, f.canteen, page+"/tokens", url.Values{"name": {"一号窗口"}})
	m := secretRE.FindStringSubmatch(body)
	if status != http.StatusCreated || m == nil {
		t.Fatalf("issue: %d", status)
	}
	ctx := context.Background()
	if cid, err := f.m.svc.meals.CanteenByTerminalToken(ctx, m[1]); err != nil || cid != id {
		t.Fatalf("the token opens canteen %d: %v", cid, err)
	}
	_, body, _ = f.do(t, f.canteen, page, nil)
	wantIn(t, "token list", body, "一号窗口", "有效")
	wantOut(t, "token list", body, m[1])
	var tokenID int64
	if err := f.m.DB.QueryRow(ctx, `SELECT MAX(id) FROM canteen_tokens WHERE canteen_id = ?`, id).Scan(&tokenID); err != nil {
		t.Fatal(err)
	}
	revoke := page + "/tokens/" + strconv.FormatInt(tokenID, 10) + "/revoke"
	if status, body, _ := f.do(t, f.canteen, revoke, url.Values{}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请先勾选确认框") {
		t.Errorf("revoke without confirmation: %d", status)
	}
	status, _, loc := f.do(t, f.canteen, revoke, url.Values{"confirm": {"1"}})
	if status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", status)
	}
	_, body, _ = f.do(t, f.canteen, strings.TrimSuffix(loc, "#tokens"), nil)
	wantIn(t, "revoked token", body, "终端令牌已吊销", "吊销")
	if _, err := f.m.svc.meals.CanteenByTerminalToken(ctx, m[1]); apperr.KindOf(err) != apperr.Unauthenticated {
		t.Errorf("a revoked token still opens the canteen: %v", err)
	}
}

var cardRE = regexp.MustCompile(`id="card-no">(\d{12})<`)

// registerDiners refuses a person under 60 and a second registration, and registers a 70-odd and
// an 80-odd (失能) person of the grid worker's community; it returns their cards and ids.
func (f *staffMealsFixture) registerDiners(t *testing.T) (map[string]string, map[string]int64) {
	today := civil.Today(f.m.Now())
	young := idcard.Synthesize("370198", civil.Date{Year: today.Year - 72, Month: 1, Day: 15}, 901)
	old := idcard.Synthesize("370198", civil.Date{Year: today.Year - 85, Month: 2, Day: 20}, 902)
	child := idcard.Synthesize("370198", civil.Date{Year: today.Year - 40, Month: 5, Day: 5}, 903)
	status, body, _ := f.do(t, f.grid, "/meals/diners/new", nil)
	if status != http.StatusOK || !strings.Contains(body, `value="`+f.community+`"`) {
		t.Fatalf("registration form: %d", status)
	}
	form := url.Values{"name": {"王建国"}, "id_number": {string(child)}, "home_region": {f.community}, "phone": {"13912345678"}}
	status, body, _ = f.do(t, f.grid, "/meals/diners/new", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "60 周岁以上") || !strings.Contains(body, `value="王建国"`) {
		t.Errorf("a 40-year-old: %d", status)
	}
	cards, ids := map[string]string{}, map[string]int64{}
	for who, v := range map[string]url.Values{
		"young": {"name": {"王建国"}, "id_number": {string(young)}, "home_region": {f.community}, "phone": {"13912345678"}},
		"old":   {"name": {"李秀英"}, "id_number": {string(old)}, "home_region": {f.community}, "disabled": {"1"}, "address": {"中韩街道测试路9号3单元"}},
	} {
		status, body, _ := f.do(t, f.grid, "/meals/diners/new", v)
		m := cardRE.FindStringSubmatch(body)
		if status != http.StatusCreated || m == nil || !strings.Contains(body, `id="qr-token"`) {
			t.Fatalf("register %s: %d", who, status)
		}
		cards[who] = m[1]
		var id int64
		if err := f.m.DB.QueryRow(context.Background(), `SELECT id FROM diners WHERE card_no = ?`, m[1]).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[who] = id
	}
	status, body, _ = f.do(t, f.zhonghan, "/meals/diners/new", url.Values{"name": {"王建国"}, "id_number": {string(young)}, "home_region": {f.community}})
	if status != http.StatusConflict || !strings.Contains(body, cards["young"]) {
		t.Errorf("a second registration: %d", status)
	}
	if status, _, _ := f.do(t, f.badaguan, "/meals/diners/new", url.Values{"name": {"赵大爷"}, "id_number": {string(idcard.Synthesize("370198", civil.Date{Year: today.Year - 70, Month: 3, Day: 3}, 904))},
		"home_region": {f.community}}); status != http.StatusForbidden {
		t.Errorf("registering in another district: %d, want 403", status)
	}
	return cards, ids
}

// dinerPages checks the roster's search and filters, the diner's page and who sees them.
func (f *staffMealsFixture) dinerPages(t *testing.T, cards map[string]string, ids map[string]int64) {
	_, body, _ := f.do(t, f.zhonghan, "/meals/diners", nil)
	wantIn(t, "roster", body, "王*国", "李*英", cards["young"], "失能")
	wantOut(t, "roster", body, "王建国", "李秀英")
	_, body, _ = f.do(t, f.zhonghan, "/meals/diners?q="+cards["old"], nil)
	wantIn(t, "search by card", body, "李*英")
	wantOut(t, "search by card", body, "王*国")
	_, body, _ = f.do(t, f.zhonghan, "/meals/diners?q="+url.QueryEscape("建国"), nil)
	wantIn(t, "search by name", body, "王*国")
	wantOut(t, "search by name", body, "李*英")
	_, body, _ = f.do(t, f.zhonghan, "/meals/diners?category=disabled", nil)
	wantIn(t, "disabled diners", body, "李*英")
	wantOut(t, "disabled diners", body, "王*国")
	_, body, _ = f.do(t, f.badaguan, "/meals/diners", nil)
	wantOut(t, "another district's roster", body, cards["young"], cards["old"])
	_, body, _ = f.do(t, f.canteen, "/meals/diners", nil)
	wantIn(t, "the operator's roster", body, "助餐机构操作员不查看老年人名册")
	wantOut(t, "the operator's roster", body, cards["young"])
	page := "/meals/diners/" + strconv.FormatInt(ids["old"], 10)
	status, body, _ := f.do(t, f.zhonghan, page, nil)
	if status != http.StatusOK {
		t.Fatalf("diner page: %d", status)
	}
	wantIn(t, "diner page", body, "李秀英", "370198********", "失能", cards["old"], "中韩街道测试路", "可代订餐的亲属")
	for who, c := range map[string]*http.Client{"badaguan": f.badaguan, "canteen": f.canteen} {
		if status, _, _ := f.do(t, c, page, nil); status != http.StatusNotFound {
			t.Errorf("%s reading the diner: %d, want 404", who, status)
		}
	}
}

// relatives links a relative who may order for the diner and unlinks them after confirmation.
func (f *staffMealsFixture) relatives(t *testing.T, diner int64) {
	page := "/meals/diners/" + strconv.FormatInt(diner, 10)
	form := url.Values{"name": {"王小明"}, "relation": {"子女"}, "phone": {""}}
	if status, body, _ := f.do(t, f.grid, page+"/relatives", form); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写亲属的手机号") || !strings.Contains(body, `value="王小明"`) {
		t.Errorf("no phone: %d", status)
	}
	form.Set("phone", "13800138000")
	status, _, loc := f.do(t, f.grid, page+"/relatives", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?done=relative_added") {
		t.Fatalf("link: %d → %q", status, loc)
	}
	_, body, _ := f.do(t, f.grid, strings.TrimSuffix(loc, "#relatives"), nil)
	wantIn(t, "relatives", body, "王小明", "子女", "138****8000", "亲属已登记")
	wantOut(t, "relatives", body, "13800138000")
	if status, _, _ := f.do(t, f.grid, page+"/relatives", form); status != http.StatusConflict {
		t.Errorf("the same number twice: %d, want 409", status)
	}
	var rel int64
	if err := f.m.DB.QueryRow(context.Background(), `SELECT id FROM diner_relatives WHERE diner_id = ?`, diner).Scan(&rel); err != nil {
		t.Fatal(err)
	}
	remove := page + "/relatives/" + strconv.FormatInt(rel, 10) + "/remove"
	if status, _, _ := f.do(t, f.grid, remove, url.Values{}); status != http.StatusUnprocessableEntity {
		t.Errorf("unlink without confirmation: %d", status)
	}
	if status, _, _ := f.do(t, f.badaguan, remove, url.Values{"confirm": {"1"}}); status != http.StatusNotFound {
		t.Errorf("another district unlinking: %d, want 404", status)
	}
	if status, _, _ := f.do(t, f.grid, remove, url.Values{"confirm": {"1"}}); status != http.StatusSeeOther {
		t.Fatalf("unlink: %d", status)
	}
	_, body, _ = f.do(t, f.grid, page, nil)
	wantOut(t, "unlinked", body, "138****8000")
}

var (
	keyRE     = regexp.MustCompile(`name="key" value="(web-[0-9a-f]+)"`)
	receiptRE = regexp.MustCompile(`^/meals/counter\?receipt=(\d+)(&replayed=1)?#receipt$`)
)

// counter serves meals as the canteen's operator: the diner and what they pay are shown before
// anything is charged; the same form sent twice charges once; a second subsidised meal on the
// same day is charged in full and flagged.
func (f *staffMealsFixture) counter(t *testing.T, canteen, lunch int64, cards map[string]string, ids map[string]int64) {
	ctx := context.Background()
	if status, _, _ := f.do(t, f.zhonghan, "/meals/counter", nil); status != http.StatusForbidden {
		t.Errorf("a street officer at the counter: %d, want 403", status)
	}
	if status, body, _ := f.do(t, f.canteen, "/meals/counter?card_no=123456789012", nil); status != http.StatusUnprocessableEntity || !strings.Contains(body, "助餐卡号不正确") {
		t.Errorf("a mistyped card: %d", status)
	}
	status, body, _ := f.do(t, f.canteen, "/meals/counter?card_no="+cards["young"], nil)
	key := keyRE.FindStringSubmatch(body)
	if status != http.StatusOK || key == nil {
		t.Fatalf("card read: %d", status)
	}
	wantIn(t, "priced menu", body, "王*国", "今日已享受补贴 0 次", "两荤两素套餐", "老人应付 <strong>¥6.00</strong>")
	wantOut(t, "priced menu", body, "王建国", "营养早餐")
	meals := func() int {
		var n int
		if err := f.m.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE diner_id = ?`, ids["young"]).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if meals() != 0 {
		t.Fatal("reading a card charged a meal")
	}
	form := url.Values{"card_no": {cards["young"]}, "key": {key[1]}, "item": {strconv.FormatInt(lunch, 10)}}
	status, _, first := f.do(t, f.canteen, "/meals/counter", form)
	m1 := receiptRE.FindStringSubmatch(first)
	if status != http.StatusSeeOther || m1 == nil || m1[2] != "" {
		t.Fatalf("serve: %d → %q", status, first)
	}
	status, _, again := f.do(t, f.canteen, "/meals/counter", form) // a double click
	m2 := receiptRE.FindStringSubmatch(again)
	if status != http.StatusSeeOther || m2 == nil || m2[1] != m1[1] || m2[2] == "" {
		t.Fatalf("the same form again: %d → %q, want the first receipt %s replayed", status, again, m1[1])
	}
	if n := meals(); n != 1 {
		t.Fatalf("a double submit recorded %d meals, want 1", n)
	}
	_, body, _ = f.do(t, f.canteen, strings.TrimSuffix(first, "#receipt"), nil)
	wantIn(t, "receipt", body, "收款凭条", "已收款", "¥12.00", "<strong>¥6.00</strong>", "市级补贴</dt><dd>¥3.00", "区级补贴</dt><dd>¥3.00",
		"街道补贴</dt><dd>¥0.00", "王*国")
	_, body, _ = f.do(t, f.canteen, strings.TrimSuffix(again, "#receipt"), nil)
	wantIn(t, "replayed receipt", body, "没有再次收费")

	_, body, _ = f.do(t, f.canteen, "/meals/counter?card_no="+cards["young"], nil)
	key2 := keyRE.FindStringSubmatch(body)
	if key2 == nil || key2[1] == key[1] {
		t.Fatalf("a fresh form has no fresh key")
	}
	wantIn(t, "second meal priced", body, "今日已享受补贴 1 次", "老人应付 <strong>¥12.00</strong>")
	form.Set("key", key2[1])
	status, _, second := f.do(t, f.canteen, "/meals/counter", form)
	if status != http.StatusSeeOther || receiptRE.FindStringSubmatch(second) == nil || second == first {
		t.Fatalf("second meal: %d → %q", status, second)
	}
	_, body, _ = f.do(t, f.canteen, strings.TrimSuffix(second, "#receipt"), nil)
	wantIn(t, "second receipt", body, "<strong>¥12.00</strong>", "当日第二次补贴餐")
	if n := meals(); n != 2 {
		t.Errorf("%d meals after the second, want 2", n)
	}

	_, body, _ = f.do(t, f.canteen, "/meals/counter?card_no="+cards["old"], nil)
	wantIn(t, "an 85-year-old 失能 diner", body, "李*英", "失能", "老人应付 <strong>¥2.00</strong>")
	delete(form, "key")
	form.Set("card_no", cards["old"])
	if status, body, _ := f.do(t, f.canteen, "/meals/counter", form); status != http.StatusUnprocessableEntity || !strings.Contains(body, "缺少幂等键") {
		t.Errorf("no key: %d", status)
	}
	_, body, _ = f.do(t, f.canteen, "/meals/counter", nil)
	wantIn(t, "today's meals", body, "今日用餐记录", "共 2 条", m1[1])
	_, body, _ = f.do(t, f.zhonghan, "/meals/diners/"+strconv.FormatInt(ids["young"], 10), nil)
	wantIn(t, "the diner's meals", body, "幸福里长者食堂", "¥6.00", "当日第二次补贴餐")
	_, body, _ = f.do(t, f.zhonghan, "/meals/canteens/"+strconv.FormatInt(canteen, 10), nil)
	wantIn(t, "the canteen's meals of the day", body, "今日用餐记录", "王*国")
}

// staffAPI exercises the staff API on the same records.
func (f *staffMealsFixture) staffAPI(t *testing.T, canteen int64, card string, diner int64) {
	cid := strconv.FormatInt(canteen, 10)
	status, out := f.api(t, f.zhonghan, "GET", "/meals/canteens?region="+f.community, "")
	if status != http.StatusOK || out["total"].(float64) < 1 {
		t.Fatalf("list: %d %v", status, out)
	}
	var row map[string]any // the community may hold the demo's canteen 1 as well
	for _, c := range out["canteens"].([]any) {
		if c.(map[string]any)["id"] == float64(canteen) {
			row = c.(map[string]any)
		}
	}
	if row == nil || row["meals_today"] != float64(2) || row["open_days"] != "1111111" {
		t.Errorf("listed canteen %v in %v", row, out["canteens"])
	}
	if status, out := f.api(t, f.badaguan, "GET", "/meals/canteens/"+cid, ""); status != http.StatusNotFound {
		t.Errorf("another district's canteen: %d %v", status, out)
	}
	status, out = f.api(t, f.zhonghan, "POST", "/meals/canteens", `{"name":"","operator":"x","address":"y","region_code":"`+f.community+`"}`)
	if status != http.StatusBadRequest || out["error"].(map[string]any)["field"] != "name" {
		t.Errorf("no name: %d %v", status, out)
	}
	status, out = f.api(t, f.zhonghan, "POST", "/meals/canteens", `{"name":"张村助餐点","operator":"张村社区","address":"张村1号","region_code":"`+
		f.community+`","capacity":60,"open_days":"1111100"}`)
	if status != http.StatusCreated || out["version"] != float64(1) || out["cutoff_minutes"] != float64(120) {
		t.Fatalf("create: %d %v", status, out)
	}
	id := strconv.FormatInt(int64(out["id"].(float64)), 10)
	body := `{"name":"张村助餐点","operator":"张村社区","address":"张村1号","region_code":"` + f.community + `","capacity":80,"version":%d}`
	if status, out := f.api(t, f.zhonghan, "PUT", "/meals/canteens/"+id, strings.Replace(body, "%d", "1", 1)); status != http.StatusOK || out["version"] != float64(2) || out["capacity"] != float64(80) {
		t.Errorf("update: %d %v", status, out)
	}
	if status, out := f.api(t, f.zhonghan, "PUT", "/meals/canteens/"+id, strings.Replace(body, "%d", "1", 1)); status != http.StatusConflict {
		t.Errorf("stale update: %d %v", status, out)
	}
	status, out = f.api(t, f.zhonghan, "POST", "/meals/canteens/"+id+"/menu", `{"name":"素三鲜水饺","meal_type":"dinner","price_fen":1500}`)
	if status != http.StatusCreated || out["price_fen"] != float64(1500) || out["active"] != true {
		t.Fatalf("add item: %d %v", status, out)
	}
	item := strconv.FormatInt(int64(out["id"].(float64)), 10)
	if status, out := f.api(t, f.zhonghan, "PATCH", "/meals/canteens/"+id+"/menu/"+item, `{"active":false}`); status != http.StatusOK || out["active"] != false {
		t.Errorf("take off: %d %v", status, out)
	}
	if status, out := f.api(t, f.zhonghan, "PATCH", "/meals/canteens/"+cid+"/menu/"+item, `{"active":true}`); status != http.StatusNotFound {
		t.Errorf("an item of another canteen: %d %v", status, out)
	}
	if _, out := f.api(t, f.zhonghan, "GET", "/meals/canteens/"+id+"/menu", ""); out["total"] != float64(0) {
		t.Errorf("active menu %v", out)
	}
	if _, out := f.api(t, f.zhonghan, "GET", "/meals/canteens/"+id+"/menu?all=true", ""); out["total"] != float64(1) {
		t.Errorf("whole menu %v", out)
	}
	status, out = f.api(t, f.zhonghan, "GET", "/meals/diners?q="+card, "")
	if status != http.StatusOK || out["total"] != float64(1) {
		t.Fatalf("search: %d %v", status, out)
	}
	d := out["diners"].([]any)[0].(map[string]any)
	if d["name_masked"] != "王*国" || d["name"] != nil || d["card_no"] != card {
		t.Errorf("listed diner %v", d)
	}
	if status, out := f.api(t, f.zhonghan, "GET", "/meals/diners/"+strconv.FormatInt(diner, 10), ""); status != http.StatusOK || out["name"] != "王建国" {
		t.Errorf("diner: %d %v", status, out)
	}
	if status, _ := f.api(t, f.canteen, "GET", "/meals/diners/"+strconv.FormatInt(diner, 10), ""); status != http.StatusOK {
		t.Errorf("the operator reading a diner who ate at the canteen: %d, want 200", status)
	}
	today := civil.Today(f.m.Now())
	idn := idcard.Synthesize("370198", civil.Date{Year: today.Year - 66, Month: 7, Day: 7}, 905)
	status, out = f.api(t, f.grid, "POST", "/meals/diners", `{"name":"孙玉兰","id_number":"`+string(idn)+`","home_region":"`+f.community+`","categories":["disabled"]}`)
	if status != http.StatusCreated || len(out["card_no"].(string)) != 12 || out["qr_token"] == "" {
		t.Fatalf("register: %d %v", status, out)
	}
	newcomer := int64(out["diner_id"].(float64))
	if status, out := f.api(t, f.grid, "POST", "/meals/diners", `{"name":"孙玉兰","id_number":"`+string(idn)+`","home_region":"`+f.community+`"}`); status != http.StatusConflict {
		t.Errorf("registered twice: %d %v", status, out)
	}
	if status, _ := f.api(t, f.canteen, "GET", "/meals/diners/"+strconv.FormatInt(newcomer, 10), ""); status != http.StatusNotFound {
		t.Errorf("the operator reading a diner who never ate there: %d, want 404", status)
	}
}
