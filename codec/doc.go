// Package codec encrypts what Switchboard sends through Temporal. Its Codec is
// a Temporal payload codec (AES-256-GCM, keys by ID so that a key can be
// rotated): every payload a client or worker configured with it writes to a
// workflow history (workflow and activity inputs and results, update
// arguments and results, local-activity markers, query results, failure
// messages) is stored encrypted, so message text and contact details never
// reach the Temporal server in plain text. Its Server is a codec server
// following Temporal's remote codec protocol, through which the Temporal UI
// and CLI show those histories to an auditor who holds an API key.
//
// It encrypts and decrypts; it does not decide who may read (the API
// authenticates requests before they reach Server), and it knows nothing of
// conversations. Search attributes are not payloads a codec sees: they stay
// plain, and must never hold personal data.
package codec
