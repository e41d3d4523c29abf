package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

// importCRM posts body to a CRM import route as contentType.
func importCRM(t *testing.T, url, key, contentType string, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest("POST", url, body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := response{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

func TestCRMRecordsThroughTheAPI(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	crm := app.URL + "/v1/crm"

	// The demo store's order, by its number, with its returns.
	now := time.Now().UTC()
	var order models.Order
	require.NoError(t, app.DB.Where("number = ?", "SP-1002").Take(&order).Error)
	require.NoError(t, app.DB.Create(&models.Return{ID: "ret-1", WorkspaceID: app.Demo.WorkspaceID, OrderID: order.ID,
		Status: models.ReturnRequested, IdempotencyKey: "ret-1", CreatedAt: now, UpdatedAt: now}).Error)
	r := do(t, "GET", crm+"/orders/SP-1002", app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "ada@example.com", r.Body["contact"])
	require.Len(t, r.Body["returns"], 1)
	require.Equal(t, []any{}, r.Body["actions"])
	require.Equal(t, http.StatusOK, do(t, "GET", crm+"/products/ORG-BAM", app.Keys.Admin, nil).Status)

	// Import in both formats; a re-import updates.
	jsonl := `{"external_id":"crm-1","email":"zoe@example.com","name":"Zoe","tier":"premium"}` + "\n"
	r = importCRM(t, crm+"/contacts/import", app.Keys.Admin, "application/x-ndjson", strings.NewReader(jsonl))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, map[string]any{"created": 1.0, "updated": 0.0}, r.Body)
	csv := "external_id,email,name,tier\ncrm-1,zoe@example.com,Zoë,premium\ncrm-2,yan@example.com,Yan,standard\n"
	r = importCRM(t, crm+"/contacts/import", app.Keys.Admin, "text/csv; charset=utf-8", strings.NewReader(csv))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, map[string]any{"created": 1.0, "updated": 1.0}, r.Body)

	// A bad row: 400 naming the row and the field, nothing written.
	bad := "external_id,email\ncrm-3,x3@example.com\ncrm-4,nope\n"
	r = importCRM(t, crm+"/contacts/import", app.Keys.Admin, "text/csv", strings.NewReader(bad))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, message := errorOf(r)
	require.Equal(t, "row 2: email: not an email address", message)
	require.Equal(t, http.StatusNotFound, do(t, "GET", crm+"/contacts/crm-3", app.Keys.Admin, nil).Status)
	r = importCRM(t, crm+"/contacts/import", app.Keys.Admin, "application/json", strings.NewReader(jsonl))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, message = errorOf(r)
	require.Contains(t, message, "Content-Type")
	r = importCRM(t, crm+"/contacts/import", app.Keys.Auditor, "text/csv", strings.NewReader(csv))
	require.Equal(t, http.StatusForbidden, r.Status, r.Raw)

	// One at a time.
	r = do(t, "PUT", crm+"/products/P-9", app.Keys.Admin, []byte(`{"name":"Desk lamp","sku":"LAMP","price_cents":4500,"currency":"USD"}`))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	r = do(t, "PUT", crm+"/products/P-9", app.Keys.Admin, []byte(`{"name":"Desk lamp","availability":"out_of_stock"}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "out_of_stock", r.Body["availability"])
	r = do(t, "PUT", crm+"/orders/ORD-77", app.Keys.Admin, []byte(`{"contact":"crm-2","status":"processing","placed_at":"2026-05-01T10:00:00Z","tracking":{"carrier":"UPS"}}`))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	r = do(t, "GET", crm+"/orders?contact=crm-2", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Len(t, r.Body["orders"], 1)
	require.Equal(t, "ORD-77", r.Body["orders"].([]any)[0].(map[string]any)["number"])
	for _, tc := range []struct{ method, path, body, message string }{
		{"PUT", "/contacts/crm-1", `{"email":"zoe@example.com","phone":"call me"}`, "phone: not a phone number"},
		{"PUT", "/contacts/crm-1", `{"external_id":"crm-9","email":"zoe@example.com"}`, "external_id: "},
		{"PUT", "/orders/ORD-78", `{"contact":"crm-2","status":"processing","placed_at":"soon"}`, "placed_at: not an RFC 3339 time"},
		{"PUT", "/orders/ORD-78", `{"contact":"crm-2","status":"processing","placed_at":"2026-05-01T10:00:00Z","tracking":{"url":"ftp://x"}}`, "tracking.url: "},
		{"GET", "/contacts?limit=0", "", "limit: "},
		{"GET", "/orders?colour=red", "", "colour: is not a filter"},
	} {
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		r := do(t, tc.method, crm+tc.path, app.Keys.Admin, body)
		require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
		_, message := errorOf(r)
		require.Contains(t, message, tc.message)
	}
	r = do(t, "GET", crm+"/contacts?tier=premium&limit=1", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Len(t, r.Body["contacts"], 1)
	require.NotEmpty(t, r.Body["next_page_token"])
	require.Equal(t, http.StatusNoContent, do(t, "DELETE", crm+"/orders/ORD-77", app.Keys.Admin, nil).Status)
	require.Equal(t, http.StatusNoContent, do(t, "DELETE", crm+"/contacts/crm-2", app.Keys.Admin, nil).Status)
	require.Equal(t, http.StatusNotFound, do(t, "GET", crm+"/contacts/crm-2", app.Keys.Admin, nil).Status)
	require.Equal(t, http.StatusNotFound, do(t, "DELETE", crm+"/products/none", app.Keys.Admin, nil).Status)
}

// 100,000 rows in one call: the body is generated while it is sent, so
// neither the test nor (it is read row by row) the server holds it.
func TestCRMImportStreamsAHundredThousandRows(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	const rows = 100_000
	pr, pw := io.Pipe()
	go func() {
		_, err := io.WriteString(pw, "external_id,name,sku,price_cents,availability\n")
		for i := 0; i < rows && err == nil; i++ {
			_, err = fmt.Fprintf(pw, "bulk-%d,Product %d,SKU-%d,%d,in_stock\n", i, i, i, 100+i)
		}
		pw.CloseWithError(err)
	}()
	r := importCRM(t, app.URL+"/v1/crm/products/import", app.Keys.Admin, "text/csv", pr)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, map[string]any{"created": float64(rows), "updated": 0.0}, r.Body)
	var n int64
	require.NoError(t, app.DB.Model(&models.Product{}).Where("external_id LIKE ?", "bulk-%").Count(&n).Error)
	require.EqualValues(t, rows, n)
}
