package bench

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/demo"
)

// Floors of the retrieval evaluation over the demo knowledge base, a few
// points under what BM25 measured (see README, "Content sources"): a change
// that makes the agent find its answers less often fails here.
const (
	retrievalFloorRecallAt3 = 0.80
	retrievalFloorMRR       = 0.70
)

// TestRetrievalQuality runs `switchboard eval retrieval` on the real stack:
// the demo articles synced by SyncSourceWorkflow into Weaviate, the labelled
// questions asked through the Retrieve activity.
func TestRetrievalQuality(t *testing.T) {
	t.Parallel()
	cfg := stackConfig(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	report, err := EvaluateRetrieval(ctx, cfg)
	require.NoError(t, err)
	questions, err := demo.RetrievalQuestions()
	require.NoError(t, err)
	require.Equal(t, len(questions), report.Questions)
	require.Len(t, report.Results, len(questions))
	require.Equal(t, 3, report.Sources)
	require.Equal(t, "BM25", report.Search)
	t.Logf("recall@1 %.3f, recall@3 %.3f, recall@5 %.3f, MRR %.3f, right article in the top 3 %.3f",
		report.RecallAt1, report.RecallAt3, report.RecallAt5, report.MRR, report.ArticleRecallAt3)
	for _, r := range report.Results {
		if r.Rank == 0 || r.Rank > 3 {
			t.Logf("missed at 3: %q (rank %d), want %v, got %v", r.Question, r.Rank, r.Want, r.Got)
		}
	}
	require.GreaterOrEqual(t, report.RecallAt3, retrievalFloorRecallAt3)
	require.GreaterOrEqual(t, report.MRR, retrievalFloorMRR)
}

func TestScoreRetrieval(t *testing.T) {
	t.Parallel()
	url := demo.ArticleURLPrefix
	q := demo.RetrievalQuestion{Question: "q", Answers: []demo.Section{
		{Article: "returns", Section: "Conditions"}, {Article: "returns", Section: "How to start a return"},
	}}
	passages := []activities.Passage{
		{URL: url + "shipping", Heading: "Shipping costs"},
		{URL: url + "returns", Heading: "Refunds"},
		{URL: url + "returns", Heading: "How to start a return"},
		{URL: url + "returns", Heading: "Conditions"},
		{URL: "https://elsewhere.example/returns", Heading: "Conditions"},
	}
	r := scoreRetrieval(q, passages)
	require.Equal(t, 3, r.Rank, "the first passage of any answering section counts")
	require.Equal(t, []string{"returns › Conditions", "returns › How to start a return"}, r.Want)
	require.Equal(t, "shipping › Shipping costs", r.Got[0])
	require.True(t, answeringArticleIn(q, passages, 2))
	require.False(t, answeringArticleIn(q, passages, 1))

	require.Zero(t, scoreRetrieval(q, passages[:2]).Rank)
	require.Zero(t, scoreRetrieval(q, nil).Rank)
	lead := demo.RetrievalQuestion{Answers: []demo.Section{{Article: "shipping"}}}
	require.Equal(t, 2, scoreRetrieval(lead, []activities.Passage{passages[0], {URL: url + "shipping"}}).Rank)
}

func TestParseEvalFlags(t *testing.T) {
	t.Parallel()
	opts, err := ParseEvalFlags([]string{"retrieval", "-json"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, EvalOptions{What: "retrieval", JSON: true}, opts)
	for _, args := range [][]string{nil, {"-json"}, {"speed"}, {"retrieval", "extra"}, {"retrieval", "-k", "3"}} {
		_, err := ParseEvalFlags(args, io.Discard)
		require.Error(t, err, "%v", args)
	}
}

func TestParseRetrievalFlags(t *testing.T) {
	t.Parallel()
	opts, err := ParseRetrievalFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, DefaultRetrievalOptions(), opts)
	opts, err = ParseRetrievalFlags([]string{"-chunks", "500", "-per-source", "50", "-queries", "20", "-warmup", "0", "-data", "x.json", "-json"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, RetrievalOptions{Chunks: 500, PerSource: 50, Queries: 20, Data: "x.json", JSON: true}, opts)
	for _, args := range [][]string{
		{"-chunks", "0"}, {"-per-source", "0"}, {"-queries", "0"}, {"-warmup", "-1"}, {"-data", ""}, {"extra"},
	} {
		_, err := ParseRetrievalFlags(args, io.Discard)
		require.Error(t, err, "%v", args)
	}
}

func TestBenchCorpus(t *testing.T) {
	t.Parallel()
	raw := []byte(`{
		"train": [["how do i freeze my card", "freeze_account"], ["lock my card please", "freeze_account"],
		          ["what is my balance", "balance"], ["how much money do i have", "balance"]],
		"val": [["block my account", "freeze_account"], ["show my balance", "balance"]],
		"test": [["freeze the account now", "freeze_account"], ["balance please", "balance"]]
	}`)
	sources, queries, err := benchCorpus(raw, 5, 2)
	require.NoError(t, err)
	require.Len(t, sources, 3)
	require.Equal(t, []int{2, 2, 1}, []int{len(sources[0]), len(sources[1]), len(sources[2])})
	require.ElementsMatch(t, []string{"freeze the account now", "balance please"}, queries)
	first := sources[0][0]
	require.Equal(t, "balance", first.Heading, "intents in order, each chunk of one intent")
	require.Equal(t, "balance", first.Title)
	require.Equal(t, first.SourceID, sources[0][1].SourceID)
	require.Equal(t, []int{0, 1}, []int{sources[0][0].Index, sources[0][1].Index})
	require.NotEqual(t, sources[0][0].SourceID, sources[1][0].SourceID)
	require.Equal(t, "freeze account", sources[2][0].Heading)
	require.Regexp(t, `^[A-Z].*\.$`, first.Text)

	again, _, err := benchCorpus(raw, 5, 2)
	require.NoError(t, err)
	require.Equal(t, sources, again, "the same data gives the same corpus")

	_, _, err = benchCorpus([]byte(`{"train": []}`), 5, 2)
	require.Error(t, err)
	_, _, err = benchCorpus([]byte(`[1, 2]`), 5, 2)
	require.Error(t, err)
}
