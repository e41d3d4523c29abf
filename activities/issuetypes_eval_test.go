package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/knowledge"
)

// clinc150Path is the CLINC150 "full" split (Larson et al., EMNLP 2019; CC BY
// 3.0), kept next to the repository, not in it.
var clinc150Path = filepath.Join("..", "..", "shared", "datasets", "clinc150", "data_full.json")

// Floors for TestIssueTypeDetectionOnCLINC150: a few points under what was
// measured on the test splits at the default threshold (see the README).
const (
	clincAccuracyFloor  = 0.88
	clincOOSRecallFloor = 0.70
)

// clincOutcome is one classified utterance and its label ("oos" when out of
// scope).
type clincOutcome struct {
	label string
	res   activities.ClassifyIssueResult
}

// clincFigures are in-scope accuracy (an unknown counts as wrong), the
// share of in-scope utterances answered unknown, and out-of-scope recall
// (the share answered unknown), had the threshold been th.
func clincFigures(in, oos []clincOutcome, th float64) (accuracy, unknownShare, recall float64) {
	correct, unknown, caught := 0, 0, 0
	for _, o := range in {
		switch {
		case o.res.BestGuess == "" || o.res.Confidence < th:
			unknown++
		case o.res.BestGuess == o.label:
			correct++
		}
	}
	for _, o := range oos {
		if o.res.BestGuess == "" || o.res.Confidence < th {
			caught++
		}
	}
	n := float64(len(in))
	return float64(correct) / n, float64(unknown) / n, float64(caught) / float64(len(oos))
}

// TestIssueTypeDetectionOnCLINC150 imports CLINC150's 15,000 training
// utterances as labelled examples of 150 issue types through the import the
// API uses, then classifies the validation and held-out test utterances (in
// scope) and the out-of-scope ones through the ClassifyIssue activity the
// conversation uses, with no language model. In-scope accuracy counts an
// "unknown" as wrong; out-of-scope recall is the share answered "unknown".
// The default threshold was chosen on the validation splits; the test
// splits only measure it.
func TestIssueTypeDetectionOnCLINC150(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(clinc150Path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not found: the CLINC150 data set sits next to the repository", clinc150Path)
	}
	require.NoError(t, err)
	var data map[string][][2]string
	require.NoError(t, json.Unmarshal(raw, &data))

	ctx := context.Background()
	store, err := knowledge.NewStore(testenv.WeaviateURL(t), "")
	require.NoError(t, err)
	require.NoError(t, store.EnsureSchema(ctx))
	db := testenv.Open(t, testenv.PostgresURL(t))
	acts := &activities.Activities{DB: db, Knowledge: store}
	ws := uuid.NewString()

	rows := make([]issuetypes.Row, len(data["train"]))
	for i, r := range data["train"] {
		rows[i] = issuetypes.Row{Text: r[0], IssueType: r[1]}
	}
	start := time.Now()
	svc := issuetypes.Service{DB: db, Knowledge: store}
	res, err := svc.Import(ctx, ws, rows)
	require.NoError(t, err)
	require.Len(t, res.CreatedTypes, 150)
	t.Logf("imported %d examples (%d new) of %d issue types in %s", res.Rows, res.Added, len(res.CreatedTypes), time.Since(start).Round(time.Millisecond))

	classify := func(text string) activities.ClassifyIssueResult {
		out, err := acts.ClassifyIssue(ctx, activities.ClassifyIssueInput{WorkspaceID: ws, Text: text})
		require.NoError(t, err)
		return out
	}
	start = time.Now()
	classify("hello")
	t.Logf("the first classification trained the workspace's model: %s", time.Since(start).Round(time.Millisecond))

	var latencies []time.Duration
	run := func(split string) []clincOutcome {
		out := make([]clincOutcome, len(data[split]))
		for i, r := range data[split] {
			t0 := time.Now()
			out[i] = clincOutcome{label: r[1], res: classify(r[0])}
			latencies = append(latencies, time.Since(t0))
			require.False(t, out[i].res.Refined, "no language model is configured")
		}
		return out
	}
	val, oosVal := run("val"), run("oos_val")
	test, oosTest := run("test"), run("oos_test")
	slices.Sort(latencies)

	// The threshold the validation splits favour: the one that gets closest
	// to both targets (90 % accuracy, 80 % recall) at once.
	var thresholds []float64
	for _, o := range slices.Concat(val, oosVal) {
		thresholds = append(thresholds, o.res.Confidence)
	}
	slices.Sort(thresholds)
	favoured, best := 0.0, -1.0
	for _, th := range thresholds {
		acc, _, rec := clincFigures(val, oosVal, th)
		if score := min(acc/0.90, rec/0.80); score > best {
			favoured, best = th, score
		}
	}
	acc, unk, rec := clincFigures(val, oosVal, issuetypes.DefaultThreshold)
	facc, _, frec := clincFigures(val, oosVal, favoured)
	t.Logf("CLINC150 val at threshold %.2f: in-scope accuracy %.1f%%, answered unknown %.1f%%, out-of-scope recall %.1f%%; val favours %.3f (%.1f%%, %.1f%%)",
		issuetypes.DefaultThreshold, 100*acc, 100*unk, 100*rec, favoured, 100*facc, 100*frec)

	// The figures: the activity's own decisions at the default threshold.
	correct, unknown, caught := 0, 0, 0
	for _, o := range test {
		switch {
		case o.res.Unknown:
			unknown++
		case o.res.IssueType == o.label:
			correct++
		}
	}
	for _, o := range oosTest {
		if o.res.Unknown {
			caught++
		}
	}
	n, oos := float64(len(test)), float64(len(oosTest))
	accuracy, recall := float64(correct)/n, float64(caught)/oos
	guessed := 0
	for _, o := range test {
		if o.res.BestGuess == o.label {
			guessed++
		}
	}
	t.Logf("CLINC150 test at threshold %.2f: in-scope accuracy %.1f%% (%d/%d), in-scope answered unknown %.1f%%, out-of-scope recall %.1f%% (%d/%d); best guess alone right for %.1f%%; classify p50 %s, p95 %s",
		issuetypes.DefaultThreshold, 100*accuracy, correct, len(test), 100*float64(unknown)/n, 100*recall, caught, len(oosTest),
		100*float64(guessed)/n, latencies[len(latencies)/2].Round(100*time.Microsecond), latencies[len(latencies)*95/100].Round(100*time.Microsecond))
	for _, th := range []float64{0.05, 0.08, 0.12, 0.15, 0.20} {
		acc, _, rec := clincFigures(test, oosTest, th)
		t.Logf("  test at threshold %.2f: in-scope accuracy %.1f%%, out-of-scope recall %.1f%%", th, 100*acc, 100*rec)
	}
	require.GreaterOrEqual(t, accuracy, clincAccuracyFloor)
	require.GreaterOrEqual(t, recall, clincOOSRecallFloor)
}
