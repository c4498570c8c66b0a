package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

func (a *API) registerUsers() {
	a.handle("GET", "/me", auth.SignedIn, a.me)
	a.handle("GET", "/users", auth.UserView, a.listUsers)
	a.handle("POST", "/users", auth.UserManage, a.createUser)
	a.handle("GET", "/users/{id}", auth.UserView, a.getUser)
	a.handle("PATCH", "/users/{id}", auth.UserManage, a.updateUser)
	a.handle("POST", "/users/{id}/password-reset", auth.UserManage, a.resetPassword)
	a.handle("POST", "/users/{id}/logout-everywhere", auth.UserManage, a.logoutEverywhere)
	a.handle("POST", "/users/{id}/reveal-phone", auth.PIIReveal, a.revealPhone)
	a.handle("GET", "/users/{id}/tokens", auth.TokenManage, a.listTokens)
	a.handle("POST", "/users/{id}/tokens", auth.TokenManage, a.createToken)
	a.handle("DELETE", "/users/{id}/tokens/{token}", auth.TokenManage, a.revokeToken)
}

// userJSON is a user as the API shows it: the phone masked, never the password hash.
type userJSON struct {
	ID                 int64     `json:"id"`
	Login              string    `json:"login"`
	Name               string    `json:"name"`
	Role               string    `json:"role"`
	Scope              string    `json:"scope"`
	OrgID              int64     `json:"org_id,omitempty"`
	Phone              string    `json:"phone_masked,omitempty"`
	MustChangePassword bool      `json:"must_change_password"`
	Disabled           bool      `json:"disabled"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

func toUserJSON(u *auth.User) userJSON {
	return userJSON{ID: u.ID, Login: u.Login, Name: u.Name, Role: string(u.Role), Scope: u.Scope.Code(), OrgID: u.OrgID,
		Phone: u.PhoneMasked, MustChangePassword: u.MustChangePassword, Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	perms := []string{}
	for _, perm := range auth.Permissions() {
		if p.Can(perm) {
			perms = append(perms, string(perm))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": p.UserID, "login": p.Login, "name": p.Name, "role": p.Role,
		"scope": p.Scope.Code(), "org_id": p.OrgID, "permissions": perms})
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	if perPage == 0 {
		perPage = 50
	}
	users, total, err := a.deps.Auth.ListUsers(r.Context(), auth.FromContext(r.Context()),
		auth.UserFilter{Query: q.Get("q"), Role: auth.Role(q.Get("role")), Page: page, PerPage: perPage})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]userJSON, 0, len(users))
	for _, u := range users {
		out = append(out, toUserJSON(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out, "total": total})
}

type userInputJSON struct {
	Login string `json:"login"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	Scope string `json:"scope"`
	OrgID int64  `json:"org_id"`
	Phone string `json:"phone"`
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) {
	var in userInputJSON
	if err := decode(r, &in); err != nil {
		a.writeError(w, r, err)
		return
	}
	u, password, err := a.deps.Auth.CreateUser(r.Context(), auth.FromContext(r.Context()), httpx.ClientIP(r),
		auth.UserInput{Login: in.Login, Name: in.Name, Role: auth.Role(in.Role), Scope: in.Scope, OrgID: in.OrgID, Phone: in.Phone})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": toUserJSON(u), "initial_password": password})
}

func (a *API) userID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Msg(apperr.NotFound, "user.notfound")
	}
	return id, nil
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request) {
	id, err := a.userID(r)
	if err == nil {
		var u *auth.User
		if u, err = a.deps.Auth.GetUser(r.Context(), auth.FromContext(r.Context()), id); err == nil {
			writeJSON(w, http.StatusOK, toUserJSON(u))
			return
		}
	}
	a.writeError(w, r, err)
}

type userChangeJSON struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Scope    *string `json:"scope"`
	OrgID    *int64  `json:"org_id"`
	Phone    *string `json:"phone"`
	Disabled *bool   `json:"disabled"`
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) {
	id, err := a.userID(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var in userChangeJSON
	if err := decode(r, &in); err != nil {
		a.writeError(w, r, err)
		return
	}
	change := auth.UserChange{Name: in.Name, Scope: in.Scope, OrgID: in.OrgID, Phone: in.Phone, Disabled: in.Disabled}
	if in.Role != nil {
		role := auth.Role(*in.Role)
		change.Role = &role
	}
	u, err := a.deps.Auth.UpdateUser(r.Context(), auth.FromContext(r.Context()), id, change, httpx.ClientIP(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUserJSON(u))
}

func (a *API) resetPassword(w http.ResponseWriter, r *http.Request) {
	id, err := a.userID(r)
	if err == nil {
		var password string
		if password, err = a.deps.Auth.ResetPassword(r.Context(), auth.FromContext(r.Context()), id, httpx.ClientIP(r)); err == nil {
			writeJSON(w, http.StatusOK, map[string]string{"initial_password": password})
			return
		}
	}
	a.writeError(w, r, err)
}

func (a *API) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	id, err := a.userID(r)
	if err == nil {
		if err = a.deps.Auth.LogoutEverywhere(r.Context(), auth.FromContext(r.Context()), id, httpx.ClientIP(r)); err == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	a.writeError(w, r, err)
}

// revealPhone answers with the full phone number; the reveal is audited before the answer.
func (a *API) revealPhone(w http.ResponseWriter, r *http.Request) {
	id, err := a.userID(r)
	if err == nil {
		var phone string
		if phone, err = a.deps.Auth.RevealPhone(r.Context(), auth.FromContext(r.Context()), id, httpx.ClientIP(r)); err == nil {
			writeJSON(w, http.StatusOK, map[string]string{"phone": phone})
			return
		}
	}
	a.writeError(w, r, err)
}
