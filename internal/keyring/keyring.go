// Package keyring builds the AES-256-GCM keys of a key list (ID → key) that
// the history codec and the secrets box both take: every key checked, one
// current key that encrypts, the others only decrypting.
package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// KeySize is the length of a key in bytes: AES-256.
const KeySize = 32

var validID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// New returns the AEAD of each key, checking its ID and size, and that
// current is among them.
func New(current string, keys map[string][]byte) (map[string]cipher.AEAD, error) {
	aeads := map[string]cipher.AEAD{}
	for _, id := range slices.Sorted(maps.Keys(keys)) {
		if !validID.MatchString(id) {
			return nil, fmt.Errorf("key ID %q: use 1 to 64 letters, digits, '.', '_' or '-'", id)
		}
		if len(keys[id]) != KeySize {
			return nil, fmt.Errorf("key %q is %d bytes, AES-256 needs %d", id, len(keys[id]), KeySize)
		}
		block, err := aes.NewCipher(keys[id])
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		if aeads[id], err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
	}
	if _, ok := aeads[current]; !ok {
		return nil, fmt.Errorf("current key %q is not among the keys (%s)", current, strings.Join(slices.Sorted(maps.Keys(aeads)), ", "))
	}
	return aeads, nil
}
