package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

// post sends a body with a content type of the test's choosing.
func post(t *testing.T, url, key, contentType, body string) response {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
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

// withoutIssueTypes deletes the demo's issue types through the API: these
// tests start from a workspace that has none.
func withoutIssueTypes(t *testing.T, app *testenv.App) {
	t.Helper()
	r := do(t, "GET", app.URL+"/v1/issue-types", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	for _, it := range r.Body["issue_types"].([]any) {
		name := it.(map[string]any)["name"].(string)
		d := do(t, "DELETE", app.URL+"/v1/issue-types/"+name, app.Keys.Admin, nil)
		require.Equal(t, http.StatusNoContent, d.Status, d.Raw)
	}
}

func TestIssueTypesAPI(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	withoutIssueTypes(t, app)
	admin, auditor := app.Keys.Admin, app.Keys.Auditor
	url := app.URL + "/v1/issue-types"

	r := do(t, "POST", url, admin, []byte(`{"name":"refund","description":"Money back","examples":["I want my money back","refund my order"]}`))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.EqualValues(t, 2, r.Body["example_count"])
	r = do(t, "POST", url, admin, []byte(`{"name":"refund"}`))
	require.Equal(t, http.StatusConflict, r.Status, r.Raw)
	r = do(t, "POST", url, admin, []byte(`{"name":"Refund Now"}`))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, msg := errorOf(r)
	require.Contains(t, msg, "name:")

	// A CSV import with one bad row among thousands writes nothing.
	var csv strings.Builder
	csv.WriteString("text,issue_type\n")
	for i := 0; i < 4000; i++ {
		fmt.Fprintf(&csv, "\"invoice ref%d, copy please\",billing\n", i)
	}
	bad := strings.Replace(csv.String(), "\"invoice ref3141, copy please\",billing", "\"invoice ref3141, copy please\",", 1)
	r = post(t, url+"/import", admin, "text/csv", bad)
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, msg = errorOf(r)
	require.Equal(t, "row 3142: issue_type: must not be empty", msg)
	var n int64
	require.NoError(t, app.DB.Model(&models.IssueExample{}).Where("workspace_id = ?", app.Demo.WorkspaceID).Count(&n).Error)
	require.EqualValues(t, 2, n, "nothing of the rejected import")

	r = post(t, url+"/import", admin, "text/csv", csv.String())
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.EqualValues(t, 4000, r.Body["added"])
	require.Equal(t, []any{"billing"}, r.Body["created_types"])

	r = post(t, url+"/import", admin, "application/json", `[{"text":"cancel my subscription","issue_type":"cancel"},
		{"text":"I want my money back","issue_type":"refund"},
		{"text":"where is my parcel","issue_type":"shipping"},{"text":"when will my order arrive","issue_type":"shipping"}]`)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.EqualValues(t, 3, r.Body["added"])
	require.EqualValues(t, 1, r.Body["duplicates"])
	require.Equal(t, []any{"cancel", "shipping"}, r.Body["created_types"])
	r = post(t, url+"/import", admin, "application/json", `{"examples":[{"text":"stop my plan","issue_type":"cancel"},{"text":"","issue_type":"cancel"}]}`)
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, msg = errorOf(r)
	require.Equal(t, "row 2: text: must not be empty", msg)
	r = post(t, url+"/import", admin, "application/xml", `<rows/>`)
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)

	list := do(t, "GET", url, auditor, nil)
	require.Equal(t, http.StatusOK, list.Status, list.Raw)
	require.Len(t, list.Body["issue_types"], 4)
	one := do(t, "GET", url+"/cancel", auditor, nil)
	require.Equal(t, []any{"cancel my subscription"}, one.Body["examples"])

	classify := func(key, text string) response {
		return do(t, "POST", url+"/classify", key, []byte(fmt.Sprintf(`{"text":%q}`, text)))
	}
	r = classify(admin, "I need a copy of invoice ref3141")
	require.Equal(t, "billing", r.Body["issue_type"], r.Raw)
	r = classify(admin, "Where is my parcel?")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "shipping", r.Body["issue_type"], r.Raw)
	require.Greater(t, r.Body["confidence"], 0.25)
	r = classify(auditor, "Could I have my money back please")
	require.Equal(t, "refund", r.Body["issue_type"])
	r = classify(admin, "What's your favourite colour?")
	require.Equal(t, "unknown", r.Body["issue_type"])
	require.Equal(t, true, r.Body["unknown"])
	require.Equal(t, http.StatusBadRequest, classify(admin, " ").Status)

	r = do(t, "PUT", url+"/settings", admin, []byte(`{"threshold":1.2}`))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	r = do(t, "PUT", url+"/settings", admin, []byte(`{"threshold":0.4}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, 0.4, do(t, "GET", url+"/settings", auditor, nil).Body["threshold"])

	r = do(t, "PUT", url+"/cancel", admin, []byte(`{"description":"Ending a plan","examples":["end my plan"]}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, []any{"end my plan"}, r.Body["examples"])
	require.Equal(t, http.StatusNoContent, do(t, "DELETE", url+"/cancel", admin, nil).Status)
	require.Equal(t, http.StatusNotFound, do(t, "GET", url+"/cancel", admin, nil).Status)

	for _, r := range []response{
		do(t, "POST", url, auditor, []byte(`{"name":"x"}`)),
		post(t, url+"/import", auditor, "text/csv", "a,b\n"),
		do(t, "DELETE", url+"/refund", auditor, nil),
		do(t, "GET", url, app.Keys.Rep, nil),
		classify(app.Keys.Widget, "refund"),
	} {
		require.Equal(t, http.StatusForbidden, r.Status, r.Raw)
	}
}

func TestOutOfScopeExamplesAPI(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	withoutIssueTypes(t, app)
	admin, auditor := app.Keys.Admin, app.Keys.Auditor
	url := app.URL + "/v1/issue-types"

	r := post(t, url+"/import", admin, "text/csv", "text,issue_type\nwhere is my parcel,shipping\nmy parcel is late,shipping\n"+
		"I want my money back,refund\nrefund my order,refund\ndo you sell garden furniture,out_of_scope\n")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, []any{"shipping", "refund", "out_of_scope"}, r.Body["created_types"])
	r = do(t, "PUT", url+"/out_of_scope", admin, []byte(`{"description":"Things we do not sell"}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	r = post(t, url+"/import", admin, "application/json", `[{"text":"can you recommend a restaurant nearby","issue_type":"out_of_scope"}]`)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.EqualValues(t, 1, r.Body["added"])
	one := do(t, "GET", url+"/out_of_scope", auditor, nil)
	require.Equal(t, []any{"do you sell garden furniture", "can you recommend a restaurant nearby"}, one.Body["examples"], one.Raw)

	// Another spelling is rejected, naming the field.
	r = do(t, "POST", url, admin, []byte(`{"name":"out-of-scope","examples":["what is the weather"]}`))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, msg := errorOf(r)
	require.Equal(t, `name: "out-of-scope": write out_of_scope for out-of-scope examples`, msg)
	r = post(t, url+"/import", admin, "text/csv", "what is the weather,shipping\nwhat is the time,Out_Of_Scope\n")
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, msg = errorOf(r)
	require.Contains(t, msg, "row 2: issue_type:")

	classify := func(text string) response {
		r := do(t, "POST", url+"/classify", auditor, []byte(fmt.Sprintf(`{"text":%q}`, text)))
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		return r
	}
	r = classify("Do you sell garden chairs?")
	require.Equal(t, "unknown", r.Body["issue_type"], r.Raw)
	require.Equal(t, true, r.Body["unknown"], r.Raw)
	require.Equal(t, true, r.Body["out_of_scope"], r.Raw)
	require.NotEqual(t, "out_of_scope", r.Body["best_guess"], r.Raw)
	r = classify("Where is my parcel?")
	require.Equal(t, "shipping", r.Body["issue_type"], r.Raw)
	require.Equal(t, false, r.Body["out_of_scope"], r.Raw)

	list := do(t, "GET", url, auditor, nil)
	require.Len(t, list.Body["issue_types"], 3, list.Raw)
	require.Equal(t, http.StatusNoContent, do(t, "DELETE", url+"/out_of_scope", admin, nil).Status)
	r = classify("Do you sell garden chairs?")
	require.Equal(t, false, r.Body["out_of_scope"], r.Raw)
}

// TestARequestForAPersonHasNoIssueType: a message that only asks for a
// person says nothing of an issue: it is classified unknown (with the
// classify API saying why), sets no issue type on its conversation and is no
// knowledge gap; a request that says what it is about is classified.
func TestARequestForAPersonHasNoIssueType(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	classify := func(text string) map[string]any {
		r := do(t, "POST", app.URL+"/v1/issue-types/classify", app.Keys.Admin, jsonBody(t, map[string]any{"text": text}))
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		return r.Body
	}
	only := classify("I need to speak to a human")
	require.Equal(t, true, only["unknown"])
	require.Equal(t, true, only["only_asks_for_human"])
	about := classify("I need to speak to a human about my refund")
	require.Equal(t, false, about["only_asks_for_human"])
	require.Equal(t, false, about["unknown"], "the refund says what it is about: %v", about)

	customerSays(t, app, "person-only", "m1", "I need to speak to a human", "")
	r := do(t, "GET", app.URL+"/v1/conversations/person-only", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "handed_off", r.Body["status"])
	require.Empty(t, r.Body["issue_type"])
	require.Contains(t, r.Raw, "the message only asks for a person")
	g := do(t, "GET", app.URL+"/v1/analytics/knowledge-gaps", app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, g.Status, g.Raw)
	require.EqualValues(t, 0, g.Body["gaps"], "a request for a person is no knowledge gap")
}
