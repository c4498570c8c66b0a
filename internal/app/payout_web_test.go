package app

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/region"
)

// payoutFixture is a demo server with a household of 中韩街道's first community whose decided
// 临时救助 (a one-off payment this month) the payout pages and API pay out, and the demo users
// who work with it.
type payoutFixture struct {
	m         *Main
	community string
	household int64
	cases     caseTargets
	month     civil.Month
	admin     *http.Client // 市级管理员, 3702
	laoshan   *http.Client // 崂山区审核员, 370212
	zhonghan  *http.Client // 中韩街道经办人, 370212001
	badaguan  *http.Client // 八大关街道经办人, 370202009 (another district)
	auditor   *http.Client
	grid      *http.Client
}

func newPayoutFixture(t *testing.T, dsn string, seq int64) *payoutFixture {
	t.Helper()
	m := startDemo(t, dsn)
	var community string
	if err := m.DB.QueryRow(context.Background(), `SELECT MIN(code) FROM regions WHERE parent_code = ?`, "370212001").Scan(&community); err != nil {
		t.Fatal(err)
	}
	hid, _ := makeHousehold(t, m, community, "发放测试", seq)
	return &payoutFixture{m: m, community: community, household: hid, cases: makeCaseTargets(t, m, community, hid),
		month: civil.MonthOf(civil.Today(m.Now())), admin: signIn(t, m, "admin"), laoshan: signIn(t, m, "laoshan"),
		zhonghan: signIn(t, m, "zhonghan"), badaguan: signIn(t, m, "badaguan"), auditor: signIn(t, m, "auditor"),
		grid: signIn(t, m, "grid")}
}

// payAllPayees records a payee for every household of roster rosterID that has none, as the
// demo's households have none: a bank file needs an account for each.
func (f *payoutFixture) payAllPayees(t *testing.T, rosterID int64) {
	t.Helper()
	ctx := context.Background()
	admin := &auth.Principal{Login: "payout.test", Role: auth.CityAdmin, Scope: region.Scope("3702")}
	for page := 1; ; page++ {
		lines, total, err := f.m.svc.payout.Lines(ctx, admin, rosterID, page, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if l.AccountMasked == "" {
				account := fmt.Sprintf("62220200%08d", l.HouseholdID)
				if err := f.m.svc.payout.SetPayee(ctx, admin, l.HouseholdID, "测试户名", "中国银行青岛分行", account, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		if page*500 >= total {
			return
		}
	}
}

// send makes a request with c and returns the final status, body and URL (after redirects).
func send(t *testing.T, c *http.Client, method, u, contentType string, body io.Reader) (int, string, *url.URL) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Request.URL
}

func (f *payoutFixture) post(t *testing.T, c *http.Client, path string, v url.Values) (int, string, *url.URL) {
	t.Helper()
	return send(t, c, "POST", f.m.URL()+path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

func (f *payoutFixture) page(t *testing.T, c *http.Client, path string) (int, string) {
	t.Helper()
	status, body, _ := send(t, c, "GET", f.m.URL()+path, "", nil)
	return status, html.UnescapeString(body)
}

// upload posts a multipart form with one file.
func (f *payoutFixture) upload(t *testing.T, c *http.Client, path, name string, content []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if content != nil {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	status, body, _ := send(t, c, "POST", f.m.URL()+path, mw.FormDataContentType(), &buf)
	return status, html.UnescapeString(body)
}

func wantIn(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("%s lacks %q", what, p)
		}
	}
}

var rosterPath = regexp.MustCompile(`^/payouts/(\d+)$`)

// TestPayoutPages walks a month's 临时救助 roster of 崂山区 through the pages: the payee, the
// roster generated twice, scope, approval with its refusals, the ledger and statistics, the bank
// file and the bank's return file, and the re-issue in the next month's roster.
func TestPayoutPages(t *testing.T) {
	run := func(t *testing.T, dsn string) {
		f := newPayoutFixture(t, dsn, 931)
		var id int64
		t.Run("payee", func(t *testing.T) { testPayeePage(t, f) })
		t.Run("generate", func(t *testing.T) { id = testGeneratePage(t, f) })
		if id == 0 {
			t.FailNow()
		}
		t.Run("scope", func(t *testing.T) { testRosterScope(t, f, id) })
		t.Run("approve", func(t *testing.T) { testApprovePage(t, f, id) })
		t.Run("ledger and stats", func(t *testing.T) { testLedgerPages(t, f, id) })
		t.Run("bank file and returns", func(t *testing.T) { testBankPages(t, f, id) })
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.PostgresDSN(t)) })
	}
}

