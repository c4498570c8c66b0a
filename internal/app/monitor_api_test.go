package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// The access-matrix entries of the monitoring API. Writes send a body the adapter refuses (no
// version) after it has found the warning in the caller's scope, or one the store refuses
// after it has found the task there (no outcome): 400 within scope, 404 outside.
func init() {
	warning := func(t accessTarget, suffix string) string {
		return fmt.Sprintf("/api/v1/monitor/warnings/%d%s", targetMonitor(t).warning, suffix)
	}
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /api/v1/monitor/warnings": func(accessTarget) accessRequest {
			return accessRequest{path: "/api/v1/monitor/warnings?state=open"}
		},
		"GET /api/v1/monitor/warnings/{id}": func(t accessTarget) accessRequest { return accessRequest{path: warning(t, "")} },
		"POST /api/v1/monitor/warnings/{id}/assignment": func(t accessTarget) accessRequest {
			return jsonReq("POST", warning(t, "/assignment"), `{"version":0}`)
		},
		"POST /api/v1/monitor/warnings/{id}/visits": func(t accessTarget) accessRequest {
			return jsonReq("POST", warning(t, "/visits"), `{"version":0}`)
		},
		"POST /api/v1/monitor/warnings/{id}/decision": func(t accessTarget) accessRequest {
			return jsonReq("POST", warning(t, "/decision"), `{"version":0}`)
		},
		"GET /api/v1/monitor/dashboard": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/monitor/dashboard"} },
		"GET /api/v1/monitor/campaigns": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/monitor/campaigns"} },
		"POST /api/v1/monitor/campaigns": func(accessTarget) accessRequest {
			return jsonReq("POST", "/api/v1/monitor/campaigns", `{"name":""}`)
		},
		"GET /api/v1/monitor/campaigns/{id}": func(t accessTarget) accessRequest {
			return accessRequest{path: fmt.Sprintf("/api/v1/monitor/campaigns/%d", targetMonitor(t).campaign)}
		},
		"POST /api/v1/monitor/tasks/{id}/visit": func(t accessTarget) accessRequest {
			return jsonReq("POST", fmt.Sprintf("/api/v1/monitor/tasks/%d/visit", targetMonitor(t).task), `{"findings":"x"}`)
		},
	})
}

// apiWarning is the part of a warning of the API the tests read.
type apiWarning struct {
	ID         int64             `json:"id"`
	RegionCode string            `json:"region_code"`
	State      string            `json:"state"`
	Assignee   string            `json:"assignee"`
	Outcome    string            `json:"outcome"`
	Overdue    bool              `json:"overdue"`
	Evidence   map[string]string `json:"evidence"`
	Version    int               `json:"version"`
	Visits     []struct {
		Findings string `json:"findings"`
		Latitude string `json:"latitude"`
	} `json:"visits"`
	Events []struct{ Action string } `json:"events"`
}

// bearer is a client that sends login's new API token instead of a session cookie.
func bearer(t *testing.T, m *Main, login string) *http.Client {
	t.Helper()
	secret, _, err := m.svc.auth.CreateToken(context.Background(), auth.System(), monitorCaller(t, m, login).UserID, "监测测试", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: tokenTransport(secret)}
}

type tokenTransport string

func (tt tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(tt))
	return http.DefaultTransport.RoundTrip(r)
}

// call sends a JSON body (or none) as c and decodes a 2xx answer into out; it returns the
// status and, for an error, its code.
func (f *monitorFixture) call(t *testing.T, c *http.Client, method, path, body string, out any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.m.URL()+"/api/v1"+path, rd)
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
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		var e apiError
		_ = json.Unmarshal(raw, &e)
		return resp.StatusCode, e.Error.Code
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %.300s", method, path, err, raw)
		}
	}
	return resp.StatusCode, ""
}

// TestMonitorAPI carries a warning through the API — the queue and its filters, scope,
// assignment, the grid worker's visit with a bearer token, the district's dismissal — then a
// warning about someone not in the database, the dashboard, and a campaign with a task visit.
func TestMonitorAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testMonitorAPI(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testMonitorAPI(t, dbtest.PostgresDSN(t)) })
	}
}

