package codec_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	"github.com/switchboardhq/switchboard/codec"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, codec.KeySize)
	_, err := rand.Read(k)
	require.NoError(t, err)
	return k
}

// message is shaped like what crosses Temporal: text and a contact.
type message struct {
	ID    string
	Text  string
	Email string
}

// testBundle is two keys and a codec encrypting with the first.
type testBundle struct {
	k1, k2 []byte
	codec  *codec.Codec
	dc     converter.DataConverter
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	b := &testBundle{k1: newKey(t), k2: newKey(t)}
	var err error
	b.codec, err = codec.New("k1", map[string][]byte{"k1": b.k1})
	require.NoError(t, err)
	b.dc = converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), b.codec)
	return b
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)

	for name, value := range map[string]any{
		"struct": message{ID: "m1", Text: "my parcel PX-1234 never came", Email: "ada@example.com"},
		"string": "my parcel PX-1234 never came",
		"nil":    nil,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := b.dc.ToPayload(value)
			require.NoError(t, err)
			require.Equal(t, codec.Encoding, string(p.Metadata[converter.MetadataEncoding]))
			require.Equal(t, "k1", string(p.Metadata[codec.MetadataKeyID]))
			require.Len(t, p.Metadata, 2, "no metadata of the plain payload shows")
			raw, err := proto.Marshal(p)
			require.NoError(t, err)
			require.NotContains(t, string(raw), "PX-1234")
			require.NotContains(t, string(raw), "ada@example.com")
			require.NotContains(t, string(raw), "json/plain")

			switch value.(type) {
			case message:
				var got message
				require.NoError(t, b.dc.FromPayload(p, &got))
				require.Equal(t, value, got)
			case string:
				var got string
				require.NoError(t, b.dc.FromPayload(p, &got))
				require.Equal(t, value, got)
			default:
				var got *message
				require.NoError(t, b.dc.FromPayload(p, &got))
				require.Nil(t, got)
			}
		})
	}
}

func TestEncryptingTwiceDiffers(t *testing.T) {
	t.Parallel()
	b := setup(t)

	first, err := b.dc.ToPayload("same text")
	require.NoError(t, err)
	second, err := b.dc.ToPayload("same text")
	require.NoError(t, err)
	require.NotEqual(t, first.Data, second.Data, "each payload gets its own nonce")
}

func TestRotation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old, err := b.dc.ToPayload(message{Text: "before the rotation"})
	require.NoError(t, err)

	// k2 becomes the current key; k1 stays to decrypt what it encrypted.
	rotated, err := codec.New("k2", map[string][]byte{"k1": b.k1, "k2": b.k2})
	require.NoError(t, err)
	dc := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), rotated)

	var got message
	require.NoError(t, dc.FromPayload(old, &got), "the old key still decrypts")
	require.Equal(t, "before the rotation", got.Text)

	fresh, err := dc.ToPayload(message{Text: "after the rotation"})
	require.NoError(t, err)
	require.Equal(t, "k2", string(fresh.Metadata[codec.MetadataKeyID]), "new payloads use the new key")

	// A process still holding only k1 cannot read it, and says which key it lacks.
	err = b.dc.FromPayload(fresh, &got)
	var unknown *codec.UnknownKeyError
	require.ErrorAs(t, err, &unknown)
	require.Equal(t, "k2", unknown.ID)
	require.Equal(t, []string{"k1"}, unknown.Known)
	require.Contains(t, err.Error(), `"k2"`)
}

func TestDecodeRefusesAlteredPayloads(t *testing.T) {
	t.Parallel()
	b := setup(t)
	both, err := codec.New("k1", map[string][]byte{"k1": b.k1, "k2": b.k2})
	require.NoError(t, err)
	p, err := b.codec.Encode([]*commonpb.Payload{{Data: []byte(`"refund me"`)}})
	require.NoError(t, err)

	for name, alter := range map[string]func(p *commonpb.Payload){
		"flipped ciphertext bit": func(p *commonpb.Payload) { p.Data[len(p.Data)-1] ^= 1 },
		"flipped nonce bit":      func(p *commonpb.Payload) { p.Data[0] ^= 1 },
		"truncated":              func(p *commonpb.Payload) { p.Data = p.Data[:5] },
		"empty":                  func(p *commonpb.Payload) { p.Data = nil },
		"other key's ID":         func(p *commonpb.Payload) { p.Metadata[codec.MetadataKeyID] = []byte("k2") },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			altered := proto.Clone(p[0]).(*commonpb.Payload)
			alter(altered)
			_, err := both.Decode([]*commonpb.Payload{altered})
			require.ErrorIs(t, err, codec.ErrNotAuthentic)
		})
	}
}

func TestDecodeUnknownKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := &commonpb.Payload{
		Metadata: map[string][]byte{converter.MetadataEncoding: []byte(codec.Encoding), codec.MetadataKeyID: []byte("gone")},
		Data:     bytes.Repeat([]byte{1}, 40),
	}
	_, err := b.codec.Decode([]*commonpb.Payload{p})
	var unknown *codec.UnknownKeyError
	require.ErrorAs(t, err, &unknown)
	require.Equal(t, "gone", unknown.ID)
	require.False(t, errors.Is(err, codec.ErrNotAuthentic))
}

func TestDecodePassesPlainPayloadsThrough(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Written before encryption was turned on.
	plain, err := converter.GetDefaultDataConverter().ToPayload("from before")
	require.NoError(t, err)
	out, err := b.codec.Decode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.True(t, proto.Equal(plain, out[0]))
}

func TestNewRefusesBadKeys(t *testing.T) {
	t.Parallel()
	good := newKey(t)
	for name, tc := range map[string]struct {
		current string
		keys    map[string][]byte
		want    string
	}{
		"short key":       {"k1", map[string][]byte{"k1": good[:16]}, "16 bytes"},
		"bad ID":          {"k 1", map[string][]byte{"k 1": good}, `key ID "k 1"`},
		"current missing": {"k2", map[string][]byte{"k1": good}, `current key "k2"`},
		"no keys":         {"k1", nil, `current key "k1"`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := codec.New(tc.current, tc.keys)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestConfigureEncryptsFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var opts client.Options
	b.codec.Configure(&opts)

	f := opts.FailureConverter.ErrorToFailure(temporal.NewApplicationError("no order for ada@example.com", "NotFound"))
	raw, err := proto.Marshal(f)
	require.NoError(t, err)
	require.NotContains(t, string(raw), "ada@example.com", "a failure's message is stored encrypted")

	back := opts.FailureConverter.FailureToError(f)
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, back, &appErr)
	require.Contains(t, appErr.Error(), "no order for ada@example.com")
	require.Equal(t, "NotFound", appErr.Type())
}
