package delivery

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	// Registers the character sets (ISO-8859-*, Windows-125*, …) that
	// mail clients still send.
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"

	"github.com/switchboardhq/switchboard/models"
)

// InboundEmail is what a customer's raw email says, as the agent reads it.
type InboundEmail struct {
	// MessageID is the email's Message-ID in angle brackets (derived from
	// its content when it has none, so a repost is the same message).
	MessageID string
	From      *mail.Address
	// Addresses are the email's To and Cc addresses.
	Addresses []string
	Subject   string
	// Text is the new text: the plain-text part (or the HTML part's text),
	// without quoted history and signature.
	Text string
	// Thread is In-Reply-To and References, without angle brackets, the
	// message answered first.
	Thread []string
	// AutoReply, when not empty, says why this is an automatic message (an
	// out-of-office reply, a bounce, a list mail) the agent must not answer.
	AutoReply string
}

// InvalidError is a provider's message that cannot be read; Field names
// the header, part or JSON field at fault.
type InvalidError struct{ Field, Reason string }

func (e *InvalidError) Error() string { return e.Field + ": " + e.Reason }

// maxTextBytes bounds the text read from one part.
const maxTextBytes = 1 << 20

// ParseEmail reads a raw RFC 5322 email (MIME, any common charset).
func ParseEmail(raw []byte) (InboundEmail, error) {
	var in InboundEmail
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return in, &InvalidError{"body", "is not an RFC 5322 email: " + err.Error()}
	}
	h := mr.Header
	from, err := h.AddressList("From")
	if err != nil || len(from) == 0 {
		return in, &InvalidError{"From", "missing or not an email address"}
	}
	in.From = from[0]
	for _, key := range []string{"To", "Cc"} {
		list, _ := h.AddressList(key)
		for _, a := range list {
			in.Addresses = append(in.Addresses, strings.ToLower(a.Address))
		}
	}
	in.Subject, _ = h.Subject()
	if id, err := h.MessageID(); err == nil && id != "" {
		in.MessageID = "<" + id + ">"
	} else {
		sum := sha256.Sum256(raw)
		in.MessageID = "<" + hex.EncodeToString(sum[:16]) + "@no-message-id.invalid>"
	}
	irt, _ := h.MsgIDList("In-Reply-To")
	refs, _ := h.MsgIDList("References")
	in.Thread = append(in.Thread, irt...)
	for i := len(refs) - 1; i >= 0; i-- {
		in.Thread = append(in.Thread, refs[i])
	}
	in.AutoReply = autoReply(h, in.From.Address)
	if in.AutoReply != "" {
		return in, nil
	}
	text, err := bodyText(mr)
	if err != nil {
		return in, err
	}
	in.Text = StripQuoted(text)
	return in, nil
}

// autoReply says why an email was sent by a machine ("" when by a person):
// RFC 3834's Auto-Submitted, Precedence, the common auto-responder headers,
// a delivery or read report (RFC 3464/8098), a bounce's sender.
func autoReply(h mail.Header, from string) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "junk", "list", "auto_reply":
		return "Precedence: " + v
	}
	for _, key := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Reply"} {
		if h.Get(key) != "" {
			return key
		}
	}
	if typ, _, _ := h.ContentType(); typ == "multipart/report" {
		return "a delivery or read report (multipart/report)"
	}
	if strings.TrimSpace(h.Get("Return-Path")) == "<>" {
		return "Return-Path: <> (a bounce)"
	}
	local, _, _ := strings.Cut(strings.ToLower(from), "@")
	if local == "mailer-daemon" || local == "postmaster" {
		return "sent by " + local
	}
	return ""
}

