package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/delivery"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
)

// A channel's provider settings: how an email channel sends (its From
// address, reply to all) and how a whatsapp channel reaches the WhatsApp
// Business Cloud API (its number, token, app secret, verify token and
// template). Tokens and secrets are sealed (package sealed) and never shown.

type providerRequest struct {
	Email    *emailProviderJSON    `json:"email"`
	WhatsApp *whatsAppProviderJSON `json:"whatsapp"`
}

type emailProviderJSON struct {
	// From is the sender of the channel's emails ("" = SWITCHBOARD_SMTP_FROM).
	From string `json:"from"`
	// ReplyAll sends the agent's replies to everyone on the customer's
	// email (To and Cc), not only the sender.
	ReplyAll bool `json:"reply_all"`
	// SMTP is the channel's own SMTP server (nil: SWITCHBOARD_SMTP_*).
	SMTP *smtpProviderJSON `json:"smtp,omitempty"`
	// IMAP is the mailbox the channel polls for its customers' emails
	// (nil: none; emails arrive at InboundURL).
	IMAP *imapProviderJSON `json:"imap,omitempty"`
	// InboundURL is where the mail server posts raw emails (responses only).
	InboundURL string `json:"inbound_url,omitempty"`
}

type smtpProviderJSON struct {
	Addr     string `json:"addr"`
	TLS      string `json:"tls"`
	Username string `json:"username"`
	// Password is write-only: omitted or "" keeps the stored one.
	Password    string `json:"password,omitempty"`
	PasswordSet bool   `json:"password_set"`
}

type imapProviderJSON struct {
	Host string `json:"host"`
	// Port defaults to 993 with TLS, 143 otherwise.
	Port int `json:"port"`
	// TLS is "tls" (implicit, the default), "starttls" or "none" (a
	// server on the loopback interface only).
	TLS      string `json:"tls"`
	Username string `json:"username"`
	// Password is write-only: omitted or "" keeps the stored one (while
	// host and username stay the same).
	Password    string `json:"password,omitempty"`
	PasswordSet bool   `json:"password_set"`
	// Mailbox defaults to INBOX.
	Mailbox string `json:"mailbox"`
	// PollInterval is a Go duration, 10s to 24h (default 1m).
	PollInterval string `json:"poll_interval"`
	// Enabled (default true): false keeps the settings and stops polling.
	Enabled *bool `json:"enabled,omitempty"`
	// Status is how polling goes (responses only).
	Status *imapStatusJSON `json:"status,omitempty"`
}

