package activities_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
)

// firstRecord is a conversation's first record: the customer's "Hi" at at,
// and the agent's "Hello", citing a source, a second later.
func firstRecord(at time.Time) activities.RecordTurnInput {
	return activities.RecordTurnInput{
		WorkspaceID: "ws-1", ConversationID: "c-1", WorkflowID: "conversation:ws-1:c-1",
		ChannelID: "ch-1", StartedAt: at,
		Conversation: activities.ConversationSnapshot{Status: "ai_active"},
		Messages: []activities.TranscriptMessage{
			{ClientID: "m1", Role: "customer", Text: "Hi", At: at},
			{ClientID: "m1", Role: "agent", Text: "Hello", At: at.Add(time.Second),
				Citations: []answer.Citation{{SourceID: "s", Title: "T", URL: "u"}}},
		},
	}
}

func TestRecordTurnIsIdempotentOnBothDatabases(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		in := firstRecord(at)
		for i := 0; i < 2; i++ {
			_, err := a.RecordTurn(context.Background(), in)
			require.NoError(t, err)
		}
		var msgs []models.Message
		require.NoError(t, db.Order("created_at").Find(&msgs).Error)
		require.Len(t, msgs, 2)
		require.Equal(t, []answer.Citation{{SourceID: "s", Title: "T", URL: "u"}}, msgs[1].Citations.V)

		// A later record updates the status without touching the messages.
		in.Conversation.Status, in.Messages = "resolved", nil
		_, err := a.RecordTurn(context.Background(), in)
		require.NoError(t, err)
		var conv models.Conversation
		require.NoError(t, db.Take(&conv).Error)
		require.Equal(t, "resolved", conv.Status)
		require.Equal(t, models.ConversationRowID("conversation:ws-1:c-1"), conv.ID)
		require.True(t, conv.StartedAt.Equal(at))
	})
}

// TestARefusedRecordWritesNothing: on PostgreSQL a record's statements go
// in one batch; when the database refuses one of them (a NUL in a
// message's text), none is written, the ones before it included, and the
// error says retrying cannot help. A record written after it is whole.
func TestARefusedRecordWritesNothing(t *testing.T) {
	t.Parallel()
	db := testenv.Open(t, testenv.PostgresURL(t))
	a := &activities.Activities{DB: db}
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	in := firstRecord(at)
	in.Messages[1].Text = "Hello\x00"
	in.Decisions = []activities.DecisionRecord{{MessageID: "m1", Kind: "reply", Summary: "replied", At: at}}
	_, err := a.RecordTurn(context.Background(), in)
	var app *temporal.ApplicationError
	require.ErrorAs(t, err, &app)
	require.Equal(t, activities.ErrUnwritableRecord, app.Type())
	require.True(t, app.NonRetryable())
	rows := func(table any) int64 {
		var n int64
		require.NoError(t, db.Model(table).Count(&n).Error)
		return n
	}
	for _, table := range []any{&models.Conversation{}, &models.Message{}, &models.Decision{}} {
		require.Zero(t, rows(table), "%T", table)
	}

	in.Messages[1].Text = "Hello"
	_, err = a.RecordTurn(context.Background(), in)
	require.NoError(t, err)
	for table, want := range map[any]int64{&models.Conversation{}: 1, &models.Message{}: 2, &models.Decision{}: 1} {
		require.Equal(t, want, rows(table), "%T", table)
	}
}

