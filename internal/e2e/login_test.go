package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestLoginErrorsAndLogout walks the sign-in form: a wrong password keeps the user on the form
// with a message and the name still typed, the right one lands on the home page, and 退出登录
// ends the session for real.
func TestLoginErrorsAndLogout(t *testing.T) {
	m, b := setup(t)

	if got := b.open("/"); got != http.StatusOK || !strings.HasPrefix(b.path(), "/login") {
		t.Fatalf("/ signed out: status %d on %s, want the login page", got, b.path())
	}

	t.Run("wrong password", func(t *testing.T) {
		got := b.submitLogin("zhonghan", "not-the-password")
		if got != http.StatusUnauthorized {
			t.Errorf("wrong password: status %d, want 401", got)
		}
		if p := b.path(); !strings.HasPrefix(p, "/login") {
			t.Errorf("wrong password ended on %s, want /login", p)
		}
		if msg := b.text(`[role="alert"]`); msg != "用户名或密码不正确" {
			t.Errorf("alert = %q, want 用户名或密码不正确", msg)
		}
		if v := eval[string](b, `document.querySelector('#login').value`); v != "zhonghan" {
			t.Errorf("login field = %q after a failed sign-in, want zhonghan kept", v)
		}
		if v := eval[string](b, `document.querySelector('#password').value`); v != "" {
			t.Errorf("password field kept %q after a failed sign-in, want it empty", v)
		}
	})

	t.Run("unknown user gets the same message", func(t *testing.T) {
		b.open("/login")
		b.submitLogin("nobody-here", "whatever-password")
		if msg := b.text(`[role="alert"]`); msg != "用户名或密码不正确" {
			t.Errorf("alert = %q, want 用户名或密码不正确 (no hint that the user does not exist)", msg)
		}
	})

	t.Run("right password", func(t *testing.T) {
		b.open("/login")
		if got := b.submitLogin("zhonghan", password(t, m, "zhonghan")); got != http.StatusOK {
			t.Fatalf("log-in: status %d", got)
		}
		if p := b.path(); p != "/" {
			t.Errorf("log-in landed on %s, want /", p)
		}
		if h := b.text("h1"); h != "首页" {
			t.Errorf("h1 = %q, want 首页", h)
		}
		if top := b.text("header .user"); !strings.Contains(top, "中韩街道经办人") {
			t.Errorf("top bar %q does not name the signed-in user", top)
		}
		if c := eval[string](b, `document.cookie`); c != "" {
			t.Errorf("document.cookie = %q, want the session cookie hidden from scripts (HttpOnly)", c)
		}
	})

	t.Run("logout", func(t *testing.T) {
		if got := b.click(`header form[action="/logout"] button`); got != http.StatusOK {
			t.Errorf("退出登录: status %d", got)
		}
		if p := b.path(); !strings.HasPrefix(p, "/login") {
			t.Fatalf("退出登录 ended on %s, want /login", p)
		}
		b.open("/")
		if p := b.path(); !strings.HasPrefix(p, "/login") {
			t.Errorf("/ after logout shows %s, want a redirect to /login", p)
		}
		if got := b.open("/regions/370212001"); got != http.StatusOK || !strings.HasPrefix(b.path(), "/login") {
			t.Errorf("/regions/370212001 after logout: status %d on %s, want the login page", got, b.path())
		}
	})
}
