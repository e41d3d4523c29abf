package activities_test

import (
	"context"
	"golang.org/x/sync/errgroup"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/rules"
)

// BenchmarkTurnActivities measures the local activities of a later turn of
// a known contact's conversation, one at a time, on PostgreSQL and Weaviate
// with the demo workspace (no LLM), as `switchboard bench` runs them.
func BenchmarkTurnActivities(b *testing.B) {
	ctx := context.Background()
	db := testenv.Open(b, testenv.PostgresURL(b))
	store, err := knowledge.NewStore(testenv.Weaviate(b))
	if err != nil {
		b.Fatal(err)
	}
	if err := store.EnsureSchema(ctx); err != nil {
		b.Fatal(err)
	}
	seeded, _, err := demo.Seed(ctx, db, time.Now().UTC())
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Index(ctx, db, store, seeded.WorkspaceID); err != nil {
		b.Fatal(err)
	}
	a := &activities.Activities{DB: db, Knowledge: store, Generator: answer.Extractive{}}
	const question = "How long does shipping take?"
	in := activities.LoadContextInput{
		WorkspaceID: seeded.WorkspaceID, ConversationID: "c-1", WorkflowID: "conversation-c-1",
		ChannelID: seeded.ChannelID, VerifiedEmail: "ada@example.com", Text: question,
	}
	cx, err := a.LoadContext(ctx, in)
	if err != nil {
		b.Fatal(err)
	}
	retrieve := activities.RetrieveInput{WorkspaceID: seeded.WorkspaceID, Query: question, Limit: 5, Channel: "chat", Tier: "standard"}
	found, err := a.Retrieve(ctx, retrieve)
	if err != nil {
		b.Fatal(err)
	}

	b.Run("LoadContext", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.LoadContext(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The issue-type model is trained on the first classification and
	// kept: a turn after the workspace's first pays only the search and
	// the model's ranking.
	if _, err := a.ClassifyIssue(ctx, activities.ClassifyIssueInput{WorkspaceID: seeded.WorkspaceID, Text: question}); err != nil {
		b.Fatal(err)
	}
	b.Run("LoadContextClassify", func(b *testing.B) {
		in := in
		in.Classify = true
		for b.Loop() {
			if _, err := a.LoadContext(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Classify", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.ClassifyIssue(ctx, activities.ClassifyIssueInput{WorkspaceID: seeded.WorkspaceID, Text: question}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Retrieve", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.Retrieve(ctx, retrieve); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("LoadContextBesideRetrieve", func(b *testing.B) {
		in := in
		in.Classify = true
		for b.Loop() {
			var g errgroup.Group
			g.Go(func() error { _, err := a.LoadContext(ctx, in); return err })
			g.Go(func() error { _, err := a.Retrieve(ctx, retrieve); return err })
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("EvaluateRules", func(b *testing.B) {
		eval := activities.EvaluateRulesInput{
			WorkspaceID: seeded.WorkspaceID, Kind: "handoff", Version: cx.HandoffVersion,
			Env: rules.Env{Conversation: rules.Conversation{Text: question, Channel: "chat"}, Now: time.Now()},
		}
		for b.Loop() {
			if _, err := a.EvaluateRules(ctx, eval); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Generate", func(b *testing.B) {
		gen := activities.GenerateInput{WorkspaceID: seeded.WorkspaceID, Question: question, Passages: found.Passages, Voice: cx.Settings.Voice}
		for b.Loop() {
			if _, err := a.Generate(ctx, gen); err != nil {
				b.Fatal(err)
			}
		}
	})
}