// TestCitationCountsAddUpAfterTheRecords: the citations of replies recorded
// at once, by conversations citing the same sources, are all counted once
// the counts written in the background are flushed; a record written again
// counts nothing more.
func TestCitationCountsAddUpAfterTheRecords(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := &activities.Activities{DB: db}
		for _, id := range []string{"src-a", "src-b"} {
			require.NoError(t, db.Create(&models.ContentSource{ID: id, WorkspaceID: "ws-1", Kind: "kb_article", Title: id, Status: "ready"}).Error)
		}
		at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
		record := func(conv int) activities.RecordTurnInput {
			id := fmt.Sprintf("c-%d", conv)
			cites := []answer.Citation{{SourceID: "src-a"}}
			if conv%2 == 0 {
				cites = append(cites, answer.Citation{SourceID: "src-b"})
			}
			return activities.RecordTurnInput{
				WorkspaceID: "ws-1", ConversationID: id, WorkflowID: "conversation:ws-1:" + id, StartedAt: at,
				Conversation: activities.ConversationSnapshot{Status: "ai_active"},
				Messages: []activities.TranscriptMessage{
					{ClientID: "m1", Role: "customer", Text: "question", At: at},
					{ClientID: "m1", Role: "agent", Text: "answer", At: at, Citations: cites},
				},
			}
		}
		const conversations = 12
		var g errgroup.Group
		for i := range conversations {
			g.Go(func() error { _, err := a.RecordTurn(ctx, record(i)); return err })
		}
		require.NoError(t, g.Wait())
		_, err := a.RecordTurn(ctx, record(0)) // written again: counted once
		require.NoError(t, err)
		require.NoError(t, a.FlushCitations(ctx))
		var sources []models.ContentSource
		require.NoError(t, db.Order("id").Find(&sources).Error)
		require.Equal(t, []int{conversations, conversations / 2}, []int{sources[0].CitedCount, sources[1].CitedCount})
	})
}

func TestRecordTurnsWritesABatchInOrderOnce(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := &activities.Activities{DB: db}
		at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		turn := func(id, status string, n int) activities.RecordTurnInput {
			t := at.Add(time.Duration(n) * time.Second)
			return activities.RecordTurnInput{
				WorkspaceID: "ws-1", ConversationID: "c-1", WorkflowID: "conversation:ws-1:c-1", StartedAt: at,
				Conversation: activities.ConversationSnapshot{Status: status, IssueType: id},
				Messages: []activities.TranscriptMessage{
					{ClientID: id, Role: "customer", Text: "question " + id, At: t},
					{ClientID: id, Role: "agent", Text: "answer " + id, At: t.Add(time.Millisecond),
						Citations: []answer.Citation{{SourceID: "src-b"}, {SourceID: "src-a"}}},
				},
				Decisions: []activities.DecisionRecord{{MessageID: id, Kind: "reply", Summary: "replied", At: t}},
			}
		}
		for _, id := range []string{"src-a", "src-b"} {
			require.NoError(t, db.Create(&models.ContentSource{ID: id, WorkspaceID: "ws-1", Kind: "kb_article", Title: id, Status: "ready"}).Error)
		}
		batch := activities.RecordTurnsInput{Records: []activities.RecordTurnInput{
			turn("m2", "ai_active", 2), turn("m3", "ai_active", 3), turn("m4", "handed_off", 4),
		}}

		// One record without a workflow ID: nothing of the batch is written.
		bad := batch
		bad.Records = append([]activities.RecordTurnInput{}, batch.Records...)
		bad.Records[2].WorkflowID = ""
		_, err := a.RecordTurns(ctx, bad)
		require.ErrorContains(t, err, "record 2")
		var n int64
		require.NoError(t, db.Model(&models.Message{}).Count(&n).Error)
		require.Zero(t, n)

		// Written twice (a retry): every message and decision once, and the
		// conversation as the last record left it.
		for range 2 {
			_, err := a.RecordTurns(ctx, batch)
			require.NoError(t, err)
		}
		var msgs []models.Message
		require.NoError(t, db.Order("created_at").Find(&msgs).Error)
		require.Len(t, msgs, 6)
		require.Equal(t, "question m2", msgs[0].Text)
		require.Equal(t, "answer m4", msgs[5].Text)
		require.NoError(t, db.Model(&models.Decision{}).Count(&n).Error)
		require.EqualValues(t, 3, n)
		var conv models.Conversation
		require.NoError(t, db.Take(&conv).Error)
		require.Equal(t, "handed_off", conv.Status)
		require.Equal(t, "m4", conv.IssueType)
		require.NoError(t, a.FlushCitations(ctx))
		var sources []models.ContentSource
		require.NoError(t, db.Order("id").Find(&sources).Error)
		require.Equal(t, []int{3, 3}, []int{sources[0].CitedCount, sources[1].CitedCount}, "each reply counted once")
	})
}

