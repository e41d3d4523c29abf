package metrics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/metrics"
)

// switchboardFamilies records one of each of Switchboard's series and
// returns the families' names.
func switchboardFamilies(t *testing.T) map[string]bool {
	t.Helper()
	metrics.Turn("answer")
	metrics.Handoff("rule")
	metrics.ActionCall("order_status", "ok")
	metrics.ModelCall("m", metrics.OutcomeOK, 1, 1, time.Millisecond)
	metrics.Retrieval(nil, time.Millisecond)
	metrics.RateLimited("key_messages")
	metrics.SourceSync("ready")
	metrics.HTTPRequest("GET", "/livez", 200, time.Millisecond)
	families, err := metrics.Registry.Gather()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "switchboard_") {
			names[f.GetName()] = true
		}
	}
	return names
}

// TestReadmeListsEveryMetric keeps the README's list of series complete.
func TestReadmeListsEveryMetric(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	for name := range switchboardFamilies(t) {
		require.Contains(t, string(readme), "`"+name+"`", "README.md does not list %s", name)
	}
}

// TestDashboardQueriesExistingSeries checks that every Switchboard series
// the Grafana dashboard queries exists.
func TestDashboardQueriesExistingSeries(t *testing.T) {
	raw, err := os.ReadFile("../deploy/grafana/switchboard.json")
	require.NoError(t, err)
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal(raw, &dash))
	require.NotEmpty(t, dash.Panels)
	have := switchboardFamilies(t)
	series := regexp.MustCompile(`\bswitchboard_[a-z_]+`)
	suffix := regexp.MustCompile(`_(bucket|count|sum)$`)
	used := map[string]bool{}
	for _, p := range dash.Panels {
		require.NotEmpty(t, p.Targets, p.Title)
		for _, tg := range p.Targets {
			for _, name := range series.FindAllString(tg.Expr, -1) {
				family := suffix.ReplaceAllString(name, "")
				require.True(t, have[family], "panel %q queries %s, which no code exports", p.Title, name)
				used[family] = true
			}
		}
	}
	for name := range have {
		require.True(t, used[name], "the dashboard has no panel for %s", name)
	}
}
