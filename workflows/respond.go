package workflows

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

// respond acts on the message or answers it (decide.Shortcuts, then
// decide.Answer). gap is why the message is a knowledge gap
// (decide.GapReasons), "" when the agent answered it.
func (c *conversation) respond(ctx workflow.Context, msg CustomerMessage, t turnContext) (out AgentReply, gap string, err error) {
	cx := t.cx
	if out, handled, err := c.verify(ctx, msg, cx); handled || err != nil {
		if err != nil {
			return out, "", &stepError{step: "verification", err: err}
		}
		return out, "", nil
	}
	if out, handled, err := c.confirm(ctx, msg); handled || err != nil {
		if err != nil {
			return out, "", &stepError{step: "action", err: err}
		}
		return out, "", nil
	}
	if p := c.state.OrderFor; p != nil {
		// The agent asked which order: a message that names one answers
		// it, and the action goes on with it; anything else moves on.
		c.state.OrderFor = nil
		if cx.Analysis.OrderNumber != "" && (cx.Analysis.Intent == "" || string(cx.Analysis.Intent) == p.Action) {
			c.note(msg.ID, decide.ActionEntry(p.Action, "", "the customer named the order", map[string]any{"order": cx.Analysis.OrderNumber}))
			p.Text += "\n" + msg.Text
			out, err := c.resume(ctx, msg.ID, *p, false)
			if err != nil {
				return out, "", &stepError{step: "action", err: err}
			}
			return out, "", nil
		}
	}
	if p := c.state.InputFor; p != nil {
		// The agent asked for one input of a company action: a reply that
		// gives it fills it, and the action goes on; anything else moves on.
		c.state.InputFor = nil
		spec, enabled := cx.Settings.Actions[p.Action]
		in, declared := spec.Input(p.Input)
		v := decide.InputAnswer(msg.Text, in, cx.Analysis.OrderNumber)
		if v == "" && cx.Analysis.Intent == "" && decide.LooksLikeAnswer(msg.Text) {
			// A short reply that is no new request is a value: the schema
			// says what is wrong with it, and the input is asked again.
			v = strings.TrimSpace(msg.Text)
		}
		if enabled && declared && v != "" {
			c.note(msg.ID, decide.ActionEntry(p.Action, spec.Protection, "the customer gave "+p.Input, map[string]any{"input": p.Input}))
			p.Inputs[p.Input] = v
			out, err := c.act(ctx, CustomerMessage{ID: p.MessageID, Text: p.Text}, cx, spec, p.Inputs, false, p.Tries)
			if err != nil {
				return out, "", &stepError{step: "action", err: err}
			}
			return out, "", nil
		}
		c.note(msg.ID, decide.ActionEntry(p.Action, spec.Protection, p.Action+" dropped: the customer moved on", map[string]any{"input": p.Input}))
	}
	if kind := t.smallTalk; kind != "" {
		// A greeting, thanks or a goodbye: a fitting reply, which answers no
		// question (and so never makes the conversation resolved).
		if lang := decide.SmallTalkLanguage(msg.Text); lang != "" {
			c.state.Language = lang
		}
		reply, entry := decide.SmallTalkReply(kind, c.state.AgentAnswered)
		c.note(msg.ID, entry)
		return AgentReply{Text: reply, Known: true}, "", nil
	}
	intent, settings := string(cx.Analysis.Intent), cx.Settings
	if cx.ModelAgent {
		// The model chooses the actions; reusable responses and topics to
		// avoid still apply first.
		intent, settings.Actions = "", nil
	}
	switch s := decide.Shortcuts(msg.Text, intent, settings); {
	case s.Action.Name != "":
		inputs := decide.BuiltinInputs(cx.Analysis)
		if s.Action.Kind == actions.KindHTTP {
			inputs = decide.ExtractInputs(msg.Text, s.Action, cx.Analysis.OrderNumber)
			detail := map[string]any{"matched": s.Matched}
			if name := c.companyActionOrder(s.Action, inputs, cx); name != "" {
				detail["order_from"], detail["input"] = "conversation", name
			}
			c.note(msg.ID, decide.ActionEntry(s.Action.Name, s.Action.Protection, "matched "+s.Action.Name, detail))
		}
		out, err := c.act(ctx, msg, cx, s.Action, inputs, false, 0)
		if err != nil {
			return out, "", &stepError{step: "action", err: err}
		}
		return out, "", nil
	case s.Entry != nil:
		c.note(msg.ID, *s.Entry)
		if s.Answered {
			c.answered()
		}
		return AgentReply{Text: s.Reply, Known: true}, "", nil
	}

	offline := false
	if cx.ModelAgent {
		o, err := c.agent(ctx, msg, t)
		if err != nil || o.handled {
			return o.reply, o.gap, err
		}
		// The model failed or did not finish: the offline agent answers.
		offline, t.prefetch = true, nil
	}
	retrieved, err := c.retrieveFor(ctx, t.query, t.prefetch, offline)
	if err != nil {
		return out, "", &stepError{step: "retrieval", err: err}
	}
	gen := retrieved.Answer // the extractive reply, written by Retrieve
	if gen == nil {
		if gen, err = c.generate(ctx, t.query, retrieved.Passages, cx); err != nil {
			return out, "", &stepError{step: "model", err: err}
		}
	}
	sources := make([]string, 0, len(retrieved.Passages))
	for _, p := range retrieved.Passages {
		sources = append(sources, p.SourceID)
	}
	r := decide.Answer(decide.AnswerInput{
		Generated: answer.Answer{Text: gen.Text, Citations: gen.Citations, Known: gen.Known, Confidence: gen.Confidence},
		Threshold: cx.Settings.ConfidenceThreshold, Sources: sources, ClarifyAsked: c.state.ClarifyAsked,
	})
	c.note(msg.ID, r.Entry)
	switch r.Outcome {
	case decide.Answered:
		c.answered()
		c.state.LastTopic = lastRunes(t.query, maxTopic)
		sum := answerSum(r.Text)
		again := c.in.Revision >= RevisionAnsweredAgain && sum == c.state.LastAnswer
		c.state.LastAnswer = sum
		if again {
			if h := decide.AnsweredAgain(msg.Text, cx.Settings.DefaultTeam); h != nil {
				c.lateHandoff = h
				return AgentReply{Text: decide.AnsweredAgainText}, "", nil
			}
		}
		return AgentReply{Text: r.Text, Citations: r.Citations, Known: true}, "", nil
	case decide.Clarify:
		c.state.ClarifyAsked = true
	default:
		c.state.ConsecutiveUnknown++
		c.state.UnansweredCount++
	}
	return AgentReply{Text: r.Text}, r.Gap, nil
}

