package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/workflows"
)

// TestRulesDecideOnAnOrderReadableOnlyOnceVerified: an order a hand-off rule
// reads (here: delayed) is visible only to its verified owner, so the rules
// decide on it when the verification resumes the action: a person takes
// over instead of the status being read out.
func TestRulesDecideOnAnOrderReadableOnlyOnceVerified(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.handoffRule = &rules.Rule{ID: "rule-delayed", Name: "Delayed orders go to a person", Kind: rules.KindHandoff,
		Enabled: true, Condition: `order.status == "delayed"`, Mode: rules.ModeTransferNow, Team: "support", Message: "A person will look into it."}
	b.fake.orderStatus = "delayed"
	context := b.fake.context
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := context(in)
		if in.VerifiedEmail == "" {
			out.Order = nil // the order is its owner's to read
		}
		return out
	}
	asked := b.send(time.Minute, anon("m1", "Where is my order SP-1005? I'm ada@example.com"))
	code := b.send(2*time.Minute, anon("m2", "424242"))
	state := b.query(3 * time.Minute)
	b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, decide.CodeSentText("ada@example.com"), asked.reply.Text)
	require.True(t, code.reply.HandedOff, code.reply.Text)
	require.Equal(t, "A person will look into it.", code.reply.Text)
	require.Zero(t, b.fake.count("OrderStatus"), "the status is not read out")
	require.Equal(t, workflows.StatusHandedOff, state.Status)
}
