package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/delivery"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/devstack"
	"github.com/switchboardhq/switchboard/mailcatcher"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
	"github.com/switchboardhq/switchboard/worker"
)

// DemoInfo is what `switchboard dev` writes to <data dir>/demo.json.
type DemoInfo struct {
	WorkspaceID   string `json:"workspace_id"`
	WorkspaceName string `json:"workspace_name"`
	ChannelID     string `json:"channel_id"`
	APIURL        string `json:"api_url"`
	TemporalUIURL string `json:"temporal_ui_url,omitempty"`
	TemporalAddr  string `json:"temporal_address"`
	WeaviateURL   string `json:"weaviate_url"`
	// MailURL lists the emails the agent sent, caught by the dev SMTP
	// server at SMTPAddress (when SWITCHBOARD_SMTP_ADDR is not set).
	MailURL     string `json:"mail_url,omitempty"`
	SMTPAddress string `json:"smtp_address,omitempty"`
	// Mailbox is the support mailbox the demo's email channel reads (IMAP,
	// in memory), which the mail page writes customers' emails into.
	Mailbox *DemoMailbox `json:"mailbox,omitempty"`
	Keys    demo.Keys    `json:"keys"`
	// Webhooks are the demo's email and whatsapp channels: where a provider
	// posts inbound messages, and the secret that signs them.
	Webhooks []DemoWebhook `json:"webhooks,omitempty"`
}

// DemoWebhook is a demo channel that receives messages by signed webhook.
type DemoWebhook struct {
	demo.WebhookChannel
	URL string `json:"url"`
	// InboundEmailURL takes raw emails for an email channel (the secret as
	// bearer token).
	InboundEmailURL string `json:"inbound_email_url,omitempty"`
}

// DemoMailbox is dev's support mailbox: an IMAP server on Address, read by
// the email channel ChannelID, for emails to To.
type DemoMailbox struct {
	ChannelID string `json:"channel_id"`
	Address   string `json:"imap_address"`
	Username  string `json:"username"`
	To        string `json:"to"`
}