// answerSum is the checksum of an answer the state keeps (LastAnswer):
// FNV-1a of its text, never 0.
func answerSum(text string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(text))
	return h.Sum64() | 1
}

// maxTopic bounds the topic a follow-up is read against, in characters.
const maxTopic = 400

// lastRunes is the end of s, at most n characters.
func lastRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[len(r)-n:])
}

func (c *conversation) answered() {
	c.state.AgentAnswered = true
	c.state.ConsecutiveUnknown = 0
	c.state.ClarifyAsked = false
}

// retrieval is a Retrieve local activity under way, and the customer tier
// whose audience it searches; byEmail when Retrieve reads the tier itself
// (its result says which).
type retrieval struct {
	future  workflow.Future
	tier    string
	byEmail bool
}

// startRetrieveFor starts Retrieve; offline asks for the extractive reply
// even when a model is configured. byEmail, while the customer's tier is
// not known yet, lets Retrieve read the verified customer's tier itself, so
// a first turn's search alongside LoadContext is for the right audience.
func (c *conversation) startRetrieveFor(ctx workflow.Context, query string, offline, byEmail bool) *retrieval {
	var a *activities.Activities
	in := activities.RetrieveInput{
		WorkspaceID: c.state.WorkspaceID, Query: query, Limit: 5,
		Channel: c.state.ChannelType, Tier: c.state.CustomerTier, Answer: true, Offline: offline,
	}
	if p := c.in.Pins; p != nil && c.state.Test {
		in.Snapshot = p.Snapshot
	}
	r := &retrieval{tier: c.state.CustomerTier}
	if byEmail && in.Tier == "" && c.verifiedEmail() != "" {
		in.VerifiedEmail, r.byEmail = c.verifiedEmail(), true
	}
	r.future = workflow.ExecuteLocalActivity(readOptions(ctx), a.Retrieve, in)
	return r
}

