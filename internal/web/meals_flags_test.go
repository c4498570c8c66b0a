package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// mealFlagsEnv is a site over a database holding one flagged meal in 崂山区 and one in 市南区:
// lunches served on a Sunday at canteens open Monday to Friday.
type mealFlagsEnv struct {
	t                  *testing.T
	ctx                context.Context
	d                  *db.DB
	site               *Site
	store              *meals.Store
	laoshan, shinan    int64 // canteens
	laoshanF, shinanF  int64 // flags
	admin, district    *auth.Principal
	street, operator   *auth.Principal
	shinanDistrict     *auth.Principal
	laoshanCommunity   string
	shinanCommunityStr string
}

func newMealFlagsEnv(t *testing.T, d *db.DB) *mealFlagsEnv {
	t.Helper()
	ctx := context.Background()
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	clock := civiltest.NewClock(civil.Date{Year: 2024, Month: 3, Day: 10}) // a Sunday
	log := &audit.Log{Now: clock.Now}
	store := &meals.Store{DB: d, Keys: keys, Audit: log, Registry: &registry.Store{DB: d, Keys: keys, Audit: log, Now: clock.Now},
		Policies: meals.DefaultPolicies(), Calendar: civil.DefaultCalendar(), Now: clock.Now}
	site, err := New(Deps{DB: d, Meals: store, Now: clock.Now, Root: "3702"})
	if err != nil {
		t.Fatal(err)
	}
	e := &mealFlagsEnv{t: t, ctx: ctx, d: d, site: site, store: store,
		admin:          &auth.Principal{Login: "admin", Role: auth.CityAdmin, Scope: "3702"},
		district:       &auth.Principal{Login: "laoshan", Role: auth.DistrictApprover, Scope: "370212"},
		shinanDistrict: &auth.Principal{Login: "shinan", Role: auth.DistrictApprover, Scope: "370202"}}
	e.laoshanCommunity, e.shinanCommunityStr = e.community("370212"), e.community("370202")
	e.street = &auth.Principal{Login: "street", Role: auth.StreetOfficer, Scope: "370212"}
	var lItem, sItem int64
	e.laoshan, lItem = e.canteen("崂山幸福食堂", e.laoshanCommunity)
	e.shinan, sItem = e.canteen("市南长者食堂", e.shinanCommunityStr)
	e.operator = &auth.Principal{Login: "canteen", Role: auth.CanteenOperator, Scope: "370212", OrgID: e.laoshan}
	reg, err := store.RegisterDiner(ctx, e.admin, meals.DinerInput{Name: "王秀英", HomeRegion: e.laoshanCommunity,
		IDNumber: string(idcard.Synthesize("370212", civil.Date{Year: 1948, Month: 2, Day: 3}, 7))})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct{ canteen, item int64 }{{e.laoshan, lItem}, {e.shinan, sItem}} {
		if _, _, err := store.Serve(ctx, c.canteen, "k"+strconv.Itoa(i), meals.ServeInput{CardNo: reg.CardNo, MenuItemID: c.item}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Exec(ctx, `UPDATE canteens SET open_days = '1111100'`); err != nil {
		t.Fatal(err)
	}
	day := civil.Date{Year: 2024, Month: 3, Day: 10}
	if _, err := store.ScanFraudWith(ctx, []meals.FraudRule{mustRule(t, "closed_day")}, day, day); err != nil {
		t.Fatal(err)
	}
	e.laoshanF, e.shinanF = e.flagOf(e.laoshan), e.flagOf(e.shinan)
	return e
}

func mustRule(t *testing.T, id string) meals.FraudRule {
	t.Helper()
	r, ok := meals.FraudRuleByID(id)
	if !ok {
		t.Fatalf("no rule %s", id)
	}
	return r
}

// community is the first community of district's first street.
func (e *mealFlagsEnv) community(district string) string {
	e.t.Helper()
	var code string
	if err := e.d.QueryRow(e.ctx, `SELECT MIN(code) FROM regions WHERE parent_code = (SELECT MIN(code) FROM regions WHERE parent_code = ?)`,
		district).Scan(&code); err != nil {
		e.t.Fatal(err)
	}
	return code
}

// canteen opens a canteen with a 12-yuan lunch and returns both ids.
func (e *mealFlagsEnv) canteen(name, community string) (int64, int64) {
	e.t.Helper()
	cid, err := e.store.CreateCanteen(e.ctx, e.admin, meals.CanteenInput{Name: name, Operator: "运营方", Address: "测试路 1 号", RegionCode: community})
	if err != nil {
		e.t.Fatal(err)
	}
	item, err := e.store.AddMenuItem(e.ctx, e.admin, cid, meals.MenuItem{Name: "套餐", MealType: meals.Lunch, Price: money.Yuan(12)})
	if err != nil {
		e.t.Fatal(err)
	}
	return cid, item
}

func (e *mealFlagsEnv) flagOf(canteen int64) int64 {
	e.t.Helper()
	var id int64
	if err := e.d.QueryRow(e.ctx, `SELECT id FROM meal_flags WHERE canteen_id = ?`, canteen).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *mealFlagsEnv) status(id int64) string {
	e.t.Helper()
	var s string
	if err := e.d.QueryRow(e.ctx, `SELECT status FROM meal_flags WHERE id = ?`, id).Scan(&s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// do sends a request as p (a form when form is not nil) and returns the status and body.
func (e *mealFlagsEnv) do(p *auth.Principal, method, target string, form url.Values) (int, string, http.Header) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r = r.WithContext(auth.WithPrincipal(r.Context(), p))
	w := httptest.NewRecorder()
	e.site.mux.ServeHTTP(w, r)
	return w.Code, w.Body.String(), w.Header()
}

// TestMealFlagsPage reads the list as the city, a district, a street officer and a canteen
// operator: each sees the flags of its sight, with the evidence in words, and only those who may
// review get the form.
func TestMealFlagsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newMealFlagsEnv(t, d)
		for _, tc := range []struct {
			name       string
			p          *auth.Principal
			see, hide  []string
			reviewForm bool
		}{
			{"city", e.admin, []string{"崂山幸福食堂", "市南长者食堂", "非营业日用餐", "用餐日是周日，该机构的营业日为周一、周二、周三、周四、周五。",
				"王*英", "待核查", "餐费 ¥12.00，补贴 ¥6.00"}, nil, true},
			{"district", e.district, []string{"崂山幸福食堂"}, []string{"市南长者食堂"}, true},
			{"street officer reads, may not review", e.street, []string{"崂山幸福食堂"}, []string{"市南长者食堂"}, false},
			{"operator", e.operator, []string{"崂山幸福食堂"}, []string{"市南长者食堂", `href="/meals/diners/`}, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body, _ := e.do(tc.p, "GET", "/meals/flags", nil)
				if status != http.StatusOK {
					t.Fatalf("status %d: %.500s", status, body)
				}
				for _, s := range tc.see {
					if !strings.Contains(body, s) {
						t.Errorf("page lacks %q", s)
					}
				}
				for _, s := range tc.hide {
					if strings.Contains(body, s) {
						t.Errorf("page shows %q", s)
					}
				}
				if got := strings.Contains(body, `action="/meals/flags/review"`); got != tc.reviewForm {
					t.Errorf("review form shown: %v, want %v", got, tc.reviewForm)
				}
				if strings.Contains(body, "«") {
					t.Errorf("a message key is missing from the catalogue: %s", body[strings.Index(body, "«"):][:80])
				}
			})
		}
		// Filters: cleared flags only shows none; the rule filter keeps the rule.
		if _, body, _ := e.do(e.admin, "GET", "/meals/flags?status=cleared", nil); strings.Contains(body, "崂山幸福食堂</a>") {
			t.Error("status filter ignored")
		}
	})
}

