package e2e

import (
	"context"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// attackPage auto-submits a form to another origin as soon as it loads: the classic cross-site
// request forgery against a signed-in officer.
var attackPage = template.Must(template.New("attack").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>领取补贴</title></head>
<body><form method="post" action="{{.}}"><input type="hidden" name="x" value="1"></form>
<script>document.forms[0].submit()</script></body></html>`))

// attacker serves attackPage on its own port: GET /?to=URL submits to URL.
func attacker(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = attackPage.Execute(w, r.URL.Query().Get("to"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// visitAttack opens the attacker's page at pageURL, lets it submit itself, and returns the URL
// and status of the document the app answered with, once the browser shows it.
func (b *tab) visitAttack(pageURL string) (string, int) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	responses := chromedp.Events(ctx, network.ResponseReceived)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// Page.navigate without waiting for the load: the page navigates away by itself.
		_, err := cdp.Call(ctx, t, page.Navigate, page.NavigateParams{URL: pageURL})
		return err
	})); err != nil {
		b.t.Fatalf("open %s: %v", pageURL, err)
	}
	attackOrigin := pageURL[:strings.Index(pageURL, "/?")]
	for ev, err := range responses {
		if err != nil {
			b.t.Fatalf("waiting for the app's answer to the page at %s: %v", pageURL, err)
		}
		// A redirect has no response event of its own: the first document from elsewhere is
		// where the forged POST ended.
		if ev.Type != network.ResourceTypeDocument || strings.HasPrefix(ev.Response.URL, attackOrigin+"/") {
			continue
		}
		b.waitFor(ctx, `location.href === `+jsString(ev.Response.URL)+` && document.readyState === 'complete'`)
		return ev.Response.URL, int(ev.Response.Status)
	}
	b.t.Fatalf("the browser stopped sending network events before the page at %s was answered", pageURL)
	return "", 0
}

// waitFor polls a JavaScript condition until it holds. (chromedp.Poll compiles its predicate with
// new Function, which the app's Content-Security-Policy rightly forbids.)
func (b *tab) waitFor(ctx context.Context, cond string) {
	b.t.Helper()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("waiting for %s: %v (last error %v)", cond, ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestCrossSiteFormIsRejected has a page on another origin auto-submit forms to the app while a
// city administrator is signed in in the same browser. The app must refuse them, so the session
// and the victim's password survive. The same-site case (localhost on another port) matters most:
// there the SameSite=Lax cookie is sent, and only the app's cross-origin check stands in the way.
func TestCrossSiteFormIsRejected(t *testing.T) {
	m, b := setup(t)
	if got := b.logIn("admin", password(t, m, "admin")); got != http.StatusOK || b.path() != "/" {
		t.Fatalf("log-in as admin: status %d on %s", got, b.path())
	}
	zhonghanID := userID(t, b, "zhonghan")
	evil := attacker(t)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(evil.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	appHost := strings.Split(strings.TrimPrefix(b.base, "http://"), ":")[0]
	if appHost != "localhost" {
		t.Fatalf("app URL %s: the same-site case below assumes the host localhost", b.base)
	}

	tests := []struct {
		name, origin, action string
	}{
		{"same site other port logout", "http://localhost:" + port, "/logout"},
		{"same site other port password reset", "http://localhost:" + port, "/users/" + zhonghanID + "/password-reset"},
		{"cross site logout", "http://127.0.0.1:" + port, "/logout"},
		{"cross site password reset", "http://127.0.0.1:" + port, "/users/" + zhonghanID + "/password-reset"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := b.base + tc.action
			ended, status := b.visitAttack(tc.origin + "/?to=" + url.QueryEscape(target))
			if ended != target || status != http.StatusForbidden {
				t.Errorf("forged POST %s from %s ended on %s with status %d, want 403 on %s; page:\n%s",
					tc.action, tc.origin, ended, status, target, b.text("body"))
			}
			if body := b.text("body"); strings.Contains(body, "初始密码") {
				t.Errorf("forged POST %s reset a password; page:\n%s", tc.action, body)
			}
			if got := b.open("/"); got != http.StatusOK || b.path() != "/" || b.text("h1") != "首页" {
				t.Fatalf("after the forged POST, / shows %s (status %d, h1 %q): the session is gone", b.path(), got, b.text("h1"))
			}
		})
	}

	t.Run("victim password unchanged", func(t *testing.T) {
		victim := b.session()
		if got := victim.logIn("zhonghan", password(t, m, "zhonghan")); got != http.StatusOK || victim.path() != "/" {
			t.Errorf("zhonghan's demo password no longer works (status %d on %s): a forged reset went through", got, victim.path())
		}
	})

	// Control: the same self-submitting form on the app's own origin does sign out, so the
	// refusals above come from the origin check and not from a browser that sent no cookie.
	t.Run("same origin form is accepted", func(t *testing.T) {
		b.open("/")
		_, err := chromedp.RunResponse(b.ctx, chromedp.Evaluate[chromedp.Void](`(() => {
			const f = document.createElement('form');
			f.method = 'post';
			f.action = '/logout';
			document.body.appendChild(f);
			f.submit();
		})()`))
		if err != nil {
			t.Fatalf("same-origin POST /logout: %v", err)
		}
		if p := b.path(); !strings.HasPrefix(p, "/login") {
			t.Errorf("same-origin POST /logout ended on %s, want /login", p)
		}
	})
}

// userID looks a user's numeric id up in the user list.
func userID(t *testing.T, b *tab, login string) string {
	t.Helper()
	b.open("/users?q=" + url.QueryEscape(login))
	for _, href := range b.attrs(`main table.data a[href^="/users/"]`, "href") {
		if b.text(fmt.Sprintf(`main table.data a[href=%q]`, href)) == login {
			return strings.TrimPrefix(href, "/users/")
		}
	}
	t.Fatalf("user list has no %s", login)
	return ""
}
