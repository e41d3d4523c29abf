package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
)

// turn is one agent turn for a customer message: enrich, decide who takes
// the conversation, answer or act, record. What is decided lives in package
// decide; the turn gathers its inputs through activities and applies it.
func (c *conversation) turn(ctx workflow.Context, msg CustomerMessage) (AgentReply, error) {
	received := workflow.Now(ctx)
	c.state.LastActivity = received
	c.state.TurnCount++
	if msg.ContactEmail != "" {
		c.state.ContactEmail = msg.ContactEmail
	}
	c.say(msg.ID, RoleCustomer, msg.Text, received)
	c.bind(msg)
	c.lateHandoff = nil

	// A rep has the conversation (or it was transferred): the customer's
	// message goes to the rep, the agent stays silent.
	if h := c.state.Handoff; h != nil && (c.state.Status == StatusRepActive || h.Mode == decide.ModeTransferNow) {
		c.emit(ctx, decide.EventCustomerMessage, map[string]any{"message_id": msg.ID})
		out := AgentReply{MessageID: msg.ID}
		if v := c.state.Verification; v != nil && v.Action == "" {
			// The code a rep asked the customer for is checked here; the
			// rep reads the message either way.
			reply, handled, err := c.verify(ctx, msg, activities.LoadContextResult{})
			switch {
			case err != nil:
				workflow.GetLogger(ctx).Error("verification code not checked", "error", err)
			case handled:
				out.Text, out.Known = decide.Localize(c.state.Language, reply.Text), reply.Known
				c.sayReply(msg.ID, out, workflow.Now(ctx))
			}
		}
		if err := c.commit(ctx, decide.Team{}); err != nil {
			return AgentReply{}, err
		}
		out.Status, out.IssueType = c.state.Status, c.state.IssueType
		return out, nil
	}

	// 1. Enrich: the customer, the order, the message, the configuration.
	t, err := c.enrich(ctx, msg, received)
	if err != nil {
		return c.fail(ctx, msg, received, "context", err)
	}
	cx := t.cx

	// 2. Who takes the conversation.
	handoff, err := c.decideHandoff(ctx, msg, t)
	if err != nil {
		return c.fail(ctx, msg, received, "rules", err)
	}
	if handoff != nil && handoff.Mode != decide.ModeKeepAssisting {
		team := cx.Teams[handoff.Team]
		c.handOff(ctx, *handoff, team, msg.ID)
		text := c.state.Handoff.Message
		if text == "" {
			text = decide.TransferText
		}
		return c.finish(ctx, msg, received, AgentReply{Text: text, HandedOff: true}, team)
	}

	// 3. A sales inquiry: the qualifying questions, then a qualified lead
	// goes to sales.
	out, lead, handled, err := c.qualify(ctx, msg, t)
	if err != nil {
		return c.fail(ctx, msg, received, "lead", err)
	}
	if lead != nil {
		team := cx.Teams[lead.Team]
		c.handOff(ctx, *lead, team, msg.ID)
		return c.finish(ctx, msg, received, AgentReply{Text: c.state.Handoff.Message, HandedOff: true}, team)
	}

	// 4. Act or answer.
	gap := ""
	if !handled {
		if out, gap, err = c.respond(ctx, msg, t); err != nil {
			return c.fail(ctx, msg, received, failedStep(err), err)
		}
	}

	// 5. A person joins alongside the agent's answer: for a keep-assisting
	// handoff, for what only an action the workspace has not enabled would
	// do, or after two answers in a row the agent did not know.
	joining := handoff
	if h := c.actionUnavailable(t, gap, handled); h != nil && handoff == nil {
		joining, out.Text, gap = h, decide.ActionUnavailableText, ""
	} else if h := decide.UnansweredTwice(c.state.ConsecutiveUnknown, cx.Settings.DefaultTeam); h != nil && handoff == nil {
		joining = h
	}
	if c.lateHandoff != nil && handoff == nil {
		joining = c.lateHandoff
	}
	var team decide.Team
	if joining != nil {
		team = cx.Teams[joining.Team]
		c.handOff(ctx, *joining, team, msg.ID)
		if joining.Trigger == decide.TriggerUnansweredTwice && out.Text == answer.DontKnow {
			out.Text = decide.DontKnowAgainText
		}
		out.Text = decide.JoinSentences(out.Text, c.state.Handoff.Message)
		out.HandedOff = true
	}
	unknownForHandoff := joining != nil && joining.Trigger == decide.TriggerUnansweredTwice
	unknownIssue := t.unknownIssue && t.smallTalk == "" // "hi" is no knowledge gap
	if gap = decide.Gap(gap, unknownForHandoff, unknownIssue); gap != "" {
		c.journal.gap = &activities.GapRecord{Question: msg.Text, IssueType: c.state.IssueType, Reason: gap, At: received}
	}
	return c.finish(ctx, msg, received, out, team)
}

