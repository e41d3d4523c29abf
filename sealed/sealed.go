package sealed

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboardhq/switchboard/internal/keyring"
)

// KeySize is the length of a key in bytes: AES-256.
const KeySize = keyring.KeySize

// prefix starts every sealed value: the format's version.
const prefix = "v1:"

// ErrNoKeys is the error of sealing with a nil Box: no key is configured.
var ErrNoKeys = errors.New("no secrets key is configured: set SWITCHBOARD_SECRETS_KEYS")

// ErrNotAuthentic is the error of a value that fails authentication: it was
// altered, sealed for another purpose, or with another key of that ID.
var ErrNotAuthentic = errors.New("sealed value fails authentication")

// Box seals and opens secrets. A nil *Box has no keys: Seal fails with
// ErrNoKeys. It is safe for concurrent use.
type Box struct {
	current string
	aeads   map[string]cipher.AEAD
}

// New returns a Box holding keys (by ID, each KeySize bytes) that seals
// with keys[current]; the others only open.
func New(current string, keys map[string][]byte) (*Box, error) {
	aeads, err := keyring.New(current, keys)
	if err != nil {
		return nil, err
	}
	return &Box{current: current, aeads: aeads}, nil
}

// Seal encrypts plaintext for purpose: "v1:<key id>:<base64 of nonce and
// ciphertext>".
func (b *Box) Seal(plaintext, purpose string) (string, error) {
	if b == nil {
		return "", ErrNoKeys
	}
	aead := b.aeads[b.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(plaintext), additional(b.current, purpose))
	return prefix + b.current + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a value Seal returned for the same purpose.
func (b *Box) Open(sealed, purpose string) (string, error) {
	if b == nil {
		return "", ErrNoKeys
	}
	rest, ok := strings.CutPrefix(sealed, prefix)
	id, data, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		return "", errors.New("not a sealed value")
	}
	aead, ok := b.aeads[id]
	if !ok {
		return "", fmt.Errorf("sealed with key %q, which is not configured", id)
	}
	raw, err := base64.RawStdEncoding.DecodeString(data)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", errors.New("not a sealed value")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], additional(id, purpose))
	if err != nil {
		return "", ErrNotAuthentic
	}
	return string(plain), nil
}

func additional(keyID, purpose string) []byte { return []byte(keyID + "\x00" + purpose) }