// RunDev runs the whole product on one machine until ctx ends: the Temporal
// dev server and Weaviate as child processes (unless TEMPORAL_ADDRESS or
// WEAVIATE_URL point elsewhere), the database (embedded SQLite unless
// DATABASE_URL is set), the demo workspace, the API and the worker.
func RunDev(ctx context.Context, cfg config.Config, out io.Writer) (err error) {
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := Logger(cfg)
	logDir := filepath.Join(cfg.DataDir, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}

	var children []*devstack.Process
	defer func() {
		// Stop in reverse order of start; each gets a grace period.
		for i := len(children) - 1; i >= 0; i-- {
			children[i].Stop(15 * time.Second)
		}
	}()

	uiURL := ""
	if !cfg.IsSet("TEMPORAL_ADDRESS") {
		bin, err := devstack.TemporalCLI.Require(cfg.ToolsDir)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "starting Temporal dev server on 127.0.0.1:%d …\n", cfg.DevTemporalPort)
		p, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{
			Bin: bin, Port: cfg.DevTemporalPort, UIPort: cfg.DevTemporalUIPort,
			DBFile: filepath.Join(cfg.DataDir, "temporal.db"), SearchAttributes: searchAttributeFlags(),
			LogFile: filepath.Join(logDir, "temporal.log"),
		})
		if err != nil {
			return err
		}
		children = append(children, p)
		cfg.TemporalAddress = "127.0.0.1:" + strconv.Itoa(cfg.DevTemporalPort)
		uiURL = fmt.Sprintf("http://127.0.0.1:%d", cfg.DevTemporalUIPort)
	}
	if !cfg.IsSet("WEAVIATE_URL") {
		bin, err := devstack.WeaviateServer.Require(cfg.ToolsDir)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "starting Weaviate on 127.0.0.1:%d (ready in 10–20 s) …\n", cfg.DevWeaviatePort)
		p, err := devstack.StartWeaviate(ctx, devstack.WeaviateOptions{
			Bin: bin, Port: cfg.DevWeaviatePort, DataDir: filepath.Join(cfg.DataDir, "weaviate"),
			LogFile: filepath.Join(logDir, "weaviate.log"),
		})
		if err != nil {
			return err
		}
		children = append(children, p)
		cfg.WeaviateURL = "http://127.0.0.1:" + strconv.Itoa(cfg.DevWeaviatePort)
		cfg.WeaviateGRPCAddress = devstack.WeaviateGRPCAddress(cfg.DevWeaviatePort)
	}

	if len(cfg.SecretsKeys) == 0 {
		if cfg.SecretsKeys, err = devSecretsKey(cfg.DataDir); err != nil {
			return err
		}
	}
	// The agent's emails go to a mail catcher of our own, listed at
	// /dev/mail, unless an SMTP server is configured.
	var catcher *mailcatcher.Catcher
	if cfg.Delivery.SMTP.Addr == "" {
		if catcher, err = mailcatcher.Start("127.0.0.1:0", filepath.Join(cfg.DataDir, "mail")); err != nil {
			return err
		}
		defer catcher.Close()
		cfg.Delivery.SMTP = config.SMTP{Addr: catcher.Addr(), TLS: config.SMTPNoTLS, From: devMailFrom}
	}
	d, err := Connect(cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Prepare(ctx, 60*time.Second); err != nil {
		return err
	}

	info, err := seedDemo(ctx, d, cfg)
	if err != nil {
		return err
	}

	// The demo's email channel reads a support mailbox of dev's own, which
	// the mail page writes into, unless an SMTP server is configured.
	var inbox *mailcatcher.Inbox
	if catcher != nil {
		if inbox, info.Mailbox, err = devMailbox(ctx, d, cfg.TaskQueue, info); err != nil {
			return err
		}
		if inbox != nil {
			defer inbox.Mailbox.Close()
		}
	} else if err := forgetDevMailbox(ctx, d, cfg.DataDir); err != nil {
		return err
	}

	w := worker.New(d.Temporal, cfg.TaskQueue, d.Activities(), worker.WithSources(d.Sources()),
		worker.WithDelivery(d.Delivery()), worker.WithMailboxes(d.Mailboxes()))
	// Rehearsals' simulated customers, played by the configured model.
	w.RegisterActivity(d.Simulator())
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	go d.Dispatcher().Run(ctx)
	go d.MailboxPollers().Run(ctx)
	go d.WarmIssueTypeModels(ctx)

	l, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("SWITCHBOARD_HTTP_ADDR: listen on %s: %w", cfg.HTTPAddr, err)
	}
	info.APIURL = "http://" + l.Addr().String()
	info.TemporalUIURL = uiURL
	info.TemporalAddr = cfg.TemporalAddress
	info.WeaviateURL = cfg.WeaviateURL
	for i := range info.Webhooks {
		info.Webhooks[i].URL = info.APIURL + "/v1/webhooks/" + info.Webhooks[i].ChannelID
		if info.Webhooks[i].Type == models.ChannelEmail {
			info.Webhooks[i].InboundEmailURL = info.APIURL + "/v1/channels/" + info.Webhooks[i].ChannelID + "/inbound/email"
		}
	}
	if catcher != nil {
		info.MailURL, info.SMTPAddress = info.APIURL+"/dev/mail", catcher.Addr()
	}
	infoPath := filepath.Join(cfg.DataDir, "demo.json")
	if err := writeJSONFile(infoPath, info); err != nil {
		l.Close()
		return err
	}
	printBanner(out, info, infoPath)

	errCh := make(chan error, 1)
	srv := d.server()
	handler := srv.Handler()
	if catcher != nil {
		handler = withMailPage(handler, catcher, inbox)
	}
	go func() { errCh <- serveHTTP(ctx, l, handler, srv.CloseStreams) }()
	select {
	case err = <-errCh:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "\nstopping …")
	return <-errCh
}