// actionUnavailable is the hand-off of a message that asked for a built-in
// action the workspace has not enabled, that no action of the company's
// took instead, and that the content did not answer either (gap set: the
// reply came from the search); for runs of RevisionActionUnavailable on,
// without a model, which chooses among the enabled actions itself. nil
// otherwise.
func (c *conversation) actionUnavailable(t turnContext, gap string, handled bool) *decide.Handoff {
	if c.in.Revision < RevisionActionUnavailable || t.cx.ModelAgent || handled || gap == "" {
		return nil
	}
	return decide.ActionUnavailable(string(t.cx.Analysis.Intent), t.cx.Settings)
}

// fail answers a message whose turn could not be completed because a step
// still failed after its retries: the customer gets an apology and a person
// (decide.DependencyFailure), and the message and the failure are recorded.
// A cancelled workflow is not a failure to apologise for.
func (c *conversation) fail(ctx workflow.Context, msg CustomerMessage, received time.Time, step string, err error) (AgentReply, error) {
	if temporal.IsCanceledError(err) || ctx.Err() != nil {
		return AgentReply{}, err
	}
	workflow.GetLogger(ctx).Error("turn step failed", "step", step, "error", err)
	c.note(msg.ID, decide.FailureEntry(step, err))
	held := c.config.config
	if c.state.Handoff != nil {
		// Already with a team (keep assisting): the team has it.
		return c.finish(ctx, msg, received, AgentReply{Text: decide.ApologyText}, decide.Team{})
	}
	defaultTeam := held.Settings.DefaultTeam
	if defaultTeam == "" {
		defaultTeam = decide.DefaultTeam
	}
	team := held.Teams[defaultTeam]
	c.handOff(ctx, decide.DependencyFailure(step, defaultTeam), team, msg.ID)
	return c.finish(ctx, msg, received, AgentReply{Text: c.state.Handoff.Message, HandedOff: true}, team)
}

// remember keeps the latest messages for a model to see, at most
// recentTurns; a reply a rep gives later is the rep's.
func (c *conversation) remember(turns ...answer.Turn) {
	for _, t := range turns {
		if t.Text != "" {
			c.state.Recent = append(c.state.Recent, t)
		}
	}
	if n := len(c.state.Recent); n > recentTurns {
		c.state.Recent = append([]answer.Turn(nil), c.state.Recent[n-recentTurns:]...)
	}
}

// stepError names the step of respond that failed.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// failedStep is the step an error of respond names, "answer" by default.
func failedStep(err error) string {
	var se *stepError
	if errors.As(err, &se) {
		return se.step
	}
	return "answer"
}

// finish records the reply and the turn, updates search attributes and
// notifies the team of a new handoff.
func (c *conversation) finish(ctx workflow.Context, msg CustomerMessage, received time.Time, out AgentReply, team decide.Team) (AgentReply, error) {
	answered := workflow.Now(ctx)
	ms := answered.Sub(received).Milliseconds()
	if c.state.FirstAnswerMs == 0 && out.Text != "" {
		c.state.FirstAnswerMs = max(ms, 1)
	}
	out.MessageID = msg.ID
	out.Text = decide.Localize(c.state.Language, out.Text)
	out.Status = c.state.Status
	out.IssueType = c.state.IssueType
	c.sayReply(msg.ID, out, answered)
	c.remember(answer.Turn{Customer: true, Text: msg.Text}, answer.Turn{Text: out.Text})
	c.note(msg.ID, decide.Entry{Kind: decide.KindReply, Summary: "replied", Detail: map[string]any{
		"time_to_answer_ms": ms, "known": out.Known, "citations": len(out.Citations), "handed_off": out.HandedOff,
	}})
	if c.in.Revision < RevisionSearchWithRecords {
		if err := c.upsertSearch(ctx); err != nil {
			return AgentReply{}, err
		}
	}
	if !out.HandedOff {
		team = decide.Team{}
	}
	if err := c.commit(ctx, team); err != nil {
		return AgentReply{}, err
	}
	return out, nil
}
