package app

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/web"
)

// The access-matrix entries of the price-index page and API and of the posted bank-file export.
// Writes send what the adapter refuses before the store looks at the caller's role (a typed
// rise that is no percentage, a month that is no month, a draft roster), so that every holder of
// the permission gets neither 403 nor 404.
func init() {
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /payouts/prices": func(accessTarget) accessRequest { return accessRequest{path: "/payouts/prices"} },
		"POST /payouts/prices": func(accessTarget) accessRequest {
			return form("/payouts/prices", "month=2024-05&cpi=abc&food_cpi=6.1&source=x") // 422
		},
		"GET /api/v1/price-indices": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/price-indices"} },
		"PUT /api/v1/price-indices/{month}": func(accessTarget) accessRequest {
			return jsonReq("PUT", "/api/v1/price-indices/2024-13", `{}`) // 400
		},
		"POST /payouts/{id}/export": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/payouts/%d/export", targetRoster(t)), "format=csv") // a draft: 409
		},
	})
	// A price index is the whole city's, named by a month, not by a region: no caller has one
	// "outside their scope", so the out-of-scope probe does not apply.
	ownedByCaller["PUT /api/v1/price-indices/{month}"] = true
}

// TestPayoutPrices records the month's CPI through the page and the API, with their refusals,
// generates the month's 价格临时补贴 roster of 崂山区 from it (refused before the CPI is in),
// and exports that roster's bank file in an uploaded bank layout, as GBK CSV.
func TestPayoutPrices(t *testing.T) {
	run := func(t *testing.T, dsn string) {
		f := newPayoutFixture(t, dsn, 933)
		t.Run("page", func(t *testing.T) { testPricePage(t, f) })
		t.Run("api", func(t *testing.T) { testPriceAPI(t, f) })
		var id int64
		t.Run("roster", func(t *testing.T) { id = testPriceRoster(t, f) })
		if id == 0 {
			t.FailNow()
		}
		t.Run("export with a layout", func(t *testing.T) { testExportLayout(t, f, id) })
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.PostgresDSN(t)) })
	}
}

// priceIndices reads the recorded months from the store.
func (f *payoutFixture) priceIndices(t *testing.T) []payout.PriceIndex {
	t.Helper()
	xs, err := f.m.svc.payout.PriceIndices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return xs
}

// testPricePage: a price-subsidy roster is refused before the month's CPI is in; the city
// administrator records it on the page (bad percentages refused next to the field, nothing
// written), the district approver gets no form and is refused a post.
func testPricePage(t *testing.T, f *payoutFixture) {
	generate := url.Values{"month": {f.month.String()}, "program": {payout.PriceSubsidy}}
	status, body, _ := f.post(t, f.laoshan, "/payouts/generate", generate)
	if body = html.UnescapeString(body); status != http.StatusConflict || !strings.Contains(body, "尚未录入 "+f.month.Chinese()) {
		t.Errorf("a price-subsidy roster before the CPI: %d", status)
	}
	status, body = f.page(t, f.laoshan, "/payouts")
	if status != http.StatusOK {
		t.Fatalf("roster list: %d", status)
	}
	wantIn(t, "roster list", body, `href="/payouts/prices"`, "价格临时补贴”名册前")

	status, body = f.page(t, f.admin, "/payouts/prices")
	if status != http.StatusOK {
		t.Fatalf("price page: %d", status)
	}
	wantIn(t, "the administrator's price page", body, `action="/payouts/prices"`, `type="month"`, "尚未录入任何月份的价格指数")
	status, body = f.page(t, f.laoshan, "/payouts/prices")
	if status != http.StatusOK || strings.Contains(body, `action="/payouts/prices"`) {
		t.Errorf("the district approver's price page: %d, or it offers the form", status)
	}
	wantIn(t, "the district approver's price page", body, "价格指数由市级管理员录入")
	if status, _ := f.page(t, f.grid, "/payouts/prices"); status != http.StatusForbidden {
		t.Errorf("grid worker on the price page: %d, want 403", status)
	}

	record := url.Values{"month": {f.month.String()}, "cpi": {"3.6"}, "food_cpi": {"6.1"}, "source": {"青岛市统计局发布"}}
	for _, bad := range []string{"3.65", "abc", "3,6", "51", ""} {
		v := url.Values{"month": {f.month.String()}, "cpi": {"3.6"}, "food_cpi": {bad}, "source": {"测试来源"}}
		status, body, _ := f.post(t, f.admin, "/payouts/prices", v)
		if body = html.UnescapeString(body); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请以百分数填写同比涨幅") ||
			!strings.Contains(body, `value="测试来源"`) {
			t.Errorf("food CPI %q: %d", bad, status)
		}
	}
	if status, body, _ := f.post(t, f.laoshan, "/payouts/prices", record); status != http.StatusForbidden {
		t.Errorf("the district approver recording the CPI: %d: %.200s", status, body)
	}
	if xs := f.priceIndices(t); len(xs) != 0 {
		t.Fatalf("refused forms recorded %+v", xs)
	}
	status, body, u := f.post(t, f.admin, "/payouts/prices", record)
	if status != http.StatusOK || u.Path != "/payouts/prices" {
		t.Fatalf("recording the CPI: %d at %s", status, u)
	}
	wantIn(t, "the price page after recording", html.UnescapeString(body), "价格指数已保存", f.month.Chinese(), "3.6%", "6.1%",
		"青岛市统计局发布", "admin")
	if xs := f.priceIndices(t); len(xs) != 1 || xs[0].CPI != 36 || xs[0].FoodCPI != 61 || xs[0].Month != f.month {
		t.Errorf("recorded %+v", xs)
	}
	if _, body := f.page(t, f.auditor, "/payouts/prices"); !strings.Contains(body, "3.6%") {
		t.Error("the auditor does not see the recorded month")
	}
}

