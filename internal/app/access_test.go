package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/registry"
)

// accessTarget is what a request is aimed at: a user and a region either inside or outside the
// caller's scope.
type accessTarget struct {
	candidate int64
	userID    int64
	household int64
	person    int64
	userScope string
	region    string
	newToken  func() int64
	// cases are the assistance records of the target's household (access_cases_test.go).
	cases caseTargets
	// payout is a roster of the target's district (access_payout_test.go).
	payout payoutTargets
}

// accessRequest is one concrete request for a route.
type accessRequest struct {
	method, path, body, contentType string
}

// routeCases builds a concrete request for every registered route. A route missing here fails
// TestAccessMatrix: every new route must say how it is exercised, and so is checked against the
// permission table. Modules add theirs from their own files with addRouteCases.
var routeCases = map[string]func(t accessTarget) accessRequest{
	"GET /{$}":            func(accessTarget) accessRequest { return accessRequest{path: "/"} },
	"GET /regions/{code}": func(t accessTarget) accessRequest { return accessRequest{path: "/regions/" + t.region} },
	"GET /login":          func(accessTarget) accessRequest { return accessRequest{path: "/login"} },
	"POST /login":         func(accessTarget) accessRequest { return form("/login", "login=nobody&password=wrong") },
	"POST /logout":        func(accessTarget) accessRequest { return form("/logout", "") },
	"GET /account/password": func(accessTarget) accessRequest {
		return accessRequest{path: "/account/password"}
	},
	"POST /account/password": func(accessTarget) accessRequest { return form("/account/password", "current=x") },
	"GET /users":             func(accessTarget) accessRequest { return accessRequest{path: "/users"} },
	"GET /users/new":         func(accessTarget) accessRequest { return accessRequest{path: "/users/new"} },
	"POST /users/new":        func(accessTarget) accessRequest { return form("/users/new", "login=&name=") },
	"GET /users/{id}":        func(t accessTarget) accessRequest { return accessRequest{path: userPath(t, "")} },
	"POST /users/{id}": func(t accessTarget) accessRequest {
		return form(userPath(t, ""), "name=目标用户&role=grid_worker&scope="+t.userScope)
	},
	"POST /users/{id}/password-reset":    func(t accessTarget) accessRequest { return form(userPath(t, "/password-reset"), "") },
	"POST /users/{id}/logout-everywhere": func(t accessTarget) accessRequest { return form(userPath(t, "/logout-everywhere"), "") },
	"POST /users/{id}/reveal-phone":      func(t accessTarget) accessRequest { return form(userPath(t, "/reveal-phone"), "") },
	"POST /users/{id}/tokens":            func(t accessTarget) accessRequest { return form(userPath(t, "/tokens"), "name=测试&days=1") },
	"POST /users/{id}/tokens/{token}/revoke": func(t accessTarget) accessRequest {
		return form(userPath(t, fmt.Sprintf("/tokens/%d/revoke", t.newToken())), "")
	},
	"GET /audit":                 func(accessTarget) accessRequest { return accessRequest{path: "/audit"} },
	"GET /api/v1/openapi.json":   func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/openapi.json"} },
	"GET /api/v1/regions/{code}": func(t accessTarget) accessRequest { return accessRequest{path: "/api/v1/regions/" + t.region} },
	"GET /api/v1/me":             func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/me"} },
	"GET /api/v1/users":          func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/users"} },
	"POST /api/v1/users":         func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/users", `{"login":""}`) },
	"GET /api/v1/users/{id}":     func(t accessTarget) accessRequest { return accessRequest{path: "/api/v1" + userPath(t, "")} },
	"PATCH /api/v1/users/{id}": func(t accessTarget) accessRequest {
		return jsonReq("PATCH", "/api/v1"+userPath(t, ""), `{"name":"目标用户"}`)
	},
	"GET /api/v1/users/{id}/tokens": func(t accessTarget) accessRequest { return accessRequest{path: "/api/v1" + userPath(t, "/tokens")} },
	"POST /api/v1/users/{id}/tokens": func(t accessTarget) accessRequest {
		return jsonReq("POST", "/api/v1"+userPath(t, "/tokens"), `{"name":"测试","days":1}`)
	},
	"DELETE /api/v1/users/{id}/tokens/{token}": func(t accessTarget) accessRequest {
		return jsonReq("DELETE", "/api/v1"+userPath(t, fmt.Sprintf("/tokens/%d", t.newToken())), "")
	},
	"POST /api/v1/users/{id}/password-reset": func(t accessTarget) accessRequest {
		return jsonReq("POST", "/api/v1"+userPath(t, "/password-reset"), "")
	},
	"POST /api/v1/users/{id}/logout-everywhere": func(t accessTarget) accessRequest {
		return jsonReq("POST", "/api/v1"+userPath(t, "/logout-everywhere"), "")
	},
	"POST /api/v1/users/{id}/reveal-phone": func(t accessTarget) accessRequest { return jsonReq("POST", "/api/v1"+userPath(t, "/reveal-phone"), "") },
	"GET /api/v1/audit":                    func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/audit"} },
	"GET /households/new":                  func(accessTarget) accessRequest { return accessRequest{path: "/households/new"} },
	"POST /households/new":                 func(accessTarget) accessRequest { return form("/households/new", "member_count=1&address=") },
	"GET /households/{id}/edit": func(t accessTarget) accessRequest {
		return accessRequest{path: fmt.Sprintf("/households/%d/edit", t.household)}
	},
	"POST /households/{id}/edit": func(t accessTarget) accessRequest {
		return form(fmt.Sprintf("/households/%d/edit", t.household), "member_count=1&address=")
	},
	"GET /duplicates": func(accessTarget) accessRequest { return accessRequest{path: "/duplicates"} },
	"POST /duplicates/{id}": func(t accessTarget) accessRequest {
		return form(fmt.Sprintf("/duplicates/%d", t.candidate), "decision=dismiss") // no note: refused, stays open
	},
	"GET /households/import":  func(accessTarget) accessRequest { return accessRequest{path: "/households/import"} },
	"POST /households/import": func(accessTarget) accessRequest { return form("/households/import", "") },
	"POST /households/import/{upload}/commit": func(accessTarget) accessRequest {
		return form("/households/import/999999/commit", "confirm=1")
	},
	"GET /households/template.xlsx": func(accessTarget) accessRequest { return accessRequest{path: "/households/template.xlsx"} },
	"GET /households/export.xlsx":   func(accessTarget) accessRequest { return accessRequest{path: "/households/export.xlsx?name=户主"} },
	"GET /households":               func(accessTarget) accessRequest { return accessRequest{path: "/households?name=测"} },
	"GET /households/{id}": func(t accessTarget) accessRequest {
		return accessRequest{path: fmt.Sprintf("/households/%d", t.household)}
	},
	"POST /households/{id}/members/{person}/reveal-id": func(t accessTarget) accessRequest {
		return form(fmt.Sprintf("/households/%d/members/%d/reveal-id", t.household, t.person), "")
	},
	"GET /api/v1/duplicates": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/duplicates"} },
	"POST /api/v1/duplicates/{id}/decision": func(t accessTarget) accessRequest {
		return jsonReq("POST", fmt.Sprintf("/api/v1/duplicates/%d/decision", t.candidate), `{"decision":"dismiss"}`)
	},
	"POST /api/v1/imports": func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/imports?dry_run=true", "") },
	"GET /api/v1/persons/export.xlsx": func(accessTarget) accessRequest {
		return accessRequest{path: "/api/v1/persons/export.xlsx?name=户主"}
	},
	"POST /api/v1/calculations": func(accessTarget) accessRequest {
		return jsonReq("POST", "/api/v1/calculations", `{"program":"dibao"}`)
	},
	"GET /api/v1/policy/params": func(accessTarget) accessRequest {
		return accessRequest{path: "/api/v1/policy/params?name=dibao.standard"}
	},
	"POST /api/v1/policy/params": func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/policy/params", `{"name":""}`) },
	"POST /api/v1/simulations":   func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/simulations", `{"program":""}`) },
	"GET /households/{id}/calc": func(t accessTarget) accessRequest {
		return accessRequest{path: fmt.Sprintf("/households/%d/calc?program=dibao", t.household)}
	},
	"GET /calc": func(accessTarget) accessRequest {
		return accessRequest{path: "/calc?program=dibao&date=2024-03-01&region_code=370212&hukou=urban&m0.birth=1950-01-01&m0.covered=1&m0.wage=300"}
	},
	"GET /policy/params":  func(accessTarget) accessRequest { return accessRequest{path: "/policy/params"} },
	"POST /policy/params": func(accessTarget) accessRequest { return form("/policy/params", "name=") },
	"GET /policy/simulate": func(accessTarget) accessRequest {
		return accessRequest{path: "/policy/simulate?program=dibao&parameter=dibao.standard&percent=5&from=2024-01-01&date=2024-06-01"}
	},
	"GET /policy/simulate.xlsx": func(accessTarget) accessRequest {
		return accessRequest{path: "/policy/simulate.xlsx?program=dibao&parameter=dibao.standard&percent=5&from=2024-01-01&date=2024-06-01"}
	},
	"GET /api/v1/persons": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/persons?name=测"} },
	"POST /api/v1/persons/{id}/reveal-id": func(t accessTarget) accessRequest {
		return jsonReq("POST", fmt.Sprintf("/api/v1/persons/%d/reveal-id", t.person), "")
	},
	"POST /api/v1/households": func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/households", `{"members":[]}`) },
	"GET /api/v1/households/{id}": func(t accessTarget) accessRequest {
		return accessRequest{path: fmt.Sprintf("/api/v1/households/%d", t.household)}
	},
	"PUT /api/v1/households/{id}": func(t accessTarget) accessRequest {
		return jsonReq("PUT", fmt.Sprintf("/api/v1/households/%d", t.household), `{"version":1,"members":[]}`)
	},
	"GET /api/v1/households/{id}/history": func(t accessTarget) accessRequest {
		return accessRequest{path: fmt.Sprintf("/api/v1/households/%d/history", t.household)}
	},
}

