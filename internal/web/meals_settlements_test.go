package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

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

// settleSite is the site over a database with a canteen in 崂山区 (with 120 subsidised March
// meals, one of them flagged) and one in 市南区 (with one), and the people who look at them. The
// pages are called straight through the router with the caller in the request's context, as
// the session middleware would leave it.
type settleSite struct {
	t                *testing.T
	ctx              context.Context
	d                *db.DB
	site             *Site
	laoshan, shinan  int64 // canteens
	admin, approver  *auth.Principal
	auditor, officer *auth.Principal
	operator, other  *auth.Principal // 崂山区's canteen's operator, 市南区's
}

func newSettleSite(t *testing.T, d *db.DB) *settleSite {
	t.Helper()
	ctx := context.Background()
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	clock := civiltest.NewClock(civil.Date{Year: 2024, Month: 4, Day: 10})
	log := &audit.Log{Now: clock.Now}
	reg := &registry.Store{DB: d, Keys: keys, Audit: log, Now: clock.Now}
	store := &meals.Store{DB: d, Keys: keys, Audit: log, Registry: reg, Policies: meals.DefaultPolicies(), Now: clock.Now}
	site, err := New(Deps{DB: d, Meals: store, Now: clock.Now, Audit: log})
	if err != nil {
		t.Fatal(err)
	}
	h := &settleSite{t: t, ctx: ctx, d: d, site: site,
		admin:    &auth.Principal{Login: "admin", Name: "市管理员", Role: auth.CityAdmin, Scope: "3702"},
		approver: &auth.Principal{Login: "laoshan", Name: "崂山区审核员", Role: auth.DistrictApprover, Scope: "370212"},
		auditor:  &auth.Principal{Login: "auditor", Name: "审计员", Role: auth.Auditor, Scope: "3702"}}
	sys := auth.System()
	for i, district := range []string{"370212", "370202"} {
		var community string
		if err := d.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE code LIKE ? AND level = 5`, district+"%").Scan(&community); err != nil {
			t.Fatal(err)
		}
		cid, err := store.CreateCanteen(ctx, sys, meals.CanteenInput{Name: "食堂" + district, Operator: "餐饮公司" + district,
			Address: "测试路 1 号", RegionCode: community})
		if err != nil {
			t.Fatal(err)
		}
		item, err := store.AddMenuItem(ctx, sys, cid, meals.MenuItem{Name: "套餐", MealType: meals.Lunch, Price: money.Yuan(12)})
		if err != nil {
			t.Fatal(err)
		}
		r, err := store.RegisterDiner(ctx, sys, meals.DinerInput{Name: "张三丰", HomeRegion: community,
			IDNumber: string(idcard.Synthesize(district, civil.Date{Year: 1950, Month: 3, Day: 3}, 300+i))})
		if err != nil {
			t.Fatal(err)
		}
		n := 120
		if i == 0 {
			h.laoshan = cid
			h.officer = &auth.Principal{Login: "street", Name: "街道经办人", Role: auth.StreetOfficer, Scope: region.Scope(community[:9])}
			h.operator = &auth.Principal{Login: "canteen", Name: "操作员", Role: auth.CanteenOperator, Scope: region.Scope(community[:9]), OrgID: cid}
		} else {
			h.shinan, n = cid, 1
			h.other = &auth.Principal{Login: "canteen2", Name: "操作员", Role: auth.CanteenOperator, Scope: "370202", OrgID: cid}
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			for k := range n {
				if _, err := tx.Exec(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
					served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, channel, status, idempotency_key,
					created_at) SELECT ?, id, ?, ?, 'lunch', ?, 1200, 600, 300, 300, 0, 'counter', 'served', ?, '2024-04-01T00:00:00Z'
					FROM diners WHERE card_no = ?`, cid, item, community, fmt.Sprintf("2024-03-%02d", 1+k%31), fmt.Sprint("web-", k),
					r.CardNo); err != nil {
					return err
				}
			}
			if i > 0 {
				return nil
			}
			_, err := tx.Exec(ctx, `INSERT INTO meal_flags (transaction_id, canteen_id, region_code, served_on, rule, evidence,
				created_at) SELECT MIN(id), ?, ?, '2024-03-01', 'closed_day', '{}', '2024-04-01T00:00:00Z' FROM meal_transactions
				WHERE canteen_id = ?`, cid, community, cid)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// do calls the site as p and returns the status and body.
func (h *settleSite) do(p *auth.Principal, method, path string, form url.Values) (int, string, http.Header) {
	h.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req = req.WithContext(auth.WithPrincipal(req.Context(), p))
	rec := httptest.NewRecorder()
	h.site.mux.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String(), rec.Header()
}

var settlementLink = regexp.MustCompile(`href="/meals/settlements/(\d+)">食堂370212<`)

