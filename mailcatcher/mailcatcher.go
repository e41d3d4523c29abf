package mailcatcher

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
)

// Message is one email caught.
type Message struct {
	// ID is the file name it is kept under (when kept), or its sequence
	// number.
	ID       string
	From     string
	To       []string
	Received time.Time
	// Raw is the message as sent (RFC 5322).
	Raw []byte
}

// Header returns the message's parsed header (empty when it does not
// parse).
func (m Message) Header() mail.Header {
	r, err := mail.CreateReader(bytes.NewReader(m.Raw))
	if err != nil {
		return mail.Header{}
	}
	return r.Header
}

// Catcher is a running mail catcher.
type Catcher struct {
	// Accept, when set, decides on each message before it is kept: an
	// error (a *smtp.SMTPError for a chosen reply) refuses it. Tests use it
	// to fail a delivery, or to hold it.
	Accept func(from string, to []string, raw []byte) error

	dir string
	srv *smtp.Server
	l   net.Listener

	mu   sync.Mutex
	msgs []Message
}

// Start listens on addr (host:port; port 0 picks one) and keeps messages in
// dir as .eml files (in memory only when dir is ""), loading those already
// there.
func Start(addr, dir string) (*Catcher, error) {
	c := &Catcher{dir: dir}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("mail catcher: %w", err)
		}
		if err := c.load(); err != nil {
			return nil, err
		}
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mail catcher: listen on %s: %w", addr, err)
	}
	c.l = l
	c.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{c: c}, nil
	}))
	c.srv.Domain = "localhost"
	c.srv.MaxMessageBytes = 10 << 20
	c.srv.ReadTimeout = time.Minute
	c.srv.WriteTimeout = time.Minute
	go func() { _ = c.srv.Serve(l) }()
	return c, nil
}

// Addr is the address it listens on.
func (c *Catcher) Addr() string { return c.l.Addr().String() }

// Close stops the server.
func (c *Catcher) Close() error { return c.srv.Close() }

// Messages returns the messages caught, oldest first.
func (c *Catcher) Messages() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Message(nil), c.msgs...)
}

func (c *Catcher) keep(m Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	m.ID = fmt.Sprintf("%d-%04d", m.Received.UnixNano(), len(c.msgs)+1)
	if c.dir != "" {
		if err := os.WriteFile(filepath.Join(c.dir, m.ID+".eml"), m.Raw, 0o600); err != nil {
			return err
		}
	}
	c.msgs = append(c.msgs, m)
	return nil
}

// load reads the messages kept in dir by an earlier run.
func (c *Catcher) load() error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return fmt.Errorf("mail catcher: %w", err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		raw, err := os.ReadFile(filepath.Join(c.dir, name))
		if err != nil {
			return fmt.Errorf("mail catcher: %w", err)
		}
		m := Message{ID: strings.TrimSuffix(name, ".eml"), Raw: raw}
		if info, err := os.Stat(filepath.Join(c.dir, name)); err == nil {
			m.Received = info.ModTime()
		}
		h := m.Header()
		if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
			m.From = from[0].Address
		}
		for _, key := range []string{"To", "Cc"} {
			if to, err := h.AddressList(key); err == nil {
				for _, a := range to {
					m.To = append(m.To, a.Address)
				}
			}
		}
		c.msgs = append(c.msgs, m)
	}
	return nil
}

type session struct {
	c    *Catcher
	from string
	to   []string
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(s.to) == 0 {
		return errors.New("no recipient")
	}
	if s.c.Accept != nil {
		if err := s.c.Accept(s.from, s.to, raw); err != nil {
			return err
		}
	}
	return s.c.keep(Message{From: s.from, To: s.to, Received: time.Now(), Raw: raw})
}
