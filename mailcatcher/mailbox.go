package mailcatcher

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-message/mail"
)

// Mailbox is an IMAP server holding one user's INBOX in memory: `make dev`
// points the demo's email channel at it, as a company points its channel at
// its support mailbox, and the mail page writes customers' emails into it.
// Like the catcher it is for development and tests only: it logs in without
// TLS, and only on the address it is given. It starts empty every time.
type Mailbox struct {
	// Username and Password log in to it.
	Username, Password string

	user *imapmemserver.User
	srv  *imapserver.Server
	l    net.Listener
}

// StartMailbox listens on addr (host:port; port 0 picks one) with an empty
// INBOX that username and password log in to.
func StartMailbox(addr, username, password string) (*Mailbox, error) {
	m := &Mailbox{Username: username, Password: password, user: imapmemserver.NewUser(username, password)}
	if err := m.user.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("dev mailbox: %w", err)
	}
	mem := imapmemserver.New()
	mem.AddUser(m.user)
	m.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dev mailbox: listen on %s: %w", addr, err)
	}
	m.l = l
	go func() { _ = m.srv.Serve(l) }()
	return m, nil
}

// Addr is the address it listens on.
func (m *Mailbox) Addr() string { return m.l.Addr().String() }

// Close stops the server.
func (m *Mailbox) Close() error { return m.srv.Close() }

// Deliver puts a raw message (RFC 5322) in the INBOX, unread, as a mail
// server delivers one.
func (m *Mailbox) Deliver(raw []byte) error {
	_, err := m.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{Time: time.Now()})
	return err
}

// Email is what a customer writes on the mail page.
type Email struct {
	FromName, From, To, Subject, Text string
}

// Bounds of what the page takes.
const (
	maxSubject = 200
	maxText    = 64 << 10
)

// Message is e as an RFC 5322 message sent at, with a new Message-ID; an
// error names the field that is wrong.
func (e Email) Message(at time.Time) ([]byte, error) {
	from, err := mail.ParseAddress(strings.TrimSpace(e.From))
	switch {
	case err != nil:
		return nil, fmt.Errorf("from: %q is not an email address", e.From)
	case strings.TrimSpace(e.Subject) == "" && strings.TrimSpace(e.Text) == "":
		return nil, errors.New("text: write a subject or a text")
	case len(e.Subject) > maxSubject || strings.ContainsAny(e.Subject, "\r\n"):
		return nil, fmt.Errorf("subject: one line of at most %d bytes", maxSubject)
	case len(e.Text) > maxText:
		return nil, fmt.Errorf("text: at most %d bytes", maxText)
	case !utf8.ValidString(e.FromName + e.Subject + e.Text):
		return nil, errors.New("text: not UTF-8")
	}
	from.Name = strings.TrimSpace(e.FromName)
	var h mail.Header
	h.SetAddressList("From", []*mail.Address{from})
	h.SetAddressList("To", []*mail.Address{{Address: e.To}})
	h.SetSubject(strings.TrimSpace(e.Subject))
	h.SetDate(at)
	if err := h.GenerateMessageID(); err != nil {
		return nil, err
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	var buf bytes.Buffer
	w, err := mail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	text := strings.ReplaceAll(strings.ReplaceAll(e.Text, "\r\n", "\n"), "\n", "\r\n")
	if _, err := w.Write([]byte(text)); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
