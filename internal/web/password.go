package web

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

type passwordContent struct {
	Form   *form
	Forced bool
	Done   bool
}

func (s *Site) registerPassword() {
	s.page("GET", passwordPath, auth.SignedIn, s.passwordPage, nil)
	s.page("POST", passwordPath, auth.SignedIn, s.passwordSubmit, nil)
}

func (s *Site) passwordPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	s.render(w, r, http.StatusOK, "password", s.msg.T("password.title"),
		passwordContent{Form: &form{}, Forced: p.MustChangePassword, Done: r.URL.Query().Get("done") == "1"})
}

// passwordSubmit changes the caller's own password; other sessions of the user end.
func (s *Site) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := newForm(r)
	var err error
	if f.Get("next") != f.Get("confirm") {
		err = apperr.FieldMsg("confirm", "password.mismatch")
	} else {
		c, _ := r.Cookie(auth.SessionCookie)
		err = s.deps.Auth.ChangePassword(r.Context(), p, f.Get("current"), f.Get("next"), c.Value, httpx.ClientIP(r))
	}
	if err != nil {
		if err := f.fail(err); err != nil {
			s.renderError(w, r, err)
			return
		}
		f.Values = nil // never echo passwords
		s.render(w, r, statusFor(err), "password", s.msg.T("password.title"), passwordContent{Form: f, Forced: p.MustChangePassword})
		return
	}
	http.Redirect(w, r, passwordPath+"?done=1", http.StatusSeeOther)
}
