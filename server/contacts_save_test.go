package server_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
)

// What a customer tells about themselves adds up over their messages: a
// field given replaces the one kept, a field left out keeps it, and a
// thread keeps the subject it started with. A message that adds nothing
// writes nothing.
func TestConversationContactAddsUp(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := &server.Server{DB: db, Log: slog.New(slog.DiscardHandler)}
		wfID, ws, ch := "conversation:"+uuid.NewString(), uuid.NewString(), uuid.NewString()
		given := func(email, name, phone, subject string) models.ConversationContact {
			return models.ConversationContact{WorkspaceID: ws, ChannelID: ch, Email: email, Name: name, Phone: phone, Subject: subject}
		}
		require.NoError(t, server.SaveContact(s, ctx, wfID, given("ada@example.com", "", "", "Shipping")))
		require.NoError(t, server.SaveContact(s, ctx, wfID, given("", "Ada Lovelace", "+44 20 7946 0000", "Re: Shipping")))
		require.NoError(t, server.SaveContact(s, ctx, wfID, given("ada@lovelace.example", "", "", "")))

		var rows []models.ConversationContact
		require.NoError(t, db.Find(&rows).Error)
		require.Len(t, rows, 1)
		got := rows[0]
		require.Equal(t, models.ConversationRowID(wfID), got.ConversationID)
		require.Equal(t, []string{ws, ch, "ada@lovelace.example", "Ada Lovelace", "+44 20 7946 0000", "Shipping"},
			[]string{got.WorkspaceID, got.ChannelID, got.Email, got.Name, got.Phone, got.Subject})

		// A message that tells nothing new (the chat sends the details
		// with every message) writes nothing; one that does, writes.
		kept := func() models.ConversationContact {
			var row models.ConversationContact
			require.NoError(t, db.Take(&row).Error)
			return row
		}
		require.NoError(t, server.SaveContact(s, ctx, wfID, given("ada@lovelace.example", "Ada Lovelace", "", "Re: Shipping")))
		require.Equal(t, got, kept(), "nothing new: not written")
		require.NoError(t, server.SaveContact(s, ctx, wfID, given("", "", "+44 20 7946 0001", "")))
		now := kept()
		require.Equal(t, "+44 20 7946 0001", now.Phone)
		require.True(t, now.UpdatedAt.After(got.UpdatedAt), "written: %s, before %s", now.UpdatedAt, got.UpdatedAt)
		other := given("ada@lovelace.example", "", "", "")
		other.ChannelID = uuid.NewString()
		require.NoError(t, server.SaveContact(s, ctx, wfID, other))
		require.Equal(t, other.ChannelID, kept().ChannelID, "a message on another channel moves the conversation there")
	})
}