// seedDemo seeds the demo workspace the first time and indexes its articles.
// The keys exist in clear only in demo.json; when that file is gone, the
// demo workspace gets new keys.
func seedDemo(ctx context.Context, d *Deps, cfg config.Config) (DemoInfo, error) {
	now := time.Now().UTC()
	seeded, keys, err := demo.Seed(ctx, d.DB, now)
	if err != nil {
		return DemoInfo{}, err
	}
	info := DemoInfo{WorkspaceID: seeded.WorkspaceID, WorkspaceName: demo.WorkspaceName, ChannelID: seeded.ChannelID, Keys: keys}
	for _, w := range seeded.Webhooks {
		info.Webhooks = append(info.Webhooks, DemoWebhook{WebhookChannel: w})
	}
	if !seeded.Created {
		var prev DemoInfo
		err := readJSONFile(filepath.Join(cfg.DataDir, "demo.json"), &prev)
		if err == nil && prev.WorkspaceID == seeded.WorkspaceID && prev.Keys.Widget != "" {
			info.Keys = prev.Keys
		} else {
			if info.Keys, err = demo.CreateKeys(d.DB.WithContext(ctx), seeded.WorkspaceID, seeded.ChannelID, now); err != nil {
				return DemoInfo{}, err
			}
		}
	}
	if err := demo.Index(ctx, d.DB, d.Knowledge, seeded.WorkspaceID); err != nil {
		return DemoInfo{}, err
	}
	return info, nil
}

func printBanner(out io.Writer, info DemoInfo, infoPath string) {
	fmt.Fprintf(out, `
Switchboard is running — demo workspace %q

  API           %s
  Chat          %s/chat/%s#key=%s
  Rep inbox     %s/rep (the rep key below)
  Admin pages   %s/admin/dashboard (the admin key below: analytics, conversations, rules, the agent, content, issue types, channels, customers, scenarios, sandbox)
  Temporal UI   %s
  Temporal      %s
  Weaviate      %s
  Mail          %s
  Support mail  %s

  Demo API keys (also in %s):
    admin    %s
    rep      %s
    auditor  %s
    widget   %s

Try it:
  curl -s %s/v1/conversations/demo-1/messages \
    -H "Authorization: Bearer %s" -H "Content-Type: application/json" \
    -d '{"id":"m1","text":"How long does shipping take?","contact":{"email":"ada@example.com"}}'

Press Ctrl-C to stop everything.
`, info.WorkspaceName, info.APIURL, info.APIURL, info.ChannelID, info.Keys.Widget, info.APIURL, info.APIURL, orElse(info.TemporalUIURL, "(external Temporal: see its own UI)"), info.TemporalAddr, info.WeaviateURL, orElse(info.MailURL, "(none: SWITCHBOARD_SMTP_ADDR is set)"), mailboxLine(info), infoPath,
		info.Keys.Admin, info.Keys.Rep, info.Keys.Auditor, info.Keys.Widget, info.APIURL, info.Keys.Widget)
}

// mailboxLine says where the support mailbox is and how to write to it.
func mailboxLine(info DemoInfo) string {
	if info.Mailbox == nil {
		return "(none: SWITCHBOARD_SMTP_ADDR is set)"
	}
	return fmt.Sprintf("imap://%s@%s, read by the email channel: write to %s on the Mail page",
		info.Mailbox.Username, info.Mailbox.Address, info.Mailbox.To)
}

// orElse is s, or none when s is "".
func orElse(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

func readJSONFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errors.Join(fmt.Errorf("read %s", path), err)
	}
	return nil
}

// devSecretsKey is dev's key for the secrets it stores (action headers),
// made once and kept in the data directory, so that they open after a
// restart. Production sets SWITCHBOARD_SECRETS_KEYS instead.
func devSecretsKey(dataDir string) ([]config.CodecKey, error) {
	path := filepath.Join(dataDir, "secrets.key")
	key, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key = make([]byte, sealed.KeySize)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("make the dev secrets key: %w", err)
		}
		err = os.WriteFile(path, key, 0o600)
	}
	if err != nil {
		return nil, fmt.Errorf("dev secrets key: %w", err)
	}
	if len(key) != sealed.KeySize {
		return nil, fmt.Errorf("dev secrets key %s: %d bytes, want %d (delete it to make a new one)", path, len(key), sealed.KeySize)
	}
	return []config.CodecKey{{ID: "dev", Secret: key}}, nil
}

// devMailFrom is the sender of dev's emails.
const devMailFrom = "Switchboard dev <agent@switchboard.localhost>"

// withMailPage serves the mail catcher's page at /dev/mail next to the API,
// with the form that writes into the support mailbox (inbox, when set).
func withMailPage(api http.Handler, catcher *mailcatcher.Catcher, inbox *mailcatcher.Inbox) http.Handler {
	mux := http.NewServeMux()
	page := catcher.Handler("/dev/mail", inbox)
	mux.Handle("/dev/mail", page)
	mux.Handle("/dev/mail/", page)
	mux.Handle("/", api)
	return mux
}

