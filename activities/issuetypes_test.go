package activities_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
)

// classifierWorkspace is a fresh database, the Weaviate store and a new
// workspace ID.
func classifierWorkspace(t *testing.T) (*knowledge.Store, *gorm.DB, string) {
	t.Helper()
	store, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	require.NoError(t, store.EnsureSchema(context.Background()))
	return store, testenv.Open(t, testenv.PostgresURL(t)), uuid.NewString()
}

// importExamples gives the workspace the shipping and refund examples.
func importExamples(t *testing.T, db *gorm.DB, store *knowledge.Store, ws string) {
	t.Helper()
	_, err := (&issuetypes.Service{DB: db}).Import(context.Background(), ws, []issuetypes.Row{
		{Text: "where is my parcel", IssueType: "shipping"},
		{Text: "my parcel is late", IssueType: "shipping"},
		{Text: "I want my money back", IssueType: "refund"},
		{Text: "refund my order", IssueType: "refund"},
	})
	require.NoError(t, err)
}

// TestClassifyIssueAsksTheLanguageModel runs the conversation's
// classification with a language model behind an in-process server that
// speaks the OpenAI chat completions protocol.
func TestClassifyIssueAsksTheLanguageModel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, db, ws := classifierWorkspace(t)
	importExamples(t, db, store, ws)

	answer := "refund"
	llm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "/v1/chat/completions", r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "test-model",
			"choices": []any{map[string]any{
				"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": answer},
			}},
		})
	}))
	t.Cleanup(llm.Close)
	refiner := issuetypes.NewOpenAIRefiner(llm.URL+"/v1", "test-key", "test-model", 5*time.Second)
	in := activities.ClassifyIssueInput{WorkspaceID: ws, Text: "my parcel is late"}

	offline, err := (&activities.Activities{DB: db, Knowledge: store}).ClassifyIssue(ctx, in)
	require.NoError(t, err)
	require.Equal(t, activities.ClassifyIssueResult{
		IssueType: "shipping", Confidence: offline.Confidence, BestGuess: "shipping",
	}, offline)

	acts := &activities.Activities{DB: db, Knowledge: store, IssueRefiner: refiner}
	got, err := acts.ClassifyIssue(ctx, in)
	require.NoError(t, err)
	require.Equal(t, "refund", got.IssueType)
	require.True(t, got.Refined)
	require.Equal(t, "shipping", got.BestGuess)

	answer = "no idea"
	got, err = acts.ClassifyIssue(ctx, in)
	require.NoError(t, err)
	require.Equal(t, offline, got, "an answer naming no candidate: the offline decision stands")
}

// TestLoadContextClassifiesAlongside asks LoadContext for the issue type
// (as a turn does, in one step): it is the same as ClassifyIssue's, and a
// workspace without issue types gets none. Retrieve, given the verified
// email of a customer whose tier LoadContext has not read yet, reads the
// tier itself and searches for it.
func TestLoadContextClassifiesAlongside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, db, ws := classifierWorkspace(t)
	require.NoError(t, db.Create(&models.Workspace{ID: ws, Name: "Shop"}).Error)
	require.NoError(t, db.Create(&models.Contact{ID: uuid.NewString(), WorkspaceID: ws, Email: "ada@example.com", Tier: "premium"}).Error)
	acts := &activities.Activities{DB: db, Knowledge: store, Generator: answer.Extractive{}}
	in := activities.LoadContextInput{WorkspaceID: ws, ConversationID: "c", WorkflowID: "w", Text: "my parcel is late",
		First: true, Classify: true}

	out, err := acts.LoadContext(ctx, in)
	require.NoError(t, err)
	require.False(t, out.HasIssueTypes)
	require.Nil(t, out.Issue, "no issue types: nothing to classify")

	importExamples(t, db, store, ws)
	want, err := acts.ClassifyIssue(ctx, activities.ClassifyIssueInput{WorkspaceID: ws, Text: in.Text})
	require.NoError(t, err)
	require.Equal(t, "shipping", want.IssueType)
	for _, first := range []bool{true, false} {
		in.First = first
		out, err = acts.LoadContext(ctx, in)
		require.NoError(t, err)
		require.True(t, out.HasIssueTypes)
		require.Equal(t, &want, out.Issue, "first turn: %v", first)
	}
	// A new threshold holds from the next turn: it raises the
	// configuration's version, which the turn's classification follows.
	require.NoError(t, (&issuetypes.Service{DB: db}).SetThreshold(ctx, ws, 1))
	out, err = acts.LoadContext(ctx, in)
	require.NoError(t, err)
	require.NotNil(t, out.Issue)
	require.True(t, out.Issue.Unknown, "%+v", *out.Issue)
	require.Equal(t, want.IssueType, out.Issue.BestGuess)
	in.Classify = false
	out, err = acts.LoadContext(ctx, in)
	require.NoError(t, err)
	require.Nil(t, out.Issue, "not asked")

	// Retrieve reads the tier of the verified customer it is given, while
	// it searches, and finds what that tier may read.
	for _, src := range []struct {
		id, body string
		tiers    []string
	}{
		{"parcels", "## Parcels\nA parcel is tracked from the day it ships.", nil},
		{"insured-parcels", "## Insured parcels\nA premium customer's parcel is insured in full.", []string{"premium"}},
	} {
		chunks := knowledge.SplitMarkdown(src.id, src.id, "", src.body)
		for i := range chunks {
			chunks[i].Audience.Tiers = src.tiers
		}
		require.NoError(t, store.ReplaceSource(ctx, ws, src.id, chunks))
	}
	sources := func(res activities.RetrieveResult) []string {
		var ids []string
		for _, p := range res.Passages {
			ids = append(ids, p.SourceID)
		}
		slices.Sort(ids)
		return ids
	}
	res, err := acts.Retrieve(ctx, activities.RetrieveInput{WorkspaceID: ws, Query: "parcel", Channel: "chat",
		VerifiedEmail: "Ada@Example.com"})
	require.NoError(t, err)
	require.Equal(t, "premium", res.Tier)
	require.Equal(t, []string{"insured-parcels", "parcels"}, sources(res))
	res, err = acts.Retrieve(ctx, activities.RetrieveInput{WorkspaceID: ws, Query: "parcel", Channel: "chat",
		VerifiedEmail: "nobody@example.com"})
	require.NoError(t, err)
	require.Empty(t, res.Tier, "no such contact: no tier")
	require.Equal(t, []string{"parcels"}, sources(res), "no tier: nothing restricted to one")
	res, err = acts.Retrieve(ctx, activities.RetrieveInput{WorkspaceID: ws, Query: "parcel", Channel: "chat", Tier: "standard",
		VerifiedEmail: "ada@example.com"})
	require.NoError(t, err)
	require.Empty(t, res.Tier, "a tier already known is searched for as given")
}
