package app

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

// decisionsFixture is what the decision and notice page tests work on: a household of 中韩街道's
// first community with a decided 临时救助 case (decision and one-off entitlement), and the demo
// users who act on it.
type decisionsFixture struct {
	m         *Main
	community string
	household int64
	cases     caseTargets
	zhonghan  *http.Client
	laoshan   *http.Client
}

func TestDecisionAndNoticePages(t *testing.T) {
	run := func(t *testing.T, dsn string) {
		m := startDemo(t, dsn)
		ctx := context.Background()
		var community string
		if err := m.DB.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE parent_code = ?`, "370212001").Scan(&community); err != nil {
			t.Fatal(err)
		}
		hid, _ := makeHousehold(t, m, community, "王测试", 901)
		f := decisionsFixture{m: m, community: community, household: hid, cases: makeCaseTargets(t, m, community, hid),
			zhonghan: signIn(t, m, "zhonghan"), laoshan: signIn(t, m, "laoshan")}
		t.Run("decision notice", func(t *testing.T) { testDecisionNotice(t, f) })
		t.Run("suspend, terminate and appeal", func(t *testing.T) { testEntitlementActions(t, f) })
		t.Run("public notice and objection", func(t *testing.T) { testPublicNotice(t, f) })
		t.Run("services on the chain", func(t *testing.T) { testServices(t, f) })
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.PostgresDSN(t)) })
	}
}

// decisionsPost posts a form with c and returns the final status, body and path (after
// redirects, if c follows them).
func decisionsPost(t *testing.T, c *http.Client, u string, v url.Values) (int, string, *http.Response) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

func testDecisionNotice(t *testing.T, f decisionsFixture) {
	ctx := context.Background()
	d, err := f.m.svc.cases.Decision(ctx, auth.System(), f.cases.decision)
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.m.svc.registry.Get(ctx, auth.System(), f.household)
	if err != nil {
		t.Fatal(err)
	}
	fullID, err := f.m.svc.registry.RevealID(ctx, auth.System(), h.Members[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	firstLine, _, _ := strings.Cut(d.Explanation, "\n")
	if firstLine == "" {
		t.Fatalf("decision %s has no explanation", d.DocNo)
	}
	tests := []struct {
		name   string
		client *http.Client
	}{
		{"street officer", f.zhonghan},
		{"auditor", signIn(t, f.m, "auditor")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := getWith(t, tt.client, fmt.Sprintf("%s/decisions/%d", f.m.URL(), d.ID))
			if code != http.StatusOK {
				t.Fatalf("status %d: %.400s", code, body)
			}
			for _, want := range []string{"决定通知书", html.EscapeString(d.DocNo), f.cases.decided.IDMasked, html.EscapeString(firstLine),
				"王测试", d.Amount.Notice(), d.EffectiveOn.Chinese(), "经办人（签字）", "（盖章）"} {
				if !strings.Contains(body, want) {
					t.Errorf("decision page lacks %q", want)
				}
			}
			if strings.Contains(body, fullID) {
				t.Errorf("decision page shows the full ID number %s", fullID)
			}
			if strings.Contains(body, "/appeal") {
				t.Errorf("an approval offers an appeal form")
			}
		})
	}
	if code, _, _ := getWith(t, signIn(t, f.m, "badaguan"), fmt.Sprintf("%s/decisions/%d", f.m.URL(), d.ID)); code != http.StatusNotFound {
		t.Errorf("out-of-scope decision: status %d, want 404", code)
	}
}

func testEntitlementActions(t *testing.T, f decisionsFixture) {
	ctx := context.Background()
	ent, err := f.m.svc.cases.Entitlement(ctx, auth.System(), f.cases.entitlement)
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("%s/entitlements/%d", f.m.URL(), ent.ID)
	valid := func(version int) url.Values {
		return url.Values{"version": {strconv.Itoa(version)}, "reason": {"家庭情况待核实"}, "confirm": {"1"}}
	}
	tests := []struct {
		name   string
		client *http.Client
		form   url.Values
		code   int
		want   string
	}{
		{"street officer refused", f.zhonghan, valid(ent.Version), http.StatusForbidden, "区（市）审核员"},
		{"stale version", f.laoshan, valid(ent.Version + 5), http.StatusConflict, "已被他人修改"},
		{"no confirmation", f.laoshan, url.Values{"version": {strconv.Itoa(ent.Version)}, "reason": {"x"}}, http.StatusUnprocessableEntity, "确认"},
		{"no reason", f.laoshan, url.Values{"version": {strconv.Itoa(ent.Version)}, "confirm": {"1"}}, http.StatusUnprocessableEntity, "请填写理由"},
		{"district approver", f.laoshan, valid(ent.Version), http.StatusOK, "暂停通知书"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, resp := decisionsPost(t, tt.client, base+"/suspend", tt.form)
			if code != tt.code || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d (want %d), body lacks %q: %.600s", code, tt.code, tt.want, body)
			}
			if code == http.StatusOK && !strings.HasPrefix(resp.Request.URL.Path, "/decisions/") {
				t.Errorf("suspension ended on %s, want its notice", resp.Request.URL.Path)
			}
		})
	}
	if ent, err = f.m.svc.cases.Entitlement(ctx, auth.System(), ent.ID); err != nil || ent.Status != assistance.EntSuspended {
		t.Fatalf("entitlement after suspension: %+v, %v", ent, err)
	}
	code, body, _ := getWith(t, f.laoshan, base)
	if code != http.StatusOK || !strings.Contains(body, "暂停") || !strings.Contains(body, "laoshan") || !strings.Contains(body, "/resume") {
		t.Errorf("entitlement page after suspension: status %d: %.600s", code, body)
	}

	code, body, resp := decisionsPost(t, f.laoshan, base+"/terminate", valid(ent.Version))
	if code != http.StatusOK || !strings.Contains(body, "终止通知书") || !strings.Contains(body, "60 日内") {
		t.Fatalf("termination: status %d: %.600s", code, body)
	}
	notice := resp.Request.URL.Path
	if !strings.Contains(body, `action="`+notice+`/appeal"`) {
		t.Errorf("termination notice offers no appeal form to the district approver")
	}
	noFollow := noRedirect(f.zhonghan.Jar)
	if code, body, _ := decisionsPost(t, noFollow, f.m.URL()+notice+"/appeal", url.Values{"reason": {" "}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写理由") {
		t.Errorf("empty appeal: status %d: %.400s", code, body)
	}
	code, _, resp = decisionsPost(t, noFollow, f.m.URL()+notice+"/appeal", url.Values{"reason": {"申请人对终止决定不服"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/cases/") {
		t.Errorf("appeal: status %d, location %q", code, resp.Header.Get("Location"))
	}
}

func testPublicNotice(t *testing.T, f decisionsFixture) {
	ctx := context.Background()
	m := f.m
	hid, person := makeHousehold(t, m, f.community, "张三丰", 902)
	number, err := m.svc.registry.RevealID(ctx, auth.System(), person, "")
	if err != nil {
		t.Fatal(err)
	}
	officer := &auth.Principal{Login: "notice.officer", Role: auth.StreetOfficer, Scope: region.Scope("370212001")}
	a, err := m.svc.cases.Submit(ctx, assistance.Applicant{Officer: officer}, assistance.Intake{Program: "dibao",
		RegionCode: "370212001", HouseholdID: hid, ApplicantName: "张三丰", IDNumber: number, Address: "测试路1号", Hukou: "urban",
		Reason: "公示测试"})
	if err != nil {
		t.Fatal(err)
	}
	a, err = m.svc.cases.Act(ctx, officer, a.ID, assistance.Action{Step: assistance.StepVisit, Version: a.Version,
		Visit: &assistance.Visit{Investigators: []string{"甲", "乙"}, VisitedOn: civil.Today(m.Now()), Findings: "属实"}})
	if err != nil || a.CurrentStep != assistance.StepNotice {
		t.Fatalf("case after the visit: %+v, %v", a, err)
	}

	code, body, _ := get(t, m.URL()+"/notice?region=370212001")
	if code != http.StatusOK {
		t.Fatalf("public notice: status %d: %.400s", code, body)
	}
	for _, want := range []string{"社会救助对象公示", "张*丰", pii.MaskID(number), fmt.Sprintf(`href="/notice/%d"`, a.ID), "公示期"} {
		if !strings.Contains(body, want) {
			t.Errorf("public notice lacks %q", want)
		}
	}
	for _, leak := range []string{"张三丰", number, `class="sidenav"`, `href="/households"`, "/logout"} {
		if strings.Contains(body, leak) {
			t.Errorf("public notice shows %q", leak)
		}
	}

	objections := fmt.Sprintf("%s/notice/%d/objections", m.URL(), a.ID)
	tests := []struct {
		name string
		form url.Values
		code int
		want string
	}{
		{"empty content", url.Values{"content": {"  "}, "name": {"李四"}}, http.StatusUnprocessableEntity, "请填写异议内容"},
		{"anonymous objection", url.Values{"content": {"该户有一辆营运车辆"}}, http.StatusOK, "谢谢您的反映"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := decisionsPost(t, http.DefaultClient, objections, tt.form)
			if code != tt.code || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d (want %d), body lacks %q: %.600s", code, tt.code, tt.want, body)
			}
			if strings.Contains(body, `class="sidenav"`) {
				t.Errorf("objection page shows the staff navigation")
			}
		})
	}
	c, err := m.svc.cases.Get(ctx, auth.System(), a.ID)
	if err != nil || len(c.Objections) != 1 || c.Objections[0].Content != "该户有一辆营运车辆" {
		t.Fatalf("objections stored: %+v, %v", c.Objections, err)
	}
	if code, _, _ := get(t, fmt.Sprintf("%s/notice/%d", m.URL(), f.cases.decided.ID)); code != http.StatusNotFound {
		t.Errorf("a decided case on the public notice: status %d, want 404", code)
	}
}

func testServices(t *testing.T, f decisionsFixture) {
	u := fmt.Sprintf("%s/households/%d/services", f.m.URL(), f.household)
	today := civil.Today(f.m.Now()).String()
	tests := []struct {
		name   string
		client *http.Client
		form   url.Values
		code   int
		want   []string
	}{
		{"empty provider", f.zhonghan, url.Values{"kind": {"care"}, "provider": {""}, "served_on": {today}, "note": {"每周上门两次"}},
			http.StatusUnprocessableEntity, []string{"请填写服务提供方", "每周上门两次"}},
		{"bad date", f.zhonghan, url.Values{"kind": {"care"}, "provider": {"阳光助老服务中心"}, "served_on": {"明天"}},
			http.StatusUnprocessableEntity, []string{"服务日期不正确"}},
		{"district approver", f.laoshan, url.Values{"kind": {"care"}, "provider": {"阳光助老服务中心"}, "served_on": {today}},
			http.StatusForbidden, []string{"该步骤须由镇（街道）经办人"}},
		{"recorded", f.zhonghan, url.Values{"kind": {"care"}, "provider": {"阳光助老服务中心"}, "served_on": {today}, "note": {"每周上门两次"}},
			http.StatusOK, []string{"服务已记录", "阳光助老服务中心", "照料护理", "一户一条救助链"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := decisionsPost(t, tt.client, u, tt.form)
			if code != tt.code {
				t.Fatalf("status %d, want %d: %.600s", code, tt.code, body)
			}
			for _, want := range tt.want {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
	code, body, _ := getWith(t, signIn(t, f.m, "grid"), fmt.Sprintf("%s/households/%d/chain", f.m.URL(), f.household))
	if code != http.StatusOK || !strings.Contains(body, "阳光助老服务中心") || !strings.Contains(body, "/decisions/") {
		t.Errorf("chain for the grid worker: status %d: %.600s", code, body)
	}
}
