package web

// The public side of the site: members of the public sign in with their mobile number and a
// one-time code (internal/citizen), apply online for assistance and follow their own cases under
// /apply. These pages are auth.Public as far as the staff permission table goes; who may see a
// case is decided by the citizen session and the store (Store.CitizenCase), never by a staff role.
//
// Why the public pages drop the staff principal from the request: a street officer who opens
// /apply on the office computer must see what the public sees — no staff navigation, no staff
// name in the top bar — and nothing on these pages may depend on a staff session.

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/pii"
)

// The public application pages.
const (
	applyHomePath   = "/apply"
	applySigninPath = "/apply/signin"
	applyMinePath   = "/apply/mine"
)

// registerCitizen registers the public portal. Every route is auth.Public for the staff guard;
// the pages of a signed-in citizen check the citizen session themselves (citizenOnly).
func (s *Site) registerCitizen() {
	s.page("GET", applyHomePath, auth.Public, s.citizenPage(s.applyHome), nil)
	s.page("GET", applySigninPath, auth.Public, s.citizenPage(s.signinPage), nil)
	s.page("POST", applySigninPath, auth.Public, s.citizenPage(s.signinRequest), nil)
	s.page("POST", applySigninPath+"/code", auth.Public, s.citizenPage(s.signinCode), nil)
	s.page("POST", "/apply/signout", auth.Public, s.citizenPage(s.signout), nil)
	s.page("GET", "/apply/new", auth.Public, s.citizenOnly(s.applyForm), nil)
	s.page("POST", "/apply/new", auth.Public, s.citizenOnly(s.applySubmit), nil)
	s.page("GET", applyMinePath, auth.Public, s.citizenOnly(s.applyMine), nil)
	s.page("GET", applyMinePath+"/{id}", auth.Public, s.citizenOnly(s.applyCase), nil)
	s.page("GET", applyMinePath+"/{id}/decisions/{decision}", auth.Public, s.citizenOnly(s.applyDecision), nil)
	s.page("POST", applyMinePath+"/{id}/documents", auth.Public, s.citizenOnly(s.applyUpload), nil)
}

// citizenPage wraps a public page: it hides any staff session from the page and puts the citizen
// of a valid mz_citizen cookie into the request context. An expired or unknown cookie is cleared
// and the request goes on as anonymous, so a stale cookie never locks anyone out.
func (s *Site) citizenPage(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := auth.WithPrincipal(r.Context(), nil)
		if ck, err := r.Cookie(citizen.CookieName); err == nil && s.deps.Citizens != nil {
			c, err := s.deps.Citizens.Authenticate(ctx, ck.Value)
			switch {
			case err == nil:
				ctx = citizen.WithCitizen(ctx, c)
			case apperr.KindOf(err) == apperr.Unauthenticated:
				s.clearCitizenCookie(w, r)
			default:
				s.publicError(w, r.WithContext(ctx), err)
				return
			}
		}
		h(w, r.WithContext(ctx))
	}
}

// citizenOnly is citizenPage for the pages of a signed-in citizen: anyone else is sent to sign in
// first and brought back afterwards.
func (s *Site) citizenOnly(h http.HandlerFunc) http.HandlerFunc {
	return s.citizenPage(func(w http.ResponseWriter, r *http.Request) {
		if citizen.FromContext(r.Context()) == nil {
			next := r.URL.Path
			if r.Method != http.MethodGet {
				next = applyMinePath
			}
			http.Redirect(w, r, applySigninPath+"?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		h(w, r)
	})
}

// citizenTTL is how long a citizen's cookie lasts: as long as the session it carries.
func (s *Site) citizenTTL() time.Duration {
	if s.deps.Citizens != nil && s.deps.Citizens.Rules.SessionTTL > 0 {
		return s.deps.Citizens.Rules.SessionTTL
	}
	return citizen.DefaultRules.SessionTTL
}

// setCitizenCookie hands the browser the session secret: HttpOnly so no script can read it,
// SameSite=Lax so another site cannot post with it, Secure behind HTTPS.
func (s *Site) setCitizenCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{Name: citizen.CookieName, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode, MaxAge: int(s.citizenTTL() / time.Second)})
}

// clearCitizenCookie removes the citizen cookie on sign-out or when its session has ended.
func (s *Site) clearCitizenCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: citizen.CookieName, Value: "", Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// applyNext keeps the page after sign-in inside the public portal.
func applyNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/apply/") || strings.ContainsAny(next, "\\") || strings.HasPrefix(next, "/apply/sign") {
		return applyMinePath
	}
	return next
}

// signinContent is the sign-in page: first the phone number, then (Sent) the code.
type signinContent struct {
	Form *form
	Sent bool
	// Phone is the number the code went to, masked, and Minutes how long the code lasts.
	Phone   string
	Minutes int
	Next    string
}

