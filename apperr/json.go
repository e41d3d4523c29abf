package apperr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// InvalidJSON is the EINVALID error of a JSON value that would not decode,
// naming the field at fault where the decoder says which, and whole (such
// as "body") otherwise. An *Error from a type's own decoding passes through.
func InvalidJSON(err error, whole string) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var app *Error
	switch {
	case errors.As(err, &app):
		return app
	case errors.As(err, &syntax):
		return Invalid(whole, fmt.Sprintf("invalid JSON at byte %d: %s", syntax.Offset, syntax.Error()))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = whole
		}
		return Invalid(field, fmt.Sprintf("expected %s, got %s", typ.Type.String(), typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Invalid(whole, "JSON ends too early")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Invalid(name, "unknown field")
	}
	return Invalid(whole, err.Error())
}
