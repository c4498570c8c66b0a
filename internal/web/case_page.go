package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
)

// What the pages of the assistance platform (case, decision, entitlement, chain) share: reading
// the record their path names, and showing the page again after a refused form.

// pathNumber reads a numeric path value; anything else is the not-found error notFoundKey names,
// since a malformed id cannot name a record.
func pathNumber(r *http.Request, name, notFoundKey string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Msg(apperr.NotFound, notFoundKey)
	}
	return id, nil
}

// lookupPath reads the record path value {id} names with get, within the caller's scope: a
// malformed id is the not-found error notFoundKey names, one outside the scope the store's own.
func lookupPath[T any](r *http.Request, notFoundKey string,
	get func(context.Context, *auth.Principal, int64) (T, error)) (*auth.Principal, T, error) {
	p := auth.FromContext(r.Context())
	id, err := pathNumber(r, "id", notFoundKey)
	if err != nil {
		var zero T
		return p, zero, err
	}
	v, err := get(r.Context(), p, id)
	return p, v, err
}

// refused shows a page again after its form was refused: err recorded on f (next to its field,
// or on top), and show called with the refusal's status (422 for bad input, 409 for a conflict,
// 403 for an act the caller may not perform). An internal error gets the error page instead.
func (s *Site) refused(w http.ResponseWriter, r *http.Request, f *form, err error, show func(status int)) {
	if ferr := f.fail(err); ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	show(statusFor(err))
}
