package delivery

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/switchboardhq/switchboard/models"
)

// The IMAP side of polling a mailbox, with github.com/emersion/go-imap/v2's
// client (a beta: v2.0.0-beta.8; the API we use is small and tested against
// Dovecot). A mailbox session logs in, selects the mailbox, lists the UIDs
// to read, fetches one message at a time without setting \Seen (BODY.PEEK),
// and sets \Seen only when told to, after the message was accepted.

// IMAPSettings say how to reach a mailbox.
type IMAPSettings struct {
	Host string
	Port int
	// TLS is models.IMAPImplicitTLS, models.IMAPStartTLS or
	// models.IMAPNoTLS (refused unless Host is a loopback address).
	TLS      string
	Username string
	Password string
	Mailbox  string
}

// Source names the mailbox its UIDs belong to.
func (s IMAPSettings) Source() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) + "/" + s.Username + "/" + s.Mailbox
}

// IsLoopbackHost reports whether host is "localhost" or a loopback IP
// address, the only hosts an IMAP connection without TLS may go to.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// MailboxError is a failure of the mailbox itself (unreachable, login
// refused, no such mailbox), as the channel's status shows it.
type MailboxError struct {
	// Step is what failed: "connect", "login", "select", "search",
	// "fetch" or "mark as read".
	Step string
	Err  error
}

func (e *MailboxError) Error() string {
	var status *imap.Error
	if errors.As(e.Err, &status) {
		text := status.Text
		if status.Code != "" {
			text = "[" + string(status.Code) + "] " + text
		}
		if e.Step == "login" && status.Code == imap.ResponseCodeAuthenticationFailed {
			return "login refused: the server says " + strings.TrimSpace(text) + " (check email.imap.username and email.imap.password)"
		}
		return e.Step + ": the server says " + strings.TrimSpace(text)
	}
	return e.Step + ": " + e.Err.Error()
}

func (e *MailboxError) Unwrap() error { return e.Err }

// imapTimeout bounds dialling and the TLS handshake; commandTimeout one
// command's answer (the client waits for a server that says nothing for
// ever).
const (
	imapTimeout    = 30 * time.Second
	commandTimeout = 2 * time.Minute
)

// mailboxSession is a logged-in IMAP connection with the mailbox selected.
type mailboxSession struct {
	c           *imapclient.Client
	uidValidity uint32
	uidNext     imap.UID
	// stop ends the goroutine that closes the connection when the
	// context ends.
	stop func() bool
}

// openMailbox connects, logs in and selects the mailbox. The connection is
// closed when ctx ends, which ends any command waiting on it.
func openMailbox(ctx context.Context, s IMAPSettings, tlsConfig *tls.Config) (*mailboxSession, error) {
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	dialer := &net.Dialer{Timeout: imapTimeout}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &MailboxError{"connect", err}
	}
	cfg := &tls.Config{ServerName: s.Host}
	if tlsConfig != nil {
		cfg = tlsConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = s.Host
		}
	}
	opts := &imapclient.Options{TLSConfig: cfg}
	var c *imapclient.Client
	switch s.TLS {
	case models.IMAPImplicitTLS:
		tc := tls.Client(conn, cfg)
		hctx, cancel := context.WithTimeout(ctx, imapTimeout)
		err = tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			conn.Close()
			return nil, &MailboxError{"connect", fmt.Errorf("TLS with %s: %w", addr, err)}
		}
		c = imapclient.New(tc, opts)
	case models.IMAPStartTLS:
		// NewStartTLS refuses a server that does not offer STARTTLS, and
		// one that logs us in before TLS (PREAUTH).
		if c, err = imapclient.NewStartTLS(conn, opts); err != nil {
			return nil, &MailboxError{"connect", fmt.Errorf("STARTTLS with %s: %w", addr, err)}
		}
	case models.IMAPNoTLS:
		if !IsLoopbackHost(s.Host) {
			conn.Close()
			return nil, &MailboxError{"connect", fmt.Errorf("%s is not a loopback address: an IMAP connection without TLS is refused", s.Host)}
		}
		c = imapclient.New(conn, opts)
	default:
		conn.Close()
		return nil, &MailboxError{"connect", fmt.Errorf("unknown TLS mode %q", s.TLS)}
	}
	m := &mailboxSession{c: c}
	m.stop = context.AfterFunc(ctx, func() { c.Close() })
	defer m.watch(commandTimeout)()
	if err := c.WaitGreeting(); err != nil {
		m.close()
		return nil, &MailboxError{"connect", err}
	}
	if err := c.Login(s.Username, s.Password).Wait(); err != nil {
		m.close()
		return nil, &MailboxError{"login", err}
	}
	sel, err := c.Select(s.Mailbox, nil).Wait()
	if err != nil {
		m.close()
		return nil, &MailboxError{"select", fmt.Errorf("mailbox %q: %w", s.Mailbox, err)}
	}
	m.uidValidity, m.uidNext = sel.UIDValidity, sel.UIDNext
	return m, nil
}