func testMonitorAPI(t *testing.T, dsn string) {
	f := newMonitorFixture(t, dsn, 961)
	grid := bearer(t, f.m, "grid")
	w := func(id int64, suffix string) string { return fmt.Sprintf("/monitor/warnings/%d%s", id, suffix) }

	var list struct {
		Warnings []apiWarning `json:"warnings"`
		Total    int          `json:"total"`
	}
	if status, _ := f.call(t, f.zhonghan, "GET", "/monitor/warnings?state=open", "", &list); status != http.StatusOK || list.Total < 3 {
		t.Fatalf("queue: %d, %d warnings", status, list.Total)
	}
	for _, wn := range list.Warnings {
		if !strings.HasPrefix(wn.RegionCode, "370212001") || wn.State != "open" {
			t.Errorf("the street's open queue holds %+v", wn)
		}
	}
	if status, _ := f.call(t, f.zhonghan, "GET", "/monitor/warnings?overdue=true", "", &list); status != http.StatusOK || len(list.Warnings) == 0 || !list.Warnings[0].Overdue {
		t.Errorf("overdue queue: %d %+v", status, list.Warnings)
	}
	if status, code := f.call(t, f.zhonghan, "GET", "/monitor/warnings?kind=bogus", "", nil); status != http.StatusBadRequest || code != "monitor.filter_invalid" {
		t.Errorf("bad filter: %d %s", status, code)
	}
	if status, _ := f.call(t, f.badaguan, "GET", w(f.need, ""), "", nil); status != http.StatusNotFound {
		t.Errorf("another district's warning: %d, want 404", status)
	}

	var wn apiWarning
	for _, c := range []struct {
		name, body string
		who        *http.Client
		status     int
		code       string
	}{
		{"no version", `{"assignee":"grid"}`, f.zhonghan, 400, "monitor.ui.version_required"},
		{"unknown assignee", `{"version":1,"assignee":"nobody"}`, f.zhonghan, 400, "monitor.assignee_invalid"},
		{"by the grid worker", `{"version":1,"assignee":"grid"}`, grid, 403, ""},
		{"outside the scope", `{"version":1,"assignee":"grid"}`, f.badaguan, 404, ""},
	} {
		if status, code := f.call(t, c.who, "POST", w(f.need, "/assignment"), c.body, nil); status != c.status || (c.code != "" && code != c.code) {
			t.Errorf("assignment %s: %d %s, want %d %s", c.name, status, code, c.status, c.code)
		}
	}
	if status, _ := f.call(t, f.zhonghan, "POST", w(f.need, "/assignment"), `{"version":1,"assignee":"grid"}`, &wn); status != http.StatusOK || wn.State != "assigned" || wn.Assignee != "grid" {
		t.Fatalf("assignment: %d %+v", status, wn)
	}
	if status, code := f.call(t, grid, "POST", w(f.need, "/visits"), `{"version":2,"findings":" "}`, nil); status != http.StatusBadRequest || code != "monitor.findings_required" {
		t.Errorf("visit without findings: %d %s", status, code)
	}
	visit := `{"version":2,"findings":"入户核实属实","latitude":"36.10","longitude":"120.47"}`
	if status, _ := f.call(t, grid, "POST", w(f.need, "/visits"), visit, &wn); status != http.StatusCreated || wn.State != "visited" || len(wn.Visits) != 1 || wn.Visits[0].Latitude != "36.10" {
		t.Fatalf("visit: %d %+v", status, wn)
	}
	if status, _ := f.call(t, grid, "POST", w(f.need, "/decision"), `{"version":3,"outcome":"dismiss","note":"无需救助"}`, nil); status != http.StatusForbidden {
		t.Errorf("the grid worker deciding: %d, want 403", status)
	}
	if status, _ := f.call(t, f.laoshan, "POST", w(f.need, "/decision"), `{"version":3,"outcome":"dismiss","note":"已有大病保险报销"}`, &wn); status != http.StatusOK || wn.State != "closed" || wn.Outcome != "dismiss" {
		t.Fatalf("dismissal: %d %+v", status, wn)
	}
	if len(wn.Events) != 3 {
		t.Errorf("history %+v, want assign, visit, decide", wn.Events)
	}

	// Someone not in the database can only be dismissed until the household is registered.
	if status, _ := f.call(t, f.zhonghan, "POST", w(f.discovery, "/visits"), `{"version":1,"findings":"独居，无收入"}`, &wn); status != http.StatusCreated {
		t.Fatalf("discovery visit: %d", status)
	}
	if status, code := f.call(t, f.zhonghan, "POST", w(f.discovery, "/decision"), `{"version":2,"outcome":"assist","program":"dibao"}`, nil); status != http.StatusBadRequest || code != "monitor.not_registered" {
		t.Errorf("assisting someone not registered: %d %s", status, code)
	}

	var dash struct {
		Open, Overdue int
		Funnel        struct{ Warned, Visited, Dismissed int }
		ByRule        []struct{ Key, Label string } `json:"by_rule"`
	}
	if status, _ := f.call(t, f.zhonghan, "GET", "/monitor/dashboard", "", &dash); status != http.StatusOK || dash.Funnel.Warned < 3 || dash.Funnel.Visited < 2 || dash.Funnel.Dismissed < 1 || dash.Overdue < 1 || len(dash.ByRule) == 0 {
		t.Errorf("dashboard: %d %+v", status, dash)
	}
	f.apiCampaign(t)
}