// TestMealFlagsReview submits the review form: refused without a note or a decision, for a
// batch with another district's flag and for a street officer; accepted for the district, which
// returns to the same filter with a notice.
func TestMealFlagsReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newMealFlagsEnv(t, d)
		review := func(p *auth.Principal, decision, note string, ids ...int64) (int, string, http.Header) {
			f := url.Values{"decision": {decision}, "note": {note}, "back": {"status=open&rule=closed_day"}}
			for _, id := range ids {
				f.Add("id", strconv.FormatInt(id, 10))
			}
			return e.do(p, "POST", "/meals/flags/review", f)
		}
		if status, body, _ := review(e.district, "confirmed", "", e.laoshanF); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "请填写处理说明") || e.status(e.laoshanF) != meals.FlagOpen {
			t.Fatalf("no note: %d", status)
		}
		if status, body, _ := review(e.district, "", "说明", e.laoshanF); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "请选择处理结果") {
			t.Fatalf("no decision: %d %.300s", status, body)
		}
		if status, _, _ := review(e.district, "confirmed", "说明", e.laoshanF, e.shinanF); status != http.StatusNotFound ||
			e.status(e.laoshanF) != meals.FlagOpen {
			t.Fatalf("out-of-scope flag in the batch: %d", status)
		}
		if status, _, _ := review(e.street, "confirmed", "说明", e.laoshanF); status != http.StatusForbidden {
			t.Fatalf("street officer: %d", status)
		}
		status, _, h := review(e.district, "confirmed", "周日不营业，经核实为虚刷", e.laoshanF)
		if status != http.StatusSeeOther || e.status(e.laoshanF) != meals.FlagConfirmed {
			t.Fatalf("review: %d, %s", status, e.status(e.laoshanF))
		}
		loc, _ := url.Parse(h.Get("Location"))
		if loc.Path != "/meals/flags" || loc.Query().Get("rule") != "closed_day" || loc.Query().Get("done") != "reviewed" {
			t.Fatalf("redirect to %s", loc)
		}
		if _, body, _ := e.do(e.district, "GET", loc.String(), nil); !strings.Contains(body, "已核查 1 条标记") {
			t.Error("no notice after the review")
		}
		if _, body, _ := e.do(e.district, "GET", "/meals/flags?status=confirmed", nil); !strings.Contains(body, "laoshan 于") ||
			!strings.Contains(body, "经核实为虚刷") {
			t.Error("the review is not shown on the list")
		}
	})
}

// TestMealFlagsScan runs "scan now" for a district, with a bad month and as a canteen operator.
func TestMealFlagsScan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newMealFlagsEnv(t, d)
		if status, body, _ := e.do(e.district, "POST", "/meals/flags/scan", url.Values{"month": {"2024-13"}}); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "请选择要检查的月份") {
			t.Fatalf("bad month: %d", status)
		}
		status, _, h := e.do(e.district, "POST", "/meals/flags/scan", url.Values{"month": {"2024-03"}})
		if status != http.StatusSeeOther {
			t.Fatalf("scan: %d", status)
		}
		loc, _ := url.Parse(h.Get("Location"))
		// 崂山区's one meal; its closed-day flag is there already, so only the other rules may add.
		if q := loc.Query(); q.Get("done") != "scanned" || q.Get("meals") != "1" {
			t.Fatalf("redirect to %s", loc)
		}
		if status, _, _ := e.do(e.operator, "POST", "/meals/flags/scan", url.Values{"month": {"2024-03"}}); status != http.StatusForbidden {
			t.Fatalf("operator scan: %d", status)
		}
	})
}
