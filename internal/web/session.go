package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
)

// authenticate puts the principal of a valid session cookie into the request context. An invalid
// or expired cookie is cleared; the request continues as anonymous and guard decides.
func (s *Site) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(auth.SessionCookie)
		if err != nil || s.deps.Auth == nil {
			next.ServeHTTP(w, r)
			return
		}
		p, err := s.deps.Auth.Authenticate(r.Context(), c.Value)
		if err != nil {
			if apperr.KindOf(err) != apperr.Unauthenticated {
				s.renderError(w, r, err)
				return
			}
			s.clearSessionCookie(w, r)
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// guard lets a request through only if its caller holds perm: anonymous callers are sent to the
// log-in page, callers without the permission get the 403 page, and a user who must still change
// an initial password is sent to do that first.
func (s *Site) guard(perm auth.Permission, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if perm == auth.Public {
			h(w, r)
			return
		}
		p := auth.FromContext(r.Context())
		if p == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if p.MustChangePassword && r.URL.Path != passwordPath {
			http.Redirect(w, r, passwordPath, http.StatusSeeOther)
			return
		}
		if !p.Can(perm) {
			s.renderError(w, r, apperr.Msg(apperr.Forbidden, "auth.forbidden"))
			return
		}
		h(w, r)
	})
}

// secure says whether cookies must be Secure: always over TLS, and behind an HTTPS proxy when
// configured so.
func (s *Site) secure(r *http.Request) bool { return r.TLS != nil || s.deps.SecureCookies }

func (s *Site) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name: auth.SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
		Expires: s.deps.Now().Add(s.deps.Auth.SessionMax), // the cookie lasts as long as the session may
	})
}

func (s *Site) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
