package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

type userContent struct {
	User       *auth.User
	ScopeName  string
	CanManage  bool
	Self       bool
	CanReveal  bool
	Phone      string // revealed number, only right after a reveal
	Tokens     []auth.Token
	CanTokens  bool
	Roles      []auth.Role
	Form       *form
	Notice     string
	Now        time.Time
	TokenForm  *form
	ShowTokens bool
}

func (s *Site) registerUser() {
	s.page("GET", "/users/{id}", auth.UserView, s.userPage, nil)
	s.page("POST", "/users/{id}", auth.UserManage, s.userUpdate, nil)
	s.page("POST", "/users/{id}/password-reset", auth.UserManage, s.userPasswordReset, nil)
	s.page("POST", "/users/{id}/logout-everywhere", auth.UserManage, s.userLogoutEverywhere, nil)
	s.page("POST", "/users/{id}/reveal-phone", auth.PIIReveal, s.userRevealPhone, nil)
	s.page("POST", "/users/{id}/tokens", auth.TokenManage, s.userTokenCreate, nil)
	s.page("POST", "/users/{id}/tokens/{token}/revoke", auth.TokenManage, s.userTokenRevoke, nil)
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Msg(apperr.NotFound, "user.notfound")
	}
	return id, nil
}

// loadUser builds the user page's content; out-of-scope users are not found.
func (s *Site) loadUser(r *http.Request) (*userContent, error) {
	p := auth.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	u, err := s.deps.Auth.GetUser(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	c := &userContent{User: u, ScopeName: s.scopeName(r, u.Scope.Code()), CanManage: p.CanManage(u.Role, u.Scope),
		Self: p.UserID == u.ID, CanReveal: p.Can(auth.PIIReveal) && u.PhoneMasked != "", CanTokens: p.Can(auth.TokenManage),
		Roles: p.ManageableRoles(), Now: s.deps.Now(), TokenForm: &form{Errors: map[string]string{}}}
	c.Form = &form{Values: url.Values{"name": {u.Name}, "role": {string(u.Role)}, "scope": {u.Scope.Code()},
		"org_id": {orgText(u.OrgID)}}, Errors: map[string]string{}}
	c.ShowTokens = c.CanTokens && (u.Role.IsMachine() || u.Role.NeedsOrg())
	if c.CanTokens {
		if c.Tokens, err = s.deps.Auth.ListTokens(r.Context(), p, id); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func orgText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func (s *Site) userPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadUser(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Notice = noticeKey(r.URL.Query().Get("done"))
	s.render(w, r, http.StatusOK, "user", c.User.Name, c)
}

// noticeKey maps the ?done= marker of a redirect after an action to its message.
func noticeKey(done string) string {
	switch done {
	case "saved", "logout", "revoked":
		return "user.done." + done
	}
	return ""
}

// userUpdate saves the edit form: name, role, scope, organisation, phone and status.
func (s *Site) userUpdate(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	c, err := s.loadUser(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	name, role, scope := f.Get("name"), auth.Role(f.Get("role")), f.Get("scope")
	org, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	disabled := f.Get("disabled") == "1"
	change := auth.UserChange{Name: &name}
	if !c.Self {
		change.Role, change.Scope, change.OrgID, change.Disabled = &role, &scope, &org, &disabled
	}
	if f.Values.Has("phone") && f.Get("phone") != "" {
		phone := f.Get("phone")
		change.Phone = &phone
	}
	if _, err := s.deps.Auth.UpdateUser(r.Context(), p, c.User.ID, change, httpx.ClientIP(r)); err != nil {
		if err := f.fail(err); err != nil {
			s.renderError(w, r, err)
			return
		}
		c.Form = f
		s.render(w, r, statusFor(err), "user", c.User.Name, c)
		return
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(c.User.ID, 10)+"?done=saved", http.StatusSeeOther)
}

func (s *Site) userPasswordReset(w http.ResponseWriter, r *http.Request) {
	c, ok := s.confirmedAction(w, r)
	if !ok {
		return
	}
	password, err := s.deps.Auth.ResetPassword(r.Context(), auth.FromContext(r.Context()), c.User.ID, httpx.ClientIP(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "user_secret", s.msg.T("user.password_reset"),
		secretContent{User: c.User, Kind: "user.initial_password", Secret: password, Explain: "user.initial_password_explain"})
}

func (s *Site) userLogoutEverywhere(w http.ResponseWriter, r *http.Request) {
	c, ok := s.confirmedAction(w, r)
	if !ok {
		return
	}
	if err := s.deps.Auth.LogoutEverywhere(r.Context(), auth.FromContext(r.Context()), c.User.ID, httpx.ClientIP(r)); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(c.User.ID, 10)+"?done=logout", http.StatusSeeOther)
}

// userRevealPhone shows the full phone number once; the reveal is in the audit log.
func (s *Site) userRevealPhone(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadUser(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	phone, err := s.deps.Auth.RevealPhone(r.Context(), auth.FromContext(r.Context()), c.User.ID, httpx.ClientIP(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Phone = phone
	s.render(w, r, http.StatusOK, "user", c.User.Name, c)
}

func (s *Site) userTokenCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadUser(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	days, _ := strconv.Atoi(f.Get("days"))
	secret, _, err := s.deps.Auth.CreateToken(r.Context(), auth.FromContext(r.Context()), c.User.ID, f.Get("name"),
		time.Duration(days)*24*time.Hour, httpx.ClientIP(r))
	if err != nil {
		if err := f.fail(err); err != nil {
			s.renderError(w, r, err)
			return
		}
		c.TokenForm = f
		s.render(w, r, statusFor(err), "user", c.User.Name, c)
		return
	}
	s.render(w, r, http.StatusCreated, "user_secret", s.msg.T("token.created"),
		secretContent{User: c.User, Kind: "token.secret", Secret: secret, Explain: "token.secret_explain"})
}

func (s *Site) userTokenRevoke(w http.ResponseWriter, r *http.Request) {
	c, ok := s.confirmedAction(w, r)
	if !ok {
		return
	}
	tokenID, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		s.renderError(w, r, apperr.Msg(apperr.NotFound, "token.notfound"))
		return
	}
	if err := s.deps.Auth.RevokeToken(r.Context(), auth.FromContext(r.Context()), c.User.ID, tokenID, httpx.ClientIP(r)); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(c.User.ID, 10)+"?done=revoked", http.StatusSeeOther)
}

// confirmedAction loads the user an irreversible action is for and checks its confirmation box,
// answering the request itself when either fails.
func (s *Site) confirmedAction(w http.ResponseWriter, r *http.Request) (*userContent, bool) {
	c, err := s.loadUser(r)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	if !confirmed(r) {
		s.renderError(w, r, apperr.Msg(apperr.Invalid, "action.confirm_required"))
		return nil, false
	}
	return c, true
}

// confirmed reports whether an irreversible action's form carried its confirmation box: the
// browser's "required" is a convenience, the server is the check.
func confirmed(r *http.Request) bool { return r.PostFormValue("confirm") == "1" }