// watch closes the connection should the server not answer within d, which
// fails the command waiting; the returned func stops watching.
func (m *mailboxSession) watch(d time.Duration) func() {
	t := time.AfterFunc(d, func() { m.c.Close() })
	return func() { t.Stop() }
}

// close logs out (politely, when the connection still works) and closes
// the connection.
func (m *mailboxSession) close() {
	defer m.watch(10 * time.Second)()
	m.stop()
	_ = m.c.Logout().Wait()
	m.c.Close()
}

// candidates are the UIDs above after to read, oldest first: every message
// above baseline, and the unread ones at or below it (mail that was there,
// unread, when the mailbox was first read).
func (m *mailboxSession) candidates(after, baseline imap.UID) ([]imap.UID, error) {
	from := after + 1
	above := max(after, baseline) + 1
	type search struct {
		criteria imap.SearchCriteria
		min      imap.UID
	}
	searches := []search{{imap.SearchCriteria{UID: []imap.UIDSet{{{Start: above, Stop: 0}}}}, above}}
	if from < above {
		searches = append(searches, search{imap.SearchCriteria{
			UID: []imap.UIDSet{{{Start: from, Stop: above - 1}}}, NotFlag: []imap.Flag{imap.FlagSeen},
		}, from})
	}
	defer m.watch(commandTimeout)()
	var uids []imap.UID
	for _, s := range searches {
		data, err := m.c.UIDSearch(&s.criteria, nil).Wait()
		if err != nil {
			return nil, &MailboxError{"search", err}
		}
		for _, uid := range data.AllUIDs() {
			// "n:*" also matches the highest UID when it is below n.
			if uid >= s.min {
				uids = append(uids, uid)
			}
		}
	}
	slices.Sort(uids)
	return slices.Compact(uids), nil
}

// fetchedMessage is one message of the mailbox: its size, and its raw
// bytes unless it is larger than asked.
type fetchedMessage struct {
	UID  imap.UID
	Size int64
	Raw  []byte
}

// fetch returns the message with the UID, its body only when it is at most
// maxBytes; ok is false when it is gone (expunged meanwhile).
func (m *mailboxSession) fetch(uid imap.UID, maxBytes int64) (msg fetchedMessage, ok bool, err error) {
	// Up to 25 MiB: a slow server gets more time.
	defer m.watch(2 * commandTimeout)()
	set := imap.UIDSetNum(uid)
	sizes, err := m.c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return msg, false, &MailboxError{"fetch", err}
	}
	if len(sizes) == 0 {
		return msg, false, nil
	}
	msg = fetchedMessage{UID: uid, Size: sizes[0].RFC822Size}
	if msg.Size > maxBytes {
		return msg, true, nil
	}
	// BODY.PEEK[]: the whole message, without setting \Seen.
	section := &imap.FetchItemBodySection{Peek: true}
	bufs, err := m.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return msg, false, &MailboxError{"fetch", err}
	}
	if len(bufs) == 0 {
		return msg, false, nil
	}
	msg.Raw = bufs[0].FindBodySection(section)
	return msg, true, nil
}

// markSeen sets \Seen on the message.
func (m *mailboxSession) markSeen(uid imap.UID) error {
	defer m.watch(commandTimeout)()
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	if err := m.c.Store(imap.UIDSetNum(uid), store, nil).Close(); err != nil {
		return &MailboxError{"mark as read", err}
	}
	return nil
}