func form(path, body string) accessRequest {
	return accessRequest{method: "POST", path: path, body: body, contentType: "application/x-www-form-urlencoded"}
}

func jsonReq(method, path, body string) accessRequest {
	return accessRequest{method: method, path: path, body: body, contentType: "application/json"}
}

func userPath(t accessTarget, suffix string) string {
	return fmt.Sprintf("/users/%d%s", t.userID, suffix)
}

// caller is one identity the matrix tries.
type caller struct {
	name   string
	role   auth.Role // "" for anonymous
	client *http.Client
	token  string
	// inScope and outScope are targets inside and outside the caller's scope (outScope.userID
	// is 0 when the caller's scope covers every test user).
	inScope, outScope accessTarget
}

// TestAccessMatrix tries every registered route as every role, as an anonymous visitor and
// against records outside the caller's scope, and checks each answer against the permission
// table: no permission ⇒ 403 (or the log-in page / 401 when anonymous); permission but out of
// scope ⇒ 404; permission and in scope ⇒ neither.
func TestAccessMatrix(t *testing.T) {
	m := startDemo(t, "")
	// Two throw-away grid workers as targets, one in a community of 崂山区 中韩街道 and one in
	// 市南区 八大关街道, so that resetting or disabling them disturbs no caller.
	in := makeTarget(t, m, "target.in", "370212001")
	out := makeTarget(t, m, "target.out", "370202009")

	callers := []caller{{name: "anonymous", inScope: in}}
	for _, l := range m.DemoLogins {
		c := caller{name: l.Login, role: l.Role}
		if l.Token != "" {
			c.token = l.Token
		} else {
			c.client = sessionClient(t, m, l.Login, l.Password)
		}
		c.inScope, c.outScope = pickTargets(userScope(t, m, l.Login), in, out)
		callers = append(callers, c)
	}

	routes := m.Routes()
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].Pattern == "/logout" }) // log out last
	for _, r := range routes {
		key := r.Method + " " + r.Pattern
		build, ok := routeCases[key]
		if !ok {
			t.Errorf("route %s has no entry in routeCases: add one so its access is tested", key)
			continue
		}
		for _, c := range callers {
			t.Run(key+"/"+c.name, func(t *testing.T) {
				status, body := c.do(t, m, build(c.inScope))
				checkAccess(t, r, c, status, body, false)
				hasWildcard := strings.Contains(strings.ReplaceAll(r.Pattern, "{$}", ""), "{")
				if c.outScope.region != "" && hasWildcard && !ownedByCaller[key] && c.role != "" && c.role.Has(r.Perm) && (r.API || c.token == "") {
					status, body := c.do(t, m, build(c.outScope))
					checkAccess(t, r, c, status, body, true)
				}
			})
		}
	}
}