// retrieve returns the passages for the query: those prefetched alongside
// LoadContext, unless LoadContext changed the customer's tier (and so the
// audience to search).
func (c *conversation) retrieve(ctx workflow.Context, query string, r *retrieval) (activities.RetrieveResult, error) {
	return c.retrieveFor(ctx, query, r, false)
}

func (c *conversation) retrieveFor(ctx workflow.Context, query string, r *retrieval, offline bool) (activities.RetrieveResult, error) {
	var out activities.RetrieveResult
	if r != nil && r.byEmail {
		// The tier it searched for is known once it is done.
		if err := r.future.Get(ctx, &out); err == nil && out.Tier == c.state.CustomerTier {
			return out, nil
		}
		r = nil
	}
	if r == nil || r.tier != c.state.CustomerTier {
		r = c.startRetrieveFor(ctx, query, offline, false)
	}
	err := r.future.Get(ctx, &out)
	return out, err
}

// generate writes the reply from the passages when Retrieve did not. The
// in-process extractive answerer makes no network call: a local activity.
// An LLM is a regular activity with its own retries and history events; the
// timeout leaves room for a slow model.
func (c *conversation) generate(ctx workflow.Context, question string, passages []activities.Passage,
	cx activities.LoadContextResult) (*activities.GenerateResult, error) {
	var a *activities.Activities
	in := activities.GenerateInput{WorkspaceID: c.state.WorkspaceID, Question: question, Passages: passages, Voice: cx.Settings.Voice,
		History: c.state.Recent, Language: c.state.Language}
	var gen activities.GenerateResult
	var err error
	if cx.LocalGeneration {
		err = workflow.ExecuteLocalActivity(readOptions(ctx), a.Generate, in).Get(ctx, &gen)
	} else {
		gctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			StartToCloseTimeout: 2 * time.Minute,
			// All attempts together stay within what a customer waits for
			// (the API waits 3 minutes); then the turn apologises.
			ScheduleToCloseTimeout: 150 * time.Second,
			RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 10 * time.Second, MaximumAttempts: 4},
		})
		err = workflow.ExecuteActivity(gctx, a.Generate, in).Get(ctx, &gen)
	}
	return &gen, err
}

// maxInputTries is how many refused values end the gathering of an input.
const maxInputTries = 2

