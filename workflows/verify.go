package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

// verifiedEmail is the email the customer proved, "" for none.
func (c *conversation) verifiedEmail() string {
	if c.state.Verified == nil {
		return ""
	}
	return c.state.Verified.Email
}

// bind binds the conversation to the identity a message proved. The first
// one binds it; the update validator refuses a message proving another.
func (c *conversation) bind(msg CustomerMessage) {
	if msg.Verified == nil || c.state.Verified != nil {
		return
	}
	id := *msg.Verified
	id.Email = strings.ToLower(id.Email)
	c.state.Verified = &id
	c.note(msg.ID, decide.Entry{Kind: decide.KindVerification, Summary: "customer verified (" + id.Method + ")",
		Detail: map[string]any{"method": id.Method}})
}

// verifyOptions are the options of the verification activities: quick,
// and few retries (a customer waits).
func verifyOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: 30 * time.Second,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 3},
	})
}

// verify handles a message while an action waits for the customer to prove
// who they are: an address given to an agent that asked for one gets a
// code; a code is checked, and once it is right the action that waited
// runs for the verified customer. handled is false when the message is not
// about the verification (it is then handled as any message, and the
// action still waits).
func (c *conversation) verify(ctx workflow.Context, msg CustomerMessage, cx activities.LoadContextResult) (out AgentReply, handled bool, err error) {
	v := c.state.Verification
	switch {
	case v == nil:
		return out, false, nil
	case v.Email == "":
		if cx.Analysis.Email == "" {
			return out, false, nil
		}
		out, err = c.sendCode(ctx, msg.ID, cx.Analysis.Email, v.PendingAction)
		return out, true, err
	}
	code := decide.FindCode(msg.Text)
	if code == "" {
		return out, false, nil
	}
	var a *activities.Activities
	var res activities.CheckCodeResult
	if c.state.Test {
		// No code was sent (see sendCode): any code verifies.
		res = activities.CheckCodeResult{Outcome: decide.CodeVerified, Email: v.Email}
	} else if err = workflow.ExecuteActivity(verifyOptions(ctx), a.CheckVerificationCode, activities.CheckCodeInput{
		WorkspaceID: c.state.WorkspaceID, ConversationID: models.ConversationRowID(workflow.GetInfo(ctx).WorkflowExecution.ID),
		Code: code, Now: workflow.Now(ctx),
	}).Get(ctx, &res); err != nil {
		return out, true, fmt.Errorf("check verification code: %w", err)
	}
	checked := decide.CheckedCode(res.Outcome, res.AttemptsLeft)
	c.note(msg.ID, checked.Entry)
	if !checked.Keep {
		c.state.Verification = nil
	}
	if !checked.Proceed {
		return AgentReply{Text: checked.Reply}, true, nil
	}
	c.state.Verified = &Identity{Email: res.Email, Method: IdentityEmailCode}
	if v.Action == "" {
		// A rep asked for it; no action waited.
		return AgentReply{Text: decide.VerifiedText, Known: true}, true, nil
	}

	// The action that waited goes on, in the verified customer's context.
	out, err = c.resume(ctx, msg.ID, v.PendingAction, false)
	return out, true, err
}

// confirm handles the customer's answer while an action waits for a yes:
// yes runs it, no cancels it, and anything else cancels it and is handled
// as any message (handled false). Each is recorded.
func (c *conversation) confirm(ctx workflow.Context, msg CustomerMessage) (out AgentReply, handled bool, err error) {
	p := c.state.Confirmation
	if p == nil {
		return out, false, nil
	}
	c.state.Confirmation = nil
	entry := func(summary, answer string) decide.Entry {
		return decide.Entry{Kind: decide.KindAction, Summary: summary, Detail: map[string]any{"action": p.Action, "confirmation": answer}}
	}
	switch decide.ConfirmationOf(msg.Text, decide.ConfirmationReading{AllLanguages: c.in.Revision >= RevisionLanguageAnswers}) {
	case decide.Yes:
		c.note(msg.ID, entry("the customer confirmed "+p.Action, "yes"))
		out, err = c.resume(ctx, msg.ID, *p, true)
		return out, true, err
	case decide.No:
		c.note(msg.ID, entry("the customer declined "+p.Action+": nothing done", "no"))
		return AgentReply{Text: decide.DeclinedText, Known: true}, true, nil
	}
	c.note(msg.ID, entry(p.Action+" dropped: the customer moved on", "other"))
	return out, false, nil
}