// TestMealSettlementPages generates March from the list page, reads a settlement as each kind of
// user, approves it as the district, and downloads and prints its statement.
func TestMealSettlementPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newSettleSite(t, d)
		if code, body, _ := h.do(h.admin, "GET", "/meals/settlements?month=2024-03", nil); code != 200 || !strings.Contains(body, "该月还没有结算单") ||
			!strings.Contains(body, `action="/meals/settlements/generate"`) {
			t.Fatalf("empty list: %d %s", code, body)
		}
		code, body, _ := h.do(h.admin, "POST", "/meals/settlements/generate", url.Values{"month": {"2024-3"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写结算月份") || !strings.Contains(body, `value="2024-3"`) {
			t.Fatalf("bad month: %d %s", code, body)
		}
		if code, _, _ := h.do(h.auditor, "POST", "/meals/settlements/generate", url.Values{"month": {"2024-03"}}); code != http.StatusForbidden {
			t.Fatalf("auditor generates: %d", code)
		}
		code, _, hdr := h.do(h.admin, "POST", "/meals/settlements/generate", url.Values{"month": {"2024-03"}})
		if code != http.StatusSeeOther || hdr.Get("Location") != "/meals/settlements?built=2&done=generated&kept=0&month=2024-03" {
			t.Fatalf("generate: %d %v", code, hdr)
		}
		code, body, _ = h.do(h.admin, "GET", hdr.Get("Location"), nil)
		if code != 200 || !strings.Contains(body, "已生成或重新生成 2 份结算单") || !strings.Contains(body, "食堂370202") ||
			!regexp.MustCompile(`(?s)<tfoot.*>120<.*¥1,440.00.*¥720.00.*1 笔.*¥6.00`).MatchString(body) {
			t.Fatalf("list: %d %s", code, body)
		}
		m := settlementLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no link to 崂山区's settlement in %s", body)
		}
		page := "/meals/settlements/" + m[1]

		// Who sees what: the canteen's own operator reads it, another canteen's does not; only
		// the district approver gets the approval form.
		for _, tc := range []struct {
			name        string
			p           *auth.Principal
			status      int
			approveForm bool
		}{
			{"city", h.admin, 200, false},
			{"auditor", h.auditor, 200, false},
			{"street officer", h.officer, 200, false},
			{"own canteen's operator", h.operator, 200, false},
			{"district approver", h.approver, 200, true},
			{"another canteen's operator", h.other, 404, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, body, _ := h.do(tc.p, "GET", page, nil)
				if code != tc.status || strings.Contains(body, "/approve") != tc.approveForm {
					t.Fatalf("%d, approve form %v: %s", code, strings.Contains(body, "/approve"), body)
				}
			})
		}
		code, body, _ = h.do(h.operator, "GET", "/meals/settlements?month=2024-03", nil)
		if code != 200 || strings.Contains(body, "食堂370202") || !strings.Contains(body, "食堂370212") || strings.Contains(body, "generate") {
			t.Fatalf("operator's list: %d %s", code, body)
		}

		code, body, _ = h.do(h.approver, "GET", page, nil)
		if code != 200 || !strings.Contains(body, "张*丰") || strings.Contains(body, "张三丰") || strings.Count(body, "<td>2024-03-") != 101 ||
			!strings.Contains(body, "非营业日用餐") || !strings.Contains(body, "?page=2") || !strings.Contains(body, `name="version" value="2"`) {
			t.Fatalf("settlement page: %d %s", code, body)
		}
		code, body, _ = h.do(h.approver, "POST", page+"/approve", url.Values{"version": {"2"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "请先勾选确认框") {
			t.Fatalf("approve without confirmation: %d %s", code, body)
		}
		if code, _, _ := h.do(h.admin, "POST", page+"/approve", url.Values{"version": {"2"}, "confirm": {"1"}}); code != http.StatusForbidden {
			t.Fatalf("the city approves: %d", code)
		}
		code, _, hdr = h.do(h.approver, "POST", page+"/approve", url.Values{"version": {"2"}, "confirm": {"1"}})
		if code != http.StatusSeeOther || hdr.Get("Location") != page+"?done=approved" {
			t.Fatalf("approve: %d %v", code, hdr)
		}
		code, body, _ = h.do(h.approver, "POST", page+"/approve", url.Values{"version": {"2"}, "confirm": {"1"}})
		if code != http.StatusConflict || !strings.Contains(body, "已审核") {
			t.Fatalf("approve twice: %d %s", code, body)
		}
		if code, body, _ := h.do(h.approver, "GET", page+"?done=approved", nil); code != 200 || !strings.Contains(body, "每笔交易已记入资金账") ||
			strings.Contains(body, "/approve") || strings.Contains(body, "canteen_id") {
			t.Fatalf("approved page: %d %s", code, body)
		}

		code, body, _ = h.do(h.operator, "GET", page+"/print", nil)
		if code != 200 || strings.Count(body, "<td>2024-03-") != 120 || !strings.Contains(body, "区（市）民政局审核（盖章）") ||
			!strings.Contains(body, "食堂370212 2024年3月 老年助餐补贴结算单") || strings.Contains(body, "?page=2") {
			t.Fatalf("print: %d %s", code, body)
		}
		code, body, hdr = h.do(h.operator, "GET", page+"/statement.xlsx", nil)
		if code != 200 || !strings.Contains(hdr.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("xlsx: %d %v", code, hdr)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("结算明细")
		if err != nil || len(rows) < 127 || rows[126][0] != "合计" || rows[126][6] != "1428.00" || rows[7][2] != "张*丰" {
			t.Fatalf("xlsx rows: %v %d %q", err, len(rows), rows[min(len(rows)-1, 126)])
		}
		if code, _, _ := h.do(h.other, "GET", page+"/statement.xlsx", nil); code != 404 {
			t.Fatalf("another operator's download: %d", code)
		}
	})
}
