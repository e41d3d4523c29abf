package actions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Limits of one call.
const (
	// maxResponse is the most of a response read.
	maxResponse = 1 << 20
	// maxShown is the most of a body an Exchange keeps to show.
	maxShown = 8 << 10
)

// IdempotencyHeader carries the key of an action that changes data, so the
// company's system can recognise a retry.
const IdempotencyHeader = "Idempotency-Key"

// CallInput is one call of an HTTP action.
type CallInput struct {
	Spec   Spec
	Inputs map[string]any
	// Contact is the verified contact the action runs for (email, name,
	// external_id), empty when none: templates may use contact.*.
	Contact map[string]string
	// Secrets are the opened secret headers.
	Secrets map[string]string
	// IdempotencyKey is sent with an action that changes data.
	IdempotencyKey string
}

// Exchange is a call as it happened, to show an admin and to record:
// secret header values are masked.
type Exchange struct {
	Method         string            `json:"method"`
	URL            string            `json:"url"`
	RequestHeaders map[string]string `json:"request_headers"`
	RequestBody    string            `json:"request_body,omitempty"`
	Status         int               `json:"status"`
	ResponseBody   string            `json:"response_body,omitempty"`
	DurationMS     int64             `json:"duration_ms"`
	// Reply is what the customer is told, written from the response.
	Reply string `json:"reply,omitempty"`
}

// RefusedError is a 4xx from the company's system: a clear reply, never a
// retry. Reason is the system's own message when its body has one.
type RefusedError struct {
	Status int
	Reason string
}

func (e *RefusedError) Error() string {
	if e.Reason != "" {
		return e.Reason
	}
	return fmt.Sprintf("the request was refused (HTTP %d)", e.Status)
}

// Call sends an HTTP action's request with client, whose transport carries
// the network policy, and writes the reply from the response. A 4xx is a
// *RefusedError; a 5xx, a timeout or a network error is an error worth a
// retry (the idempotency key makes a retried write safe).
func Call(ctx context.Context, client *http.Client, in CallInput) (Exchange, error) {
	s := in.Spec
	data := map[string]any{"inputs": in.Inputs, "contact": in.Contact}
	target, missing := Render(s.URL, data, url.PathEscape)
	if len(missing) > 0 {
		return Exchange{}, &InputError{Field: missing[0], Reason: "is needed by the URL template and was not given"}
	}
	ex := Exchange{Method: s.Method, URL: target, RequestHeaders: map[string]string{}}
	var body io.Reader
	if s.Method != http.MethodGet && s.Method != http.MethodDelete {
		b, err := json.Marshal(orEmpty(in.Inputs))
		if err != nil {
			return ex, fmt.Errorf("encode inputs: %w", err)
		}
		ex.RequestBody, body = string(b), bytes.NewReader(b)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, s.Method, target, body)
	if err != nil {
		return ex, &InputError{Field: "url", Reason: err.Error()}
	}
	set := func(name, value, shown string) {
		req.Header.Set(name, value)
		ex.RequestHeaders[http.CanonicalHeaderKey(name)] = shown
	}
	set("Accept", "application/json", "application/json")
	if body != nil {
		set("Content-Type", "application/json", "application/json")
	}
	for name, v := range s.Headers {
		v, _ = Render(v, data, nil)
		set(name, v, v)
	}
	for _, name := range slices.Sorted(maps.Keys(in.Secrets)) {
		set(name, in.Secrets[name], "********")
	}
	if s.ChangesData && in.IdempotencyKey != "" {
		set(IdempotencyHeader, in.IdempotencyKey, in.IdempotencyKey)
	}
	start := time.Now()
	resp, err := client.Do(req)
	ex.DurationMS = time.Since(start).Milliseconds()
	if err != nil {
		return ex, fmt.Errorf("call %s: %w", s.Name, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	ex.Status = resp.StatusCode
	ex.ResponseBody = shown(raw)
	if err != nil {
		return ex, fmt.Errorf("read %s response: %w", s.Name, err)
	}
	var parsed any
	if len(bytes.TrimSpace(raw)) > 0 {
		if json.Unmarshal(raw, &parsed) != nil {
			parsed = nil
		}
	}
	switch {
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests &&
		resp.StatusCode != http.StatusRequestTimeout:
		return ex, &RefusedError{Status: resp.StatusCode, Reason: reasonOf(parsed)}
	case resp.StatusCode >= 300:
		return ex, fmt.Errorf("call %s: HTTP %d", s.Name, resp.StatusCode)
	}
	data["response"] = parsed
	ex.Reply = WriteReply(s, data)
	return ex, nil
}

// WriteReply is the customer's reply from an action's response: its reply
// template, else its fallback when the response lacks a field the template
// names, else a plain confirmation.
func WriteReply(s Spec, data map[string]any) string {
	for _, tmpl := range []string{s.Reply, s.ReplyFallback} {
		if strings.TrimSpace(tmpl) == "" {
			continue
		}
		if out, missing := Render(tmpl, data, nil); len(missing) == 0 {
			return strings.TrimSpace(out)
		}
	}
	if s.ChangesData {
		return "Done: " + lowerFirst(strings.TrimSuffix(s.Description, ".")) + "."
	}
	return "I've checked that for you, but I couldn't read the result. A member of our team can give you the details."
}

// reasonOf is a refusal's own message: the body's "message", "error" or
// "detail" string (or error.message), at most 300 characters.
func reasonOf(body any) string {
	m, ok := body.(map[string]any)
	if !ok {
		return ""
	}
	for _, path := range []string{"message", "error.message", "error", "detail", "title"} {
		if v, ok := lookup(m, path); ok {
			if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
				s = strings.TrimSpace(s)
				if r := []rune(s); len(r) > 300 {
					s = string(r[:300]) + "…"
				}
				return s
			}
		}
	}
	return ""
}

func shown(b []byte) string {
	if len(b) > maxShown {
		return string(b[:maxShown]) + "…"
	}
	return string(b)
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// IsRefused reports whether err is a refusal by the company's system.
func IsRefused(err error) (*RefusedError, bool) {
	var r *RefusedError
	ok := errors.As(err, &r)
	return r, ok
}
