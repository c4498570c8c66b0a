package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minzheng/minzheng/internal/app"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/registry"
)

// TestRelativeOrdersOnPhone follows 亲属代订餐 in the browser on a 360 px phone: a daughter whose
// number the community office linked to her disabled mother opens the ordering page, signs in
// with the code the demo prints to the server log, is brought back to the page, chooses the
// canteen, tomorrow, the lunch and delivery, sees what she will pay, confirms (the demo's
// provider marks it paid), and cancels it from her list, every page keeping the 适老化 layout.
func TestRelativeOrdersOnPhone(t *testing.T) {
	ck := &testClock{t: time.Now()}
	log := &logBuffer{}
	m, b := setupWith(t, 200, 120*time.Second, withClock(ck.Now), withLog(log))
	community := firstCommunity(t, m, "370212001")
	dinerID, canteenID := mealsForOrdering(t, m, ck, community.Code)
	const daughter = "13623451111"
	linkRelative(t, m, ck, dinerID, daughter)

	pub := b.session()
	if err := chromedp.Do(pub.ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile)); err != nil {
		t.Fatalf("emulate a phone: %v", err)
	}
	start := "/m/meals/diners/" + strconv.FormatInt(dinerID, 10) + "/order"
	pub.open(start)
	if p := pub.path(); !strings.HasPrefix(p, "/apply/signin") {
		t.Fatalf("not signed in, %s shows %s", start, p)
	}
	pub.citizenSignIn(log, daughter)
	if p := pub.path(); p != start {
		t.Fatalf("after sign-in the daughter is on %s, want %s", p, start)
	}
	checkPublicPage(t, pub, start)

	tomorrow := civil.Today(ck.Now()).AddDays(1).String()
	pub.click(`main a[href*="canteen=` + strconv.FormatInt(canteenID, 10) + `"]`)
	checkElderlyPage(t, pub, "choose a day")
	pub.click(`main a[href*="day=` + tomorrow + `"]`)
	checkElderlyPage(t, pub, "choose a meal")
	if got := pub.text("main ul.applist"); !strings.Contains(got, "您付 2.00元") {
		t.Fatalf("the menu does not say what the 失能 mother pays: %q", got)
	}
	pub.click(`main ul.applist a`)
	pub.click(`main a[href*="mode=delivery"]`)
	checkElderlyPage(t, pub, "confirm")
	if got := pub.text("main"); !strings.Contains(got, "送餐上门") || !strings.Contains(got, "2.00元") {
		t.Fatalf("confirmation:\n%s", got)
	}
	if got := pub.click(`main form button[type="submit"]`); got != http.StatusOK {
		t.Fatalf("confirm and pay: status %d", got)
	}
	if p := pub.path(); !strings.HasPrefix(p, "/m/meals/orders/") || !strings.HasSuffix(p, "?done=paid") {
		t.Fatalf("after paying the daughter is on %s", p)
	}
	if got := pub.text(`main .notice[role="status"]`); !strings.Contains(got, "订餐成功") {
		t.Fatalf("no success notice: %q", got)
	}
	checkElderlyPage(t, pub, "the order")

	pub.open("/m/meals/orders")
	checkElderlyPage(t, pub, "/m/meals/orders")
	pub.click(`main form[action$="/cancel"] button[type="submit"]`)
	if got := pub.text(`main .notice[role="status"]`); !strings.Contains(got, "已取消这一餐") {
		t.Fatalf("after cancelling: %q; page:\n%s", got, pub.text("main"))
	}
}

// mealsForOrdering makes, with the demo's own keys, a delivering canteen with a 12-yuan lunch in
// community and a 失能 diner living there with a delivery address, and returns their ids.
func mealsForOrdering(t *testing.T, m *app.Main, ck *testClock, community string) (int64, int64) {
	t.Helper()
	s := mealsStore(t, m, ck)
	ctx := context.Background()
	cid, err := s.CreateCanteen(ctx, auth.System(), meals.CanteenInput{Name: "网订长者食堂", Operator: "网订餐饮", Address: "网订路 1 号",
		RegionCode: community, Delivery: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMenuItem(ctx, auth.System(), cid, meals.MenuItem{Name: "两荤两素套餐", MealType: meals.Lunch, Price: money.Yuan(12)}); err != nil {
		t.Fatal(err)
	}
	r, err := s.RegisterDiner(ctx, auth.System(), meals.DinerInput{Name: "赵桂兰", HomeRegion: community, Address: "网订路 9 号 2 单元 101",
		IDNumber: string(idcard.Synthesize("370199", civil.Date{Year: 1941, Month: 2, Day: 3}, 733)), Categories: []string{meals.CategoryDisabled}})
	if err != nil {
		t.Fatal(err)
	}
	return r.DinerID, cid
}

// linkRelative links phone as a relative of diner, as the community office does.
func linkRelative(t *testing.T, m *app.Main, ck *testClock, diner int64, phone string) {
	t.Helper()
	if _, err := mealsStore(t, m, ck).AddRelative(context.Background(), auth.System(), diner,
		meals.RelativeInput{Name: "赵小燕", Relation: "女儿", Phone: phone}); err != nil {
		t.Fatal(err)
	}
}

// mealsStore is a meals store on the demo's database and keys.
func mealsStore(t *testing.T, m *app.Main, ck *testClock) *meals.Store {
	t.Helper()
	keys, err := pii.LoadKeyFile(m.Config.KeysPath())
	if err != nil {
		t.Fatal(err)
	}
	log := &audit.Log{Now: ck.Now}
	return &meals.Store{DB: m.DB, Keys: keys, Audit: log, Registry: &registry.Store{DB: m.DB, Keys: keys, Audit: log, Now: ck.Now},
		Policies: meals.DefaultPolicies(), Now: ck.Now}
}

// checkElderlyPage checks a page of the elderly ordering flow: the public pages' layout, and the
// 24 px body text UI.md asks of these pages in particular.
func checkElderlyPage(t *testing.T, b *tab, page string) {
	t.Helper()
	checkPublicPage(t, b, page)
	if l := b.measure(); l.BodyFontSize < 24 {
		t.Errorf("%s: body text is %.1f px, want at least 24 px on the elderly ordering pages", page, l.BodyFontSize)
	}
}
