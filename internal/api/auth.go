package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
)

// authenticate finds the caller: machines send "Authorization: Bearer mzt_…", people using the
// API from a signed-in browser send their session cookie. A bad token is refused at once rather
// than treated as anonymous, so a misconfigured feed learns why.
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.deps.Auth == nil {
			next.ServeHTTP(w, r)
			return
		}
		var p *auth.Principal
		var err error
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				a.writeError(w, r, apperr.Msg(apperr.Unauthenticated, "auth.token_invalid"))
				return
			}
			if strings.HasPrefix(strings.TrimSpace(token), meals.TerminalTokenPrefix) {
				// A canteen terminal's token is not a user's: only the terminal routes read it
				// (meals_terminal.go); everywhere else the caller is anonymous.
				next.ServeHTTP(w, r)
				return
			}
			p, err = a.deps.Auth.AuthenticateToken(r.Context(), strings.TrimSpace(token))
		} else if c, cerr := r.Cookie(auth.SessionCookie); cerr == nil {
			p, err = a.deps.Auth.Authenticate(r.Context(), c.Value)
		}
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// guard answers 401 to anonymous callers and 403 to callers without perm.
func (a *API) guard(perm auth.Permission, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if perm == auth.Public {
			h(w, r)
			return
		}
		p := auth.FromContext(r.Context())
		switch {
		case p == nil:
			w.Header().Set("WWW-Authenticate", `Bearer realm="minzheng"`)
			a.writeError(w, r, apperr.Msg(apperr.Unauthenticated, "auth.signin_required"))
		case p.MustChangePassword:
			a.writeError(w, r, apperr.Msg(apperr.Forbidden, "password.forced"))
		case !p.Can(perm):
			a.writeError(w, r, apperr.Msg(apperr.Forbidden, "auth.forbidden"))
		default:
			h(w, r)
		}
	})
}

// maxBody bounds request bodies: no API call needs more than this.
const maxBody = 1 << 20

// decode reads a JSON body into v, rejecting unknown fields, trailing data and oversize bodies
// with an Invalid error that names the problem.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return apperr.FieldMsg(typeErr.Field, "api.json_type")
		}
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return apperr.FieldMsg(strings.Trim(field, `"`), "api.json_unknown")
		}
		return apperr.Msg(apperr.Invalid, "api.json_invalid")
	}
	if dec.More() {
		return apperr.Msg(apperr.Invalid, "api.json_invalid")
	}
	return nil
}
