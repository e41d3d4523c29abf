package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/workflows"
)

func TestUndeliverableReplyHandsTheConversationToAPerson(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalDeliveryFailed, workflows.DeliveryFailed{OutboxID: "o1", Reason: "outside the 24-hour window"})
	state := b.query(3 * time.Minute)
	b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)
	require.Equal(t, workflows.StatusHandedOff, state.Status)
	require.Equal(t, decide.TriggerDeliveryFailure, state.Handoff.Trigger)
	require.Equal(t, "support", state.Handoff.Team)
	require.False(t, res.Resolved, "an answer that never arrived resolves nothing")
	require.NotEmpty(t, b.fake.decisions(string(decide.KindDependencyFailure)))
}
