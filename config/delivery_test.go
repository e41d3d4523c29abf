package config

import (
	"strings"
	"testing"
	"time"
)

func TestDeliveryVariables(t *testing.T) {
	c, err := fromLookup(lookupFrom(map[string]string{
		"SWITCHBOARD_SMTP_ADDR": "smtp.example.com:465", "SWITCHBOARD_SMTP_TLS": "tls",
		"SWITCHBOARD_SMTP_USERNAME": "agent", "SWITCHBOARD_SMTP_PASSWORD": "pw",
		"SWITCHBOARD_SMTP_FROM": "Support <support@example.com>", "SWITCHBOARD_OUTBOX_POLL_INTERVAL": "500ms",
		"SWITCHBOARD_WHATSAPP_API_URL": "http://127.0.0.1:9999/v21.0",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Delivery{
		SMTP:           SMTP{Addr: "smtp.example.com:465", TLS: SMTPImplicitTLS, Username: "agent", Password: "pw", From: "Support <support@example.com>"},
		WhatsAppAPIURL: "http://127.0.0.1:9999/v21.0", PollInterval: 500 * time.Millisecond,
	}
	if c.Delivery != want {
		t.Fatalf("got %+v, want %+v", c.Delivery, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := fromLookup(lookupFrom(map[string]string{"SWITCHBOARD_OUTBOX_POLL_INTERVAL": "often"})); err == nil ||
		!strings.Contains(err.Error(), "SWITCHBOARD_OUTBOX_POLL_INTERVAL") {
		t.Fatalf("want an error naming SWITCHBOARD_OUTBOX_POLL_INTERVAL, got %v", err)
	}
}

func TestDeliveryValidateNamesTheVariable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Delivery)
		want   string
	}{
		{"addr", func(d *Delivery) { d.SMTP.Addr = "smtp.example.com"; d.SMTP.From = "a@example.com" }, "SWITCHBOARD_SMTP_ADDR"},
		{"from missing", func(d *Delivery) { d.SMTP.Addr = "smtp.example.com:587" }, "SWITCHBOARD_SMTP_FROM"},
		{"from invalid", func(d *Delivery) { d.SMTP.Addr = "smtp.example.com:587"; d.SMTP.From = "support" }, "SWITCHBOARD_SMTP_FROM"},
		{"tls", func(d *Delivery) { d.SMTP.TLS = "ssl" }, "SWITCHBOARD_SMTP_TLS"},
		{"password alone", func(d *Delivery) { d.SMTP.Password = "pw" }, "SWITCHBOARD_SMTP_USERNAME"},
		{"whatsapp url", func(d *Delivery) { d.WhatsAppAPIURL = "graph" }, "SWITCHBOARD_WHATSAPP_API_URL"},
		{"poll", func(d *Delivery) { d.PollInterval = time.Millisecond }, "SWITCHBOARD_OUTBOX_POLL_INTERVAL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := defaultDelivery()
			tc.change(&d)
			err := d.validate()
			if err == nil || !strings.HasPrefix(err.Error(), tc.want+":") {
				t.Fatalf("want an error naming %s, got %v", tc.want, err)
			}
		})
	}
}
