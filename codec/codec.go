package codec

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	"github.com/switchboardhq/switchboard/internal/keyring"
)

// Payload metadata of an encrypted payload. Its data is a 12-byte nonce
// followed by the AES-256-GCM sealing of the original payload (metadata and
// data, protobuf-encoded), authenticated together with the key ID.
const (
	// Encoding is the encrypted payload's encoding (converter.MetadataEncoding).
	Encoding = "binary/encrypted"
	// MetadataKeyID names the metadata entry holding the ID of the key that
	// encrypted the payload.
	MetadataKeyID = "encryption-key-id"
)

// KeySize is the length of a key in bytes: AES-256.
const KeySize = keyring.KeySize

// ErrNotAuthentic is the error of a payload that fails authentication: its
// ciphertext was altered, or another key was given its key ID.
var ErrNotAuthentic = errors.New("codec: payload fails authentication (altered, or encrypted with another key of that ID)")

// UnknownKeyError is the error of a payload encrypted with a key the Codec
// does not hold.
type UnknownKeyError struct {
	// ID is the payload's key ID.
	ID string
	// Known are the key IDs the Codec holds.
	Known []string
}

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("codec: payload encrypted with key %q, which is not configured (configured: %s)", e.ID, strings.Join(e.Known, ", "))
}

// Codec is a converter.PayloadCodec that encrypts with its current key and
// decrypts with the key each payload names. It is safe for concurrent use.
type Codec struct {
	current string
	aeads   map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New returns a Codec holding keys (by ID, each KeySize bytes) that encrypts
// with keys[current]. The other keys only decrypt: keep a key for as long as
// histories it encrypted are kept.
func New(current string, keys map[string][]byte) (*Codec, error) {
	aeads, err := keyring.New(current, keys)
	if err != nil {
		return nil, fmt.Errorf("codec: %w", err)
	}
	return &Codec{current: current, aeads: aeads}, nil
}

// KeyID is the ID of the key that encrypts new payloads.
func (c *Codec) KeyID() string { return c.current }

func (c *Codec) keyIDs() []string { return slices.Sorted(maps.Keys(c.aeads)) }

// Encode encrypts each payload with the current key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.current]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("codec: marshal payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return payloads, fmt.Errorf("codec: nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(c.current),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// Decode decrypts each encrypted payload with the key it names. A payload
// that is not encrypted (written before encryption was turned on) passes
// through unchanged.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.aeads[id]
		if !ok {
			return payloads, &UnknownKeyError{ID: id, Known: c.keyIDs()}
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return payloads, fmt.Errorf("%w: key %q", ErrNotAuthentic, id)
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return payloads, fmt.Errorf("%w: key %q", ErrNotAuthentic, id)
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(plain, out[i]); err != nil {
			return payloads, fmt.Errorf("codec: unmarshal decrypted payload: %w", err)
		}
	}
	return out, nil
}

// Configure makes a client (and the workers built on it) encrypt with c:
// payloads through the default data converter, and failures' messages and
// stack traces, which Temporal otherwise stores as plain strings.
func (c *Codec) Configure(o *client.Options) {
	o.DataConverter = converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
	o.FailureConverter = temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          o.DataConverter,
		EncodeCommonAttributes: true,
	})
}
