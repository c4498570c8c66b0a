package api

import (
	"context"
	"net/http"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
)

// finder looks up the record a path names within the caller's scope; only whether it is there
// matters to the caller.
type finder func(ctx context.Context, p *auth.Principal, id int64) error

// found makes a finder of a store's getter.
func found[T any](get func(context.Context, *auth.Principal, int64) (T, error)) finder {
	return func(ctx context.Context, p *auth.Principal, id int64) error {
		_, err := get(ctx, p, id)
		return err
	}
}

// pathID reads path value name, as pathInt does; on failure it writes the error and reports
// false.
func (a *API) pathID(w http.ResponseWriter, r *http.Request, name, notFoundKey string) (int64, bool) {
	id, err := pathInt(r, name, notFoundKey)
	if err != nil {
		a.writeError(w, r, err)
		return 0, false
	}
	return id, true
}

// body decodes the JSON body into in; on failure it writes the error and reports false.
func (a *API) body(w http.ResponseWriter, r *http.Request, in any) bool {
	if err := decode(r, in); err != nil {
		a.writeError(w, r, err)
		return false
	}
	return true
}

// writeInput reads what a write on record {id} starts with, in this order: the id; the record,
// when find is given, so that one outside the caller's scope answers 404 whatever was sent and
// before the store checks the body or the caller's role; and the JSON body, when in is not nil.
// On failure the error is written and ok is false.
func (a *API) writeInput(w http.ResponseWriter, r *http.Request, notFoundKey string, find finder,
	in any) (p *auth.Principal, id int64, ok bool) {
	p = auth.FromContext(r.Context())
	if id, ok = a.pathID(w, r, "id", notFoundKey); !ok {
		return p, 0, false
	}
	if find != nil {
		if err := find(r.Context(), p, id); err != nil {
			a.writeError(w, r, err)
			return p, 0, false
		}
	}
	if in != nil && !a.body(w, r, in) {
		return p, 0, false
	}
	return p, id, true
}

// answerCase writes case id as it now stands (status) after a write on it, or the write's error.
func (a *API) answerCase(w http.ResponseWriter, r *http.Request, status int, id int64, err error) {
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeCase(w, r, status, id)
}

// answerNewCase writes the case a write has just opened (201), or the write's error.
func (a *API) answerNewCase(w http.ResponseWriter, r *http.Request, c *assistance.Application, err error) {
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeCase(w, r, http.StatusCreated, c.ID)
}
