package delivery_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchboardhq/switchboard/delivery"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workflows"
)

func TestDeliverWorkflow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		failures  []error
		wantCalls int
		want      delivery.DeliverResult
	}{
		{
			name: "sent at once", wantCalls: 1,
			want: delivery.DeliverResult{Status: models.OutboxSent, ProviderMessageID: "<sb-1@shop.example>"},
		},
		{
			name: "retried until it passes", failures: []error{errors.New("smtp send: 451 try later"), errors.New("dial: refused")}, wantCalls: 3,
			want: delivery.DeliverResult{Status: models.OutboxSent, ProviderMessageID: "<sb-1@shop.example>"},
		},
		{
			name:      "permanent failure is not retried",
			failures:  []error{temporal.NewNonRetryableApplicationError("smtp send: 550 no such user", delivery.PermanentErrorType, nil)},
			wantCalls: 1,
			want:      delivery.DeliverResult{Status: models.OutboxFailed, Error: "smtp send: 550 no such user"},
		},
		{
			name: "gives up after the attempts", wantCalls: 3,
			failures: []error{errors.New("timeout"), errors.New("timeout"), errors.New("timeout: still")},
			want:     delivery.DeliverResult{Status: models.OutboxFailed, Error: "timeout: still"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			var a *delivery.Activities
			env.RegisterActivity(a)
			calls := 0
			env.OnActivity(a.Send, mock.Anything, delivery.SendInput{OutboxID: "o1"}).Return(
				func(context.Context, delivery.SendInput) (delivery.SendResult, error) {
					calls++
					if calls <= len(tc.failures) {
						return delivery.SendResult{}, tc.failures[calls-1]
					}
					return delivery.SendResult{Status: models.OutboxSent, ProviderMessageID: "<sb-1@shop.example>"}, nil
				})
			var failed []delivery.MarkFailedInput
			env.OnActivity(a.MarkFailed, mock.Anything, mock.Anything).Return(
				func(_ context.Context, in delivery.MarkFailedInput) (delivery.MarkFailedResult, error) {
					failed = append(failed, in)
					return delivery.MarkFailedResult{ConversationWorkflowID: "conversation:ws-1:c1"}, nil
				})
			var told []workflows.DeliveryFailed
			env.OnSignalExternalWorkflow(mock.Anything, "conversation:ws-1:c1", "", workflows.SignalDeliveryFailed, mock.Anything).Return(
				func(_, _, _, _ string, arg any) error {
					told = append(told, arg.(workflows.DeliveryFailed))
					return nil
				})
			env.ExecuteWorkflow(delivery.DeliverOutboxWorkflow, delivery.DeliverInput{OutboxID: "o1", FirstRetry: time.Second, MaxAttempts: 3})
			require.True(t, env.IsWorkflowCompleted())
			require.NoError(t, env.GetWorkflowError())
			var got delivery.DeliverResult
			require.NoError(t, env.GetWorkflowResult(&got))
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.wantCalls, calls)
			if tc.want.Status == models.OutboxFailed {
				require.Equal(t, []delivery.MarkFailedInput{{OutboxID: "o1", Reason: tc.want.Error}}, failed)
				require.Equal(t, []workflows.DeliveryFailed{{OutboxID: "o1", Reason: tc.want.Error}}, told,
					"the conversation is told, and hands itself to a person")
			} else {
				require.Empty(t, failed)
				require.Empty(t, told)
			}
		})
	}
}
