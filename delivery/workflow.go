package delivery

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workflows"
)

// WorkflowID is the ID of the workflow delivering an outbox message: one per
// message, so it starts once however often it is dispatched.
func WorkflowID(outboxID string) string { return "outbox-" + outboxID }

// Defaults of DeliverInput's retry settings.
const (
	DefaultFirstRetry  = 10 * time.Second
	DefaultMaxAttempts = 8
)

// DeliverInput names the outbox message to deliver and how to retry.
type DeliverInput struct {
	OutboxID string
	// FirstRetry is the wait before the second attempt; each later wait
	// doubles, up to 10 minutes (DefaultFirstRetry when 0).
	FirstRetry time.Duration
	// MaxAttempts bounds the attempts (DefaultMaxAttempts when 0).
	MaxAttempts int
}

// DeliverResult is the message's final status.
type DeliverResult struct {
	// Status is models.OutboxSent or models.OutboxFailed.
	Status            string
	ProviderMessageID string
	// Error is the reason of a failure.
	Error string
}

// DeliverOutboxWorkflow sends one outbox message, retrying with backoff,
// and records a final failure with its reason.
func DeliverOutboxWorkflow(ctx workflow.Context, in DeliverInput) (DeliverResult, error) {
	var a *Activities
	first := in.FirstRetry
	if first <= 0 {
		first = DefaultFirstRetry
	}
	attempts := in.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	sendCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		// One SMTP session or API call; the heartbeat notices a worker that
		// died mid-send long before that.
		StartToCloseTimeout: 2 * time.Minute,
		HeartbeatTimeout:    15 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        first,
			BackoffCoefficient:     2,
			MaximumInterval:        10 * time.Minute,
			MaximumAttempts:        int32(attempts),
			NonRetryableErrorTypes: []string{PermanentErrorType},
		},
	})
	var sent SendResult
	err := workflow.ExecuteActivity(sendCtx, a.Send, SendInput{OutboxID: in.OutboxID}).Get(ctx, &sent)
	if err == nil {
		return DeliverResult(sent), nil
	}
	reason := err.Error()
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		reason = appErr.Message()
	}
	markCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		// Recording the failure is a database write: it retries until the
		// database is back.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
	var marked MarkFailedResult
	if err := workflow.ExecuteActivity(markCtx, a.MarkFailed, MarkFailedInput{OutboxID: in.OutboxID, Reason: reason}).Get(ctx, &marked); err != nil {
		return DeliverResult{}, err
	}
	if marked.ConversationWorkflowID != "" {
		// The conversation hands itself to a person. One that has ended
		// is not there to tell: its reps have the delivery_failed event.
		err := workflow.SignalExternalWorkflow(ctx, marked.ConversationWorkflowID, "", workflows.SignalDeliveryFailed,
			workflows.DeliveryFailed{OutboxID: in.OutboxID, Reason: reason}).Get(ctx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Info("conversation not told of the failed delivery", "workflow_id", marked.ConversationWorkflowID, "error", err)
		}
	}
	return DeliverResult{Status: models.OutboxFailed, Error: reason}, nil
}
