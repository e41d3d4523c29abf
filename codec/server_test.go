package codec_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"github.com/switchboardhq/switchboard/codec"
)

const uiOrigin = "http://localhost:8233"

// serve mounts the codec server under /codec as the API does, Admit first,
// without the API's key check.
func serve(t *testing.T, b *testBundle) *httptest.Server {
	t.Helper()
	s := codec.NewServer(b.codec, codec.ServerOptions{AllowOrigins: []string{uiOrigin}})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Admit(w, r)
		if got := r.Header.Get("Authorization"); got != "" {
			w.Header().Set("X-Test-Authorization", got)
		}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs
}

func TestServerSpeaksTheRemoteCodecProtocol(t *testing.T) {
	t.Parallel()
	b := setup(t)
	hs := serve(t, b)
	// The SDK's remote codec is what the Temporal CLI's --codec-endpoint uses.
	remote := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{Endpoint: hs.URL + "/codec"})
	plain, err := converter.GetDefaultDataConverter().ToPayloads(message{Text: "where is PX-1234", Email: "ada@example.com"}, "second")
	require.NoError(t, err)

	encoded, err := remote.Encode(plain.Payloads)
	require.NoError(t, err)
	require.Len(t, encoded, 2)
	for _, p := range encoded {
		require.Equal(t, codec.Encoding, string(p.Metadata[converter.MetadataEncoding]))
	}
	local, err := b.codec.Decode(encoded)
	require.NoError(t, err)
	require.Equal(t, plain.Payloads[0].Data, local[0].Data, "what the server encrypted, the codec decrypts")

	mine, err := b.codec.Encode(plain.Payloads)
	require.NoError(t, err)
	decoded, err := remote.Decode(mine)
	require.NoError(t, err)
	require.Equal(t, plain.Payloads[0].Data, decoded[0].Data)
	require.Equal(t, plain.Payloads[1].Data, decoded[1].Data)
}

func TestServerAnswersTheUIsPreflight(t *testing.T) {
	t.Parallel()
	hs := serve(t, setup(t))

	for name, tc := range map[string]struct {
		origin  string
		allowed bool
	}{
		"the UI":        {uiOrigin, true},
		"another site":  {"https://evil.example", false},
		"the UI's path": {uiOrigin + "/", false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodOptions, hs.URL+"/codec/decode", nil)
			require.NoError(t, err)
			req.Header.Set("Origin", tc.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type,x-namespace")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusNoContent, resp.StatusCode)
			if !tc.allowed {
				require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
				return
			}
			require.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"))
			require.Equal(t, "true", resp.Header.Get("Access-Control-Allow-Credentials"))
			require.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "POST")
			for _, h := range []string{"Content-Type", "X-Namespace", "Authorization"} {
				require.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), h)
			}
		})
	}
}

func TestServerSession(t *testing.T) {
	t.Parallel()
	hs := serve(t, setup(t))

	req, err := http.NewRequest(http.MethodPost, hs.URL+"/codec/session", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer sb_auditor_x")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	cookies := resp.Cookies()
	require.Len(t, cookies, 1)
	ck := cookies[0]
	require.Equal(t, codec.SessionCookie, ck.Name)
	require.Equal(t, "sb_auditor_x", ck.Value)
	require.Equal(t, "/codec", ck.Path)
	require.True(t, ck.HttpOnly)
	require.Equal(t, http.SameSiteStrictMode, ck.SameSite)
	require.Equal(t, int(codec.SessionTTL.Seconds()), ck.MaxAge)

	// The UI sends the cookie; Admit makes it the request's key.
	req, err = http.NewRequest(http.MethodPost, hs.URL+"/codec/decode", strings.NewReader(`{"payloads":[]}`))
	require.NoError(t, err)
	req.Header.Set("Origin", uiOrigin)
	req.AddCookie(ck)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "Bearer sb_auditor_x", resp.Header.Get("X-Test-Authorization"))
	require.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"))

	req, err = http.NewRequest(http.MethodDelete, hs.URL+"/codec/session", nil)
	require.NoError(t, err)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Len(t, resp.Cookies(), 1)
	require.Equal(t, -1, resp.Cookies()[0].MaxAge, "signing out clears the cookie")
}

func TestServerRefusesBadRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	hs := serve(t, b)
	gone, err := codec.New("gone", map[string][]byte{"gone": newKey(t)})
	require.NoError(t, err)
	foreign, err := gone.Encode([]*commonpb.Payload{{Data: []byte(`"x"`)}})
	require.NoError(t, err)
	remote := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{Endpoint: hs.URL + "/codec"})
	_, err = remote.Decode(foreign)
	require.ErrorContains(t, err, `"gone"`, "the UI shows which key is missing")

	for name, tc := range map[string]struct {
		method, path, body string
		status             int
	}{
		"not JSON":      {http.MethodPost, "/codec/decode", "payloads", http.StatusBadRequest},
		"too large":     {http.MethodPost, "/codec/decode", `{"payloads":[{"data":"` + strings.Repeat("A", codec.MaxRequestBytes) + `"}]}`, http.StatusRequestEntityTooLarge},
		"unknown route": {http.MethodPost, "/codec/other", "{}", http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, hs.URL+tc.path, bytes.NewReader([]byte(tc.body)))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, tc.status, resp.StatusCode)
		})
	}
}

func TestServerSignInPage(t *testing.T) {
	t.Parallel()
	hs := serve(t, setup(t))
	for path, contentType := range map[string]string{"/codec": "text/html", "/codec/signin.js": "text/javascript"} {
		resp, err := http.Get(hs.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.Contains(t, resp.Header.Get("Content-Type"), contentType, path)
		require.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'", path)
	}
}
