package app

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// monitorSeed is a warning as a test inserts it: the rules and the ingest pipeline are another
// module's, so the pages are tested on warnings written straight into the table.
type monitorSeed struct {
	rule, kind, region, state, assignee string
	household, person                   int64
	due                                 civil.Date
}

var seedSeq atomic.Int64

// seedWarning inserts a street-level warning and returns its id.
func seedWarning(t *testing.T, m *Main, w monitorSeed) int64 {
	t.Helper()
	var person, household any
	if w.person > 0 {
		person, household = w.person, w.household
	}
	now := db.FormatTime(m.Now())
	var id int64
	err := m.DB.InTx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO monitor_warnings (rule, kind, subject_hash, period, person_id,
		household_id, region_code, tier, summary, evidence, state, level, assignee, due_date, created_at, updated_at)
		VALUES (?, ?, ?, '2024', ?, ?, ?, 'dibao', ?, ?, ?, 'street', ?, ?, ?, ?) RETURNING id`,
			w.rule, w.kind, fmt.Sprintf("test-%d", seedSeq.Add(1)), person, household, w.region, "测试预警："+w.rule,
			`{"out_of_pocket":"23456.00","year":"2024","name":"库外某某"}`, w.state, w.assignee, w.due.String(), now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// monitorTargets are the monitoring records of an access target: an open warning about its
// household, and a campaign of its community with one pending task for that household.
type monitorTargets struct{ warning, campaign, task int64 }

// monitorTargetsOf holds each target community's records; the route cases find them by the
// target's community (userScope), as the payout cases do.
var monitorTargetsOf sync.Map

// makeMonitorTargets inserts the monitoring records of the access target in community.
func makeMonitorTargets(t *testing.T, m *Main, community string, hid, person int64) monitorTargets {
	t.Helper()
	ctx := context.Background()
	today := civil.Today(m.Now())
	mt := monitorTargets{warning: seedWarning(t, m, monitorSeed{rule: "medical_cost", kind: "need", region: community, state: "open",
		household: hid, person: person, due: today.AddDays(14)})}
	err := m.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO monitor_campaigns (name, region_code, target, starts_on, ends_on, created_by,
			created_at) VALUES ('访问测试排查', ?, '{"tiers":["dibao"]}', ?, ?, 'target.admin', ?) RETURNING id`, community,
			today.String(), today.AddDays(30).String(), db.FormatTime(m.Now())).Scan(&mt.campaign); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO monitor_tasks (campaign_id, household_id, region_code, persons) VALUES (?, ?, ?, 1)
			RETURNING id`, mt.campaign, hid, community).Scan(&mt.task)
	})
	if err != nil {
		t.Fatal(err)
	}
	monitorTargetsOf.Store(community, mt)
	return mt
}

// targetMonitor is the monitoring records of the target that the route cases name.
func targetMonitor(t accessTarget) monitorTargets {
	v, _ := monitorTargetsOf.Load(t.userScope)
	mt, _ := v.(monitorTargets)
	return mt
}

// The access-matrix entries of the monitoring pages. Writes send what the page refuses after it
// has found the warning or campaign in the caller's scope but before the store looks at the
// caller's role (no assignee, no date, no outcome, no name): a holder within scope gets 422,
// neither 403 nor 404, and a target outside the scope still 404.
func init() {
	warning := func(t accessTarget, prefix, suffix string) string {
		return fmt.Sprintf("%s/%d%s", prefix, targetMonitor(t).warning, suffix)
	}
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /monitor":           func(accessTarget) accessRequest { return accessRequest{path: "/monitor?state=open&overdue=1"} },
		"GET /monitor/dashboard": func(accessTarget) accessRequest { return accessRequest{path: "/monitor/dashboard"} },
		"GET /monitor/campaigns": func(accessTarget) accessRequest { return accessRequest{path: "/monitor/campaigns"} },
		"GET /m/warnings":        func(accessTarget) accessRequest { return accessRequest{path: "/m/warnings"} },
		"GET /monitor/warnings/{id}": func(t accessTarget) accessRequest {
			return accessRequest{path: warning(t, "/monitor/warnings", "")}
		},
		"POST /monitor/warnings/{id}/assign": func(t accessTarget) accessRequest {
			return form(warning(t, "/monitor/warnings", "/assign"), "version=1")
		},
		"POST /monitor/warnings/{id}/visit": func(t accessTarget) accessRequest {
			return form(warning(t, "/monitor/warnings", "/visit"), "version=1")
		},
		"POST /monitor/warnings/{id}/decide": func(t accessTarget) accessRequest {
			return form(warning(t, "/monitor/warnings", "/decide"), "version=1")
		},
		"GET /m/warnings/{id}/visit":  func(t accessTarget) accessRequest { return accessRequest{path: warning(t, "/m/warnings", "/visit")} },
		"POST /m/warnings/{id}/visit": func(t accessTarget) accessRequest { return form(warning(t, "/m/warnings", "/visit"), "version=1") },
		"POST /monitor/campaigns":     func(accessTarget) accessRequest { return form("/monitor/campaigns", "name=") },
		"GET /monitor/campaigns/{id}": func(t accessTarget) accessRequest {
			return accessRequest{path: fmt.Sprintf("/monitor/campaigns/%d", targetMonitor(t).campaign)}
		},
		"POST /monitor/tasks/{id}/visit": func(t accessTarget) accessRequest {
			mt := targetMonitor(t)
			return form(fmt.Sprintf("/monitor/tasks/%d/visit", mt.task), fmt.Sprintf("campaign_id=%d", mt.campaign))
		},
	})
}

// monitorFixture is a demo server with warnings in 中韩街道 (the grid worker's community) and one
// in 八大关街道, the demo's other district.
type monitorFixture struct {
	m                                   *Main
	community, other                    string
	household, person                   int64
	zhonghan, grid, laoshan, badaguan   *http.Client
	need, overdue, discovery, elsewhere int64
}

func newMonitorFixture(t *testing.T, dsn string, seq int64) *monitorFixture {
	t.Helper()
	m := startDemo(t, dsn)
	f := &monitorFixture{m: m, zhonghan: cwClient(t, m, "zhonghan"), grid: cwClient(t, m, "grid"), laoshan: cwClient(t, m, "laoshan"),
		badaguan: cwClient(t, m, "badaguan")}
	ctx := context.Background()
	for street, dst := range map[string]*string{"370212001": &f.community, "370202009": &f.other} {
		if err := m.DB.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE parent_code = ?`, street).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	f.household, f.person = makeHousehold(t, m, f.community, "监测测试", seq)
	otherHH, otherPerson := makeHousehold(t, m, f.other, "监测他区", seq+1)
	today := civil.Today(m.Now())
	f.need = seedWarning(t, m, monitorSeed{rule: "medical_cost", kind: "need", region: f.community, state: "open",
		household: f.household, person: f.person, due: today.AddDays(14)})
	f.overdue = seedWarning(t, m, monitorSeed{rule: "new_vehicle", kind: "ineligible", region: f.community, state: "open",
		household: f.household, person: f.person, due: today.AddDays(-3)})
	f.discovery = seedWarning(t, m, monitorSeed{rule: "medical_cost_discovery", kind: "discovery", region: f.community, state: "open",
		due: today.AddDays(14)})
	f.elsewhere = seedWarning(t, m, monitorSeed{rule: "medical_cost", kind: "need", region: f.other, state: "open",
		household: otherHH, person: otherPerson, due: today.AddDays(14)})
	return f
}

