// Package mailcatcher is an SMTP server that keeps every email it receives
// and lists them on a web page: `make dev` sends the agent's emails (reset
// links, labels, codes, replies) to it instead of the world. It is for
// development and tests only: it accepts any sender and recipient, without
// TLS or authentication, and only on the address it is given.
package mailcatcher
