package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

func TestSeedChannelsHaveSettingsAndWebhookSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.Open(t, testenv.SQLiteURL(t))
	seeded, _, err := demo.Seed(ctx, db, time.Now().UTC())
	require.NoError(t, err)

	require.Len(t, seeded.Webhooks, 2)
	require.Equal(t, models.ChannelEmail, seeded.Webhooks[0].Type)
	require.Equal(t, models.ChannelWhatsApp, seeded.Webhooks[1].Type)
	for _, w := range seeded.Webhooks {
		require.Regexp(t, `^whsec_[0-9a-f]{64}$`, w.Secret)
	}

	// Every channel has settings the API would accept.
	var channels []models.Channel
	require.NoError(t, db.Where("workspace_id = ?", seeded.WorkspaceID).Find(&channels).Error)
	require.Len(t, channels, 3)
	for _, ch := range channels {
		var st models.ChannelSettings
		require.NoError(t, db.Where("channel_id = ?", ch.ID).Take(&st).Error, ch.Name)
		require.Equal(t, 100, st.AgentShare, ch.Name)
		require.Empty(t, st.MandatoryFields.V, "%s: a plain API call starts a chat", ch.Name)
		if st.AgentHoursSchedule != "" {
			require.NoError(t, rules.ValidateSchedule(st.AgentHoursSchedule))
		}
		if st.AgentHoursTeam != "" {
			var team models.Team
			require.NoError(t, db.Where("workspace_id = ? AND key = ?", seeded.WorkspaceID, st.AgentHoursTeam).Take(&team).Error)
			require.NotEmpty(t, team.WorkingHours)
		}
	}

	// Finding the workspace again finds the same chat channel and secrets.
	again, found, err := demo.Find(ctx, db)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, seeded.ChannelID, again.ChannelID)
	require.Equal(t, seeded.Webhooks, again.Webhooks)
}
