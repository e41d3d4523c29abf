package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
)

// TestReturnWindowsAreASetting: the return policy is the workspace's own
// setting, validated by field, and shown with its effective default.
func TestReturnWindowsAreASetting(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	url := app.URL + "/v1/agent/settings"
	got := do(t, "GET", url, app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, got.Status, got.Raw)
	require.Equal(t, map[string]any{"default": 30.0, "wholesale": 14.0}, got.Body["return_window_days"], "the demo store's policy")

	body := func(windows string) []byte {
		return []byte(`{"agent_name":"Sprocket","default_team":"support","return_window_days":` + windows + `}`)
	}
	for _, c := range []struct{ windows, field string }{
		{`{"default": 400}`, "return_window_days.default:"},
		{`{"wholesale": -1}`, "return_window_days.wholesale:"},
		{`{"": 10}`, "return_window_days:"},
	} {
		r := do(t, "PUT", url, app.Keys.Admin, body(c.windows))
		require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
		_, msg := errorOf(r)
		require.True(t, strings.HasPrefix(msg, c.field), "%s should name %s", msg, c.field)
	}
	require.Equal(t, got.Body["return_window_days"], do(t, "GET", url, app.Keys.Admin, nil).Body["return_window_days"], "nothing refused is written")

	r := do(t, "PUT", url, app.Keys.Admin, body(`{"premium": 60}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, map[string]any{"premium": 60.0}, r.Body["return_window_days"])
	require.Equal(t, map[string]any{"default": 30.0, "premium": 60.0}, r.Body["effective_return_window_days"])
}
