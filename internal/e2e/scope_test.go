package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// apiResult is what a fetch from inside the page saw.
type apiResult struct {
	Status int `json:"status"`
	Body   struct {
		Code  string `json:"code"`
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"body"`
}

// fetchAPI calls the JSON API from the page, with the page's session cookie, as the UI's own
// scripts would.
func (b *tab) fetchAPI(path string) apiResult {
	b.t.Helper()
	return eval[apiResult](b, `fetch(`+jsString(path)+`, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
		.then(async r => ({status: r.status, body: await r.json()}))`)
}

// TestStreetOfficerStaysInOwnStreet checks, in a browser, that a street officer sees only the
// street in their scope: other streets, other districts and the wider city answer 404 as if they
// did not exist, and staff-management pages answer 403.
func TestStreetOfficerStaysInOwnStreet(t *testing.T) {
	m, b := setup(t)
	const street = "370212001" // 崂山区 中韩街道, zhonghan's scope

	if got := b.logIn("zhonghan", password(t, m, "zhonghan")); got != http.StatusOK || b.path() != "/" {
		t.Fatalf("log-in as zhonghan: status %d on %s, want 200 on /", got, b.path())
	}
	if got := b.text("h1"); got != "首页" {
		t.Errorf("home page h1 = %q, want 首页", got)
	}
	if top := b.text("header .user"); !strings.Contains(top, "中韩街道") {
		t.Errorf("top bar %q does not name the officer's street", top)
	}
	checkOnlyUnder(t, b, "home page", street)

	t.Run("own street", func(t *testing.T) {
		if got := b.open("/regions/" + street); got != http.StatusOK {
			t.Fatalf("/regions/%s: status %d, want 200", street, got)
		}
		if got := b.text("h1"); got != "中韩街道" {
			t.Errorf("h1 = %q, want 中韩街道", got)
		}
		checkOnlyUnder(t, b, "street page", street)
	})

	notFound := []struct{ name, code string }{
		{"other district 市南区", "370202"},
		{"other street 八大关街道", "370202009"},
		{"the whole city, wider than the scope", "3702"},
		{"sister street in the same district", "370212002"},
	}
	for _, tc := range notFound {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.open("/regions/" + tc.code); got != http.StatusNotFound {
				t.Errorf("/regions/%s: status %d, want 404", tc.code, got)
			}
			if got := b.text("h1"); got != "页面不存在" {
				t.Errorf("/regions/%s: h1 = %q, want 页面不存在", tc.code, got)
			}
			if links := b.attrs(`main a[href^="/regions/"]`, "href"); len(links) > 0 {
				t.Errorf("/regions/%s: 404 page still links to regions %v", tc.code, links)
			}
		})
	}

	for _, path := range []string{"/users", "/audit", "/users/1"} {
		t.Run("forbidden "+path, func(t *testing.T) {
			if got := b.open(path); got != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", path, got)
			}
			if got := b.text("h1"); got != "无权访问" {
				t.Errorf("%s: h1 = %q, want 无权访问", path, got)
			}
			if main := b.text("main"); phoneInText.MatchString(main) {
				t.Errorf("%s: 403 page shows a phone number: %q", path, main)
			}
		})
	}

	t.Run("API from the page", func(t *testing.T) {
		b.open("/")
		other := b.fetchAPI("/api/v1/regions/370202")
		if other.Status != http.StatusNotFound || other.Body.Error.Code != "not_found" {
			t.Errorf("GET /api/v1/regions/370202 = %d %+v, want 404 with error code not_found", other.Status, other.Body)
		}
		if other.Body.Error.Message == "" {
			t.Errorf("GET /api/v1/regions/370202: error has no message")
		}
		own := b.fetchAPI("/api/v1/regions/" + street)
		if own.Status != http.StatusOK || own.Body.Code != street {
			t.Errorf("GET /api/v1/regions/%s = %d %+v, want 200 with code %s", street, own.Status, own.Body, street)
		}
	})
}

// checkOnlyUnder fails unless the page's main content links to at least one region and every
// region link lies inside the scope.
func checkOnlyUnder(t *testing.T, b *tab, page, scope string) {
	t.Helper()
	links := b.attrs(`main a[href^="/regions/"]`, "href")
	if len(links) == 0 {
		t.Errorf("%s lists no regions; text:\n%s", page, b.text("main"))
	}
	for _, href := range links {
		if code := strings.TrimPrefix(href, "/regions/"); !strings.HasPrefix(code, scope) || code == scope {
			t.Errorf("%s links to %s, outside the street %s's communities", page, href, scope)
		}
	}
	if names := b.texts("main table.data tbody a"); len(names) > 0 && !strings.HasSuffix(names[0], "委员会") {
		t.Errorf("%s: first row %q is not a community (村/居民委员会)", page, names[0])
	}
}
