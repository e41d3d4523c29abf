package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/workflows"
)

// withChannel makes the fake's first-turn context carry a channel policy.
func withChannel(policy decide.ChannelPolicy) func(in activities.LoadContextInput) activities.LoadContextResult {
	return func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		if in.First && in.ChannelID == "ch-1" {
			p := policy
			out.Channel = &p
		}
		return out
	}
}

func TestChannelLeavesConversationToTheTeam(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		policy  decide.ChannelPolicy
		trigger string
	}{
		{"agent share 0 %", decide.ChannelPolicy{ChannelID: "ch-1", Cause: decide.ChannelCauseShare,
			Reason: "the agent takes 0% of this channel's conversations; this one is for the team", AgentShare: 0},
			decide.TriggerChannelShare},
		{"outside the agent's hours", decide.ChannelPolicy{ChannelID: "ch-1", Cause: decide.ChannelCauseHours,
			Reason: "the agent works on this channel only outside its hours", HoursMode: "outside",
			HoursSchedule: "daily 00:00-24:00 UTC", HoursOpen: true, AgentShare: 100}, decide.TriggerChannelHours},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.fake.context = withChannel(tc.policy)
			r := b.send(time.Minute, msg("m1", "How long does shipping take?"))
			state := b.query(2 * time.Minute)
			b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
			res := b.run(t, input)

			require.NoError(t, r.err)
			require.True(t, r.reply.HandedOff)
			require.Equal(t, workflows.StatusHandedOff, r.reply.Status)
			require.Contains(t, r.reply.Text, "member of our team")
			require.Zero(t, b.fake.count("Generate"), "the agent does not answer")
			require.Zero(t, b.fake.count("EvaluateRules:routing"), "the channel decides before the routing rules")
			require.Equal(t, tc.trigger, state.Handoff.Trigger)
			require.Equal(t, "support", state.Handoff.Team, "the workspace's default team when the channel names none")
			require.Contains(t, state.Handoff.Reason, tc.policy.Reason)
			decisions := b.fake.decisions("channel")
			require.Len(t, decisions, 1)
			require.Equal(t, false, decisions[0].Detail["agent_takes"])
			require.Equal(t, tc.policy.Cause, decisions[0].Detail["cause"])
			require.Equal(t, workflows.StatusClosedUnresolved, res.Status)
			require.Empty(t, b.fake.charges)
		})
	}
}

func TestChannelThatLetsTheAgentAnswerIsRecorded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.context = withChannel(decide.ChannelPolicy{ChannelID: "ch-1", AgentTakes: true, AgentShare: 100,
		HoursMode: "always", Team: "support"})
	r := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.NoError(t, r.err)
	require.False(t, r.reply.HandedOff)
	require.Equal(t, "Shipping takes 3 days.", r.reply.Text)
	decisions := b.fake.decisions("channel")
	require.Len(t, decisions, 1)
	require.Equal(t, true, decisions[0].Detail["agent_takes"])
}

func TestInactivityHandsToTheChannelTeamThenEnds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.context = withChannel(decide.ChannelPolicy{ChannelID: "ch-1", AgentTakes: true, AgentShare: 100,
		Team: "support", InactivityAction: "handoff", HandOffWhenInactive: true})
	r := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	// The input sets the inactivity timeout to an hour.
	before := b.query(60 * time.Minute)
	after := b.query(62 * time.Minute)
	res := b.run(t, input)

	require.NoError(t, r.err)
	require.Equal(t, workflows.StatusAIActive, before.Status)
	require.Equal(t, workflows.StatusHandedOff, after.Status, "an hour of silence hands the conversation over")
	require.Equal(t, decide.TriggerInactive, after.Handoff.Trigger)
	require.Equal(t, "support", after.Handoff.Team)
	require.Contains(t, after.Handoff.Reason, "nobody wrote for 1h0m0s")
	var triggers []any
	for _, d := range b.fake.decisions("handoff") {
		triggers = append(triggers, d.Detail["trigger"])
	}
	require.Equal(t, []any{decide.TriggerInactive}, triggers)
	// Another quiet hour ends it; a handed-off conversation is not a resolution.
	require.Equal(t, workflows.StatusClosedUnresolved, res.Status)
	require.Empty(t, b.fake.charges)
	require.NotNil(t, b.fake.last().Conversation.EndedAt)
}

func TestInactivityWithoutChannelSettingsStillEnds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	state := b.query(30 * time.Minute)
	res := b.run(t, input)
	require.Nil(t, state.InactivityHandoff)
	require.Equal(t, workflows.StatusResolved, res.Status)
	require.Empty(t, b.fake.decisions("channel"))
	require.Empty(t, b.fake.decisions("handoff"))
}