// priceJSON is a month of GET /price-indices.
type priceJSON struct {
	Month      string `json:"month"`
	CPI        int64  `json:"cpi_yoy_permille"`
	FoodCPI    int64  `json:"food_cpi_yoy_permille"`
	Source     string `json:"source"`
	RecordedBy string `json:"recorded_by"`
}

// testPriceAPI records the previous month through PUT /price-indices/{month}, with 400s naming
// the field for bad input and 403 for the district approver, and lists both months.
func testPriceAPI(t *testing.T, f *payoutFixture) {
	prev := "/price-indices/" + f.month.Prev().String()
	for _, c := range []struct {
		name, path, body string
		status           int
		field            string
	}{
		{"bad month", "/price-indices/2024-13", `{"cpi_yoy_permille":36,"food_cpi_yoy_permille":61,"source":"x"}`, 400, "month"},
		{"no food CPI", prev, `{"cpi_yoy_permille":36,"source":"x"}`, 400, "food_cpi_yoy_permille"},
		{"out of range", prev, `{"cpi_yoy_permille":900,"food_cpi_yoy_permille":61,"source":"x"}`, 400, "cpi_yoy_permille"},
		{"a fraction", prev, `{"cpi_yoy_permille":3.6,"food_cpi_yoy_permille":61,"source":"x"}`, 400, "cpi_yoy_permille"},
		{"no source", prev, `{"cpi_yoy_permille":36,"food_cpi_yoy_permille":61,"source":" "}`, 400, "source"},
	} {
		status, raw, _ := send(t, f.admin, "PUT", f.m.URL()+"/api/v1"+c.path, "application/json", strings.NewReader(c.body))
		if status != c.status || !strings.Contains(raw, `"field":"`+c.field+`"`) {
			t.Errorf("%s: %d %s, want %d naming %s", c.name, status, raw, c.status, c.field)
		}
	}
	body := `{"cpi_yoy_permille":-5,"food_cpi_yoy_permille":12,"source":"统计局"}`
	if status, _ := f.call(t, f.laoshan, "PUT", prev, body, nil); status != http.StatusForbidden {
		t.Errorf("the district approver recording: %d, want 403", status)
	}
	var got priceJSON
	if status, _ := f.call(t, f.admin, "PUT", prev, body, &got); status != http.StatusOK || got.CPI != -5 || got.FoodCPI != 12 ||
		got.Month != f.month.Prev().String() || got.RecordedBy != "admin" {
		t.Errorf("recording through the API: %d %+v", status, got)
	}
	var list struct {
		Indices []priceJSON `json:"price_indices"`
		Total   int         `json:"total"`
	}
	if status, _ := f.call(t, f.zhonghan, "GET", "/price-indices", "", &list); status != http.StatusOK || list.Total != 2 ||
		list.Indices[0].Month != f.month.String() || list.Indices[1].CPI != -5 {
		t.Errorf("listing: %d %+v", status, list)
	}
	if status, _ := f.call(t, f.grid, "GET", "/price-indices", "", nil); status != http.StatusForbidden {
		t.Errorf("grid worker listing: %d, want 403", status)
	}
	if status, body := f.page(t, f.admin, "/payouts/prices"); status != http.StatusOK || !strings.Contains(body, "-0.5%") || !strings.Contains(body, "1.2%") {
		t.Errorf("the page does not show the API's month as percentages: %d", status)
	}
}