// resume runs an action that waited, with the context of the message that
// asked for it loaded again (for the customer as now verified).
func (c *conversation) resume(ctx workflow.Context, messageID string, p PendingAction, confirmed bool) (AgentReply, error) {
	var a *activities.Activities
	var cx activities.LoadContextResult
	err := workflow.ExecuteLocalActivity(readOptions(ctx), a.LoadContext, activities.LoadContextInput{
		WorkspaceID: c.state.WorkspaceID, ConversationID: c.state.ConversationID,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, ChannelID: c.state.ChannelID, VerifiedEmail: c.verifiedEmail(),
		Text: p.Text, IssueType: c.state.IssueType, ConfigDigest: c.config.digest, ConversationOrder: c.conversationOrder(),
	}).Get(ctx, &cx)
	if err != nil {
		return AgentReply{}, fmt.Errorf("load context: %w", err)
	}
	if err := c.holdConfig(&cx); err != nil {
		return AgentReply{}, err
	}
	c.applyContext(cx)
	if c.state.Handoff == nil && cx.Order != nil && c.verifiedEmail() != "" {
		// The order is readable now that the customer is verified: the
		// hand-off rules decide on it before the action runs (a delayed or
		// lost order goes to a person, as it would have had the customer
		// been verified from the start).
		env := c.env(CustomerMessage{ID: messageID, Text: p.Text}, cx, workflow.Now(ctx))
		res, err := c.evaluate(ctx, "handoff", c.state.HandoffVersion, env, messageID)
		if err != nil {
			return AgentReply{}, err
		}
		if h := decide.Escalation(res, false, cx.Settings.DefaultTeam); h != nil && h.Mode != decide.ModeKeepAssisting {
			c.lateHandoff = h
			return AgentReply{}, nil
		}
	}
	spec, enabled := cx.Settings.Actions[p.Action]
	if !enabled {
		return AgentReply{Text: decide.NoLongerText}, nil
	}
	inputs := p.Inputs
	if spec.Kind == actions.KindBuiltin {
		// A built-in action reads its inputs from the customer's words
		// again; the model's, when it gave them, complete them.
		inputs = decide.BuiltinInputs(cx.Analysis)
		for _, in := range spec.Inputs {
			if v, ok := p.Inputs[in.Name]; ok && inputs[in.Name] == "" {
				inputs[in.Name] = v
			}
		}
	}
	return c.act(ctx, CustomerMessage{ID: messageID, Text: p.Text}, cx, spec, inputs, confirmed, 0)
}

// sendCode emails a verification code to the address the customer gave (if
// a contact has it; the customer is told the same either way) and keeps the
// action waiting for it.
func (c *conversation) sendCode(ctx workflow.Context, messageID, email string, action PendingAction) (AgentReply, error) {
	pending := PendingVerification{PendingAction: action, Email: strings.ToLower(email)}
	if c.state.Test {
		// An admin's test conversation sends no email: any 6 digits verify.
		c.state.Verification = &pending
		c.note(messageID, decide.Entry{Kind: decide.KindVerification, Summary: "test conversation: no code sent",
			Detail: map[string]any{"dry_run": true, "action": pending.Action}})
		return AgentReply{Text: "Test conversation: a 6-digit code would be emailed to " + decide.MaskEmail(pending.Email) +
			" if it is on file. Type any 6 digits to go on as that customer."}, nil
	}
	var a *activities.Activities
	wfID := workflow.GetInfo(ctx).WorkflowExecution.ID
	var res activities.SendCodeResult
	err := workflow.ExecuteActivity(verifyOptions(ctx), a.SendVerificationCode, activities.SendCodeInput{
		WorkspaceID: c.state.WorkspaceID, ConversationID: models.ConversationRowID(wfID), Email: email,
		Key: wfID + "/" + messageID, Language: c.state.Language, Now: workflow.Now(ctx),
	}).Get(ctx, &res)
	if err != nil {
		return AgentReply{}, fmt.Errorf("send verification code: %w", err)
	}
	c.state.Verification = &pending
	c.note(messageID, decide.Entry{Kind: decide.KindVerification, Summary: "verification code sent if the address is on file",
		Detail: map[string]any{"sent": res.Sent, "action": pending.Action}})
	return AgentReply{Text: decide.CodeSentText(email)}, nil
}
