package delivery

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
)

// Email is one email to compose.
type Email struct {
	From    *mail.Address
	To      []*mail.Address
	Cc      []*mail.Address
	Subject string
	Text    string
	// MessageID is the email's Message-ID, without angle brackets.
	MessageID string
	// InReplyTo and References thread the email (IDs without angle
	// brackets).
	InReplyTo  string
	References []string
	Date       time.Time
	// AutoSubmitted is RFC 3834's Auto-Submitted ("auto-replied" for the
	// agent's replies, "auto-generated" for resets, codes and labels, ""
	// for a person's message), so that the customer's auto-responder does
	// not answer it.
	AutoSubmitted string
}

// MessageIDFor is the stable Message-ID (without angle brackets) of the
// outbox message with this idempotency key, sent from domain: every attempt
// to send it carries the same one.
func MessageIDFor(idempotencyKey, domain string) string {
	sum := sha256.Sum256([]byte(idempotencyKey))
	if domain == "" {
		domain = "switchboard.invalid"
	}
	return "sb-" + hex.EncodeToString(sum[:16]) + "@" + domain
}

// Compose writes e as a MIME message: multipart/alternative with the text
// and a simple HTML rendering of it.
func Compose(e Email) ([]byte, error) {
	var h mail.Header
	h.SetDate(e.Date)
	h.SetAddressList("From", []*mail.Address{e.From})
	h.SetAddressList("To", e.To)
	if len(e.Cc) > 0 {
		h.SetAddressList("Cc", e.Cc)
	}
	h.SetSubject(e.Subject)
	h.SetMessageID(e.MessageID)
	if e.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{e.InReplyTo})
	}
	if len(e.References) > 0 {
		h.SetMsgIDList("References", e.References)
	}
	if e.AutoSubmitted != "" {
		h.Set("Auto-Submitted", e.AutoSubmitted)
	}
	h.Set("X-Mailer", "Switchboard")
	var buf bytes.Buffer
	w, err := mail.CreateInlineWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	for _, part := range []struct{ typ, body string }{
		{"text/plain", e.Text},
		{"text/html", textToHTML(e.Text)},
	} {
		var ph mail.InlineHeader
		ph.SetContentType(part.typ, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
		if _, err := pw.Write([]byte(part.body)); err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
		if err := pw.Close(); err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	return buf.Bytes(), nil
}

// textToHTML renders plain text as simple HTML: paragraphs at blank lines,
// line breaks kept, everything escaped.
func textToHTML(text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\n")
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		lines := strings.Split(strings.TrimSpace(para), "\n")
		for i := range lines {
			lines[i] = html.EscapeString(lines[i])
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>\n") + "</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// trimMsgID returns a message ID without spaces and angle brackets.
func trimMsgID(id string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
}

// domainOf is the domain of an email address.
func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return strings.ToLower(d)
}