// imapStatusJSON is how polling a channel's mailbox goes.
type imapStatusJSON struct {
	// State is "paused", "waiting" (not polled yet), "ok" or "failing"
	// (LastError says why; polls go on, further and further apart).
	State         string     `json:"state"`
	LastPollAt    *time.Time `json:"last_poll_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	LastErrorAt   *time.Time `json:"last_error_at,omitempty"`
	// Failures counts the failed polls since the last good one.
	Failures int `json:"failures"`
	// UIDValidity and LastUID say where reading the mailbox has got to.
	UIDValidity int64 `json:"uid_validity"`
	LastUID     int64 `json:"last_uid"`
	// Accepted, Ignored (automatic replies, bounces) and Skipped (left
	// unread: unreadable or too large) count the messages read.
	Accepted    int64  `json:"accepted"`
	Ignored     int64  `json:"ignored"`
	Skipped     int64  `json:"skipped"`
	LastSkipped string `json:"last_skipped,omitempty"`
}

// IMAP settings' bounds.
const (
	minIMAPPollInterval = 10 * time.Second
	maxIMAPPollInterval = 24 * time.Hour
)

var hostnamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)

type whatsAppProviderJSON struct {
	PhoneNumberID string `json:"phone_number_id"`
	// AccessToken, AppSecret and VerifyToken are write-only: omitted or ""
	// keeps the stored one.
	AccessToken      string `json:"access_token,omitempty"`
	AppSecret        string `json:"app_secret,omitempty"`
	VerifyToken      string `json:"verify_token,omitempty"`
	Template         string `json:"template"`
	TemplateLanguage string `json:"template_language"`
	// Responses only.
	AccessTokenSet bool   `json:"access_token_set"`
	AppSecretSet   bool   `json:"app_secret_set"`
	VerifyTokenSet bool   `json:"verify_token_set"`
	WebhookURL     string `json:"webhook_url,omitempty"`
}

type providerResponse struct {
	ChannelID string                `json:"channel_id"`
	Type      string                `json:"type"`
	Email     *emailProviderJSON    `json:"email,omitempty"`
	WhatsApp  *whatsAppProviderJSON `json:"whatsapp,omitempty"`
	UpdatedAt *time.Time            `json:"updated_at,omitempty"`
}

var (
	phoneNumberIDPattern = regexp.MustCompile(`^[0-9]{1,32}$`)
	templateNamePattern  = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)
	languagePattern      = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
)

func providerOut(ch models.Channel, p models.ChannelProvider, mailbox models.IMAPMailbox) providerResponse {
	out := providerResponse{ChannelID: ch.ID, Type: ch.Type}
	if !p.UpdatedAt.IsZero() {
		t := p.UpdatedAt
		out.UpdatedAt = &t
	}
	switch ch.Type {
	case models.ChannelEmail:
		out.Email = &emailProviderJSON{From: p.EmailFrom, ReplyAll: p.ReplyAll, InboundURL: "/v1/channels/" + ch.ID + "/inbound/email"}
		if p.SMTPAddr != "" {
			out.Email.SMTP = &smtpProviderJSON{Addr: p.SMTPAddr, TLS: p.SMTPTLS, Username: p.SMTPUsername, PasswordSet: p.SMTPPassword != ""}
		}
		if p.IMAPHost != "" {
			out.Email.IMAP = imapOut(p, mailbox)
		}
	case models.ChannelWhatsApp:
		out.WhatsApp = &whatsAppProviderJSON{
			PhoneNumberID: p.WhatsAppPhoneNumberID, Template: p.WhatsAppTemplate, TemplateLanguage: p.WhatsAppTemplateLanguage,
			AccessTokenSet: p.WhatsAppToken != "", AppSecretSet: p.WhatsAppAppSecret != "", VerifyTokenSet: p.WhatsAppVerifyToken != "",
			WebhookURL: "/v1/channels/" + ch.ID + "/inbound/whatsapp",
		}
	}
	return out
}

// imapOut is an email channel's mailbox settings, never its password, and
// how polling it goes.
func imapOut(p models.ChannelProvider, m models.IMAPMailbox) *imapProviderJSON {
	enabled := !p.IMAPPaused
	out := &imapProviderJSON{
		Host: p.IMAPHost, Port: p.IMAPPort, TLS: p.IMAPTLS, Username: p.IMAPUsername, PasswordSet: p.IMAPPassword != "",
		Mailbox: p.IMAPMailbox, PollInterval: (time.Duration(p.IMAPPollSeconds) * time.Second).String(), Enabled: &enabled,
	}
	st := &imapStatusJSON{
		LastPollAt: m.LastPollAt, LastSuccessAt: m.LastSuccessAt, LastError: m.LastError, LastErrorAt: m.LastErrorAt,
		Failures: m.Failures, UIDValidity: m.UIDValidity, LastUID: m.LastUID,
		Accepted: m.Accepted, Ignored: m.Ignored, Skipped: m.Skipped, LastSkipped: m.LastSkipped,
	}
	switch {
	case p.IMAPPaused:
		st.State = "paused"
	case m.LastError != "":
		st.State = "failing"
	case m.LastPollAt == nil:
		st.State = "waiting"
	default:
		st.State = "ok"
	}
	out.Status = st
	return out
}

// loadMailbox is how polling the channel's mailbox goes (zero when it was
// never polled).
func (s *Server) loadMailbox(ctx context.Context, channelID string) (models.IMAPMailbox, error) {
	var m models.IMAPMailbox
	err := s.DB.WithContext(ctx).Where("channel_id = ?", channelID).Limit(1).Find(&m).Error
	return m, err
}

// loadProvider returns an email or whatsapp channel of the workspace and
// its provider settings (zero when it has none).
func (s *Server) loadProvider(c *gin.Context) (models.Channel, models.ChannelProvider, error) {
	var p models.ChannelProvider
	id, err := channelParam(c)
	if err != nil {
		return models.Channel{}, p, err
	}
	db := s.DB.WithContext(c.Request.Context())
	ch, _, _, err := loadChannel(db, principal(c).WorkspaceID, id)
	if err != nil {
		return ch, p, err
	}
	if !isWebhookChannel(ch.Type) {
		return ch, p, apperr.Errorf(apperr.ECONFLICT, "a %s channel has no provider settings", ch.Type)
	}
	err = db.Where("channel_id = ?", ch.ID).Limit(1).Find(&p).Error
	return ch, p, err
}

// getProvider: GET /v1/channels/{id}/provider (admins and auditors; never a
// secret).
func (s *Server) getProvider(c *gin.Context) {
	ch, p, err := s.loadProvider(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	mailbox, err := s.loadMailbox(c.Request.Context(), ch.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, providerOut(ch, p, mailbox))
}

// putProvider: PUT /v1/channels/{id}/provider. Replaces the settings; a
// secret left out keeps its stored value. Nothing is saved when a field is
// wrong (400 naming it) or a secret cannot be sealed (503: no
// SWITCHBOARD_SECRETS_KEYS).
func (s *Server) putProvider(c *gin.Context) {
	ch, p, err := s.loadProvider(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var req providerRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	p.ChannelID, p.WorkspaceID, p.UpdatedAt = ch.ID, ch.WorkspaceID, time.Now().UTC()
	hadIMAP := p.IMAPHost != ""
	switch ch.Type {
	case models.ChannelEmail:
		if req.WhatsApp != nil {
			s.fail(c, apperr.Invalid("whatsapp", "an email channel takes only \"email\""))
			return
		}
		if err := s.setEmailProvider(&p, req.Email); err != nil {
			s.fail(c, err)
			return
		}
	case models.ChannelWhatsApp:
		if req.Email != nil {
			s.fail(c, apperr.Invalid("email", "a whatsapp channel takes only \"whatsapp\""))
			return
		}
		if err := s.setWhatsAppProvider(&p, req.WhatsApp); err != nil {
			s.fail(c, err)
			return
		}
	}
	ctx := c.Request.Context()
	if err := s.DB.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&p).Error; err != nil {
		s.fail(c, err)
		return
	}
	if p.IMAPHost != "" || hadIMAP {
		// The poller starts, or polls at once with the new settings (and
		// ends when the mailbox was removed or paused). Should Temporal
		// not answer, the workers' delivery.MailboxPollers start it.
		if err := delivery.StartMailboxPolling(ctx, s.Temporal, s.TaskQueue, ch.ID); err != nil && s.Log != nil {
			s.Log.Warn("imap poller not started", "channel_id", ch.ID, "err", err)
		}
	}
	mailbox, err := s.loadMailbox(ctx, ch.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, providerOut(ch, p, mailbox))
}

func (s *Server) setEmailProvider(p *models.ChannelProvider, req *emailProviderJSON) error {
	if req == nil {
		req = &emailProviderJSON{}
	}
	if req.From != "" {
		if _, err := mail.ParseAddress(req.From); err != nil {
			return apperr.Invalid("email.from", fmt.Sprintf("%q is not an email address", req.From))
		}
	}
	// The mailbox is checked (and its password sealed) before anything
	// is set: a wrong field leaves the stored settings as they were.
	if err := s.setIMAPProvider(p, req.IMAP); err != nil {
		return err
	}
	p.EmailFrom, p.ReplyAll = req.From, req.ReplyAll
	if req.SMTP == nil {
		p.SMTPAddr, p.SMTPTLS, p.SMTPUsername, p.SMTPPassword = "", "", "", ""
		return nil
	}
	smtp := req.SMTP
	if smtp.TLS == "" {
		smtp.TLS = config.SMTPStartTLS
	}
	switch {
	case !validHostPort(smtp.Addr):
		return apperr.Invalid("email.smtp.addr", fmt.Sprintf("%q is not host:port", smtp.Addr))
	case smtp.TLS != config.SMTPStartTLS && smtp.TLS != config.SMTPImplicitTLS && smtp.TLS != config.SMTPNoTLS:
		return apperr.Invalid("email.smtp.tls", fmt.Sprintf("%q is not one of starttls, tls, none", smtp.TLS))
	case len(smtp.Username) > 255:
		return apperr.Invalid("email.smtp.username", "longer than 255 characters")
	case len(smtp.Password) > 4096:
		return apperr.Invalid("email.smtp.password", "longer than 4096 characters")
	case smtp.Password != "" && smtp.Username == "":
		return apperr.Invalid("email.smtp.username", "must be set with a password")
	}
	if smtp.Username == "" || smtp.Addr != p.SMTPAddr {
		// Another server, or no authentication: the stored password goes.
		p.SMTPPassword = ""
	}
	p.SMTPAddr, p.SMTPTLS, p.SMTPUsername = smtp.Addr, smtp.TLS, smtp.Username
	if smtp.Password != "" {
		v, err := s.Secrets.Seal(smtp.Password, models.SMTPPasswordPurpose(p.ChannelID))
		if errors.Is(err, sealed.ErrNoKeys) {
			return apperr.Errorf(apperr.EUNAVAILABLE, "email.smtp.password: cannot be stored: no secrets key is configured (SWITCHBOARD_SECRETS_KEYS)")
		}
		if err != nil {
			return err
		}
		p.SMTPPassword = v
	}
	return nil
}

// setIMAPProvider checks an email channel's mailbox settings and sets them
// on p (nil removes them). The password is sealed for the channel; a new
// host or username needs it again.
func (s *Server) setIMAPProvider(p *models.ChannelProvider, req *imapProviderJSON) error {
	if req == nil {
		p.IMAPHost, p.IMAPPort, p.IMAPTLS, p.IMAPUsername, p.IMAPPassword = "", 0, "", "", ""
		p.IMAPMailbox, p.IMAPPollSeconds, p.IMAPPaused = "", 0, false
		return nil
	}
	in := *req
	in.Host = strings.TrimSpace(in.Host)
	if in.TLS == "" {
		in.TLS = models.IMAPImplicitTLS
	}
	if in.Port == 0 {
		in.Port = 143
		if in.TLS == models.IMAPImplicitTLS {
			in.Port = 993
		}
	}
	if in.Mailbox == "" {
		in.Mailbox = "INBOX"
	}
	if in.PollInterval == "" {
		in.PollInterval = delivery.DefaultPollInterval.String()
	}
	interval, intervalErr := time.ParseDuration(in.PollInterval)
	keepPassword := p.IMAPPassword != "" && strings.EqualFold(in.Host, p.IMAPHost) && in.Username == p.IMAPUsername
	switch {
	case in.Host == "":
		return apperr.Invalid("email.imap.host", "must not be empty (the IMAP server's host name)")
	case len(in.Host) > 253 || (net.ParseIP(in.Host) == nil && !hostnamePattern.MatchString(in.Host)):
		return apperr.Invalid("email.imap.host", fmt.Sprintf("%q is not a host name or IP address (give the port in email.imap.port)", in.Host))
	case in.TLS != models.IMAPImplicitTLS && in.TLS != models.IMAPStartTLS && in.TLS != models.IMAPNoTLS:
		return apperr.Invalid("email.imap.tls", fmt.Sprintf("%q is not one of tls, starttls, none", in.TLS))
	case in.TLS == models.IMAPNoTLS && !delivery.IsLoopbackHost(in.Host):
		return apperr.Invalid("email.imap.tls", fmt.Sprintf("none is only for a server on the loopback interface (127.0.0.1, ::1, localhost), not %q: use tls or starttls", in.Host))
	case in.Port < 1 || in.Port > 65535:
		return apperr.Invalid("email.imap.port", fmt.Sprintf("must be between 1 and 65535, got %d", in.Port))
	case strings.TrimSpace(in.Username) == "":
		return apperr.Invalid("email.imap.username", "must not be empty (the mailbox's login)")
	case len(in.Username) > 255:
		return apperr.Invalid("email.imap.username", "longer than 255 characters")
	case len(in.Password) > 4096:
		return apperr.Invalid("email.imap.password", "longer than 4096 characters")
	case in.Password == "" && !keepPassword:
		return apperr.Invalid("email.imap.password", "must not be empty (the mailbox's password; it is kept only while host and username stay the same)")
	case len(in.Mailbox) > 255 || strings.ContainsFunc(in.Mailbox, unicode.IsControl):
		return apperr.Invalid("email.imap.mailbox", "must be a mailbox name of at most 255 characters, without control characters")
	case intervalErr != nil:
		return apperr.Invalid("email.imap.poll_interval", fmt.Sprintf("%q is not a duration like 30s or 5m", in.PollInterval))
	case interval < minIMAPPollInterval || interval > maxIMAPPollInterval:
		return apperr.Invalid("email.imap.poll_interval", fmt.Sprintf("must be between %s and %s, got %s", minIMAPPollInterval, maxIMAPPollInterval, interval))
	}
	password := p.IMAPPassword
	if !keepPassword {
		password = ""
	}
	if in.Password != "" {
		v, err := s.Secrets.Seal(in.Password, models.IMAPPasswordPurpose(p.ChannelID))
		if errors.Is(err, sealed.ErrNoKeys) {
			return apperr.Errorf(apperr.EUNAVAILABLE, "email.imap.password: cannot be stored: no secrets key is configured (SWITCHBOARD_SECRETS_KEYS)")
		}
		if err != nil {
			return err
		}
		password = v
	}
	p.IMAPHost, p.IMAPPort, p.IMAPTLS, p.IMAPUsername, p.IMAPPassword = in.Host, in.Port, in.TLS, in.Username, password
	p.IMAPMailbox, p.IMAPPollSeconds = in.Mailbox, int(interval/time.Second)
	p.IMAPPaused = in.Enabled != nil && !*in.Enabled
	return nil
}

// validHostPort reports whether addr is host:port with a port number.
func validHostPort(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || len(addr) > 255 {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n > 0 && n < 65536
}

func (s *Server) setWhatsAppProvider(p *models.ChannelProvider, req *whatsAppProviderJSON) error {
	if req == nil {
		return apperr.Invalid("whatsapp", "must be an object with phone_number_id and access_token")
	}
	switch {
	case !phoneNumberIDPattern.MatchString(req.PhoneNumberID):
		return apperr.Invalid("whatsapp.phone_number_id", "must be the Cloud API's phone number ID (digits)")
	case req.AccessToken == "" && p.WhatsAppToken == "":
		return apperr.Invalid("whatsapp.access_token", "must not be empty (the Cloud API's access token)")
	case req.Template != "" && !templateNamePattern.MatchString(req.Template):
		return apperr.Invalid("whatsapp.template", "must be a template name: lower-case letters, digits and _")
	case req.TemplateLanguage != "" && !languagePattern.MatchString(req.TemplateLanguage):
		return apperr.Invalid("whatsapp.template_language", fmt.Sprintf("%q is not a language code like en or en_US", req.TemplateLanguage))
	case len(req.AccessToken) > 4096 || len(req.AppSecret) > 4096 || len(req.VerifyToken) > 4096:
		return apperr.Invalid("whatsapp", "a token or secret is longer than 4096 characters")
	}
	p.WhatsAppPhoneNumberID, p.WhatsAppTemplate, p.WhatsAppTemplateLanguage = req.PhoneNumberID, req.Template, req.TemplateLanguage
	for _, secret := range []struct {
		field, value, purpose string
		dst                   *string
	}{
		{"whatsapp.access_token", req.AccessToken, models.WhatsAppTokenPurpose(p.ChannelID), &p.WhatsAppToken},
		{"whatsapp.app_secret", req.AppSecret, models.WhatsAppAppSecretPurpose(p.ChannelID), &p.WhatsAppAppSecret},
		{"whatsapp.verify_token", req.VerifyToken, models.WhatsAppVerifyTokenPurpose(p.ChannelID), &p.WhatsAppVerifyToken},
	} {
		if secret.value == "" {
			continue
		}
		v, err := s.Secrets.Seal(secret.value, secret.purpose)
		if errors.Is(err, sealed.ErrNoKeys) {
			return apperr.Errorf(apperr.EUNAVAILABLE, "%s: cannot be stored: no secrets key is configured (SWITCHBOARD_SECRETS_KEYS)", secret.field)
		}
		if err != nil {
			return err
		}
		*secret.dst = v
	}
	return nil
}