// ownedByCaller lists routes whose wildcard names something that belongs to the caller, not to a
// region (an upload): anyone else's, or none, answers 404, so scope does not apply.
var ownedByCaller = map[string]bool{"POST /households/import/{upload}/commit": true}

func checkAccess(t *testing.T, r Route, c caller, status int, body string, outOfScope bool) {
	t.Helper()
	if ownedByCaller[r.Method+" "+r.Pattern] && c.role.Has(r.Perm) && status == http.StatusNotFound && (r.API || c.token == "") {
		return
	}
	switch {
	case status >= 500:
		t.Errorf("status %d: %.300s", status, body)
	case r.Perm == auth.Public:
		// anyone may call it; what it answers is its own business
	case c.token != "" && !r.API:
		// Pages do not take API tokens: a machine is an anonymous visitor there.
		if status != http.StatusSeeOther {
			t.Errorf("token caller on a page: status %d, want 303 to /login", status)
		}
	case c.role == "" && r.API:
		if status != http.StatusUnauthorized {
			t.Errorf("anonymous API call: status %d, want 401", status)
		}
	case c.role == "":
		if status != http.StatusSeeOther {
			t.Errorf("anonymous page: status %d, want 303 to /login", status)
		}
	case !c.role.Has(r.Perm):
		if status != http.StatusForbidden {
			t.Errorf("%s lacks %s: status %d, want 403", c.role, r.Perm, status)
		}
	case outOfScope:
		if status != http.StatusNotFound {
			t.Errorf("%s out of scope: status %d, want 404", c.role, status)
		}
	default:
		if status == http.StatusForbidden || status == http.StatusUnauthorized || status == http.StatusNotFound {
			t.Errorf("%s holds %s: status %d: %.300s", c.role, r.Perm, status, body)
		}
	}
}

