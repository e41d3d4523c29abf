package decide_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

func TestLead(t *testing.T) {
	t.Parallel()
	cfg := &decide.LeadConfig{Team: "sales", Threshold: 50, Questions: []models.LeadQuestion{
		{Property: "seats", Question: "How many seats?", Kind: models.LeadNumber},
		{Property: "plan", Question: "Which plan?", Kind: models.LeadChoice, Choices: []string{"Basic", "Pro"}},
	}}

	require.False(t, decide.Lead(nil, nil, true, "we want 50").Handled, "leads are not qualified")
	require.False(t, decide.Lead(cfg, nil, false, "hello").Handled, "not a sales inquiry")

	start := decide.Lead(cfg, nil, true, "we'd like a quote")
	require.True(t, start.Handled)
	require.Equal(t, decide.KindLead, start.Entry.Kind)
	require.Contains(t, start.Reply, "How many seats?")

	again := decide.Lead(cfg, start.Lead, false, "not sure")
	require.True(t, again.Handled)
	require.Equal(t, "Sorry, I didn't catch that. How many seats? (a number is fine, for example 50)", again.Reply)
	require.Equal(t, 0, again.Lead.Asking)

	seats := decide.Lead(cfg, start.Lead, false, "about 40 people")
	require.Equal(t, "Which plan?", seats.Reply)
	require.Equal(t, 1, seats.Lead.Asking)
	require.Empty(t, start.Lead.Answers, "the state passed in is not changed")

	badPlan := decide.Lead(cfg, seats.Lead, false, "the big one")
	require.Equal(t, "Sorry, I didn't catch that. Which plan? (Basic, Pro)", badPlan.Reply)

	plan := decide.Lead(cfg, seats.Lead, false, "pro please")
	require.True(t, plan.Score)
	require.Equal(t, map[string]any{"seats": 40.0, "plan": "Pro"}, plan.Lead.Answers)

	done := decide.LeadScored(cfg, *plan.Lead, 70, 50, true)
	require.True(t, done.Lead.Done)
	require.Equal(t, decide.TriggerQualifiedLead, done.Handoff.Trigger)
	require.Equal(t, "sales", done.Handoff.Team)
	require.Equal(t, 70.0, *done.Handoff.Score)
	require.False(t, decide.Lead(cfg, &done.Lead, true, "more").Handled, "a finished dialogue handles nothing")

	notYet := decide.LeadScored(cfg, *plan.Lead, 20, 50, false)
	require.Nil(t, notYet.Handoff)
	require.NotEmpty(t, notYet.Reply)
	require.Equal(t, "lead scored 20 (threshold 50)", notYet.Entry.Summary)
}

func TestParseLeadAnswer(t *testing.T) {
	t.Parallel()
	v, ok := decide.ParseLeadAnswer(models.LeadQuestion{Kind: "text"}, "  Acme  ")
	require.True(t, ok)
	require.Equal(t, "Acme", v)
	_, ok = decide.ParseLeadAnswer(models.LeadQuestion{Kind: "text"}, "   ")
	require.False(t, ok)
}

func TestSettingsOf(t *testing.T) {
	t.Parallel()
	s := decide.SettingsOf(models.AgentSettings{})
	require.Equal(t, decide.DefaultConfidenceThreshold, s.ConfidenceThreshold)
	require.Equal(t, decide.DefaultTeam, s.DefaultTeam)
	require.Equal(t, decide.DefaultInactivity, s.Inactivity)
	require.Equal(t, decide.DefaultReopenWindow, s.ReopenWindow)
	require.NotNil(t, s.Actions)

	s = decide.SettingsOf(models.AgentSettings{ConfidenceThreshold: 0.7, DefaultTeam: "care", InactivitySeconds: 60, AgentName: "Ava"})
	require.Equal(t, 0.7, s.ConfidenceThreshold)
	require.Equal(t, "care", s.DefaultTeam)
	require.Equal(t, 60.0, s.Inactivity.Seconds())
	require.Equal(t, "Ava", s.Voice.AgentName)
}
