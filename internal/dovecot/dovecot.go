// Package dovecot starts a real IMAP server for tests: Debian's Dovecot
// (`apt-get install dovecot-imapd`), as a child process with its own
// configuration, users and maildirs in the test's temporary directory,
// listening on free ports of 127.0.0.1. Without Dovecot a test is skipped,
// except in CI (CI set), where it fails. It is for tests only.
package dovecot

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Binary is where Debian installs Dovecot's master process.
const Binary = "/usr/sbin/dovecot"

// Server is a running Dovecot with one user.
type Server struct {
	Host string
	// Port is the plain IMAP port (which offers STARTTLS when the server
	// has TLS); TLSPort the implicit-TLS one (0 without TLS).
	Port    int
	TLSPort int
	// Username and Password log in to the user's mailboxes.
	Username, Password string
	// RootCAs verifies the server's self-signed certificate (nil without
	// TLS).
	RootCAs *x509.CertPool
	// LogPath is Dovecot's log, shown when the test fails.
	LogPath string
}

// Options tune Start.
type Options struct {
	// TLS gives the server a self-signed certificate for 127.0.0.1: STARTTLS
	// on Port and implicit TLS on TLSPort.
	TLS bool
}

// Start starts Dovecot for the test; it stops when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	bin := Binary
	if _, err := os.Stat(bin); err != nil {
		if p, lookErr := exec.LookPath("dovecot"); lookErr == nil {
			bin = p
		} else {
			msg := "Dovecot is not installed (DEBIAN_FRONTEND=noninteractive apt-get install -y dovecot-imapd): the IMAP tests need a real server"
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	dir := t.TempDir()
	if len(dir) > 60 {
		// Dovecot's sockets live under base_dir, and a socket's path has
		// at most 107 bytes.
		short, err := os.MkdirTemp("", "dovecot")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(short) })
		dir = short
	}
	s := &Server{Host: "127.0.0.1", Username: "support", Password: "correct horse battery staple",
		LogPath: filepath.Join(dir, "dovecot.log")}
	mailUID, mailGID, internalUser, loginUser := ids(t)
	mailDir := filepath.Join(dir, "mail")
	for _, d := range []string{mailDir, filepath.Join(dir, "run"), filepath.Join(dir, "state")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if os.Geteuid() == 0 {
		// Dovecot reads mail as an unprivileged user, who must reach the
		// maildirs.
		for d := dir; d != filepath.Dir(d) && strings.HasPrefix(d, os.TempDir()) && d != filepath.Clean(os.TempDir()); d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chown(mailDir, mailUID, mailGID); err != nil {
			t.Fatal(err)
		}
	}
	users := filepath.Join(dir, "users")
	if err := os.WriteFile(users, []byte(s.Username+":{PLAIN}"+s.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var tlsConf string
	if o.TLS {
		cert, key := selfSigned(t, s)
		certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
		if err := os.WriteFile(certPath, cert, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keyPath, key, 0o600); err != nil {
			t.Fatal(err)
		}
		tlsConf = fmt.Sprintf("ssl = yes\nssl_cert = <%s\nssl_key = <%s\n", certPath, keyPath)
	} else {
		tlsConf = "ssl = no\n"
	}

	var cmd *exec.Cmd
	for attempt := 0; ; attempt++ {
		s.Port = freePort(t)
		imaps := "port = 0"
		if o.TLS {
			s.TLSPort = freePort(t)
			imaps = fmt.Sprintf("address = 127.0.0.1\n    port = %d\n    ssl = yes", s.TLSPort)
		}
		conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[2]s
protocols = imap
listen = 127.0.0.1
%[3]sdisable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = %[4]s
default_login_user = %[5]s
first_valid_uid = %[6]d
mail_location = maildir:%[1]s/mail/%%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN %[7]s
}
userdb {
  driver = static
  args = uid=%[6]d gid=%[8]d home=%[1]s/mail/%%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[9]d
  }
  inet_listener imaps {
    %[10]s
  }
}
`, dir, s.LogPath, tlsConf, internalUser, loginUser, mailUID, users, mailGID, s.Port, imaps)
		confPath := filepath.Join(dir, "dovecot.conf")
		if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		cmd = exec.Command(bin, "-F", "-c", confPath)
		cmd.Stdout, cmd.Stderr = &out, &out
		// Its own process group: the cleanup stops Dovecot's children too.
		// A test binary that dies without its cleanups (a panic) takes
		// Dovecot with it.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
		if err := cmd.Start(); err != nil {
			fail(t, s, "start dovecot: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		err := s.waitGreeting(exited)
		if err == nil {
			t.Cleanup(func() {
				syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
				select {
				case <-exited:
				case <-time.After(10 * time.Second):
					syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					<-exited
				}
			})
			return s
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		// A port taken between freePort and Dovecot's bind: try others.
		if attempt < 3 && strings.Contains(out.String()+readLog(s), "Address already in use") {
			continue
		}
		fail(t, s, "dovecot did not start: %v\n%s", err, out.String())
	}
}

// waitGreeting waits until the server greets an IMAP client.
func (s *Server) waitGreeting(exited <-chan struct{}) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			return fmt.Errorf("dovecot exited")
		default:
		}
		conn, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 4)
			_, err = conn.Read(buf)
			conn.Close()
			if err == nil && string(buf) == "* OK" {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no IMAP greeting on %s: %v", s.Addr(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ids are the users Dovecot runs as: as root, its mail is read as the
// dovecot user (never root) and its login processes run as dovenull (or
// nobody); otherwise everything runs as the current user.
func ids(t testing.TB) (mailUID, mailGID int, internalUser, loginUser string) {
	t.Helper()
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		return os.Getuid(), os.Getgid(), u.Username, u.Username
	}
	mail, err := user.Lookup("dovecot")
	if err != nil {
		t.Fatalf("dovecot's user: %v (the dovecot-core package creates it)", err)
	}
	login := "dovenull"
	if _, err := user.Lookup(login); err != nil {
		login = "nobody"
	}
	uid, _ := strconv.Atoi(mail.Uid)
	gid, _ := strconv.Atoi(mail.Gid)
	return uid, gid, "root", login
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func readLog(s *Server) string {
	b, _ := os.ReadFile(s.LogPath)
	return string(b)
}

func fail(t testing.TB, s *Server, format string, args ...any) {
	t.Helper()
	t.Fatalf(format+"\ndovecot.log:\n%s", append(args, readLog(s))...)
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, and sets
// s.RootCAs to trust it.
func selfSigned(t testing.TB, s *Server) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dovecot test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	s.RootCAs = x509.NewCertPool()
	s.RootCAs.AddCert(cert)
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

// Addr is the plain IMAP port's host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Client is a client logged in as the server's user (in the clear, over
// loopback): the test's side of the mailbox, as a mail client or the
// delivering mail server would be. It is closed when the test ends.
func (s *Server) Client(t testing.TB) *imapclient.Client {
	t.Helper()
	var opts *imapclient.Options
	if s.RootCAs != nil {
		opts = &imapclient.Options{TLSConfig: &tls.Config{RootCAs: s.RootCAs, ServerName: s.Host}}
	}
	c, err := imapclient.DialInsecure(s.Addr(), opts)
	if err != nil {
		fail(t, s, "dial dovecot: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(s.Username, s.Password).Wait(); err != nil {
		fail(t, s, "log in to dovecot: %v", err)
	}
	return c
}

// Append delivers a raw message into the mailbox (created when missing),
// unread unless flags say otherwise, and returns its UID.
func (s *Server) Append(t testing.TB, mailbox string, raw []byte, flags ...imap.Flag) imap.UID {
	t.Helper()
	c := s.Client(t)
	defer c.Logout()
	if mailbox != "INBOX" {
		// ALREADYEXISTS is fine.
		_ = c.Create(mailbox, nil).Wait()
	}
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Flags: flags})
	if _, err := cmd.Write(raw); err != nil {
		fail(t, s, "append: %v", err)
	}
	if err := cmd.Close(); err != nil {
		fail(t, s, "append: %v", err)
	}
	data, err := cmd.Wait()
	if err != nil {
		fail(t, s, "append: %v", err)
	}
	return data.UID
}

// Flags returns each message's flags by UID.
func (s *Server) Flags(t testing.TB, mailbox string) map[imap.UID][]imap.Flag {
	t.Helper()
	c := s.Client(t)
	defer c.Logout()
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		fail(t, s, "select %s: %v", mailbox, err)
	}
	out := map[imap.UID][]imap.Flag{}
	if sel.NumMessages == 0 {
		return out
	}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		fail(t, s, "fetch flags: %v", err)
	}
	for _, m := range msgs {
		out[m.UID] = m.Flags
	}
	return out
}

// Seen reports whether the message with the UID is marked read.
func (s *Server) Seen(t testing.TB, mailbox string, uid imap.UID) bool {
	t.Helper()
	for _, f := range s.Flags(t, mailbox)[uid] {
		if f == imap.FlagSeen {
			return true
		}
	}
	return false
}

// MarkUnread removes \Seen from the messages, as a person might in their
// mail client.
func (s *Server) MarkUnread(t testing.TB, mailbox string, uids ...imap.UID) {
	t.Helper()
	c := s.Client(t)
	defer c.Logout()
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		fail(t, s, "select %s: %v", mailbox, err)
	}
	store := &imap.StoreFlags{Op: imap.StoreFlagsDel, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	if err := c.Store(imap.UIDSetNum(uids...), store, nil).Close(); err != nil {
		fail(t, s, "store: %v", err)
	}
}

// DeleteMailbox deletes a mailbox (not INBOX): created again, it has a new
// UIDVALIDITY.
func (s *Server) DeleteMailbox(t testing.TB, mailbox string) {
	t.Helper()
	c := s.Client(t)
	defer c.Logout()
	if err := c.Delete(mailbox).Wait(); err != nil {
		fail(t, s, "delete %s: %v", mailbox, err)
	}
}