// act runs an action once its inputs are gathered (a company action asks
// for each missing one in turn), decide.Clear lets it and, for one that
// changes data, the customer confirmed it. tries counts refused values of
// the input being gathered.
func (c *conversation) act(ctx workflow.Context, msg CustomerMessage, cx activities.LoadContextResult, spec actions.Spec,
	inputs map[string]string, confirmed bool, tries int) (AgentReply, error) {
	pending := func() PendingAction {
		text := msg.Text
		if cx.OrderFromConversation {
			// The action stays about this order, whichever one a message
			// names before it resumes.
			text += "\n" + cx.Analysis.OrderNumber
		}
		return PendingAction{MessageID: msg.ID, Text: text, Action: spec.Name, At: workflow.Now(ctx), Inputs: inputs}
	}
	if spec.Kind == actions.KindHTTP {
		if reply, asked := c.gather(ctx, msg, spec, inputs, tries, pending); asked {
			return reply, nil
		}
	}
	an := cx.Analysis
	claimed := an.Email // typed in this message, else given before
	if claimed == "" {
		claimed = c.state.ContactEmail
	}
	cl := decide.Clear(decide.ActionRequest{Spec: spec, OrderNumber: inputs[decide.InputOrderNumber],
		VerifiedEmail: c.verifiedEmail(), ClaimedEmail: claimed, Contact: cx.Contact, Order: cx.Order,
		Now: workflow.Now(ctx), ReturnWindows: cx.Settings.ReturnWindows})
	if !cl.Proceed {
		c.note(msg.ID, cl.Entry)
		if cl.AskOrder {
			p := pending()
			c.state.OrderFor = &p
		}
		if !cl.Verify {
			return AgentReply{Text: cl.Reply}, nil
		}
		if cl.SendCode != "" {
			return c.sendCode(ctx, msg.ID, cl.SendCode, pending())
		}
		c.state.Verification = &PendingVerification{PendingAction: pending()}
		return AgentReply{Text: cl.Reply}, nil
	}
	if spec.ChangesData && !confirmed {
		// Nothing changes before the customer says yes to exactly this.
		p := pending()
		c.state.Confirmation = &p
		c.note(msg.ID, decide.ActionEntry(spec.Name, spec.Protection, "asked the customer to confirm", map[string]any{"confirmation": "asked"}))
		return AgentReply{Text: decide.ConfirmText(spec, inputs)}, nil
	}
	decided := func(summary string, detail map[string]any) {
		c.note(msg.ID, decide.ActionEntry(spec.Name, spec.Protection, summary, detail))
	}
	orderNumber := inputs[decide.InputOrderNumber]
	if c.state.Test && spec.ChangesData {
		// An admin's test conversation changes nothing: it says what would
		// have happened.
		decided(spec.Name+" dry run", map[string]any{"ok": true, "dry_run": true, "order": orderNumber, "inputs": inputs})
		c.answered()
		return AgentReply{Text: decide.DryRunText(spec, inputs), Known: true}, nil
	}
	wfID := workflow.GetInfo(ctx).WorkflowExecution.ID
	key := wfID + "/" + msg.ID
	if spec.Kind == actions.KindHTTP {
		return c.call(ctx, spec, inputs, key, decided)
	}
	update := map[string]string{}
	for _, f := range []string{"name", "phone", "address"} {
		if v, ok := inputs[f]; ok {
			update[f] = v
		}
	}
	in := activities.ActionInput{
		WorkspaceID: c.state.WorkspaceID, ConversationID: models.ConversationRowID(wfID),
		Key: key, Action: spec.Name, OrderNumber: orderNumber, Update: update, Now: workflow.Now(ctx),
		ReturnWindows: cx.Settings.ReturnWindows, Options: spec.Options, Language: c.state.Language,
	}
	if decide.ActsForContact(spec) {
		in.ContactID = c.state.ContactID
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 10 * time.Second, MaximumAttempts: 5},
	})
	var a *activities.Activities
	var run any
	var refused string
	switch spec.Name {
	case decide.ActionOrderStatus:
		run, refused = a.OrderStatus, "order status: "
	case decide.ActionStartReturn:
		run, refused = a.CreateReturn, "return refused: "
	case decide.ActionUpdateContact:
		run, refused = a.UpdateContact, "contact not updated: "
	case decide.ActionPasswordReset:
		run, refused = a.PasswordReset, "password reset not sent: "
	default:
		return AgentReply{}, fmt.Errorf("unknown action %q", spec.Name)
	}
	var res activities.ActionResult
	err := workflow.ExecuteActivity(actx, run, in).Get(ctx, &res)
	if text, ok := failedAction(err); ok {
		decided(refused+text, map[string]any{"ok": false})
		return AgentReply{Text: text}, nil
	} else if err != nil {
		return AgentReply{}, err
	}
	if spec.Name == decide.ActionStartReturn {
		// The return exists: send its label, or undo it so nothing is left
		// half done, and say so.
		in.ReturnID = res.ReturnID
		if err := workflow.ExecuteActivity(actx, a.SendReturnLabel, in).Get(ctx, &res); err != nil {
			if cerr := workflow.ExecuteActivity(sideEffectOptions(ctx), a.CancelReturn, in).Get(ctx, nil); cerr != nil {
				return AgentReply{}, fmt.Errorf("compensate return: %w", cerr)
			}
			decided("return failed half-way and was undone", map[string]any{"ok": false, "compensated": true, "error": err.Error()})
			return AgentReply{Text: decide.ReturnUndoneText}, nil
		}
	}
	decided(spec.Name+" done", map[string]any{"ok": true, "order": orderNumber})
	c.answered()
	return AgentReply{Text: res.Text, Known: true}, nil
}

