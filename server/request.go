package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/apperr"
)

// readJSON decodes the request body into dst: too large → 413; invalid UTF-8,
// invalid JSON, unknown fields or wrong types → 400 naming the field.
func (s *Server) readJSON(c *gin.Context, dst any) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return apperr.Errorf(apperr.ETOOLARGE, "body: larger than %d bytes", s.MaxBodyBytes)
		}
		return apperr.Errorf(apperr.EINVALID, "body: could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Invalid("body", "must be a JSON object")
	}
	if !utf8.Valid(body) {
		return apperr.Invalid("body", "is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return apperr.Invalid("body", "has data after the JSON object")
	}
	return nil
}

func jsonError(err error) error { return apperr.InvalidJSON(err, "body") }

// validID checks a client-chosen identifier: 1–128 characters of letters,
// digits and . _ : -.
func validID(field, id string) error {
	if id == "" {
		return apperr.Invalid(field, "must not be empty")
	}
	if len(id) > 128 {
		return apperr.Invalid(field, "longer than 128 characters")
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:-", r)
		if !ok {
			return apperr.Invalid(field, fmt.Sprintf("character %q not allowed (use letters, digits and . _ : -)", r))
		}
	}
	return nil
}
