// Package crm keeps a workspace's copy of the company's CRM records —
// contacts, orders and products, each keyed by the company's own external
// ID: it validates them (errors are *apperr.Error naming the row and the
// field), imports them in bulk from JSON lines or CSV streamed row by row in
// one transaction, reads, replaces, lists and deletes them one at a time, and
// erases a deleted contact's personal data from the read model. It knows
// nothing of HTTP or Temporal.
package crm
