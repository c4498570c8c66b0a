package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

type usersContent struct {
	Users      []*auth.User
	Total      int
	Page       int
	Pages      int
	Query      string
	Role       string
	Roles      []auth.Role
	CanCreate  bool
	PrevURL    string
	NextURL    string
	ScopeNames map[string]string
}

const usersPerPage = 50

func (s *Site) registerUsers() {
	nav := &NavEntry{Section: "nav.section.system", Label: "nav.users", Order: 900}
	s.page("GET", "/users", auth.UserView, s.usersPage, nav)
	s.page("GET", "/users/new", auth.UserManage, s.newUserPage, nil)
	s.page("POST", "/users/new", auth.UserManage, s.newUserSubmit, nil)
}

// usersPage lists the users within the caller's scope.
func (s *Site) usersPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	filter := auth.UserFilter{Query: strings.TrimSpace(q.Get("q")), Role: auth.Role(q.Get("role")), Page: page, PerPage: usersPerPage}
	users, total, err := s.deps.Auth.ListUsers(r.Context(), p, filter)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c := usersContent{Users: users, Total: total, Page: page, Pages: max(1, (total+usersPerPage-1)/usersPerPage),
		Query: filter.Query, Role: string(filter.Role), Roles: auth.Roles(), CanCreate: len(p.ManageableRoles()) > 0,
		ScopeNames: map[string]string{}}
	for _, u := range users {
		if _, ok := c.ScopeNames[u.Scope.Code()]; !ok {
			c.ScopeNames[u.Scope.Code()] = s.regionBelow(r, p, u.Scope.Code())
		}
	}
	pageURL := func(n int) string {
		v := url.Values{"q": {filter.Query}, "role": {string(filter.Role)}, "page": {strconv.Itoa(n)}}
		return "/users?" + v.Encode()
	}
	if page > 1 {
		c.PrevURL = pageURL(page - 1)
	}
	if page < c.Pages {
		c.NextURL = pageURL(page + 1)
	}
	s.render(w, r, http.StatusOK, "users", s.msg.T("nav.users"), c)
}

type userFormContent struct {
	Form  *form
	Roles []auth.Role
}

func (s *Site) newUserPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := &form{Values: url.Values{"scope": {p.Scope.Code()}}}
	s.render(w, r, http.StatusOK, "user_new", s.msg.T("user.new"), userFormContent{Form: f, Roles: p.ManageableRoles()})
}

type secretContent struct {
	User    *auth.User
	Kind    string // message key of what the secret is
	Secret  string
	Explain string // message key
}

// newUserSubmit creates a user and shows the initial password once.
func (s *Site) newUserSubmit(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := newForm(r)
	org, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	in := auth.UserInput{Login: f.Get("login"), Name: f.Get("name"), Role: auth.Role(f.Get("role")),
		Scope: f.Get("scope"), OrgID: org, Phone: f.Get("phone")}
	u, password, err := s.deps.Auth.CreateUser(r.Context(), p, httpx.ClientIP(r), in)
	if err != nil {
		if err := f.fail(err); err != nil {
			s.renderError(w, r, err)
			return
		}
		s.render(w, r, statusFor(err), "user_new", s.msg.T("user.new"), userFormContent{Form: f, Roles: p.ManageableRoles()})
		return
	}
	s.render(w, r, http.StatusCreated, "user_secret", s.msg.T("user.created"),
		secretContent{User: u, Kind: "user.initial_password", Secret: password, Explain: "user.initial_password_explain"})
}
