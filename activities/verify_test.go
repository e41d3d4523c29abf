package activities_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

func TestVerificationCodes(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		require.NoError(t, db.Create(&models.Workspace{ID: "ws-1", Name: "Shop"}).Error)
		require.NoError(t, db.Create(&models.Contact{ID: "c-1", WorkspaceID: "ws-1", Email: "ada@example.com", Tier: "standard"}).Error)
		a := &activities.Activities{DB: db}
		send := func(conv, key, email string, at time.Time) bool {
			t.Helper()
			res, err := a.SendVerificationCode(ctx, activities.SendCodeInput{WorkspaceID: "ws-1", ConversationID: conv, Email: email, Key: key, Now: at})
			require.NoError(t, err)
			return res.Sent
		}
		check := func(conv, code string, at time.Time) activities.CheckCodeResult {
			t.Helper()
			res, err := a.CheckVerificationCode(ctx, activities.CheckCodeInput{WorkspaceID: "ws-1", ConversationID: conv, Code: code, Now: at})
			require.NoError(t, err)
			return res
		}
		mailed := func(key string) string {
			t.Helper()
			var m models.OutboxMessage
			require.NoError(t, db.Where("idempotency_key = ?", "verification:"+key).Take(&m).Error)
			return regexp.MustCompile(`[0-9]{6}`).FindString(m.Body)
		}

		// No contact has the address: nothing is sent, and the caller tells
		// the customer the same as when one does.
		require.False(t, send("conv-x", "x/m1", "eve@example.com", now))
		var mails int64
		require.NoError(t, db.Model(&models.OutboxMessage{}).Count(&mails).Error)
		require.Zero(t, mails)

		// Sent once, whatever the retries; only a hash is stored.
		require.True(t, send("conv-1", "w/m1", "Ada@Example.com", now))
		require.True(t, send("conv-1", "w/m1", "ada@example.com", now))
		require.NoError(t, db.Model(&models.OutboxMessage{}).Count(&mails).Error)
		require.EqualValues(t, 1, mails)
		code := mailed("w/m1")
		require.Len(t, code, decide.CodeDigits)
		var row models.VerificationCode
		require.NoError(t, db.Where("conversation_id = ?", "conv-1").Take(&row).Error)
		require.NotContains(t, string(row.Hash), code)

		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		require.Equal(t, activities.CheckCodeResult{Outcome: decide.CodeWrong, AttemptsLeft: 2}, check("conv-1", wrong, now))
		require.Equal(t, activities.CheckCodeResult{Outcome: decide.CodeVerified, Email: "ada@example.com"}, check("conv-1", code, now))
		require.Equal(t, decide.CodeExpired, check("conv-1", code, now).Outcome, "a code verifies once")

		// Three wrong codes lock it; then even the right one fails.
		require.True(t, send("conv-2", "w2/m1", "ada@example.com", now))
		code = mailed("w2/m1")
		for i := range decide.CodeAttempts {
			require.Equal(t, decide.CodeAttempts-1-i, check("conv-2", wrong, now).AttemptsLeft)
		}
		require.Equal(t, decide.CodeLocked, check("conv-2", code, now).Outcome)

		// Ten minutes later it has expired; a new code replaces the old.
		require.True(t, send("conv-3", "w3/m1", "ada@example.com", now))
		old := mailed("w3/m1")
		require.Equal(t, decide.CodeExpired, check("conv-3", old, now.Add(decide.CodeLifetime)).Outcome)
		require.True(t, send("conv-3", "w3/m2", "ada@example.com", now.Add(time.Minute)))
		if fresh := mailed("w3/m2"); fresh != old {
			require.Equal(t, decide.CodeWrong, check("conv-3", old, now.Add(2*time.Minute)).Outcome, "the older code no longer counts")
			require.Equal(t, decide.CodeVerified, check("conv-3", fresh, now.Add(2*time.Minute)).Outcome)
		}
	})
}
