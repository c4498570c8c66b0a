// Package apperr is the small set of error kinds every layer uses — invalid input, not found,
// conflict, forbidden, internal — and the one place they map to HTTP status codes. Domain code
// returns an *Error (or wraps one with %w); the web and API adapters translate it without knowing
// the domain. Only internal errors are logged: the others are the caller's to fix.
package apperr

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/minzheng/minzheng/internal/msg"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

const (
	// Internal is a fault of ours: logged, shown as a generic message.
	Internal Kind = iota
	// Invalid is bad input; Field names the offending field when there is one.
	Invalid
	// NotFound means no such thing — or not within the caller's scope, which must look the same.
	NotFound
	// Conflict means the request clashes with the current state (a duplicate, a stale version).
	Conflict
	// Forbidden means the caller may not do this at all.
	Forbidden
	// Unauthenticated means the caller must sign in first.
	Unauthenticated
	// TooMany means the caller is being throttled.
	TooMany
)

// Error is an error with a kind, a machine code, a message for people (Chinese in the UI) and
// optionally the field it concerns.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Field   string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New builds an error of a kind with a machine code and a message.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// InvalidField reports bad input in one field.
func InvalidField(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Code: "invalid", Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf reports a missing (or out-of-scope) thing.
func NotFoundf(format string, args ...any) *Error {
	return &Error{Kind: NotFound, Code: "not_found", Message: fmt.Sprintf(format, args...)}
}

// KindOf finds the kind of err; errors that are not *Error are Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// As returns the *Error inside err, or a generic internal one.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Code: "internal", Message: "系统内部错误，请稍后再试", Err: err}
}

// Status maps a kind to its HTTP status code.
func Status(k Kind) int {
	switch k {
	case Invalid:
		return http.StatusBadRequest
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case Forbidden:
		return http.StatusForbidden
	case Unauthenticated:
		return http.StatusUnauthorized
	case TooMany:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// Msg builds an error whose code is a message-catalogue key and whose message is that key's
// zh-CN text, so domain errors read well in the UI and stay in the one catalogue.
func Msg(kind Kind, key string, args ...any) *Error {
	return &Error{Kind: kind, Code: key, Message: msg.Default().T(key, args...)}
}

// FieldMsg is Msg for an error about one input field.
func FieldMsg(field, key string, args ...any) *Error {
	e := Msg(Invalid, key, args...)
	e.Field = field
	return e
}
