// Package apperr is Switchboard's one application error type: a code a client
// can act on and a message safe to show it. The server maps codes to HTTP
// statuses in one table; anything that is not an *Error is internal and is
// logged, never shown.
package apperr

import (
	"errors"
	"fmt"
)

// Codes of application errors.
const (
	EINVALID = "invalid"
	// EUNPROCESSABLE is well-formed input that cannot be accepted (a rule
	// that does not compile).
	EUNPROCESSABLE = "unprocessable"
	EMETHOD        = "method_not_allowed"
	ENOTFOUND      = "not_found"
	ECONFLICT      = "conflict"
	EUNAUTHORIZED  = "unauthorized"
	EFORBIDDEN     = "forbidden"
	ETOOLARGE      = "too_large"
	// ERATELIMITED is a request refused by an abuse limit; the message
	// names the limit.
	ERATELIMITED = "rate_limited"
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal"
)

// Error is an error whose message may be shown to the client.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the field and the reason.
func Invalid(field, reason string) *Error {
	return &Error{Code: EINVALID, Message: field + ": " + reason}
}

// Code returns the code of err's *Error, or EINTERNAL.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Message returns the client-safe message of err's *Error, or "internal error".
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
