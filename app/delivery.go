package app

import (
	"github.com/switchboardhq/switchboard/delivery"
)

// Delivery are the outbox delivery activities: SMTP when
// SWITCHBOARD_SMTP_ADDR is set, the WhatsApp Cloud API, the secrets box
// that opens the channels' tokens.
func (d *Deps) Delivery() *delivery.Activities {
	a := &delivery.Activities{
		DB: d.DB, From: d.cfg.Delivery.SMTP.From, Secrets: d.Secrets,
		WhatsApp: &delivery.WhatsAppClient{BaseURL: d.cfg.Delivery.WhatsAppAPIURL},
	}
	if d.cfg.Delivery.SMTP.Addr != "" {
		a.Mailer = &delivery.SMTPMailer{Config: d.cfg.Delivery.SMTP}
	}
	return a
}

// Dispatcher starts the delivery of queued outbox messages; emails only
// when an SMTP server is configured.
func (d *Deps) Dispatcher() *delivery.Dispatcher {
	return &delivery.Dispatcher{
		DB: d.DB, Temporal: d.Temporal, TaskQueue: d.cfg.TaskQueue, Emails: d.cfg.Delivery.SMTP.Addr != "",
		Interval: d.cfg.Delivery.PollInterval, Log: d.log.With("component", "outbox"),
	}
}

// Mailboxes are the IMAP polling activities: each email read goes into its
// conversation through the API's own path (server.Server.AcceptEmail).
func (d *Deps) Mailboxes() *delivery.MailboxActivities {
	return &delivery.MailboxActivities{DB: d.DB, Secrets: d.Secrets, Accept: d.server().AcceptEmail}
}

// MailboxPollers keep a poller running for each email channel with an
// IMAP mailbox.
func (d *Deps) MailboxPollers() *delivery.MailboxPollers {
	return &delivery.MailboxPollers{
		DB: d.DB, Temporal: d.Temporal, TaskQueue: d.cfg.TaskQueue, Log: d.log.With("component", "imap"),
	}
}
