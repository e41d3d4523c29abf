package workflows_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/workflows"
)

type testBundle struct {
	env      *testsuite.TestWorkflowEnvironment
	recorded []activities.RecordTurnInput
	generate int
}

// setup returns a workflow environment whose activities answer every question
// with a quote of the first passage, and remember what was recorded.
func setup(t *testing.T) *testBundle {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	b := &testBundle{env: s.NewTestWorkflowEnvironment()}
	var a *activities.Activities
	b.env.RegisterActivity(a)
	b.env.OnActivity(a.Retrieve, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RetrieveInput) (activities.RetrieveResult, error) {
			return activities.RetrieveResult{Passages: []activities.Passage{
				{SourceID: "src-1", Title: "Shipping", Text: "Shipping takes 3 days.", Score: 2},
			}}, nil
		})
	b.env.OnActivity(a.Generate, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.GenerateInput) (activities.GenerateResult, error) {
			b.generate++
			if strings.Contains(in.Question, "meaning of life") {
				return activities.GenerateResult{Text: "I don't know."}, nil
			}
			p := in.Passages[0]
			return activities.GenerateResult{
				Text: p.Text, Known: true, Confidence: 1,
				Citations: []activities.Citation{{SourceID: p.SourceID, Title: p.Title}},
			}, nil
		})
	b.env.OnActivity(a.RecordTurn, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RecordTurnInput) (activities.RecordTurnResult, error) {
			b.recorded = append(b.recorded, in)
			return activities.RecordTurnResult{}, nil
		})
	return b
}

var input = workflows.ConversationInput{
	WorkspaceID: "ws-1", ConversationID: "conv-1", ChannelID: "ch-1", ChannelType: "chat",
	InactivityTimeout: time.Hour,
}

type updateResult struct {
	reply    workflows.AgentReply
	err      error
	rejected error
}

// send delivers a customer message after delay and stores the outcome.
func (b *testBundle) send(delay time.Duration, msg workflows.CustomerMessage, out *updateResult) {
	b.env.RegisterDelayedCallback(func() {
		b.env.UpdateWorkflow(workflows.UpdateCustomerMessage, msg.ID, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { out.rejected = err },
			OnAccept: func() {},
			OnComplete: func(v any, err error) {
				out.err = err
				if err == nil {
					out.reply = v.(workflows.AgentReply)
				}
			},
		}, msg)
	}, delay)
}

func msg(id, text string) workflows.CustomerMessage {
	return workflows.CustomerMessage{ID: id, Text: text, ChannelID: "ch-1"}
}

func TestConversationAnswersAndResolvesOnClose(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var first updateResult
	b.send(time.Minute, msg("m1", "How long does shipping take?"), &first)
	b.env.RegisterDelayedCallback(func() { b.env.SignalWorkflow(workflows.SignalClose, nil) }, 2*time.Minute)

	b.env.ExecuteWorkflow(workflows.ConversationWorkflow, input)

	require.True(t, b.env.IsWorkflowCompleted())
	require.NoError(t, b.env.GetWorkflowError())
	require.NoError(t, first.rejected)
	require.NoError(t, first.err)
	require.Equal(t, "Shipping takes 3 days.", first.reply.Text)
	require.Equal(t, "src-1", first.reply.Citations[0].SourceID)
	var res workflows.ConversationResult
	require.NoError(t, b.env.GetWorkflowResult(&res))
	require.Equal(t, workflows.StatusResolved, res.Status)

	// One record per turn, plus the final status.
	require.Len(t, b.recorded, 2)
	require.Len(t, b.recorded[0].Messages, 2)
	require.Equal(t, "customer", b.recorded[0].Messages[0].Role)
	require.Equal(t, "agent", b.recorded[0].Messages[1].Role)
	require.Equal(t, workflows.StatusResolved, b.recorded[1].Status)
}

func TestConversationDuplicateMessageIDGetsSameReplyWithoutSecondTurn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var first, again updateResult
	b.send(time.Minute, msg("m1", "How long does shipping take?"), &first)
	b.send(2*time.Minute, msg("m1", "How long does shipping take?"), &again)
	b.env.RegisterDelayedCallback(func() { b.env.SignalWorkflow(workflows.SignalClose, nil) }, 3*time.Minute)

	b.env.ExecuteWorkflow(workflows.ConversationWorkflow, input)

	require.NoError(t, b.env.GetWorkflowError())
	require.NoError(t, again.err)
	require.Equal(t, first.reply, again.reply)
	require.Equal(t, 1, b.generate)
}

func TestConversationValidatorRejectsBadMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		msg     workflows.CustomerMessage
		errType string
	}{
		{"empty text", msg("m1", "   "), workflows.ErrInvalidMessage},
		{"too long", msg("m1", strings.Repeat("é", workflows.MaxMessageChars+1)), workflows.ErrInvalidMessage},
		{"invalid UTF-8", msg("m1", "bad \xff byte"), workflows.ErrInvalidMessage},
		{"no id", msg("", "hello"), workflows.ErrInvalidMessage},
		{"other channel", workflows.CustomerMessage{ID: "m1", Text: "hi", ChannelID: "ch-2"}, workflows.ErrConversationNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			var out updateResult
			b.send(time.Minute, tc.msg, &out)
			b.env.RegisterDelayedCallback(func() { b.env.SignalWorkflow(workflows.SignalClose, nil) }, 2*time.Minute)
			b.env.ExecuteWorkflow(workflows.ConversationWorkflow, input)

			require.Error(t, out.rejected)
			var app *temporal.ApplicationError
			require.True(t, errors.As(out.rejected, &app), "got %v", out.rejected)
			require.Equal(t, tc.errType, app.Type())
			require.Zero(t, b.generate, "a rejected message must not run a turn")
			var res workflows.ConversationResult
			require.NoError(t, b.env.GetWorkflowResult(&res))
			require.Equal(t, workflows.StatusClosedUnresolved, res.Status)
		})
	}
}

func TestConversationRejectsMessagesAfterClose(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var late updateResult
	b.env.RegisterDelayedCallback(func() { b.env.SignalWorkflow(workflows.SignalClose, nil) }, time.Minute)
	// Delivered in the same workflow task as the close signal is handled.
	b.send(time.Minute, msg("m9", "Hello?"), &late)
	b.env.ExecuteWorkflow(workflows.ConversationWorkflow, input)

	require.NoError(t, b.env.GetWorkflowError())
	if late.rejected != nil {
		var app *temporal.ApplicationError
		require.True(t, errors.As(late.rejected, &app))
		require.Equal(t, workflows.ErrConversationClosed, app.Type())
	}
}

func TestConversationEndsAfterInactivity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var first, second updateResult
	b.send(30*time.Minute, msg("m1", "How long does shipping take?"), &first)
	// Each message restarts the hour: this one, 50 minutes later, keeps the
	// conversation open past the first message's hour.
	b.send(80*time.Minute, msg("m2", "And to Hawaii?"), &second)

	b.env.ExecuteWorkflow(workflows.ConversationWorkflow, input)

	require.NoError(t, b.env.GetWorkflowError())
	require.NoError(t, second.rejected)
	require.NoError(t, second.err)
	var res workflows.ConversationResult
	require.NoError(t, b.env.GetWorkflowResult(&res))
	require.Equal(t, workflows.StatusResolved, res.Status)
	require.Equal(t, 2, b.generate)
}

func TestConversationUnansweredIsClosedUnresolved(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var out updateResult
	b.send(time.Minute, msg("m1", "What is the meaning of life?"), &out)
	b.env.ExecuteWorkflow(workflows.ConversationWorkflow, input)

	require.NoError(t, out.err)
	require.False(t, out.reply.Known)
	var res workflows.ConversationResult
	require.NoError(t, b.env.GetWorkflowResult(&res))
	require.Equal(t, workflows.StatusClosedUnresolved, res.Status)
}

func TestConversationStateQuery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var out updateResult
	b.send(time.Minute, msg("m1", "How long does shipping take?"), &out)
	var state workflows.ConversationState
	b.env.RegisterDelayedCallback(func() {
		v, err := b.env.QueryWorkflow(workflows.QueryState)
		require.NoError(t, err)
		require.NoError(t, v.Get(&state))
		b.env.SignalWorkflow(workflows.SignalClose, nil)
	}, 2*time.Minute)
	b.env.ExecuteWorkflow(workflows.ConversationWorkflow, input)

	require.NoError(t, b.env.GetWorkflowError())
	require.Equal(t, workflows.StatusAIActive, state.Status)
	require.Len(t, state.Transcript, 2)
	require.Equal(t, "How long does shipping take?", state.Transcript[0].Text)
}