// testPriceRoster generates the month's 价格临时补贴 roster of 崂山区 from the recorded CPI and
// returns its id.
func testPriceRoster(t *testing.T, f *payoutFixture) int64 {
	generate := url.Values{"month": {f.month.String()}, "program": {payout.PriceSubsidy}}
	status, body, u := f.post(t, f.laoshan, "/payouts/generate", generate)
	m := rosterPath.FindStringSubmatch(u.Path)
	if status != http.StatusOK || m == nil {
		t.Fatalf("generating the price-subsidy roster: %d at %s: %.300s", status, u, body)
	}
	wantIn(t, "price-subsidy roster", html.UnescapeString(body), "价格临时补贴", "名册已生成")
	var id int64
	fmt.Sscan(m[1], &id)
	ro, err := f.m.svc.payout.Roster(context.Background(), auth.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	if ro.Program != payout.PriceSubsidy || ro.Lines == 0 || ro.Total <= 0 {
		t.Errorf("price-subsidy roster %+v: the demo's 低保 households of 崂山区 are not paid", ro)
	}
	return id
}

// TestParsePercent: typed percentages are read exactly as per mille, and shown back with one
// decimal.
func TestParsePercent(t *testing.T) {
	for in, want := range map[string]int64{"3.6": 36, "4": 40, "-0.5": -5, " 6.1% ": 61, "+1.0": 10, "0": 0, "50.0": 500, "12.3％": 123} {
		if got, ok := web.ParsePercent(in); !ok || got != want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "3.65", "3.", ".5", "3,6", "1e2", "-", "--1", "99999", "3.6.1", "٣"} {
		if got, ok := web.ParsePercent(in); ok {
			t.Errorf("ParsePercent(%q) = %d, want refused", in, got)
		}
	}
	for in, want := range map[int64]string{40: "4.0%", 36: "3.6%", -5: "-0.5%", 0: "0.0%", -123: "-12.3%"} {
		if got := web.PercentText(in); got != want {
			t.Errorf("PercentText(%d) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParsePercent: whatever is typed, a percentage read is exact (shown again it reads the same).
func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"3.6", "-0.5", "4", "3.65", "12.3%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := web.ParsePercent(s)
		if !ok {
			return
		}
		if back, ok := web.ParsePercent(web.PercentText(n)); !ok || back != n {
			t.Fatalf("%q → %d → %q → %d, %v", s, n, web.PercentText(n), back, ok)
		}
	})
}

// TestCLIPayoutCPI records a month's rises from the command line as the system, corrects them,
// refuses bad flags, and lists the months.
func TestCLIPayoutCPI(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := runCLI(t, dir, "payout", "cpi", "--list"); code != 0 || !strings.Contains(out, "payout cpi: 0 months recorded") {
		t.Fatalf("listing nothing: %d %s %s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, dir, "payout", "cpi", "--month", "2024-05", "--cpi", "3.6", "--food-cpi", "6.1", "--source", "青岛市统计局 2024-06-12")
	if code != 0 || !strings.Contains(out, "payout cpi: 2024-05 recorded by system: CPI 3.6%, food CPI 6.1%") {
		t.Fatalf("recording: %d %s %s", code, out, errOut)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--month", "May", "--cpi", "3.6", "--food-cpi", "6.1", "--source", "x"}, "--month"},
		{[]string{"--month", "2024-05", "--cpi", "3.65", "--food-cpi", "6.1", "--source", "x"}, "--cpi"},
		{[]string{"--month", "2024-05", "--cpi", "3.6", "--source", "x"}, "--food-cpi"},
		{[]string{"--month", "2024-05", "--cpi", "3.6", "--food-cpi", "6.1"}, "--source"},
		{[]string{"--month", "2024-05", "--cpi", "60", "--food-cpi", "6.1", "--source", "x"}, "千分比"},
		{[]string{"--month", "2024-05", "--cpi", "3.6", "--food-cpi", "6.1", "--source", "x", "--as", "nobody"}, `no user "nobody"`},
	} {
		if code, _, errOut := runCLI(t, dir, append([]string{"payout", "cpi"}, c.args...)...); code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("payout cpi %v: %d %q, want %q", c.args, code, errOut, c.want)
		}
	}
	if code, out, errOut := runCLI(t, dir, "payout", "cpi", "--month", "2024-05", "--cpi", "4", "--food-cpi", "-0.5", "--source", "更正"); code != 0 || !strings.Contains(out, "CPI 4.0%, food CPI -0.5%") {
		t.Fatalf("correcting: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, dir, "payout", "cpi", "--list")
	if code != 0 || !strings.Contains(out, "payout cpi: 1 months recorded") {
		t.Fatalf("list: %d %s %s", code, out, errOut)
	}
	if !regexp.MustCompile(`2024-05\s+4\.0%\s+-0\.5%\s+system\s+\S+ \S+\s+更正`).MatchString(out) {
		t.Errorf("listed:\n%s", out)
	}
}