// do sends a GET (form nil) or a form POST as c and returns the status, the unescaped body and
// the redirect target.
func (f *monitorFixture) do(t *testing.T, c *http.Client, path string, form url.Values) (int, string, string) {
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

func wpath(id int64, suffix string) string {
	return "/monitor/warnings/" + strconv.FormatInt(id, 10) + suffix
}

// TestMonitorPages carries warnings through the pages: the street's queue, assignment to the
// grid worker, the visit on the phone, dismissal with a reason and a review opened, scope, the
// dashboard, and a screening campaign with its progress and a task visit.
func TestMonitorPages(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testMonitorPages(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testMonitorPages(t, dbtest.PostgresDSN(t)) })
	}
}

func wantOut(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Errorf("%s shows %q", what, p)
		}
	}
}

func testMonitorPages(t *testing.T, dsn string) {
	f := newMonitorFixture(t, dsn, 951)
	t.Run("the street's queue", func(t *testing.T) {
		status, body, _ := f.do(t, f.zhonghan, "/monitor", nil)
		if status != http.StatusOK {
			t.Fatalf("queue: %d", status)
		}
		wantIn(t, "queue", body, wpath(f.need, ""), wpath(f.overdue, ""), wpath(f.discovery, ""), "已超期", "监**试", "库**某（未在库）")
		wantOut(t, "queue", body, wpath(f.elsewhere, ""))
		_, body, _ = f.do(t, f.zhonghan, "/monitor?overdue=1", nil)
		wantIn(t, "overdue queue", body, wpath(f.overdue, ""))
		wantOut(t, "overdue queue", body, wpath(f.need, ""))
		_, body, _ = f.do(t, f.zhonghan, "/", nil)
		wantIn(t, "navigation", body, "动态监测", `href="/monitor"`)
	})
	t.Run("another district's warning is not found", func(t *testing.T) {
		for _, c := range []struct {
			who  *http.Client
			path string
		}{{f.zhonghan, wpath(f.elsewhere, "")}, {f.badaguan, wpath(f.need, "")}, {f.badaguan, "/m/warnings/" + strconv.FormatInt(f.need, 10) + "/visit"}} {
			if status, _, _ := f.do(t, c.who, c.path, nil); status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", c.path, status)
			}
		}
		if status, _, _ := f.do(t, f.badaguan, wpath(f.need, "/assign"), url.Values{"version": {"1"}, "assignee": {"grid"}}); status != http.StatusNotFound {
			t.Errorf("assigning another district's warning: %d, want 404", status)
		}
	})
	t.Run("assignment to the grid worker", func(t *testing.T) {
		_, body, _ := f.do(t, f.zhonghan, wpath(f.need, ""), nil)
		wantIn(t, "warning page", body, "测试预警：medical_cost", "23456.00", `action="`+wpath(f.need, "/assign")+`"`, `value="grid"`, "查看家庭档案")
		if status, body, _ := f.do(t, f.zhonghan, wpath(f.need, "/assign"), url.Values{"version": {"1"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择走访人") {
			t.Errorf("no assignee: %d", status)
		}
		if status, _, _ := f.do(t, f.grid, wpath(f.need, "/assign"), url.Values{"version": {"1"}, "assignee": {"grid"}}); status != http.StatusForbidden {
			t.Errorf("the grid worker assigning: %d, want 403", status)
		}
		status, _, loc := f.do(t, f.zhonghan, wpath(f.need, "/assign"), url.Values{"version": {"1"}, "assignee": {"grid"}})
		if status != http.StatusSeeOther || loc != wpath(f.need, "?done=assigned") {
			t.Fatalf("assign: %d → %q", status, loc)
		}
		if status, body, _ := f.do(t, f.zhonghan, wpath(f.need, "/assign"), url.Values{"version": {"1"}, "assignee": {"grid"}}); status != http.StatusConflict || !strings.Contains(body, `role="alert"`) {
			t.Errorf("stale assignment: %d, want 409 with the message on top", status)
		}
		_, body, _ = f.do(t, f.zhonghan, wpath(f.need, "?done=assigned"), nil)
		wantIn(t, "assigned warning", body, "已分派走访", "待走访")
	})
	t.Run("the visit on the phone", func(t *testing.T) {
		_, body, _ := f.do(t, f.grid, "/m/warnings", nil)
		wantIn(t, "phone list", body, "/m/warnings/"+strconv.FormatInt(f.need, 10)+"/visit", "class=\"public\"")
		wantOut(t, "phone list", body, strconv.FormatInt(f.overdue, 10)+"/visit")
		visit := "/m/warnings/" + strconv.FormatInt(f.need, 10) + "/visit"
		_, body, _ = f.do(t, f.grid, visit, nil)
		wantIn(t, "phone visit page", body, `name="findings"`, "测试路1号", `name="viewport"`)
		today := civil.Today(f.m.Now()).String()
		if status, body, _ := f.do(t, f.grid, visit, url.Values{"version": {"2"}, "visited_on": {today}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写走访情况") {
			t.Errorf("empty findings: %d", status)
		}
		status, _, loc := f.do(t, f.grid, visit, url.Values{"version": {"2"}, "visited_on": {today}, "findings": {"入户核实，医疗支出属实"}})
		if status != http.StatusSeeOther || loc != "/m/warnings?done=visited" {
			t.Fatalf("visit: %d → %q", status, loc)
		}
		_, body, _ = f.do(t, f.grid, wpath(f.need, ""), nil)
		wantIn(t, "visited warning", body, "入户核实，医疗支出属实", "待处置")
		wantOut(t, "grid worker's view", body, `/decide"`)
	})
	t.Run("dismissal with a reason", func(t *testing.T) {
		_, body, _ := f.do(t, f.zhonghan, wpath(f.need, ""), nil)
		wantIn(t, "decision forms", body, "启动救助", "复核资格", "无需处置")
		wantOut(t, "the street's decision forms", body, `value="stop"`)
		dismiss := url.Values{"version": {"3"}, "outcome": {"dismiss"}, "confirm": {"1"}}
		if status, body, _ := f.do(t, f.zhonghan, wpath(f.need, "/decide"), dismiss); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请写明不予处置的理由") {
			t.Errorf("dismiss without reason: %d", status)
		}
		dismiss.Set("note", "已参加大病保险，二次报销后负担可承受")
		status, _, loc := f.do(t, f.zhonghan, wpath(f.need, "/decide"), dismiss)
		if status != http.StatusSeeOther || loc != wpath(f.need, "?done=decided") {
			t.Fatalf("dismiss: %d → %q", status, loc)
		}
		_, body, _ = f.do(t, f.zhonghan, wpath(f.need, ""), nil)
		wantIn(t, "closed warning", body, "已办结", "二次报销后负担可承受", "处置办结")
		wantOut(t, "closed warning", body, `action="`+wpath(f.need, "/assign")+`"`)
	})
	t.Run("a review opened", func(t *testing.T) { f.openReview(t) })
	t.Run("dashboard", func(t *testing.T) {
		status, body, _ := f.do(t, f.zhonghan, "/monitor/dashboard", nil)
		if status != http.StatusOK {
			t.Fatalf("dashboard: %d", status)
		}
		p := monitorCaller(t, f.m, "zhonghan")
		d, err := f.m.svc.monitor.Dashboard(context.Background(), p)
		if err != nil || d.Funnel.Warned < 4 || d.Overdue < 1 {
			t.Fatalf("dashboard figures %+v: %v", d, err)
		}
		wantIn(t, "dashboard", body, fmt.Sprintf(`<span class="figure">%d</span>`, d.Open), fmt.Sprintf(`<span class="figure">%d</span>`, d.Overdue),
			"<meter", "主动发现漏斗", "医疗自付费用高")
	})
	t.Run("campaign", func(t *testing.T) { f.campaign(t) })
}

// monitorCaller is demo user login as a request caller, for asking the stores directly.
func monitorCaller(t *testing.T, m *Main, login string) *auth.Principal {
	t.Helper()
	p, err := principalOf(context.Background(), m.svc, login)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// openReview warns about a 中韩街道 household with a running recurring entitlement; the street
// officer records the visit at the desk and opens a review of the entitlement, which is then a
// case of the street.
func (f *monitorFixture) openReview(t *testing.T) {
	ctx := context.Background()
	var hid int64
	if err := f.m.DB.QueryRow(ctx, `SELECT MIN(household_id) FROM entitlements WHERE status = 'active' AND one_off_fen = 0
		AND program = 'dibao' AND substr(region_code, 1, 9) = '370212001'`).Scan(&hid); err != nil {
		t.Fatalf("no running 低保 in 中韩街道: %v", err)
	}
	h, err := f.m.svc.registry.Get(ctx, auth.System(), hid)
	if err != nil {
		t.Fatal(err)
	}
	id := seedWarning(t, f.m, monitorSeed{rule: "new_vehicle", kind: "ineligible", region: h.RegionCode, state: "open",
		household: hid, person: h.Members[0].ID, due: civil.Today(f.m.Now()).AddDays(14)})
	today := civil.Today(f.m.Now()).String()
	status, _, _ := f.do(t, f.zhonghan, wpath(id, "/visit"), url.Values{"version": {"1"}, "visited_on": {today}, "findings": {"家中新购车辆一辆"}})
	if status != http.StatusSeeOther {
		t.Fatalf("desk visit: %d", status)
	}
	review := url.Values{"version": {"2"}, "outcome": {"review"}, "note": {"核实车辆登记"}}
	if status, body, _ := f.do(t, f.zhonghan, wpath(id, "/decide"), review); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请先勾选确认框") {
		t.Errorf("review without confirmation: %d", status)
	}
	review.Set("confirm", "1")
	if status, _, _ := f.do(t, f.zhonghan, wpath(id, "/decide"), review); status != http.StatusSeeOther {
		t.Fatalf("review: %d", status)
	}
	w, _, _, err := f.m.svc.monitor.Warning(ctx, monitorCaller(t, f.m, "zhonghan"), id)
	if err != nil || w.State != "closed" || w.Outcome != "review" || !strings.HasPrefix(w.OutcomeRef, "application:") {
		t.Fatalf("reviewed warning %+v: %v", w, err)
	}
	_, body, _ := f.do(t, f.zhonghan, wpath(id, ""), nil)
	wantIn(t, "reviewed warning", body, "复核资格", w.OutcomeRef)
	if status, _, _ := f.do(t, f.zhonghan, "/cases/"+strings.TrimPrefix(w.OutcomeRef, "application:"), nil); status != http.StatusOK {
		t.Errorf("the review case: %d", status)
	}
}

// campaign defines a 低保 and 特困 campaign of 中韩街道 as the district, follows its progress per
// community and records a task's visit as the street.
func (f *monitorFixture) campaign(t *testing.T) {
	ctx := context.Background()
	_, body, _ := f.do(t, f.laoshan, "/monitor/campaigns", nil)
	wantIn(t, "district's campaign list", body, "新建专项排查", `name="tiers"`)
	_, body, _ = f.do(t, f.zhonghan, "/monitor/campaigns", nil)
	wantOut(t, "street's campaign list", body, "新建专项排查")
	today := civil.Today(f.m.Now())
	in := url.Values{"name": {"冬季走访排查"}, "region_code": {"370212001"}, "starts_on": {today.String()}, "ends_on": {today.AddDays(30).String()}}
	if status, body, _ := f.do(t, f.laoshan, "/monitor/campaigns", in); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请至少选择一个对象类别") {
		t.Errorf("no tiers: %d", status)
	}
	in["tiers"] = []string{"dibao", "tekun"}
	if status, _, _ := f.do(t, f.zhonghan, "/monitor/campaigns", in); status != http.StatusForbidden {
		t.Errorf("a street defining a campaign: %d, want 403", status)
	}
	status, _, loc := f.do(t, f.laoshan, "/monitor/campaigns", in)
	idText, ok := strings.CutPrefix(strings.TrimSuffix(loc, "?done=created"), "/monitor/campaigns/")
	id, err := strconv.ParseInt(idText, 10, 64)
	if status != http.StatusSeeOther || !ok || err != nil {
		t.Fatalf("create: %d → %q", status, loc)
	}
	c, progress, err := f.m.svc.monitor.CampaignProgress(ctx, monitorCaller(t, f.m, "laoshan"), id)
	if err != nil || len(progress) == 0 || c.Tasks == 0 {
		t.Fatalf("campaign %+v, %d communities: %v", c, len(progress), err)
	}
	_, body, _ = f.do(t, f.laoshan, loc, nil)
	wantIn(t, "campaign page", body, "专项排查已创建", "各社区进度", "<progress", progress[0].Name, fmt.Sprintf("已完成 0 / %d 户", c.Tasks))
	if status, _, _ := f.do(t, f.badaguan, "/monitor/campaigns/"+idText, nil); status != http.StatusNotFound {
		t.Errorf("campaign of another district: %d, want 404", status)
	}
	tasks, err := f.m.svc.monitor.Tasks(ctx, monitorCaller(t, f.m, "zhonghan"), id, "", "pending")
	if err != nil || len(tasks) == 0 {
		t.Fatalf("tasks: %d, %v", len(tasks), err)
	}
	task := fmt.Sprintf("/monitor/tasks/%d/visit", tasks[0].ID)
	visit := url.Values{"campaign_id": {idText}, "visited_on": {today.String()}, "findings": {"入户走访，生活稳定"}}
	if status, body, _ := f.do(t, f.zhonghan, task, visit); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择处置结果") {
		t.Errorf("task visit without outcome: %d", status)
	}
	visit.Set("outcome", "no_change")
	if status, _, loc := f.do(t, f.zhonghan, task, visit); status != http.StatusSeeOther || !strings.Contains(loc, "done=visited") {
		t.Fatalf("task visit: %d → %q", status, loc)
	}
	if c, _, err := f.m.svc.monitor.CampaignProgress(ctx, monitorCaller(t, f.m, "laoshan"), id); err != nil || c.Done != 1 {
		t.Errorf("after one visit: %+v, %v", c, err)
	}
}
