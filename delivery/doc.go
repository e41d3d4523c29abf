// Package delivery delivers the outbox (models.OutboxMessage): emails over
// SMTP and whatsapp messages through the WhatsApp Business Cloud API.
//
// A Dispatcher, running next to the worker, finds queued messages and starts
// one DeliverOutboxWorkflow per message, its workflow ID derived from the
// message's ID so that it starts once however many dispatchers run. The
// workflow's Send activity sends with retries and backoff and records the
// outcome on the row (sent, or failed with its reason). A message already
// recorded as sent is never sent again, and an email's Message-ID is derived
// from the message's idempotency key, so a receiver sees a retried email as
// the same message.
//
// The package also reads what providers send: raw RFC 5322 emails
// (ParseEmail) and the Cloud API's webhooks (ParseWhatsAppWebhook,
// VerifyWhatsAppSignature), and polls the email channels' IMAP mailboxes
// (PollMailboxWorkflow, one per channel), handing each email read to an
// AcceptEmailFunc: the API server's own raw-email path, wired in by the
// app. It must not import server: the API feeds parsed messages into the
// conversation itself.
package delivery
