package demo

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/switchboardhq/switchboard/models"
)

// channelRows are the demo's channels beyond the website chat, and the
// settings of each:
//
//   - the website chat: the agent always answers, every conversation, and
//     reps get suggested replies; it asks nothing before a chat (the chat
//     page still offers the email field), so a plain curl works;
//   - support email: the agent answers every email; an email thread nobody
//     writes to for a day goes to the support team rather than closing;
//   - WhatsApp: the agent answers only outside the support team's working
//     hours (the team answers inside them), and a quiet thread closes after
//     two hours.
func channelRows(workspaceID, chatID string, webhooks []WebhookChannel, now time.Time) []any {
	rows := []any{
		&models.ChannelSettings{ChannelID: chatID, WorkspaceID: workspaceID, Team: "support",
			MandatoryFields: models.NewJSON([]string{}), AgentHoursMode: models.AgentHoursAlways,
			InactivityAction: models.InactivityClose, AgentShare: 100, UpdatedAt: now},
	}
	for i, w := range webhooks {
		settings := &models.ChannelSettings{ChannelID: w.ChannelID, WorkspaceID: workspaceID, Team: "support",
			MandatoryFields: models.NewJSON([]string{}), AgentShare: 100,
			WebhookSecret: w.Secret, SecretRotatedAt: &now, UpdatedAt: now}
		switch w.Type {
		case models.ChannelEmail:
			settings.AgentHoursMode = models.AgentHoursAlways
			settings.InactivitySeconds = int((24 * time.Hour).Seconds())
			settings.InactivityAction = models.InactivityHandoff
		case models.ChannelWhatsApp:
			settings.AgentHoursMode, settings.AgentHoursTeam = models.AgentHoursOutside, "support"
			settings.InactivitySeconds = int((2 * time.Hour).Seconds())
			settings.InactivityAction = models.InactivityClose
		}
		rows = append(rows,
			// A millisecond apart, so listings show chat, email, whatsapp.
			&models.Channel{ID: w.ChannelID, WorkspaceID: workspaceID, Type: w.Type, Name: w.Name,
				CreatedAt: now.Add(time.Duration(i+1) * time.Millisecond)},
			settings)
	}
	return rows
}

// webhookSecret is a new random webhook secret, in the API's format. The
// demo's secrets are kept in the database (a webhook is verified with the
// secret itself) and shown in demo.json.
func webhookSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return "whsec_" + hex.EncodeToString(b)
}