// bodyText returns the first plain-text part that is not an attachment, or
// else the text of the first HTML part.
func bodyText(mr *mail.Reader) (string, error) {
	var htmlText string
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			return "", &InvalidError{"body", "a MIME part cannot be read: " + err.Error()}
		}
		h, ok := p.Header.(*mail.InlineHeader)
		if !ok {
			continue // an attachment
		}
		typ, _, _ := h.ContentType()
		if typ != "text/plain" && typ != "text/html" && typ != "" {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p.Body, maxTextBytes))
		if err != nil {
			return "", &InvalidError{"body", "a text part cannot be decoded: " + err.Error()}
		}
		if typ == "text/html" {
			if htmlText == "" {
				htmlText = htmlToText(string(b))
			}
			continue
		}
		return string(b), nil
	}
	return htmlText, nil
}

var (
	htmlDrop      = regexp.MustCompile(`(?is)<(script|style|head)[^>]*>.*?</(script|style|head)>`)
	htmlQuote     = regexp.MustCompile(`(?is)<blockquote[^>]*>.*</blockquote>|<div[^>]*class="gmail_quote[^"]*"[^>]*>.*`)
	htmlBreak     = regexp.MustCompile(`(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h[1-6]>`)
	htmlTag       = regexp.MustCompile(`(?s)<[^>]*>`)
	blankLines    = regexp.MustCompile(`\n{3,}`)
	spaceRun      = regexp.MustCompile(`[ \t\x{00a0}]+`)
	quoteHeaderEN = regexp.MustCompile(`(?i)^on\s.+\swrote:$`)
	// Other languages' "On … wrote:" (French, German, Spanish, Dutch,
	// Portuguese, Italian).
	quoteHeaderIntl = regexp.MustCompile(`(?i)^(le\s.+\sa\s[ée]crit\s?:|am\s.+\sschrieb.*:|el\s.+\sescribi[óo]:|op\s.+\sschreef.*:|em\s.+\sescreveu:|il\s.+\sha\sscritto:)$`)
	outlookHeader   = regexp.MustCompile(`(?i)^(from|von|de|van):\s.+`)
	outlookNext     = regexp.MustCompile(`(?i)^(sent|date|gesendet|envoy[ée]|enviado|verzonden|to|an|à|para|aan):\s`)
	originalMessage = regexp.MustCompile(`(?i)^-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine|mensaje original)\s*-{2,}$`)
	mobileSignature = regexp.MustCompile(`(?i)^(sent from my |get outlook for |sent from mail for |envoyé de mon |von meinem .* gesendet)`)
)

// htmlToText keeps the text of an HTML body, without its quoted parts.
func htmlToText(s string) string {
	s = htmlDrop.ReplaceAllString(s, "")
	s = htmlQuote.ReplaceAllString(s, "")
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaceRun.ReplaceAllString(l, " "))
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// StripQuoted returns an email's new text: everything before the quoted
// earlier message ("On … wrote:", "-----Original Message-----", an Outlook
// "From:/Sent:" block, "> " lines) and before the signature ("-- ", "Sent
// from my iPhone").
func StripQuoted(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []string
cut:
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		trimmed := strings.TrimSpace(line)
		next := ""
		if i+1 < len(lines) {
			next = strings.TrimSpace(lines[i+1])
		}
		switch {
		case line == "-- " || trimmed == "--" || trimmed == "__" || strings.HasPrefix(trimmed, "________________"):
			break cut
		case originalMessage.MatchString(trimmed), mobileSignature.MatchString(trimmed):
			break cut
		case quoteHeaderEN.MatchString(trimmed), quoteHeaderIntl.MatchString(trimmed):
			break cut
		// "On Mon, 1 Dec 2026 at 10:00, Ada Lovelace <ada@example.com>
		// wrote:" wrapped over two lines.
		case strings.HasPrefix(strings.ToLower(trimmed), "on ") && quoteHeaderEN.MatchString(trimmed+" "+next):
			break cut
		case outlookHeader.MatchString(trimmed) && outlookNext.MatchString(next):
			break cut
		case strings.HasPrefix(trimmed, ">"):
			continue
		}
		out = append(out, line)
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(out, "\n"), "\n\n"))
}

// ThreadID is the models.EmailThread ID of a Message-ID (with or without
// angle brackets) seen on a channel.
func ThreadID(channelID, messageID string) string {
	return models.DerivedID(channelID, trimMsgID(messageID))
}