// requestRecorder is a generator that keeps the requests it was given.
type requestRecorder struct{ requests []answer.Request }

func (r *requestRecorder) Generate(_ context.Context, req answer.Request) (answer.Answer, error) {
	r.requests = append(r.requests, req)
	return answer.Answer{Text: "ok", Known: true, Confidence: 1}, nil
}

func TestGenerateSpeaksInTheVoiceLoadContextRead(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		gen := &requestRecorder{}
		a := &activities.Activities{DB: db, Generator: gen}
		settings := models.AgentSettings{WorkspaceID: "ws-1", AgentName: "Sam", Tone: "warm", Guidelines: "Be brief."}
		require.NoError(t, db.Create(&settings).Error)

		cx, err := a.LoadContext(ctx, activities.LoadContextInput{WorkspaceID: "ws-1", Text: "Hi"})
		require.NoError(t, err)
		require.Equal(t, &decide.Voice{AgentName: "Sam", Tone: "warm", Guidelines: "Be brief."}, cx.Settings.Voice)

		// Settings changed after LoadContext: the turn still speaks as it
		// began; without a voice (an older turn's input) Generate reads them.
		require.NoError(t, db.Model(&settings).Updates(models.AgentSettings{AgentName: "Alex"}).Error)
		_, err = a.Generate(ctx, activities.GenerateInput{WorkspaceID: "ws-1", Question: "Hi", Voice: cx.Settings.Voice})
		require.NoError(t, err)
		_, err = a.Generate(ctx, activities.GenerateInput{WorkspaceID: "ws-1", Question: "Hi"})
		require.NoError(t, err)
		require.Len(t, gen.requests, 2)
		require.Equal(t, []string{"Sam", "Alex"}, []string{gen.requests[0].AgentName, gen.requests[1].AgentName})
		require.Equal(t, "Be brief.", gen.requests[1].Guidelines)
	})
}

func TestRetrieveWritesTheReplyOnlyForTheExtractiveAnswerer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.Open(t, testenv.PostgresURL(t))
	store, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	require.NoError(t, store.EnsureSchema(ctx))
	seeded, _, err := demo.Seed(ctx, db, time.Now().UTC())
	require.NoError(t, err)
	require.NoError(t, demo.Index(ctx, db, store, seeded.WorkspaceID))
	in := activities.RetrieveInput{WorkspaceID: seeded.WorkspaceID, Query: "How long does shipping take?", Limit: 5, Channel: "chat", Tier: "standard"}

	local := &activities.Activities{DB: db, Knowledge: store, Generator: answer.Extractive{}}
	plain, err := local.Retrieve(ctx, in)
	require.NoError(t, err)
	require.Nil(t, plain.Answer, "not asked for")
	require.NotEmpty(t, plain.Passages)
	want, err := local.Generate(ctx, activities.GenerateInput{WorkspaceID: seeded.WorkspaceID, Question: in.Query, Passages: plain.Passages})
	require.NoError(t, err)
	require.True(t, want.Known)

	in.Answer = true
	answered, err := local.Retrieve(ctx, in)
	require.NoError(t, err)
	require.Equal(t, &want, answered.Answer)
	require.Len(t, answered.Passages, len(plain.Passages))
	for i, p := range answered.Passages {
		require.Empty(t, p.Text, "the reply quotes what it used")
		require.Equal(t, plain.Passages[i].SourceID, p.SourceID)
	}

	// An LLM answers in Generate, a regular activity.
	llm := &activities.Activities{DB: db, Knowledge: store, Generator: &requestRecorder{}}
	passages, err := llm.Retrieve(ctx, in)
	require.NoError(t, err)
	require.Nil(t, passages.Answer)
	require.Equal(t, plain.Passages, passages.Passages)
}
