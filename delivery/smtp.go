package delivery

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/switchboardhq/switchboard/config"
)

// SMTPMailer sends emails through one SMTP server.
type SMTPMailer struct {
	Config config.SMTP
	// TLSConfig verifies the server (nil: the system's roots and the
	// address's host name).
	TLSConfig *tls.Config
	// Timeout bounds one SMTP session (1 minute when 0).
	Timeout time.Duration
}

// PermanentError is a failure that retrying cannot fix: a 5xx reply, a
// recipient refused, a provider's rejection.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Send delivers msg from envelope sender from to the recipients to.
func (m *SMTPMailer) Send(ctx context.Context, from string, to []string, msg []byte) error {
	timeout := m.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(m.Config.Addr)
	if err != nil {
		return &PermanentError{fmt.Errorf("smtp address %q: %w", m.Config.Addr, err)}
	}
	tlsConfig := m.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("smtp dial %s: %w", m.Config.Addr, err)
	}
	// The deadline ends a session that hangs, and cancellation (the
	// activity's) ends it at once.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	var c *smtp.Client
	switch m.Config.TLS {
	case config.SMTPImplicitTLS:
		c = smtp.NewClient(tls.Client(conn, tlsConfig))
	case config.SMTPNoTLS:
		c = smtp.NewClient(conn)
	default:
		if c, err = smtp.NewClientStartTLS(conn, tlsConfig); err != nil {
			conn.Close()
			return classifySMTP("starttls", err)
		}
	}
	defer c.Close()
	if m.Config.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", m.Config.Username, m.Config.Password)); err != nil {
			return classifySMTP("auth", err)
		}
	}
	if err := c.SendMail(from, to, bytes.NewReader(msg)); err != nil {
		return classifySMTP("send", err)
	}
	// The message is accepted once DATA's reply came; a failing QUIT
	// changes nothing.
	_ = c.Quit()
	return nil
}

// classifySMTP makes a 5xx reply a PermanentError; anything else (4xx,
// network) may pass when retried.
func classifySMTP(step string, err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 {
		return &PermanentError{fmt.Errorf("smtp %s: %w", step, err)}
	}
	return fmt.Errorf("smtp %s: %w", step, err)
}
