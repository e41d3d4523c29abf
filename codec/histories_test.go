package codec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/switchboardhq/switchboard/codec"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/workflows"
)

// What a customer writes, distinctive enough that finding it anywhere in a
// history can only mean it was stored in plain text.
const (
	secretText  = "My parcel ZEBRA-QUOKKA-4711 never arrived. How long does shipping take?"
	secretWord  = "ZEBRA-QUOKKA-4711"
	secretEmail = "quentin.quokka.4711@example.org"
	secretName  = "Quentin Quokkason"
	secretPhone = "+44 7700 900471"
)

// encryptedApp is the app with the codec on, after one customer message,
// and the raw history of that conversation read without the codec.
type encryptedApp struct {
	app        *testenv.App
	codec      *codec.Codec
	workflowID string
	// reply is the agent's answer to the message.
	reply   string
	history []*historypb.HistoryEvent
	// payloads are every payload of the history but its search attributes.
	payloads []*commonpb.Payload
}

func setupEncryptedApp(t *testing.T) *encryptedApp {
	t.Helper()
	c, err := codec.New("k1", map[string][]byte{"k1": newKey(t)})
	require.NoError(t, err)
	b := &encryptedApp{codec: c}
	b.app = testenv.NewApp(t, testenv.AppOptions{Codec: c, CodecOrigins: []string{uiOrigin}})

	body, err := json.Marshal(map[string]any{
		"id": "m-1", "text": secretText,
		"contact": map[string]string{"email": secretEmail, "name": secretName, "phone": secretPhone},
	})
	require.NoError(t, err)
	status, reply := post(t, b.app.URL+"/v1/conversations/quokka-1/messages", b.app.Keys.Widget, body)
	require.Equal(t, http.StatusOK, status, reply)
	var out struct {
		Reply struct{ Text string } `json:"reply"`
	}
	require.NoError(t, json.Unmarshal([]byte(reply), &out))
	require.NotEmpty(t, out.Reply.Text, "the worker and the API read the encrypted update and its result")
	b.reply = out.Reply.Text
	b.workflowID = workflows.ConversationWorkflowID(b.app.Demo.WorkspaceID, "quokka-1")
	// A second message: its record is written by an activity task after
	// the reply (the first is a local activity), so the history also holds
	// an activity's input and result.
	body, err = json.Marshal(map[string]any{"id": "m-2", "text": secretText})
	require.NoError(t, err)
	status, reply = post(t, b.app.URL+"/v1/conversations/quokka-1/messages", b.app.Keys.Widget, body)
	require.Equal(t, http.StatusOK, status, reply)

	// A client without the codec, as anyone with access to the Temporal
	// server (its UI, its CLI, its database) reads histories.
	raw, err := client.Dial(client.Options{HostPort: testenv.TemporalAddress(t), Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	require.NoError(t, err)
	t.Cleanup(raw.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for {
		b.history, b.payloads = nil, nil
		recorded := false
		it := raw.GetWorkflowHistory(ctx, b.workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			require.NoError(t, err)
			b.history = append(b.history, ev)
			payloadsIn(ev.ProtoReflect(), func(p *commonpb.Payload) { b.payloads = append(b.payloads, p) })
			recorded = recorded || ev.EventType == enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
		}
		if recorded || ctx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NotEmpty(t, b.history)
	return b
}

func post(t *testing.T, url, key string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(out)
}

// payloadsIn calls visit with every Payload in m, except those of search
// attributes, which a codec never sees.
func payloadsIn(m protoreflect.Message, visit func(*commonpb.Payload)) {
	switch v := m.Interface().(type) {
	case *commonpb.Payload:
		visit(v)
		return
	case *commonpb.SearchAttributes:
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					payloadsIn(mv.Message(), visit)
					return true
				})
			}
		case fd.IsList():
			if fd.Message() != nil {
				for i := range v.List().Len() {
					payloadsIn(v.List().Get(i).Message(), visit)
				}
			}
		case fd.Message() != nil:
			payloadsIn(v.Message(), visit)
		}
		return true
	})
}

func TestRawHistoryHoldsNoPlainText(t *testing.T) {
	t.Parallel()
	b := setupEncryptedApp(t)

	// Not in the bytes the server stores, nor in their JSON rendering.
	for _, ev := range b.history {
		wire, err := proto.Marshal(ev)
		require.NoError(t, err)
		text, err := protojson.Marshal(ev)
		require.NoError(t, err)
		for _, secret := range []string{secretWord, secretEmail, secretName, secretPhone} {
			require.NotContains(t, string(wire), secret, "event %d (%s) holds %q in plain text", ev.EventId, ev.EventType, secret)
			require.NotContains(t, string(text), secret, "event %d (%s) holds %q in plain text", ev.EventId, ev.EventType, secret)
		}
	}

	// Every payload is encrypted, with the current key: workflow input,
	// update argument and result, activity inputs and results, markers.
	require.Greater(t, len(b.payloads), 5)
	for _, p := range b.payloads {
		require.Equal(t, codec.Encoding, string(p.Metadata[converter.MetadataEncoding]))
		require.Equal(t, "k1", string(p.Metadata[codec.MetadataKeyID]))
	}
	seen := map[enumspb.EventType]bool{}
	for _, ev := range b.history {
		seen[ev.EventType] = true
	}
	for _, want := range []enumspb.EventType{
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
	} {
		require.True(t, seen[want], "the history has a %s event", want)
	}
	require.False(t, seen[enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED], "no workflow task failed")

	// Search attributes stay plain, for the UI's filters, and hold no
	// personal data.
	started := b.history[0].GetWorkflowExecutionStartedEventAttributes()
	require.Equal(t, "json/plain", string(started.GetSearchAttributes().GetIndexedFields()["WorkspaceId"].GetMetadata()[converter.MetadataEncoding]))

	// With the key, the same payloads hold the conversation.
	decoded, err := b.codec.Decode(b.payloads)
	require.NoError(t, err)
	var all strings.Builder
	for _, p := range decoded {
		all.Write(p.Data)
	}
	require.Contains(t, all.String(), secretWord)
	require.Contains(t, all.String(), secretEmail)
	replyJSON, err := json.Marshal(b.reply)
	require.NoError(t, err)
	require.Contains(t, all.String(), strings.Trim(string(replyJSON), `"`), "the reply, too")
}

