package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/delivery"
)

// TestPollMailboxWorkflowWaits: after a failed poll the workflow waits
// 10 s, then twice as long; after a poll that left messages it polls at
// once; otherwise it waits the channel's interval, or less when told to
// poll now; a channel without a mailbox ends it.
func TestPollMailboxWorkflowWaits(t *testing.T) {
	t.Parallel()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	var a *delivery.MailboxActivities
	env.RegisterActivity(a)
	results := []delivery.PollMailboxResult{
		{Interval: time.Hour, Error: "login refused", Failures: 1},
		{Interval: time.Hour, Error: "login refused", Failures: 2},
		{Interval: time.Hour, Accepted: 20, More: true},
		{Interval: time.Hour, Accepted: 3},
		{Interval: time.Hour},
		{Stop: true},
	}
	var at []time.Duration
	start := env.Now()
	env.OnActivity(a.PollMailbox, mock.Anything, delivery.PollMailboxInput{ChannelID: "c1"}).Return(
		func(context.Context, delivery.PollMailboxInput) (delivery.PollMailboxResult, error) {
			at = append(at, env.Now().Sub(start).Round(time.Second))
			res := results[0]
			results = results[1:]
			return res, nil
		})
	// The fifth poll comes early: the settings were saved.
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(delivery.SignalPollNow, nil) }, 30*time.Second+2*time.Hour-time.Minute)
	env.ExecuteWorkflow(delivery.PollMailboxWorkflow, delivery.PollMailboxWorkflowInput{ChannelID: "c1"})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res delivery.PollMailboxWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, "the channel has no mailbox to poll", res.Reason)
	require.Equal(t, []time.Duration{0, 10 * time.Second, 30 * time.Second, 30 * time.Second, 30*time.Second + time.Hour,
		30*time.Second + 2*time.Hour - time.Minute}, at)
}

// TestPollMailboxWorkflowContinuesAsNew: a run ends after PollsPerRun
// polls and continues as new with the failures in a row.
func TestPollMailboxWorkflowContinuesAsNew(t *testing.T) {
	t.Parallel()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	var a *delivery.MailboxActivities
	env.RegisterActivity(a)
	polls := 0
	env.OnActivity(a.PollMailbox, mock.Anything, mock.Anything).Return(
		func(context.Context, delivery.PollMailboxInput) (delivery.PollMailboxResult, error) {
			polls++
			return delivery.PollMailboxResult{Interval: time.Minute, Error: "unreachable", Failures: 7}, nil
		})
	env.ExecuteWorkflow(delivery.PollMailboxWorkflow, delivery.PollMailboxWorkflowInput{ChannelID: "c1"})
	require.True(t, env.IsWorkflowCompleted())
	require.Equal(t, delivery.PollsPerRun, polls)
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, env.GetWorkflowError(), &can)
}