// apiCampaign defines a campaign of 中韩街道 as the district and records a task's visit as the
// street, twice.
func (f *monitorFixture) apiCampaign(t *testing.T) {
	today := civil.Today(f.m.Now())
	var c struct {
		ID    int64 `json:"id"`
		Tasks int   `json:"tasks"`
	}
	body := fmt.Sprintf(`{"name":"接口排查","region_code":"370212001","tiers":["dibao"],"starts_on":%q,"ends_on":%q}`,
		today.String(), today.AddDays(10).String())
	if status, _ := f.call(t, f.zhonghan, "POST", "/monitor/campaigns", body, nil); status != http.StatusForbidden {
		t.Errorf("a street defining a campaign: %d, want 403", status)
	}
	if status, code := f.call(t, f.laoshan, "POST", "/monitor/campaigns", strings.Replace(body, `"dibao"`, `"rich"`, 1), nil); status != http.StatusBadRequest || code != "monitor.campaign_tiers" {
		t.Errorf("unknown tier: %d %s", status, code)
	}
	if status, _ := f.call(t, f.laoshan, "POST", "/monitor/campaigns", body, &c); status != http.StatusCreated || c.Tasks == 0 {
		t.Fatalf("campaign: %d %+v", status, c)
	}
	var got struct {
		Campaign    struct{ Tasks, Done int }
		Communities []struct{ Name string }
		Tasks       []struct{ ID int64 }
	}
	path := fmt.Sprintf("/monitor/campaigns/%d", c.ID)
	if status, _ := f.call(t, f.zhonghan, "GET", path+"?state=pending", "", &got); status != http.StatusOK || len(got.Communities) == 0 || len(got.Tasks) == 0 {
		t.Fatalf("campaign progress: %d %+v", status, got)
	}
	if status, _ := f.call(t, f.badaguan, "GET", path, "", nil); status != http.StatusNotFound {
		t.Errorf("campaign of another district: %d, want 404", status)
	}
	task := fmt.Sprintf("/monitor/tasks/%d/visit", got.Tasks[0].ID)
	var done struct{ State, Outcome string }
	if status, _ := f.call(t, f.zhonghan, "POST", task, `{"findings":"已转介残联","outcome":"refer"}`, &done); status != http.StatusOK || done.State != "done" || done.Outcome != "refer" {
		t.Fatalf("task visit: %d %+v", status, done)
	}
	if status, code := f.call(t, f.zhonghan, "POST", task, `{"findings":"再次走访","outcome":"no_change"}`, nil); status != http.StatusConflict || code != "monitor.task_done" {
		t.Errorf("second visit: %d %s", status, code)
	}
}