func TestOnlyAClientWithTheCodecReadsTheConversation(t *testing.T) {
	t.Parallel()
	b := setupEncryptedApp(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	res, err := b.app.Temporal.QueryWorkflow(ctx, b.workflowID, "", workflows.QueryState)
	require.NoError(t, err)
	var state workflows.ConversationState
	require.NoError(t, res.Get(&state))
	require.Equal(t, secretEmail, state.ContactEmail)

	raw, err := client.Dial(client.Options{HostPort: testenv.TemporalAddress(t), Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	require.NoError(t, err)
	defer raw.Close()
	res, err = raw.QueryWorkflow(ctx, b.workflowID, "", workflows.QueryState)
	require.NoError(t, err, "the worker answers; the answer is encrypted")
	require.Error(t, res.Get(&workflows.ConversationState{}), "a client without the key cannot read it")
}

func TestCodecServerOnTheAPI(t *testing.T) {
	t.Parallel()
	b := setupEncryptedApp(t)
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: b.payloads})
	require.NoError(t, err)
	decodeURL := b.app.URL + "/codec/decode"

	t.Run("keys", func(t *testing.T) {
		t.Parallel()
		for name, tc := range map[string]struct {
			key    string
			status int
		}{
			"no key":      {"", http.StatusUnauthorized},
			"unknown key": {"sb_auditor_nope", http.StatusUnauthorized},
			"widget key":  {b.app.Keys.Widget, http.StatusForbidden},
			"rep key":     {b.app.Keys.Rep, http.StatusForbidden},
			"auditor key": {b.app.Keys.Auditor, http.StatusOK},
			"admin key":   {b.app.Keys.Admin, http.StatusOK},
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				status, out := post(t, decodeURL, tc.key, body)
				require.Equal(t, tc.status, status, out)
				if status != http.StatusOK {
					require.NotContains(t, out, secretWord)
					return
				}
				var decoded commonpb.Payloads
				require.NoError(t, protojson.Unmarshal([]byte(out), &decoded))
				require.Len(t, decoded.Payloads, len(b.payloads))
				var all strings.Builder
				for _, p := range decoded.Payloads {
					all.Write(p.Data)
				}
				require.Contains(t, all.String(), secretText)
			})
		}
	})

	t.Run("round trip, as the Temporal CLI calls it", func(t *testing.T) {
		t.Parallel()
		remote := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{
			Endpoint: b.app.URL + "/codec",
			ModifyRequest: func(r *http.Request) error {
				r.Header.Set("Authorization", "Bearer "+b.app.Keys.Auditor)
				r.Header.Set("X-Namespace", "default")
				return nil
			},
		})
		plain, err := converter.GetDefaultDataConverter().ToPayloads(secretText)
		require.NoError(t, err)
		encoded, err := remote.Encode(plain.Payloads)
		require.NoError(t, err)
		require.Equal(t, codec.Encoding, string(encoded[0].Metadata[converter.MetadataEncoding]))
		decoded, err := remote.Decode(encoded)
		require.NoError(t, err)
		require.True(t, proto.Equal(plain.Payloads[0], decoded[0]))
	})

	t.Run("the Temporal UI in a signed-in browser", func(t *testing.T) {
		t.Parallel()
		// The preflight carries no key, and passes.
		req, err := http.NewRequest(http.MethodOptions, decodeURL, nil)
		require.NoError(t, err)
		req.Header.Set("Origin", uiOrigin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-namespace")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
		require.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"))

		// The sign-in page is served; it sets the session cookie.
		page, err := http.Get(b.app.URL + "/codec")
		require.NoError(t, err)
		page.Body.Close()
		require.Equal(t, http.StatusOK, page.StatusCode)
		status, out := post(t, b.app.URL+"/codec/session", b.app.Keys.Widget, nil)
		require.Equal(t, http.StatusForbidden, status, out)
		req, err = http.NewRequest(http.MethodPost, b.app.URL+"/codec/session", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+b.app.Keys.Auditor)
		resp, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
		require.Len(t, resp.Cookies(), 1)

		// The UI's request: the cookie, its origin and its headers, no key.
		req, err = http.NewRequest(http.MethodPost, decodeURL, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Origin", uiOrigin)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Namespace", "default")
		req.AddCookie(resp.Cookies()[0])
		resp, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		out2, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(out2))
		require.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"))
		require.Equal(t, "true", resp.Header.Get("Access-Control-Allow-Credentials"))

		// Refused without the cookie, with the CORS headers the browser
		// needs to show the UI why.
		req, err = http.NewRequest(http.MethodPost, decodeURL, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Origin", uiOrigin)
		resp, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		require.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"))
	})
}
