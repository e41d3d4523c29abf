package workflows

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// CustomerMessageStart returns the Update-With-Start that delivers msg to the
// conversation in describes, on taskQueue: a message to a running
// conversation joins it, and one to a conversation that has ended, or never
// began, starts it again (a reopened conversation). The workflow ID is
// ConversationWorkflowID(in.WorkspaceID, in.ConversationID); the search
// attributes say the workspace, in.ChannelType, the ai_active status, not
// resolved, and in.Test (in.StartAttributes); the run follows
// CurrentRevision. The update is UpdateCustomerMessage with msg.ID as its
// update ID, so a message sent twice gets one turn (see
// CustomerMessageUpdate).
//
// It is called by the API for every customer message and by the bench for a
// conversation's first, so that the bench measures what the API sends. c only
// builds the start operation; nothing is sent until UpdateWithStartWorkflow.
func CustomerMessageStart(c client.Client, in ConversationInput, msg CustomerMessage, taskQueue string) client.UpdateWithStartWorkflowOptions {
	in.Revision, in.StartAttributes = CurrentRevision, true
	start := c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       ConversationWorkflowID(in.WorkspaceID, in.ConversationID),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			SearchWorkspaceID.ValueSet(in.WorkspaceID),
			SearchChannel.ValueSet(in.ChannelType),
			SearchStatus.ValueSet(StatusAIActive),
			SearchResolved.ValueSet(false),
			SearchTestConversation.ValueSet(in.Test),
		),
	}, ConversationWorkflow, in)
	return client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: start, UpdateOptions: CustomerMessageUpdate(msg)}
}

// CustomerMessageUpdate returns the UpdateCustomerMessage update that
// delivers msg, with msg.ID as its update ID (a message sent twice gets one
// turn), waiting until the reply is ready. Its WorkflowID is unset: with
// Update-With-Start the start names the workflow, and a caller that sends it
// as a plain Update to a running conversation sets it.
func CustomerMessageUpdate(msg CustomerMessage) client.UpdateWorkflowOptions {
	return client.UpdateWorkflowOptions{
		UpdateID:     msg.ID,
		UpdateName:   UpdateCustomerMessage,
		Args:         []any{msg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
}

// AwaitUpdate sends an update with send and waits for its result in out,
// sending it again while the server drops it unrun. The server drops an
// update it delivered in a workflow task that it then refuses: when a timer
// fires or a signal arrives while the run is continuing as new (or ending)
// in the task that also answers the update, the task fails
// (UnhandledCommand) with the update's turn, and the caller is told
// serviceerror.WorkflowNotReady, "unexpected workflow task failure". Nothing
// of that task is kept, so sending the update again (the same update ID: a
// message answered once) loses nothing; the run it reaches answers it.
// send is called once per attempt, since an Update-With-Start's start
// operation runs once.
func AwaitUpdate(ctx context.Context, send func(context.Context) (client.WorkflowUpdateHandle, error), out any) error {
	wait := updateRetryWait
	for attempt := 1; ; attempt++ {
		h, err := send(ctx)
		if err == nil {
			err = h.Get(ctx, out)
		}
		var notReady *serviceerror.WorkflowNotReady
		if !errors.As(err, &notReady) || attempt == updateAttempts {
			return err
		}
		select {
		case <-time.After(wait):
			wait *= 2
		case <-ctx.Done():
			return err
		}
	}
}

// updateAttempts and updateRetryWait bound AwaitUpdate: the task after a
// refused one takes the signal or timer that came in first, and the next
// attempt finds the run ready.
const (
	updateAttempts  = 5
	updateRetryWait = 20 * time.Millisecond
)