func (c caller) do(t *testing.T, m *Main, req accessRequest) (int, string) {
	t.Helper()
	method := req.method
	if method == "" {
		method = "GET"
	}
	hr, err := http.NewRequest(method, m.URL()+req.path, strings.NewReader(req.body))
	if err != nil {
		t.Fatal(err)
	}
	if req.contentType != "" {
		hr.Header.Set("Content-Type", req.contentType)
	}
	client := c.client
	if client == nil {
		client = noRedirect(nil)
	}
	if c.token != "" {
		hr.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func sessionClient(t *testing.T, m *Main, login, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := noRedirect(jar)
	resp, err := c.PostForm(m.URL()+"/login", url.Values{"login": {login}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("log-in as %s: status %d", login, resp.StatusCode)
	}
	return c
}

// makeTarget creates a grid worker in the first community of street, and a token maker for it.
func makeTarget(t *testing.T, m *Main, login, street string) accessTarget {
	t.Helper()
	ctx := context.Background()
	var community string
	if err := m.DB.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE parent_code = ?`, street).Scan(&community); err != nil {
		t.Fatal(err)
	}
	u, err := m.svc.auth.Bootstrap(ctx, auth.UserInput{Login: login, Name: "目标用户", Role: auth.GridWorker, Scope: community,
		Phone: "17000009999"}, "target-password-1", false)
	if err != nil {
		t.Fatal(err)
	}
	newToken := func() int64 {
		_, tok, err := m.svc.auth.CreateToken(ctx, auth.System(), u.ID, "目标令牌", 0, "")
		if err != nil {
			t.Fatal(err)
		}
		return tok.ID
	}
	hh, person := makeHousehold(t, m, community, "户主"+login, u.ID)
	makeHousehold(t, m, community, "户主"+login, u.ID+500) // same name and birth date: a duplicate candidate
	var candidate int64
	if err := m.DB.QueryRow(ctx, `SELECT id FROM duplicate_candidates WHERE person_a = ? OR person_b = ?`, person, person).Scan(&candidate); err != nil {
		t.Fatal(err)
	}
	makeMonitorTargets(t, m, community, hh, person) // monitor_web_test.go
	makeMealStaffTargets(t, m, community)           // access_meals_staff_test.go
	makeMealOrderTargets(t, m, community)           // access_meals_orders_test.go
	makeMealSettleTargets(t, m, community)          // access_meals_settle_test.go
	return accessTarget{candidate: candidate, userID: u.ID, household: hh, person: person, userScope: community, region: community,
		newToken: newToken, cases: makeCaseTargets(t, m, community, hh), payout: makePayoutTargets(t, m, community, hh)}
}

// makeHousehold registers a one-person household in community, with an ID number made unique by
// seq; two households with the same name form a duplicate candidate.
func makeHousehold(t *testing.T, m *Main, community, name string, seq int64) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	id := idcard.Synthesize("370199", civil.Date{Year: 1948, Month: 5, Day: 6}, int(seq%1000)) // a code the generator never uses
	hid, err := m.svc.registry.Create(ctx, auth.System(), registry.HouseholdInput{RegionCode: community, Address: "测试路1号",
		Hukou: registry.Urban, HukouRegion: "370212", Members: []registry.PersonInput{{Name: name, IDNumber: string(id), Relation: registry.Head}}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := m.svc.registry.Get(ctx, auth.System(), hid)
	if err != nil {
		t.Fatal(err)
	}
	return hid, h.Members[0].ID
}

func userScope(t *testing.T, m *Main, login string) string {
	t.Helper()
	users, _, err := m.svc.auth.ListUsers(context.Background(), auth.System(), auth.UserFilter{Query: login, PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Login == login {
			return u.Scope.Code()
		}
	}
	t.Fatalf("no user %s", login)
	return ""
}

// pickTargets aims a caller at its own area (the region page of its scope, the target user in it
// if any) and, when one exists, at a target outside its scope.
func pickTargets(scope string, in, out accessTarget) (accessTarget, accessTarget) {
	covers := func(tg accessTarget) bool { return strings.HasPrefix(tg.userScope, scope) }
	own := in
	if !covers(in) && covers(out) {
		own = out
	}
	if len(scope) >= 4 {
		own.region = scope
	}
	switch {
	case !covers(out):
		return own, out
	case !covers(in):
		return own, in
	}
	return own, accessTarget{}
}
