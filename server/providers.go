package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/config"
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

func providerOut(ch models.Channel, p models.ChannelProvider) providerResponse {
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
	case models.ChannelWhatsApp:
		out.WhatsApp = &whatsAppProviderJSON{
			PhoneNumberID: p.WhatsAppPhoneNumberID, Template: p.WhatsAppTemplate, TemplateLanguage: p.WhatsAppTemplateLanguage,
			AccessTokenSet: p.WhatsAppToken != "", AppSecretSet: p.WhatsAppAppSecret != "", VerifyTokenSet: p.WhatsAppVerifyToken != "",
			WebhookURL: "/v1/channels/" + ch.ID + "/inbound/whatsapp",
		}
	}
	return out
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
	c.JSON(http.StatusOK, providerOut(ch, p))
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
	if err := s.DB.WithContext(c.Request.Context()).Clauses(clause.OnConflict{UpdateAll: true}).Create(&p).Error; err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, providerOut(ch, p))
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