// signinPage asks for the mobile number. Someone already signed in goes straight on.
func (s *Site) signinPage(w http.ResponseWriter, r *http.Request) {
	next := applyNext(r.URL.Query().Get("next"))
	if citizen.FromContext(r.Context()) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "apply_signin", s.msg.T("apply.signin.title"), signinContent{Form: &form{}, Next: next})
}

// signinRequest sends a code to the number typed, then shows the code form. Every refusal —
// a mistyped number, too many codes, a failed SMS gateway — is shown beside the number.
func (s *Site) signinRequest(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	c := signinContent{Form: f, Next: applyNext(f.Get("next"))}
	if s.deps.Citizens == nil {
		s.publicError(w, r, apperr.Msg(apperr.Internal, "citizen.send_failed"))
		return
	}
	phone, _ := citizen.ParsePhone(f.Get("phone"))
	c.Phone, c.Minutes = pii.MaskPhone(phone), s.codeMinutes()
	err := s.deps.Citizens.RequestCode(r.Context(), f.Get("phone"), httpx.ClientIP(r))
	if err != nil {
		// A refused resend keeps the code form: the code sent before still works.
		c.Sent = f.Get("resend") != "" && phone != ""
		field := "phone"
		if c.Sent {
			field = "resend"
		}
		s.signinFailed(w, r, c, field, err)
		return
	}
	c.Sent = true
	s.render(w, r, http.StatusOK, "apply_signin", s.msg.T("apply.signin.title"), c)
}

// signinCode checks the code and, when it is right, signs the citizen in with an HttpOnly cookie.
func (s *Site) signinCode(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	c := signinContent{Form: f, Next: applyNext(f.Get("next")), Sent: true, Minutes: s.codeMinutes()}
	if phone, err := citizen.ParsePhone(f.Get("phone")); err == nil {
		c.Phone = pii.MaskPhone(phone)
	}
	if s.deps.Citizens == nil {
		s.publicError(w, r, apperr.Msg(apperr.Internal, "citizen.send_failed"))
		return
	}
	secret, _, err := s.deps.Citizens.Verify(r.Context(), f.Get("phone"), f.Get("code"), httpx.ClientIP(r))
	if err != nil {
		s.signinFailed(w, r, c, "code", err)
		return
	}
	s.setCitizenCookie(w, r, secret)
	http.Redirect(w, r, c.Next, http.StatusSeeOther)
}

// signinFailed shows a sign-in refusal beside field (or beside the field it names). A failed SMS
// gateway is our fault but the citizen can only wait, so it is logged and said in plain words
// rather than shown as the error page.
func (s *Site) signinFailed(w http.ResponseWriter, r *http.Request, c signinContent, field string, err error) {
	e := apperr.As(err)
	status := statusFor(err)
	if e.Kind == apperr.Internal {
		if e.Code != "citizen.send_failed" {
			s.publicError(w, r, err)
			return
		}
		s.log.Error("citizen sign-in code not sent", "err", err)
		status = http.StatusServiceUnavailable
	}
	if e.Field != "" {
		field = e.Field
	}
	if field == "phone" {
		c.Sent = false // the number itself is refused: ask for it again
	}
	c.Form.Errors[field] = e.Message
	s.render(w, r, status, "apply_signin", s.msg.T("apply.signin.title"), c)
}

// signout ends the citizen's session; the button works even when the session is already gone.
func (s *Site) signout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(citizen.CookieName); err == nil && s.deps.Citizens != nil {
		if err := s.deps.Citizens.SignOut(r.Context(), ck.Value); err != nil {
			s.publicError(w, r, err)
			return
		}
	}
	s.clearCitizenCookie(w, r)
	http.Redirect(w, r, applyHomePath, http.StatusSeeOther)
}

// codeMinutes is how long a code may be used, for the page to say so.
func (s *Site) codeMinutes() int {
	ttl := citizen.DefaultRules.CodeTTL
	if s.deps.Citizens != nil && s.deps.Citizens.Rules.CodeTTL > 0 {
		ttl = s.deps.Citizens.Rules.CodeTTL
	}
	return int(ttl / time.Minute)
}

type publicErrorContent struct {
	Message string
	Back    string
}

// publicError is renderError for the public pages: the same message, but a way back into the
// portal instead of a link to the staff home page.
func (s *Site) publicError(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	status := apperr.Status(e.Kind)
	msg := e.Message
	if e.Kind == apperr.Internal {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = s.msg.T("error.internal")
	}
	back := applyHomePath
	if citizen.FromContext(r.Context()) != nil {
		back = applyMinePath
	}
	s.render(w, r, status, "apply_error", s.msg.T(statusTitleKey(status)), publicErrorContent{Message: msg, Back: back})
}
