package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

func TestLoadContextDecidesByTheChannelSettings(t *testing.T) {
	t.Parallel()
	// A schedule that is always open: "inside" takes, "outside" does not.
	const open = "daily 00:00-24:00 UTC"
	cases := []struct {
		name     string
		settings *models.ChannelSettings
		convID   string
		first    bool
		takes    bool
		cause    string
	}{
		{"no settings: the behaviour before channel settings", nil, "c-1", true, true, ""},
		{"not the first turn", &models.ChannelSettings{AgentShare: 0}, "c-1", false, true, ""},
		{"share 100 %, always", &models.ChannelSettings{AgentShare: 100, AgentHoursMode: models.AgentHoursAlways}, "c-1", true, true, ""},
		{"share 0 %", &models.ChannelSettings{AgentShare: 0}, "c-1", true, false, decide.ChannelCauseShare},
		{"outside hours, but open now", &models.ChannelSettings{AgentShare: 100, AgentHoursMode: models.AgentHoursOutside,
			AgentHoursSchedule: open}, "c-1", true, false, decide.ChannelCauseHours},
		{"inside hours, open now", &models.ChannelSettings{AgentShare: 100, AgentHoursMode: models.AgentHoursInside,
			AgentHoursSchedule: open}, "c-1", true, true, ""},
		{"outside the team's hours, open now", &models.ChannelSettings{AgentShare: 100, AgentHoursMode: models.AgentHoursOutside,
			AgentHoursTeam: "support"}, "c-1", true, false, decide.ChannelCauseHours},
		{"inside the team's hours, open now", &models.ChannelSettings{AgentShare: 100, AgentHoursMode: models.AgentHoursInside,
			AgentHoursTeam: "support"}, "c-1", true, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := testenv.Open(t, testenv.SQLiteURL(t))
			require.NoError(t, db.Create(&models.Team{ID: "t-1", WorkspaceID: "ws-1", Key: "support", Name: "Support",
				WorkingHours: open}).Error)
			if tc.settings != nil {
				s := *tc.settings
				s.ChannelID, s.WorkspaceID = "ch-1", "ws-1"
				require.NoError(t, db.Create(&s).Error)
			}
			out := loadContext(t, db, activities.LoadContextInput{WorkspaceID: "ws-1", ConversationID: tc.convID,
				WorkflowID: "conversation:ws-1:" + tc.convID, ChannelID: "ch-1", Text: "Hello", First: tc.first})
			if tc.settings == nil || !tc.first {
				require.Nil(t, out.Channel)
				return
			}
			require.NotNil(t, out.Channel)
			require.Equal(t, tc.takes, out.Channel.AgentTakes, out.Channel.Reason)
			require.Equal(t, tc.cause, out.Channel.Cause)
			if !tc.takes {
				require.NotEmpty(t, out.Channel.Reason)
			}
		})
	}
}

func TestChannelShareIsStableForAConversation(t *testing.T) {
	t.Parallel()
	db := testenv.Open(t, testenv.SQLiteURL(t))
	require.NoError(t, db.Create(&models.ChannelSettings{ChannelID: "ch-1", WorkspaceID: "ws-1", AgentShare: 50}).Error)
	takes := 0
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"} {
		in := activities.LoadContextInput{WorkspaceID: "ws-1", ConversationID: id, WorkflowID: "w-" + id,
			ChannelID: "ch-1", Text: "Hello", First: true}
		first := loadContext(t, db, in)
		again := loadContext(t, db, in)
		require.Equal(t, first.Channel.AgentTakes, again.Channel.AgentTakes, "a retried first turn decides the same way")
		require.Equal(t, rules.InPercentage(id, 50), first.Channel.AgentTakes)
		if first.Channel.AgentTakes {
			takes++
		}
	}
	require.Positive(t, takes)
	require.Less(t, takes, 12)
}

func TestChannelInactivityFeedsTheSettings(t *testing.T) {
	t.Parallel()
	db := testenv.Open(t, testenv.SQLiteURL(t))
	require.NoError(t, db.Create(&models.ChannelSettings{ChannelID: "ch-1", WorkspaceID: "ws-1", AgentShare: 100,
		InactivitySeconds: 3600, InactivityAction: models.InactivityHandoff, Team: "billing"}).Error)
	out := loadContext(t, db, activities.LoadContextInput{WorkspaceID: "ws-1", ConversationID: "c", WorkflowID: "w",
		ChannelID: "ch-1", Text: "Hello", First: true})
	require.Equal(t, time.Hour, out.Settings.Inactivity)
	require.True(t, out.Channel.HandOffWhenInactive)
	require.Equal(t, "billing", out.Channel.Team)

	// Another channel keeps the workspace's timeout.
	out = loadContext(t, db, activities.LoadContextInput{WorkspaceID: "ws-1", ConversationID: "c", WorkflowID: "w",
		ChannelID: "ch-2", Text: "Hello", First: true})
	require.Equal(t, decide.DefaultInactivity, out.Settings.Inactivity)
	require.Nil(t, out.Channel)
}

func loadContext(t *testing.T, db *gorm.DB, in activities.LoadContextInput) activities.LoadContextResult {
	t.Helper()
	a := &activities.Activities{DB: db, Generator: answer.Extractive{}}
	out, err := a.LoadContext(context.Background(), in)
	require.NoError(t, err)
	return out
}
