package delivery_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/delivery"
)

// tlsServer is an SMTP server that speaks TLS (implicit or STARTTLS) and
// requires AUTH PLAIN as agent/pw.
type tlsServer struct {
	addr string
	mu   sync.Mutex
	got  []received
}

type received struct {
	user string
	tls  bool
	to   []string
	raw  []byte
}

type authSession struct {
	srv  *tlsServer
	conn *smtp.Conn
	user string
	to   []string
}

func (s *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != "agent" || password != "pw" {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}), nil
}
func (s *authSession) Reset()                               { s.to = nil }
func (s *authSession) Logout() error                        { return nil }
func (s *authSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *authSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.to = append(s.to, to)
	return nil
}
func (s *authSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	s.srv.got = append(s.srv.got, received{user: s.user, tls: isTLS, to: s.to, raw: raw})
	return nil
}

// selfSigned returns a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func startTLSServer(t *testing.T, implicit bool, cert tls.Certificate) *tlsServer {
	t.Helper()
	ts := &tlsServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &authSession{srv: ts, conn: c}, nil
	}))
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	var l net.Listener
	var err error
	if implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	require.NoError(t, err)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	ts.addr = l.Addr().String()
	return ts
}

// TestSMTPTLSAndAuth sends through a real SMTP server over STARTTLS and
// implicit TLS with AUTH PLAIN; a refused password is a permanent error.
func TestSMTPTLSAndAuth(t *testing.T) {
	t.Parallel()
	cert, pool := selfSigned(t)
	for _, tc := range []struct {
		name     string
		mode     string
		implicit bool
	}{
		{"starttls", config.SMTPStartTLS, false},
		{"implicit tls", config.SMTPImplicitTLS, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startTLSServer(t, tc.implicit, cert)
			m := &delivery.SMTPMailer{
				Config:    config.SMTP{Addr: srv.addr, TLS: tc.mode, Username: "agent", Password: "pw"},
				TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"},
			}
			msg := []byte("From: a@shop.example\r\nTo: ada@example.com\r\nSubject: hi\r\n\r\nhello\r\n")
			require.NoError(t, m.Send(context.Background(), "a@shop.example", []string{"ada@example.com"}, msg))
			srv.mu.Lock()
			require.Len(t, srv.got, 1)
			require.Equal(t, "agent", srv.got[0].user)
			require.True(t, srv.got[0].tls)
			require.Equal(t, []string{"ada@example.com"}, srv.got[0].to)
			srv.mu.Unlock()

			m.Config.Password = "wrong"
			err := m.Send(context.Background(), "a@shop.example", []string{"ada@example.com"}, msg)
			var permanent *delivery.PermanentError
			require.ErrorAs(t, err, &permanent)
			require.Contains(t, err.Error(), "535")

			// A certificate the client does not trust: nothing is sent.
			m.Config.Password, m.TLSConfig = "pw", &tls.Config{ServerName: "127.0.0.1"}
			require.Error(t, m.Send(context.Background(), "a@shop.example", []string{"ada@example.com"}, msg))
			srv.mu.Lock()
			require.Len(t, srv.got, 1)
			srv.mu.Unlock()
		})
	}
}

// TestStartTLSRequired: a server that does not offer STARTTLS gets
// nothing, not a message in the clear.
func TestStartTLSRequired(t *testing.T) {
	t.Parallel()
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &authSession{srv: &tlsServer{}, conn: c}, nil
	}))
	srv.AllowInsecureAuth = true
	go func() { _ = srv.Serve(plain) }()
	t.Cleanup(func() { srv.Close() })
	m := &delivery.SMTPMailer{Config: config.SMTP{Addr: plain.Addr().String(), TLS: config.SMTPStartTLS}}
	err = m.Send(context.Background(), "a@shop.example", []string{"ada@example.com"}, []byte("Subject: x\r\n\r\nx\r\n"))
	require.ErrorContains(t, err, "STARTTLS")
}
