package config

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	key32 = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))
	key16 = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 16)))
)

func TestCodecKeys(t *testing.T) {
	t.Parallel()
	c, err := fromLookup(lookupFrom(nil))
	require.NoError(t, err)
	require.Empty(t, c.CodecKeys, "off by default")
	require.Equal(t, []string{"http://localhost:8233", "http://127.0.0.1:8233"}, c.CodecOrigins)

	c, err = fromLookup(lookupFrom(map[string]string{"SWITCHBOARD_CODEC_KEYS": "k1:" + key32}))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	require.Equal(t, "k1", c.CurrentCodecKeyID(), "the only key is the current one")
	require.Equal(t, []byte(strings.Repeat("k", 32)), c.CodecKeys[0].Secret)

	c, err = fromLookup(lookupFrom(map[string]string{
		"SWITCHBOARD_CODEC_KEYS":    "2024-01:" + key32 + ", 2025-06:" + key32,
		"SWITCHBOARD_CODEC_KEY_ID":  "2025-06",
		"SWITCHBOARD_CODEC_ORIGINS": "https://temporal.example.com, http://localhost:8233",
	}))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	require.Equal(t, "2025-06", c.CurrentCodecKeyID())
	require.Len(t, c.CodecKeys, 2)
	require.Equal(t, []string{"https://temporal.example.com", "http://localhost:8233"}, c.CodecOrigins)
}

func TestCodecErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"not a pair":       {map[string]string{"SWITCHBOARD_CODEC_KEYS": key32}, "SWITCHBOARD_CODEC_KEYS: entry 1 is not id:base64key"},
		"not base64":       {map[string]string{"SWITCHBOARD_CODEC_KEYS": "k1:not*base64"}, `SWITCHBOARD_CODEC_KEYS: key "k1" is not standard base64`},
		"short key":        {map[string]string{"SWITCHBOARD_CODEC_KEYS": "k1:" + key16}, `SWITCHBOARD_CODEC_KEYS: key "k1" is 16 bytes; AES-256 needs 32`},
		"bad ID":           {map[string]string{"SWITCHBOARD_CODEC_KEYS": "k 1:" + key32}, `SWITCHBOARD_CODEC_KEYS: key ID "k 1"`},
		"twice":            {map[string]string{"SWITCHBOARD_CODEC_KEYS": "k1:" + key32 + ",k1:" + key32}, `SWITCHBOARD_CODEC_KEYS: key ID "k1" is listed twice`},
		"which current":    {map[string]string{"SWITCHBOARD_CODEC_KEYS": "k1:" + key32 + ",k2:" + key32}, "SWITCHBOARD_CODEC_KEY_ID: must name"},
		"unknown current":  {map[string]string{"SWITCHBOARD_CODEC_KEYS": "k1:" + key32, "SWITCHBOARD_CODEC_KEY_ID": "k2"}, `SWITCHBOARD_CODEC_KEY_ID: "k2"`},
		"current, no keys": {map[string]string{"SWITCHBOARD_CODEC_KEY_ID": "k1"}, "SWITCHBOARD_CODEC_KEY_ID: set, but"},
		"origin with path": {map[string]string{"SWITCHBOARD_CODEC_ORIGINS": "http://localhost:8233/"}, "SWITCHBOARD_CODEC_ORIGINS"},
		"origin no scheme": {map[string]string{"SWITCHBOARD_CODEC_ORIGINS": "localhost:8233"}, "SWITCHBOARD_CODEC_ORIGINS"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := fromLookup(lookupFrom(tc.env))
			if err == nil {
				err = c.Validate()
			}
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), key32, "an error never shows a key")
		})
	}
}
