package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"time"
)

// SMTP TLS modes (SMTP.TLS).
const (
	// SMTPStartTLS upgrades a plain connection with STARTTLS and refuses a
	// server that does not offer it (port 587).
	SMTPStartTLS = "starttls"
	// SMTPImplicitTLS speaks TLS from the first byte (port 465).
	SMTPImplicitTLS = "tls"
	// SMTPNoTLS sends in the clear: only for a local relay or a mail catcher.
	SMTPNoTLS = "none"
)

// DefaultWhatsAppAPIURL is the WhatsApp Business Cloud API's base URL.
const DefaultWhatsAppAPIURL = "https://graph.facebook.com/v21.0"

// Delivery configures how the outbox is delivered (package delivery).
type Delivery struct {
	// SMTP sends the emails; Addr "" leaves emails queued (another mailer
	// may read the outbox).
	SMTP SMTP
	// WhatsAppAPIURL is the Cloud API's base URL (SWITCHBOARD_WHATSAPP_API_URL).
	WhatsAppAPIURL string
	// PollInterval is how often the dispatcher looks for queued messages
	// (SWITCHBOARD_OUTBOX_POLL_INTERVAL).
	PollInterval time.Duration
}

// SMTP is the server the emails go through.
type SMTP struct {
	// Addr is the server's host:port (SWITCHBOARD_SMTP_ADDR).
	Addr string
	// TLS is SMTPStartTLS, SMTPImplicitTLS or SMTPNoTLS (SWITCHBOARD_SMTP_TLS).
	TLS string
	// Username and Password authenticate with AUTH PLAIN when Username is
	// set (SWITCHBOARD_SMTP_USERNAME, SWITCHBOARD_SMTP_PASSWORD).
	Username string
	Password string
	// From is the sender of every email whose channel names none
	// (SWITCHBOARD_SMTP_FROM), e.g. "Sprocket Support <support@example.com>".
	From string
}

func defaultDelivery() Delivery {
	return Delivery{
		SMTP:           SMTP{TLS: SMTPStartTLS},
		WhatsAppAPIURL: DefaultWhatsAppAPIURL,
		PollInterval:   2 * time.Second,
	}
}

// readDelivery reads the delivery variables into c, adding what it cannot
// parse to errs.
func readDelivery(lookup func(string) (string, bool), c *Delivery, set map[string]bool, errs *[]string) {
	str := func(name string, dst *string) {
		if v, ok := lookup(name); ok && v != "" {
			*dst = v
			set[name] = true
		}
	}
	str("SWITCHBOARD_SMTP_ADDR", &c.SMTP.Addr)
	str("SWITCHBOARD_SMTP_TLS", &c.SMTP.TLS)
	str("SWITCHBOARD_SMTP_USERNAME", &c.SMTP.Username)
	str("SWITCHBOARD_SMTP_PASSWORD", &c.SMTP.Password)
	str("SWITCHBOARD_SMTP_FROM", &c.SMTP.From)
	str("SWITCHBOARD_WHATSAPP_API_URL", &c.WhatsAppAPIURL)
	if v, ok := lookup("SWITCHBOARD_OUTBOX_POLL_INTERVAL"); ok && v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			*errs = append(*errs, fmt.Sprintf("SWITCHBOARD_OUTBOX_POLL_INTERVAL: %q is not a duration like 2s", v))
		}
		c.PollInterval = d
	}
}

// validate names the first bad delivery setting.
func (d Delivery) validate() error {
	if d.SMTP.Addr != "" {
		if _, _, err := net.SplitHostPort(d.SMTP.Addr); err != nil {
			return fmt.Errorf("SWITCHBOARD_SMTP_ADDR: %q is not host:port", d.SMTP.Addr)
		}
		if d.SMTP.From == "" {
			return fmt.Errorf("SWITCHBOARD_SMTP_FROM: must be set when SWITCHBOARD_SMTP_ADDR is")
		}
	}
	switch d.SMTP.TLS {
	case SMTPStartTLS, SMTPImplicitTLS, SMTPNoTLS:
	default:
		return fmt.Errorf("SWITCHBOARD_SMTP_TLS: %q is not one of starttls, tls, none", d.SMTP.TLS)
	}
	if d.SMTP.From != "" {
		if _, err := mail.ParseAddress(d.SMTP.From); err != nil {
			return fmt.Errorf("SWITCHBOARD_SMTP_FROM: %q is not an email address", d.SMTP.From)
		}
	}
	if d.SMTP.Password != "" && d.SMTP.Username == "" {
		return fmt.Errorf("SWITCHBOARD_SMTP_USERNAME: must be set when SWITCHBOARD_SMTP_PASSWORD is")
	}
	if u, err := url.Parse(d.WhatsAppAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("SWITCHBOARD_WHATSAPP_API_URL: %q is not an http(s) URL", d.WhatsAppAPIURL)
	}
	if d.PollInterval < 100*time.Millisecond || d.PollInterval > time.Hour {
		return fmt.Errorf("SWITCHBOARD_OUTBOX_POLL_INTERVAL: %s is not between 100ms and 1h", d.PollInterval)
	}
	return nil
}
