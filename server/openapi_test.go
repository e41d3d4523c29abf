package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/codec"
	"github.com/switchboardhq/switchboard/server"
)

// routerAndDocument builds the API's router as the product does (with the
// codec server, so its routes are there too) and reads /openapi.json from
// it.
func routerAndDocument(t *testing.T) (*gin.Engine, *openapi3.T, []byte) {
	t.Helper()
	c, err := codec.New("k1", map[string][]byte{"k1": make([]byte, 32)})
	require.NoError(t, err)
	srv := &server.Server{Log: slog.New(slog.DiscardHandler), Codec: codec.NewServer(c, codec.ServerOptions{})}
	h := srv.Handler()
	engine, ok := h.(*gin.Engine)
	require.True(t, ok, "Server.Handler is no longer a *gin.Engine: the test cannot list its routes")

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	require.Equal(t, 200, rec.Code)
	require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	raw, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	require.NoError(t, err, "/openapi.json does not load")
	return engine, doc, raw
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	_, doc, raw := routerAndDocument(t)
	require.True(t, doc.IsOpenAPI31OrLater(), "the document should be OpenAPI 3.1")
	require.NoError(t, doc.Validate(context.Background(), openapi3.EnableExamplesValidation()), "/openapi.json does not validate")
	var generic map[string]any
	require.NoError(t, json.Unmarshal(raw, &generic))
	require.Equal(t, "3.1.0", generic["openapi"])
}

// TestOpenAPIDocumentsEveryRoute walks the real router: every route it
// serves is documented, and every documented route is served.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	engine, doc, _ := routerAndDocument(t)

	served := map[string]bool{}
	var missing []string
	for _, r := range engine.Routes() {
		path := server.OpenAPIPath(r.Path)
		served[r.Method+" "+path] = true
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			missing = append(missing, fmt.Sprintf("  %s %s (router path %s)", r.Method, path, r.Path))
		}
	}
	slices.Sort(missing)
	require.Empty(t, missing, "served but not in /openapi.json: add each to apiOperations in server/openapi.go:\n%s", strings.Join(missing, "\n"))

	var stale []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !served[method+" "+path] {
				stale = append(stale, "  "+method+" "+path)
			}
		}
	}
	slices.Sort(stale)
	require.Empty(t, stale, "in /openapi.json but not served: remove each from apiOperations in server/openapi.go, or serve it:\n%s", strings.Join(stale, "\n"))
}

// TestOpenAPIExamplesAndRealResponsesValidate checks every example of the
// document against its schema, and real answers of the router against the
// schema the document gives them.
func TestOpenAPIExamplesAndRealResponsesValidate(t *testing.T) {
	t.Parallel()
	engine, doc, _ := routerAndDocument(t)
	examples := 0
	for name, ref := range doc.Components.Schemas {
		if ex := ref.Value.Example; ex != nil {
			examples++
			require.NoError(t, ref.Value.VisitJSON(ex), "the example of schema %s does not validate", name)
		}
	}
	require.GreaterOrEqual(t, examples, 5)

	// responseSchema is the JSON schema the document gives a status of an
	// operation (the default response when the status has none).
	responseSchema := func(method, path string, status int) *openapi3.Schema {
		op := doc.Paths.Value(path).GetOperation(method)
		require.NotNil(t, op, "%s %s", method, path)
		resp := op.Responses.Value(strconv.Itoa(status))
		if resp == nil {
			resp = op.Responses.Default()
		}
		require.NotNil(t, resp, "%s %s documents no %d", method, path, status)
		media := resp.Value.Content.Get("application/json")
		require.NotNil(t, media, "%s %s %d is not JSON", method, path, status)
		return media.Schema.Value
	}
	for _, tc := range []struct {
		method, path, docPath string
		status                int
	}{
		{"GET", "/livez", "/livez", 200},
		{"GET", "/v1/workspace", "/v1/workspace", 401}, // no key
		{"GET", "/v1/nope", "/v1/workspace", 404},      // any route's error body
		{"PUT", "/v1/channels/c1/widget-origins", "/v1/channels/{channelID}/widget-origins", 401},
	} {
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		require.Equal(t, tc.status, rec.Code, "%s %s", tc.method, tc.path)
		var body any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
		method := tc.method
		if tc.path != tc.docPath && tc.status == http.StatusNotFound {
			method = "GET"
		}
		require.NoError(t, responseSchema(method, tc.docPath, tc.status).VisitJSON(body),
			"%s %s: the %d answer does not match the document: %s", tc.method, tc.path, tc.status, rec.Body.String())
	}
}
