package web

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

const passwordPath = "/account/password"

type loginContent struct {
	Form *form
	Next string
}

func (s *Site) registerLogin() {
	s.page("GET", "/login", auth.Public, s.loginPage, nil)
	s.page("POST", "/login", auth.Public, s.loginSubmit, nil)
	s.page("POST", "/logout", auth.SignedIn, s.logout, nil)
}

func (s *Site) loginPage(w http.ResponseWriter, r *http.Request) {
	if auth.FromContext(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", s.msg.T("login.title"),
		loginContent{Form: &form{}, Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Site) loginSubmit(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	next := safeNext(f.Get("next"))
	secret, p, err := s.deps.Auth.Login(r.Context(), f.Get("login"), f.Get("password"), httpx.ClientIP(r), r.UserAgent())
	if err != nil {
		if err := f.fail(err); err != nil {
			s.renderError(w, r, err)
			return
		}
		f.Values.Del("password")
		s.render(w, r, statusFor(err), "login", s.msg.T("login.title"), loginContent{Form: f, Next: next})
		return
	}
	s.setSessionCookie(w, r, secret)
	if p.MustChangePassword {
		next = passwordPath
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Site) logout(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if c, err := r.Cookie(auth.SessionCookie); err == nil {
		if err := s.deps.Auth.Logout(r.Context(), p, c.Value, httpx.ClientIP(r)); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
