package web

import (
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/citizen"
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

// orderSite is the site over a meals store on Tuesday 2024-03-05 at 10:00 Beijing time: a
// canteen of 崂山区 that delivers, with a 12-yuan lunch, and a 失能 diner with a delivery address
// whose daughter is linked as relative. Staff requests name their principal in the X-Test-Login
// header (the site has no auth service here, so the principal set by the wrapper stands).
type orderSite struct {
	t        *testing.T
	ctx      context.Context
	srv      *httptest.Server
	store    *meals.Store
	codes    *sentCodes
	pay      *flakyPayments
	later    time.Duration
	cid      int64
	lunch    int64
	diner    int64
	staff    map[string]*auth.Principal
	clockNow func() time.Time
}

// sentCodes is a citizen.Sender keeping the newest code per number.
type sentCodes struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *sentCodes) Send(_ context.Context, phone, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[phone] = code
	return nil
}

// flakyPayments is DemoPayments that fails while down is set.
type flakyPayments struct {
	meals.DemoPayments
	mu   sync.Mutex
	down bool
}

func (p *flakyPayments) Charge(ctx context.Context, c meals.Charge) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return "", errors.New("gateway down")
	}
	return p.DemoPayments.Charge(ctx, c)
}

const daughter = "13900001111"

func newOrderSite(t *testing.T, d *db.DB) *orderSite {
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
	o := &orderSite{t: t, ctx: ctx, codes: &sentCodes{m: map[string]string{}}, pay: &flakyPayments{}}
	now := func() time.Time { return clock.Now().Add(o.later) }
	o.clockNow = now
	log := &audit.Log{Now: now}
	reg := &registry.Store{DB: d, Keys: keys, Audit: log, Now: now}
	o.store = &meals.Store{DB: d, Keys: keys, Audit: log, Registry: reg, Policies: meals.DefaultPolicies(),
		Calendar: civil.DefaultCalendar(), Now: now, Payments: o.pay}
	var community string
	if err := d.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE parent_code = ?`, "370212001").Scan(&community); err != nil {
		t.Fatal(err)
	}
	admin := &auth.Principal{Login: "admin", Name: "管理员", Role: auth.CityAdmin, Scope: region.Scope("3702")}
	if o.cid, err = o.store.CreateCanteen(ctx, admin, meals.CanteenInput{Name: "松岭路长者食堂", Operator: "幸福餐饮",
		Address: "松岭路 8 号", RegionCode: community, Delivery: true}); err != nil {
		t.Fatal(err)
	}
	if o.lunch, err = o.store.AddMenuItem(ctx, admin, o.cid, meals.MenuItem{Name: "两荤两素套餐", MealType: meals.Lunch,
		Price: money.Yuan(12)}); err != nil {
		t.Fatal(err)
	}
	r, err := o.store.RegisterDiner(ctx, admin, meals.DinerInput{Name: "李秀英", HomeRegion: community, Address: "崂山区松岭路 88 号 301",
		IDNumber: string(idcard.Synthesize("370212", civil.Date{Year: 1940, Month: 1, Day: 1}, 7)), Categories: []string{meals.CategoryDisabled}})
	if err != nil {
		t.Fatal(err)
	}
	o.diner = r.DinerID
	if _, err := o.store.AddRelative(ctx, admin, o.diner, meals.RelativeInput{Name: "王小红", Relation: "女儿", Phone: daughter}); err != nil {
		t.Fatal(err)
	}
	o.staff = map[string]*auth.Principal{
		"admin":    admin,
		"operator": {Login: "canteen", Name: "操作员", Role: auth.CanteenOperator, Scope: region.Scope(community), OrgID: o.cid},
	}
	cs := &citizen.Service{DB: d, Keys: keys, Audit: log, Sender: o.codes, Now: now}
	site, err := New(Deps{DB: d, Audit: log, Registry: reg, Citizens: cs, Meals: o.store, Now: now,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := o.staff[r.Header.Get("X-Test-Login")]; p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

// orderPage is an answer: status, unescaped body and redirect target.
type orderPage struct {
	status   int
	body     string
	location string
}

// do sends a GET (form nil) or a form POST with client c as login ("" for none).
func (o *orderSite) do(c *http.Client, login, path string, form url.Values) orderPage {
	o.t.Helper()
	method, body := "GET", io.Reader(nil)
	if form != nil {
		method, body = "POST", strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, o.srv.URL+path, body)
	if err != nil {
		o.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if login != "" {
		req.Header.Set("X-Test-Login", login)
	}
	resp, err := c.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(b), "«") {
		o.t.Errorf("%s %s shows a message key missing from the catalogue: %s", method, path, regexp.MustCompile(`«[^»]*»`).FindString(string(b)))
	}
	return orderPage{resp.StatusCode, html.UnescapeString(string(b)), resp.Header.Get("Location")}
}

// client is a browser with its own cookies that does not follow redirects.
func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn signs phone in through the portal, coming from the phone page path, and checks that
// the citizen lands back on it.
func (o *orderSite) signIn(phone, from string) *http.Client {
	o.t.Helper()
	c := client()
	p := o.do(c, "", from, nil)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/apply/signin?") {
		o.t.Fatalf("anonymous %s: %d to %q", from, p.status, p.location)
	}
	u, _ := url.Parse(p.location)
	next := u.Query().Get("next")
	if p := o.do(c, "", "/apply/signin", url.Values{"phone": {phone}, "next": {next}}); p.status != http.StatusOK {
		o.t.Fatalf("ask for a code: %d\n%.400s", p.status, p.body)
	}
	o.codes.mu.Lock()
	code := o.codes.m[phone]
	o.codes.mu.Unlock()
	p = o.do(c, "", "/apply/signin/code", url.Values{"phone": {phone}, "code": {code}, "next": {next}})
	if p.status != http.StatusSeeOther || p.location != next {
		o.t.Fatalf("sign in: %d to %q, want %q", p.status, p.location, next)
	}
	if p = o.do(c, "", p.location, nil); p.status != http.StatusSeeOther || p.location != from {
		o.t.Fatalf("back from sign-in: %d to %q, want %q", p.status, p.location, from)
	}
	return c
}

var orderLocation = regexp.MustCompile(`^/m/meals/orders/(\d+)\?done=(paid|pay_failed)$`)

func TestMealOrderPhonePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		o := newOrderSite(t, d)
		start := "/m/meals/diners/" + itoa64(o.diner) + "/order"
		c := o.signIn(daughter, start)

		home := o.do(c, "", "/m/meals", nil)
		if home.status != http.StatusOK || !strings.Contains(home.body, "为 李*英 订餐") || !strings.Contains(home.body, "女儿") ||
			!strings.Contains(home.body, `class="public elderly"`) || strings.Contains(home.body, "李秀英") {
			t.Fatalf("home: %d\n%s", home.status, home.body)
		}
		steps := []struct {
			query, want string
		}{
			{"", "松岭路长者食堂"},
			{"?canteen=" + itoa64(o.cid), "3月6日 星期三（明天）"},
			{"?canteen=" + itoa64(o.cid) + "&day=2024-03-06", "您付 2.00元"},
			{"?canteen=" + itoa64(o.cid) + "&day=2024-03-06&item=" + itoa64(o.lunch), "送到 崂山区松岭路****"},
			{"?canteen=" + itoa64(o.cid) + "&day=2024-03-06&item=" + itoa64(o.lunch) + "&mode=delivery", "确认订餐并支付 2.00元"},
		}
		for _, s := range steps {
			p := o.do(c, "", start+s.query, nil)
			if p.status != http.StatusOK || !strings.Contains(p.body, s.want) {
				t.Fatalf("step %q: %d, want %q in\n%s", s.query, p.status, s.want, p.body)
			}
		}
		if p := o.do(c, "", start+"?canteen="+itoa64(o.cid), nil); strings.Contains(p.body, "3月5日") {
			t.Error("today is offered though its only meal, lunch, closed at 09:00")
		}
		confirm := url.Values{"canteen": {itoa64(o.cid)}, "day": {"2024-03-06"}, "item": {itoa64(o.lunch)}, "mode": {"delivery"}}
		p := o.do(c, "", start, confirm)
		m := orderLocation.FindStringSubmatch(p.location)
		if p.status != http.StatusSeeOther || m == nil || m[2] != "paid" {
			t.Fatalf("place: %d to %q\n%.500s", p.status, p.location, p.body)
		}
		orderPath := "/m/meals/orders/" + m[1]
		if p := o.do(c, "", p.location, nil); p.status != http.StatusOK || !strings.Contains(p.body, "订餐成功，已付款") ||
			!strings.Contains(p.body, "已付款") || !strings.Contains(p.body, "送餐上门（崂山区松岭路****）") {
			t.Fatalf("order page: %d\n%s", p.status, p.body)
		}
		if p := o.do(c, "", start, confirm); p.status != http.StatusConflict || !strings.Contains(p.body, "已经订过了") {
			t.Fatalf("order twice: %d\n%s", p.status, p.body)
		}

		// Someone else's number sees nothing of it.
		stranger := o.signIn("13700007777", "/m/meals")
		for _, path := range []string{start, orderPath} {
			if p := o.do(stranger, "", path, nil); p.status != http.StatusNotFound {
				t.Errorf("stranger %s: %d", path, p.status)
			}
		}
		if p := o.do(stranger, "", "/m/meals", nil); !strings.Contains(p.body, "还没有登记") {
			t.Errorf("stranger's home:\n%s", p.body)
		}

		// The kitchen: counts, the delivery round masked until the operator reveals it.
		kitchen := "/meals/canteens/" + itoa64(o.cid) + "/orders?day=2024-03-06"
		if p := o.do(client(), "operator", kitchen, nil); p.status != http.StatusOK || !strings.Contains(p.body, "崂山区松岭路****") ||
			strings.Contains(p.body, "88 号") || !strings.Contains(p.body, "李*英") {
			t.Fatalf("kitchen: %d\n%s", p.status, p.body)
		}
		reveal := "/meals/canteens/" + itoa64(o.cid) + "/orders/addresses"
		if p := o.do(client(), "operator", reveal, url.Values{"day": {"2024-03-06"}}); p.status != http.StatusOK ||
			!strings.Contains(p.body, "崂山区松岭路 88 号 301") {
			t.Fatalf("reveal: %d\n%s", p.status, p.body)
		}
		if p := o.do(client(), "admin", reveal, url.Values{"day": {"2024-03-06"}}); p.status != http.StatusForbidden {
			t.Errorf("admin reveals addresses: %d", p.status)
		}
		if p := o.do(client(), "operator", "/meals/orders?day=2024-03-06", nil); p.status != http.StatusSeeOther ||
			p.location != "/meals/canteens/"+itoa64(o.cid)+"/orders?day=2024-03-06" {
			t.Errorf("operator's order list: %d to %q", p.status, p.location)
		}
		if p := o.do(client(), "admin", "/meals/orders?day=2024-03-06", nil); p.status != http.StatusOK ||
			!strings.Contains(p.body, "松岭路长者食堂") {
			t.Errorf("admin's order list: %d\n%s", p.status, p.body)
		}
		// Not its day yet: the page refuses to record it served.
		fulfil := "/meals/orders/" + m[1] + "/fulfil"
		if p := o.do(client(), "operator", fulfil, url.Values{}); p.status != http.StatusConflict || !strings.Contains(p.body, "还不能确认供餐") {
			t.Errorf("fulfil early: %d\n%s", p.status, p.body)
		}
		o.later = 25 * time.Hour // 2024-03-06 11:00
		if p := o.do(client(), "operator", fulfil, url.Values{}); p.status != http.StatusSeeOther ||
			!strings.Contains(p.location, "done=fulfilled") {
			t.Fatalf("fulfil: %d to %q\n%s", p.status, p.location, p.body)
		}
		c = o.signIn(daughter, orderPath) // a day later the session has ended
		if p := o.do(c, "", orderPath, nil); !strings.Contains(p.body, "已用餐") || strings.Contains(p.body, "取消这一餐") {
			t.Errorf("served order:\n%s", p.body)
		}
	})
}

func TestMealOrderPhonePayAndCancel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		o := newOrderSite(t, d)
		start := "/m/meals/diners/" + itoa64(o.diner) + "/order"
		c := o.signIn(daughter, "/m/meals/orders")
		o.pay.down = true
		p := o.do(c, "", start, url.Values{"canteen": {itoa64(o.cid)}, "day": {"2024-03-07"}, "item": {itoa64(o.lunch)}, "mode": {"eatin"}})
		m := orderLocation.FindStringSubmatch(p.location)
		if m == nil || m[2] != "pay_failed" {
			t.Fatalf("place with the gateway down: %d to %q", p.status, p.location)
		}
		orderPath := "/m/meals/orders/" + m[1]
		if p := o.do(c, "", p.location, nil); !strings.Contains(p.body, "支付没有成功") || !strings.Contains(p.body, "付款 2.00元") ||
			!strings.Contains(p.body, "待付款") {
			t.Fatalf("after a failed payment:\n%s", p.body)
		}
		if p := o.do(c, "", orderPath+"/pay", url.Values{}); p.status != http.StatusConflict || !strings.Contains(p.body, "支付没有成功") {
			t.Fatalf("pay while down: %d\n%s", p.status, p.body)
		}
		o.pay.down = false
		if p := o.do(c, "", orderPath+"/pay", url.Values{}); p.status != http.StatusSeeOther || p.location != orderPath+"?done=paid" {
			t.Fatalf("pay again: %d to %q\n%s", p.status, p.location, p.body)
		}
		mine := o.do(c, "", "/m/meals/orders", nil)
		if !strings.Contains(mine.body, "取消这一餐，退回 2.00元") || !strings.Contains(mine.body, "3月7日 星期四 午餐") {
			t.Fatalf("my orders:\n%s", mine.body)
		}
		if p := o.do(c, "", orderPath+"/cancel", url.Values{"from": {"list"}}); p.status != http.StatusSeeOther ||
			p.location != "/m/meals/orders?done=cancelled" {
			t.Fatalf("cancel: %d to %q\n%s", p.status, p.location, p.body)
		}
		if p := o.do(c, "", "/m/meals/orders?done=cancelled", nil); !strings.Contains(p.body, "已取消这一餐。") || !strings.Contains(p.body, "已取消") ||
			strings.Contains(p.body, "取消这一餐，退回") {
			t.Fatalf("after cancelling:\n%s", p.body)
		}
		// The office records her death on the 5th: the lunch still ordered for the 8th is cancelled
		// with it, and her list says the community cancelled it.
		sys := auth.System()
		if _, err := o.store.PlaceOrder(o.ctx, meals.ByStaff(sys), meals.OrderInput{DinerID: o.diner, CanteenID: o.cid,
			MenuItemID: o.lunch, Day: civil.Date{Year: 2024, Month: 3, Day: 8}}); err != nil {
			t.Fatal(err)
		}
		dn, err := o.store.Diner(o.ctx, sys, o.diner)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.store.SetDinerStatus(o.ctx, sys, o.diner, dn.Version, meals.DinerStatusInput{Status: meals.DinerDeceased,
			On: civil.Date{Year: 2024, Month: 3, Day: 5}, Note: "家属到社区告知"}); err != nil {
			t.Fatal(err)
		}
		if p := o.do(c, "", "/m/meals/orders", nil); strings.Count(p.body, "老人已故，由社区取消") != 1 {
			t.Fatalf("after her death was recorded:\n%s", p.body)
		}
		// An anonymous POST goes to sign in, and nothing is done.
		if p := o.do(client(), "", orderPath+"/cancel", url.Values{}); p.status != http.StatusSeeOther ||
			!strings.HasPrefix(p.location, "/apply/signin?") {
			t.Errorf("anonymous cancel: %d to %q", p.status, p.location)
		}
		// The bounce after sign-in goes nowhere but the phone pages.
		for _, to := range []string{"https://evil.example/", "//evil.example/m/meals", "/apply/mine", "/m/meals/../../users"} {
			if p := o.do(client(), "", "/apply/meals?to="+url.QueryEscape(to), nil); p.location != "/m/meals" {
				t.Errorf("bounce to %q went to %q", to, p.location)
			}
		}
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
