package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

func TestRecordTurnIsIdempotentOnBothDatabases(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		in := activities.RecordTurnInput{
			WorkspaceID: "ws-1", ConversationID: "c-1", WorkflowID: "conversation:ws-1:c-1",
			ChannelID: "ch-1", StartedAt: at,
			Conversation: activities.ConversationSnapshot{Status: "ai_active"},
			Messages: []activities.TranscriptMessage{
				{ClientID: "m1", Role: "customer", Text: "Hi", At: at},
				{ClientID: "m1", Role: "agent", Text: "Hello", At: at.Add(time.Second),
					Citations: []activities.Citation{{SourceID: "s", Title: "T", URL: "u"}}},
			},
		}
		for i := 0; i < 2; i++ {
			_, err := a.RecordTurn(context.Background(), in)
			require.NoError(t, err)
		}
		var msgs []models.Message
		require.NoError(t, db.Order("created_at").Find(&msgs).Error)
		require.Len(t, msgs, 2)
		require.Equal(t, []models.Citation{{SourceID: "s", Title: "T", URL: "u"}}, msgs[1].Citations.V)

		// A later record updates the status without touching the messages.
		in.Conversation.Status, in.Messages = "resolved", nil
		_, err := a.RecordTurn(context.Background(), in)
		require.NoError(t, err)
		var conv models.Conversation
		require.NoError(t, db.Take(&conv).Error)
		require.Equal(t, "resolved", conv.Status)
		require.Equal(t, activities.ConversationRowID("conversation:ws-1:c-1"), conv.ID)
		require.True(t, conv.StartedAt.Equal(at))
	})
}
