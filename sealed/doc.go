// Package sealed encrypts the secrets Switchboard keeps in its database (an
// action's secret headers, a channel's provider token) with AES-256-GCM.
//
// The keys come from SWITCHBOARD_SECRETS_KEYS, in the history codec's
// format (id:base64 pairs). A sealed value names the key that sealed it, so
// keys rotate as the codec's do: add a key, make it current, keep the old
// one while values it sealed remain. Each value is bound to its purpose (for
// example "action-header:<workspace>/<action>/<header>"): a value copied to
// another row does not open there.
package sealed
