package web

import (
	"net/http"
	"net/url"

	"github.com/minzheng/minzheng/internal/apperr"
)

// form carries what a person typed and what was wrong with it back to the page, so that a failed
// submit loses nothing and each error shows next to its field.
type form struct {
	Values url.Values
	Errors map[string]string // field → message
	Error  string            // a message not about one field
}

func newForm(r *http.Request) *form {
	_ = r.ParseForm()
	return &form{Values: r.PostForm, Errors: map[string]string{}}
}

// Get returns the submitted value of a field.
func (f *form) Get(field string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values.Get(field)
}

// fail records err on the form: next to its field when it names one, on top otherwise. Internal
// errors are returned for the caller to render as a 500 page.
func (f *form) fail(err error) error {
	e := apperr.As(err)
	if e.Kind == apperr.Internal {
		return err
	}
	if e.Field != "" {
		f.Errors[e.Field] = e.Message
	} else {
		f.Error = e.Message
	}
	return nil
}

// statusFor is the HTTP status of a re-displayed form: 422 for bad input, or the kind's own.
func statusFor(err error) int {
	if k := apperr.KindOf(err); k != apperr.Invalid {
		return apperr.Status(k)
	}
	return http.StatusUnprocessableEntity
}