// gather asks for the first required input of a company action that is
// missing or that its schema refuses (asked true), keeping the action
// waiting for it.
func (c *conversation) gather(ctx workflow.Context, msg CustomerMessage, spec actions.Spec, inputs map[string]string,
	tries int, pending func() PendingAction) (AgentReply, bool) {
	// A value the schema refuses is asked again first; then the first
	// required input missing.
	name, reason := "", ""
	if ie := actions.Check(spec, inputs); ie != nil {
		name, reason = ie.Field, ie.Reason
		delete(inputs, name)
		tries++
	}
	if name == "" {
		name = spec.Missing(inputs)
	}
	in, ok := spec.Input(name)
	if name == "" || !ok {
		return AgentReply{}, false
	}
	if tries > maxInputTries {
		c.note(msg.ID, decide.ActionEntry(spec.Name, spec.Protection, spec.Name+" dropped: the values given were refused",
			map[string]any{"input": name, "reason": reason}))
		return AgentReply{Text: decide.InputRefusedText}, true
	}
	p := PendingInput{PendingAction: pending(), Input: name, Tries: tries}
	c.state.InputFor = &p
	detail := map[string]any{"input": name}
	text := decide.AskInputText(in)
	if reason != "" {
		detail["refused"] = reason
		text = "That doesn't look right (" + reason + "). " + text
	}
	c.note(msg.ID, decide.ActionEntry(spec.Name, spec.Protection, "asked for "+name, detail))
	return AgentReply{Text: text}, true
}

// call runs a company action: one call to its system under the action's
// timeout. A refusal is a reply; a system that keeps failing fails the turn
// (an apology and a hand-off).
func (c *conversation) call(ctx workflow.Context, spec actions.Spec, inputs map[string]string, key string,
	decided func(string, map[string]any)) (AgentReply, error) {
	timeout := spec.Timeout
	if timeout <= 0 {
		timeout = actions.DefaultTimeout
	}
	cctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		// The activity's own deadline is the action's timeout; this one
		// adds room to load the action and write the reply.
		StartToCloseTimeout: timeout + 5*time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 5 * time.Second, MaximumAttempts: 3},
	})
	in := activities.CallActionInput{WorkspaceID: c.state.WorkspaceID, Action: spec.Name, Inputs: inputs, Key: key}
	if decide.ActsForContact(spec) {
		in.Email, in.ContactID = c.verifiedEmail(), c.state.ContactID
	}
	var a *activities.Activities
	var res activities.CallActionResult
	err := workflow.ExecuteActivity(cctx, a.CallAction, in).Get(ctx, &res)
	if text, ok := failedAction(err); ok {
		decided(spec.Name+" refused: "+text, map[string]any{"ok": false, "inputs": inputs})
		return AgentReply{Text: text}, nil
	} else if err != nil {
		return AgentReply{}, err
	}
	decided(spec.Name+" done", map[string]any{"ok": true, "inputs": inputs, "status": res.Status, "duration_ms": res.DurationMS})
	c.answered()
	return AgentReply{Text: res.Text, Known: true}, nil
}

// failedAction returns the customer-facing text of an action that cannot
// succeed.
func failedAction(err error) (string, bool) {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == activities.ErrActionFailed {
		return app.Message(), true
	}
	return "", false
}