// forgetDevMailbox removes the mailbox settings the last run gave the demo's
// email channel (as demo.json tells) while they still name that run's
// mailbox, which is gone: this run has none, and the channel's poller would
// fail at every poll. Settings an admin changed since are left alone.
func forgetDevMailbox(ctx context.Context, d *Deps, dataDir string) error {
	var last DemoInfo
	if err := readJSONFile(filepath.Join(dataDir, "demo.json"), &last); err != nil || last.Mailbox == nil {
		return nil
	}
	m := last.Mailbox
	host, port, err := net.SplitHostPort(m.Address)
	if err != nil {
		return nil
	}
	portNumber, err := strconv.Atoi(port)
	if err != nil {
		return nil
	}
	err = d.DB.WithContext(ctx).Model(&models.ChannelProvider{}).
		Where("channel_id = ? AND imap_host = ? AND imap_port = ? AND imap_username = ?", m.ChannelID, host, portNumber, m.Username).
		Updates(map[string]any{
			"imap_host": "", "imap_port": 0, "imap_tls": "", "imap_username": "", "imap_password": "",
			"imap_mailbox": "", "imap_poll_seconds": 0, "imap_paused": false, "updated_at": time.Now().UTC(),
		}).Error
	if err != nil {
		return fmt.Errorf("dev mailbox: forget the last run's: %w", err)
	}
	return nil
}

// devPollInterval is how often the demo's email channel reads dev's
// mailbox (the least the API takes); a written email has it read at once.
const devPollInterval = 10 * time.Second

// devMailbox starts the support mailbox of the demo's email channel and
// points the channel at it, as an admin does with PUT
// /v1/channels/{id}/provider: an IMAP server in memory, without TLS on the
// loopback interface, with a password made for this run. The mailbox starts
// empty every run, so the channel's read position starts again too. Nil
// when the demo has no email channel.
func devMailbox(ctx context.Context, d *Deps, taskQueue string, info DemoInfo) (*mailcatcher.Inbox, *DemoMailbox, error) {
	channelID := ""
	for _, w := range info.Webhooks {
		if w.Type == models.ChannelEmail {
			channelID = w.ChannelID
		}
	}
	if channelID == "" {
		return nil, nil, nil
	}
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		return nil, nil, err
	}
	password := hex.EncodeToString(secret)
	sealedPassword, err := d.Secrets.Seal(password, models.IMAPPasswordPurpose(channelID))
	if err != nil {
		return nil, nil, fmt.Errorf("dev mailbox: %w", err)
	}
	m, err := mailcatcher.StartMailbox("127.0.0.1:0", "support", password)
	if err != nil {
		return nil, nil, err
	}
	host, port, _ := net.SplitHostPort(m.Addr())
	portNumber, _ := strconv.Atoi(port)
	var p models.ChannelProvider
	err = d.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("channel_id = ?", channelID).Limit(1).Find(&p).Error; err != nil {
			return err
		}
		p.ChannelID, p.WorkspaceID, p.UpdatedAt = channelID, info.WorkspaceID, time.Now().UTC()
		p.IMAPHost, p.IMAPPort, p.IMAPTLS, p.IMAPUsername, p.IMAPPassword = host, portNumber, models.IMAPNoTLS, m.Username, sealedPassword
		p.IMAPMailbox, p.IMAPPollSeconds, p.IMAPPaused = "INBOX", int(devPollInterval/time.Second), false
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&p).Error; err != nil {
			return err
		}
		return tx.Where("channel_id = ?", channelID).Delete(&models.IMAPMailbox{}).Error
	})
	if err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("dev mailbox: point the email channel at it: %w", err)
	}
	to := p.EmailFrom
	if to == "" {
		to = devMailFrom
	}
	if a, err := mail.ParseAddress(to); err == nil {
		to = a.Address
	}
	inbox := &mailcatcher.Inbox{Mailbox: m, Address: to, Written: func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := delivery.StartMailboxPolling(ctx, d.Temporal, taskQueue, channelID); err != nil {
			d.log.Warn("dev mailbox: the channel will read it at its next poll", "err", err)
		}
	}}
	return inbox, &DemoMailbox{ChannelID: channelID, Address: m.Addr(), Username: m.Username, To: to}, nil
}