func testPayeePage(t *testing.T, f *payoutFixture) {
	path := fmt.Sprintf("/households/%d/payee", f.household)
	status, body := f.page(t, f.zhonghan, path)
	if status != http.StatusOK {
		t.Fatalf("payee page: %d", status)
	}
	wantIn(t, "payee page", body, "收款账户", "未登记收款账户")
	status, body, _ = f.post(t, f.zhonghan, path, url.Values{"holder_name": {"发放测试"}, "bank": {"中国工商银行青岛崂山支行"},
		"account": {"6222-0200"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("bad account: status %d", status)
	}
	wantIn(t, "refused payee form", html.UnescapeString(body), "银行账号应为 12–30 位数字", `value="发放测试"`, `value="中国工商银行青岛崂山支行"`)
	status, body, u := f.post(t, f.zhonghan, path, url.Values{"holder_name": {"发放测试"}, "bank": {"中国工商银行青岛崂山支行"},
		"account": {"6222 0200 1111 2222 333"}})
	if status != http.StatusOK || u.Path != path {
		t.Fatalf("saving the payee: status %d at %s", status, u)
	}
	wantIn(t, "saved payee", body, "收款账户已保存", "6222 **** **** 2333")
	if strings.Contains(body, "6222020011112222333") || strings.Contains(body, "6222 0200 1111 2222 333") {
		t.Error("the payee page shows the full account number")
	}
	if status, _ := f.page(t, f.grid, path); status != http.StatusForbidden {
		t.Errorf("grid worker on the payee page: %d, want 403", status)
	}
	if status, _ := f.page(t, f.badaguan, path); status != http.StatusNotFound {
		t.Errorf("another street's officer on the payee page: %d, want 404", status)
	}
}

func testGeneratePage(t *testing.T, f *payoutFixture) int64 {
	status, body := f.page(t, f.laoshan, "/payouts")
	if status != http.StatusOK {
		t.Fatalf("roster list: %d", status)
	}
	wantIn(t, "roster list of the district approver", body, "发放名册", "生成发放名册", `name="district" value="370212"`, "资金台账", "发放统计")
	status, body, _ = f.post(t, f.laoshan, "/payouts/generate", url.Values{"month": {"2024-13"}, "program": {"temporary"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择发放月份") {
		t.Errorf("bad month: status %d", status)
	}
	gen := url.Values{"month": {f.month.String()}, "program": {"temporary"}, "district": {"370202"}} // ignored for a district user
	status, body, u := f.post(t, f.laoshan, "/payouts/generate", gen)
	m := rosterPath.FindStringSubmatch(u.Path)
	if status != http.StatusOK || m == nil {
		t.Fatalf("generate: status %d at %s", status, u)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	body = html.UnescapeString(body)
	wantIn(t, "generated roster", body, "名册已生成", "崂山区 "+f.month.Chinese()+" 临时救助 发放名册", "待审核", "发放测试",
		"6222 **** **** 2333", "一次性", "¥2,000.00", "审核通过")
	// Generating again gives the same roster.
	if _, _, again := f.post(t, f.laoshan, "/payouts/generate", gen); again.Path != u.Path {
		t.Errorf("generating twice: %s, then %s", u.Path, again.Path)
	}
	// The city administrator chooses the district.
	status, body = f.page(t, f.admin, "/payouts?program=temporary&month="+f.month.String())
	if status != http.StatusOK {
		t.Fatalf("admin roster list: %d", status)
	}
	wantIn(t, "admin roster list", body, `<option value="370212"`, `<option value="370202"`, fmt.Sprintf(`href="/payouts/%d"`, id))
	if status, _ := f.page(t, f.auditor, "/payouts"); status != http.StatusOK {
		t.Errorf("auditor on the roster list: %d", status)
	}
	if status, _, _ := f.post(t, f.auditor, "/payouts/generate", gen); status != http.StatusForbidden {
		t.Errorf("auditor generating: %d, want 403", status)
	}
	return id
}

func testRosterScope(t *testing.T, f *payoutFixture, id int64) {
	path := fmt.Sprintf("/payouts/%d", id)
	status, body := f.page(t, f.zhonghan, path)
	if status != http.StatusOK {
		t.Fatalf("the district's street officer on its roster: %d", status)
	}
	wantIn(t, "roster seen by the street officer", body, "发放测试")
	if strings.Contains(body, `action="/payouts/`+strconv.FormatInt(id, 10)+`/approve"`) {
		t.Error("the street officer is offered the approval")
	}
	if status, _ := f.page(t, f.badaguan, path); status != http.StatusNotFound {
		t.Errorf("another district's officer: %d, want 404", status)
	}
	if status, _ := f.page(t, f.grid, path); status != http.StatusForbidden {
		t.Errorf("grid worker: %d, want 403", status)
	}
	status, body = f.page(t, f.laoshan, path+"?all=1")
	if status != http.StatusOK {
		t.Fatalf("print view: %d", status)
	}
	wantIn(t, "print view", body, "制表人", "审核人", "盖章", "名册合计", "分页查看")
}

func testApprovePage(t *testing.T, f *payoutFixture, id int64) {
	ctx := context.Background()
	// A bank file needs an account for every household; the demo's have none. Record them and
	// generate the draft again, which now carries them.
	f.payAllPayees(t, id)
	if _, body, u := f.post(t, f.laoshan, "/payouts/generate", url.Values{"month": {f.month.String()}, "program": {"temporary"}}); u.Path != fmt.Sprintf("/payouts/%d", id) || strings.Contains(body, "未登记收款账户") {
		t.Fatalf("regenerating the draft went to %s (or left households without an account)", u)
	}
	ro, err := f.m.svc.payout.Roster(ctx, auth.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/payouts/%d/approve", id)
	version := strconv.Itoa(ro.Version)
	status, body, _ := f.post(t, f.laoshan, path, url.Values{"version": {version}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "请先勾选确认框") {
		t.Errorf("approval without confirmation: %d", status)
	}
	status, body, _ = f.post(t, f.admin, path, url.Values{"version": {version}, "confirm": {"1"}})
	if status != http.StatusForbidden || !strings.Contains(html.UnescapeString(body), "该操作须由区（市）审核员在辖区内办理") {
		t.Errorf("city administrator approving: %d", status)
	}
	status, body, _ = f.post(t, f.laoshan, path, url.Values{"version": {strconv.Itoa(ro.Version - 1)}, "confirm": {"1"}})
	if status != http.StatusConflict || !strings.Contains(html.UnescapeString(body), "已被他人修改") {
		t.Errorf("stale approval: %d", status)
	}
	status, body, u := f.post(t, f.laoshan, path, url.Values{"version": {version}, "confirm": {"1"}})
	if status != http.StatusOK || u.Path != fmt.Sprintf("/payouts/%d", id) {
		t.Fatalf("approval: %d at %s", status, u)
	}
	wantIn(t, "approved roster", html.UnescapeString(body), "名册已审核通过", "已审核", "laoshan", "导出银行文件")
	// An approved roster is not regenerated.
	if _, _, u := f.post(t, f.laoshan, "/payouts/generate", url.Values{"month": {f.month.String()}, "program": {"temporary"}}); u.Path != fmt.Sprintf("/payouts/%d", id) {
		t.Errorf("regenerating an approved roster went to %s", u)
	}
	if after, _ := f.m.svc.payout.Roster(ctx, auth.System(), id); after.Status != payout.Approved || after.Total != ro.Total {
		t.Errorf("after approval and a second generation: %+v", after)
	}
}

func testLedgerPages(t *testing.T, f *payoutFixture, id int64) {
	ro, err := f.m.svc.payout.Roster(context.Background(), auth.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	status, body := f.page(t, f.admin, "/payouts/ledger?month="+f.month.String())
	if status != http.StatusOK {
		t.Fatalf("ledger: %d", status)
	}
	wantIn(t, "city ledger", body, "expense/370212/temporary", "fund/city/temporary", "fund/370212/temporary", ro.Total.String(),
		"账实相符", "¥0.00")
	status, body = f.page(t, f.laoshan, "/payouts/ledger?month="+f.month.String())
	if status != http.StatusOK {
		t.Fatalf("district ledger: %d", status)
	}
	if strings.Contains(body, "fund/city/") {
		t.Error("the district approver sees the city's fund accounts")
	}
	wantIn(t, "district ledger", body, "expense/370212/temporary", "fund/370212/temporary")
	if status, _ := f.page(t, f.admin, "/payouts/ledger?month=2024-13"); status != http.StatusBadRequest {
		t.Errorf("ledger of a bad month: %d, want 400", status)
	}

	status, body = f.page(t, f.laoshan, "/payouts/stats?from="+f.month.String()+"&to="+f.month.String())
	if status != http.StatusOK {
		t.Fatalf("stats: %d", status)
	}
	wantIn(t, "stats", body, "临时救助", "崂山区", ro.Total.String(), "导出 Excel")
	status, _, _ = send(t, f.laoshan, "GET", f.m.URL()+"/payouts/stats?format=xlsx&from="+f.month.String()+"&to="+f.month.String(), "", nil)
	if status != http.StatusOK {
		t.Errorf("stats as Excel: %d", status)
	}
	if status, _ := f.page(t, f.laoshan, "/payouts/stats?from=2024-06&to=2024-01"); status != http.StatusBadRequest {
		t.Errorf("stats of a reversed range: %d, want 400", status)
	}
}

func testBankPages(t *testing.T, f *payoutFixture, id int64) {
	ctx := context.Background()
	export := fmt.Sprintf("%s/payouts/%d/export?format=csv&encoding=gbk", f.m.URL(), id)
	status, body, _ := send(t, f.laoshan, "GET", export, "", nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "请先勾选确认框") {
		t.Errorf("first export without confirmation: %d", status)
	}
	status, body, _ = send(t, f.laoshan, "GET", export+"&confirm=1", "", nil)
	if status != http.StatusOK {
		t.Fatalf("export: %d: %.300s", status, body)
	}
	ro, err := f.m.svc.payout.Roster(ctx, auth.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	if ro.Status != payout.Locked {
		t.Fatalf("after export the roster is %s", ro.Status)
	}
	if !strings.Contains(body, "6222020011112222333") {
		t.Error("the bank file lacks the payee's full account")
	}
	var line int64
	lines, _, err := f.m.svc.payout.Lines(ctx, auth.System(), id, 1, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.HouseholdID == f.household {
			line = l.ID
		}
	}
	path := fmt.Sprintf("/payouts/%d/returns", id)
	if status, body := f.upload(t, f.laoshan, path, "", nil); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择银行回盘文件") {
		t.Errorf("returns without a file: %d", status)
	}
	returns := []byte(fmt.Sprintf("明细号,状态,原因\r\n%d,失败,账户已销户\r\n", line))
	status, body = f.upload(t, f.laoshan, path, "回盘.csv", returns)
	if status != http.StatusOK {
		t.Fatalf("returns: %d: %.300s", status, body)
	}
	wantIn(t, "roster after returns", body, "回盘已导入", "失败 1 条", "发放失败", "账户已销户", "已导出（锁定）")
	status, body = f.page(t, f.admin, "/payouts/ledger?month="+f.month.String())
	if status != http.StatusOK || !strings.Contains(body, "账实相符") {
		t.Errorf("ledger after returns: %d", status)
	}
	// Next month's roster re-issues the failed payment.
	status, body, _ = f.post(t, f.laoshan, "/payouts/generate", url.Values{"month": {f.month.Next().String()}, "program": {"temporary"}})
	if status != http.StatusOK {
		t.Fatalf("next month: %d", status)
	}
	wantIn(t, "next month's roster", html.UnescapeString(body), "重新发放", "账户已销户")
}
