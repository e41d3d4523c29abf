package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/rules"
)

// Texts the agent says in set situations.
const (
	transferText  = "I'm bringing in a member of our team, who will reply here shortly."
	waitingText   = "Thanks — I've passed this on; a member of our team will reply here."
	clarifyText   = "I want to get this right: could you tell me a little more — for example which product or order it is about?"
	avoidTopic    = "I'm sorry, that's not something I can help with here."
	needOrderText = "Which order is it? Please give me the order number (it looks like %s)."
	needEmailText = "To protect your account, please tell me the email address you use with us first."
	mismatchText  = "I can only share or change details for the email address on the account. Please tell me the email address you used for this order."
)

// turn is one agent turn for a customer message: enrich, decide handoff,
// answer or act, record.
func (c *conversation) turn(ctx workflow.Context, msg CustomerMessage) (AgentReply, error) {
	received := workflow.Now(ctx)
	c.state.LastActivity = received
	c.state.TurnCount++
	if msg.ContactEmail != "" {
		c.state.ContactEmail = msg.ContactEmail
	}
	rec := c.record(ctx)
	c.add(&rec, TranscriptEntry{ClientID: msg.ID, Role: RoleCustomer, Text: msg.Text, At: received})

	// A rep has the conversation (or it was transferred): the customer's
	// message goes to the rep, the agent stays silent.
	if h := c.state.Handoff; h != nil && (c.state.Status == StatusRepActive || h.Mode == ModeTransferNow) {
		rec.Events = append(rec.Events, c.event(ctx, "customer_message", map[string]any{
			"conversation_id": c.state.ConversationID, "message_id": msg.ID,
		}))
		if err := c.commit(ctx, rec, activities.TeamInfo{}); err != nil {
			return AgentReply{}, err
		}
		return AgentReply{MessageID: msg.ID, Status: c.state.Status, IssueType: c.state.IssueType}, nil
	}

	// 1. Enrich.
	var a *activities.Activities
	first := !c.state.Pinned
	var cx activities.LoadContextResult
	loaded := workflow.ExecuteLocalActivity(readOptions(ctx), a.LoadContext, activities.LoadContextInput{
		WorkspaceID: c.state.WorkspaceID, ConversationID: c.state.ConversationID,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, ChannelID: c.state.ChannelID, ContactEmail: c.state.ContactEmail,
		Text: msg.Text, First: first, IssueType: c.state.IssueType, ConfigDigest: c.config.digest,
	})
	// Retrieval needs only the message, the channel and the customer's tier
	// known so far, so it runs alongside LoadContext.
	c.prefetch = nil
	if c.async {
		c.prefetch = c.startRetrieve(ctx, msg)
	}
	if err := loaded.Get(ctx, &cx); err != nil {
		return AgentReply{}, fmt.Errorf("load context: %w", err)
	}
	if err := c.holdConfig(&cx); err != nil {
		return AgentReply{}, err
	}
	c.applyContext(cx)
	unknownIssue, err := c.classify(ctx, msg, cx, &rec)
	if err != nil {
		return AgentReply{}, err
	}
	rec = c.refresh(ctx, rec)
	if first {
		c.state.Pinned = true
		c.state.HandoffVersion, c.state.RoutingVersion = cx.HandoffVersion, cx.RoutingVersion
		if c.state.Inactivity == 0 {
			c.state.Inactivity = cx.Settings.Inactivity
		}
		rec.Conversation.RuleSetVersion = cx.HandoffVersion
		rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "pinned", fmt.Sprintf("rule sets pinned: handoff v%d, routing v%d", cx.HandoffVersion, cx.RoutingVersion),
			map[string]any{"handoff_version": cx.HandoffVersion, "routing_version": cx.RoutingVersion, "credit_balance": cx.CreditBalance}))
		if p := cx.Previous; p != nil && !c.state.Test {
			if err := c.reopen(ctx, p, &rec, msg.ID); err != nil {
				return AgentReply{}, err
			}
		}
	}
	rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "enrich", "message analysed", map[string]any{
		"sentiment": cx.Analysis.Sentiment, "language": cx.Analysis.Language, "intent": string(cx.Analysis.Intent),
		"asked_for_human": cx.Analysis.AskedForHuman, "issue_type": c.state.IssueType,
		"customer_tier": c.state.CustomerTier, "contact_known": cx.Contact != nil, "order": cx.Analysis.OrderNumber,
	}))
	env := c.env(msg, cx, received)

	// 2. Decide handoff.
	handoff, err := c.decideHandoff(ctx, msg, cx, env, first, &rec)
	if err != nil {
		return AgentReply{}, err
	}
	if handoff != nil && handoff.Mode != ModeKeepAssisting {
		team := cx.Teams[handoff.Team]
		c.handOff(ctx, *handoff, team, &rec, msg.ID)
		text := joinSentences(c.state.Handoff.Message, "")
		if text == "" {
			text = transferText
		}
		return c.finish(ctx, msg, rec, received, AgentReply{MessageID: msg.ID, Text: text, HandedOff: true}, team)
	}

	// A sales inquiry: the qualifying questions, and a qualified lead goes
	// to sales.
	out, lead, handled, err := c.qualify(ctx, msg, cx, &rec)
	if err != nil {
		return AgentReply{}, err
	}
	if lead != nil {
		team := cx.Teams[lead.Team]
		c.handOff(ctx, *lead, team, &rec, msg.ID)
		return c.finish(ctx, msg, rec, received, AgentReply{MessageID: msg.ID, Text: c.state.Handoff.Message, HandedOff: true}, team)
	}
	gap := ""
	if !handled {
		// 3/4. Act or answer.
		if out, gap, err = c.respond(ctx, msg, cx, &rec); err != nil {
			return AgentReply{}, err
		}
	}
	out.MessageID = msg.ID

	// Two answers in a row the agent did not know: a person takes over.
	var team activities.TeamInfo
	if c.state.ConsecutiveUnknown >= 2 && handoff == nil {
		team = cx.Teams[cx.Settings.DefaultTeam]
		c.handOff(ctx, Handoff{Reason: "the agent could not answer twice in a row", Trigger: TriggerUnansweredTwice,
			Mode: ModeTransferNow, Team: cx.Settings.DefaultTeam, Message: transferText}, team, &rec, msg.ID)
		out.Text = joinSentences(out.Text, c.state.Handoff.Message)
		out.HandedOff = true
		if gap == activities.GapUnanswered {
			gap = activities.GapHandoff
		}
	}
	// A keep-assisting handoff: the agent answers while the team is told.
	if handoff != nil && c.state.Handoff == nil {
		team = cx.Teams[handoff.Team]
		c.handOff(ctx, *handoff, team, &rec, msg.ID)
		out.Text = joinSentences(out.Text, c.state.Handoff.Message)
		out.HandedOff = true
	}
	// A question the agent could not answer (or only with a clarifying
	// question), or whose issue type matched no known type, is a knowledge
	// gap.
	if gap == "" && unknownIssue {
		gap = activities.GapUnknownIssueType
	}
	if gap != "" {
		rec.Gap = &activities.GapRecord{Question: msg.Text, IssueType: c.state.IssueType, Reason: gap, At: received}
	}
	return c.finish(ctx, msg, rec, received, out, team)
}

// retrieval is a Retrieve local activity under way, and the customer tier
// whose audience it searches.
type retrieval struct {
	future workflow.Future
	tier   string
}

func (c *conversation) startRetrieve(ctx workflow.Context, msg CustomerMessage) *retrieval {
	var a *activities.Activities
	f := workflow.ExecuteLocalActivity(readOptions(ctx), a.Retrieve, activities.RetrieveInput{
		WorkspaceID: c.state.WorkspaceID, Query: msg.Text, Limit: 5,
		Channel: c.state.ChannelType, Tier: c.state.CustomerTier, Answer: c.answerInRetrieve,
	})
	return &retrieval{future: f, tier: c.state.CustomerTier}
}

// retrieve returns the passages for the message: those the turn started
// alongside LoadContext, unless LoadContext changed the customer's tier (and
// so the audience to search).
func (c *conversation) retrieve(ctx workflow.Context, msg CustomerMessage) (activities.RetrieveResult, error) {
	r := c.prefetch
	c.prefetch = nil
	if r == nil || r.tier != c.state.CustomerTier {
		r = c.startRetrieve(ctx, msg)
	}
	var out activities.RetrieveResult
	err := r.future.Get(ctx, &out)
	return out, err
}

// classify detects the message's issue type from the workspace's labelled
// examples (when it has issue types). A confident answer sets the
// conversation's issue type; unknown is reported so the turn records a
// knowledge gap.
func (c *conversation) classify(ctx workflow.Context, msg CustomerMessage, cx activities.LoadContextResult,
	rec *activities.RecordTurnInput) (unknown bool, err error) {
	if !cx.HasIssueTypes {
		return false, nil
	}
	var a *activities.Activities
	var res activities.ClassifyIssueResult
	err = workflow.ExecuteLocalActivity(readOptions(ctx), a.ClassifyIssue, activities.ClassifyIssueInput{
		WorkspaceID: c.state.WorkspaceID, Text: msg.Text,
	}).Get(ctx, &res)
	if err != nil {
		return false, fmt.Errorf("classify issue: %w", err)
	}
	summary := "issue type: unknown"
	if !res.Unknown {
		c.state.IssueType = res.IssueType
		summary = "issue type: " + res.IssueType
	}
	rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "issue_type", summary,
		map[string]any{"issue_type": res.IssueType, "confidence": res.Confidence, "unknown": res.Unknown,
			"best_guess": res.BestGuess, "refined": res.Refined}))
	return res.Unknown, nil
}

// finish records the reply and the turn, updates search attributes and
// notifies the team of a new handoff.
func (c *conversation) finish(ctx workflow.Context, msg CustomerMessage, rec activities.RecordTurnInput, received time.Time,
	out AgentReply, team activities.TeamInfo) (AgentReply, error) {
	answered := workflow.Now(ctx)
	ms := answered.Sub(received).Milliseconds()
	if c.state.FirstAnswerMs == 0 && out.Text != "" {
		c.state.FirstAnswerMs = max(ms, 1)
	}
	c.add(&rec, TranscriptEntry{ClientID: msg.ID, Role: RoleAgent, Text: out.Text, Citations: out.Citations, At: answered})
	rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "reply", "replied", map[string]any{
		"time_to_answer_ms": ms, "known": out.Known, "citations": len(out.Citations), "handed_off": out.HandedOff,
	}))
	out.Status = c.state.Status
	out.IssueType = c.state.IssueType
	rec = c.refresh(ctx, rec)
	if err := c.upsertSearch(ctx); err != nil {
		return AgentReply{}, err
	}
	if !out.HandedOff {
		team = activities.TeamInfo{}
	}
	if err := c.commit(ctx, rec, team); err != nil {
		return AgentReply{}, err
	}
	return out, nil
}

// refresh copies the current state into a record being built.
func (c *conversation) refresh(ctx workflow.Context, rec activities.RecordTurnInput) activities.RecordTurnInput {
	fresh := c.record(ctx)
	fresh.Messages, fresh.Decisions, fresh.Gap, fresh.Events = rec.Messages, rec.Decisions, rec.Gap, rec.Events
	return fresh
}

// heldConfig is the workspace configuration a run keeps between turns, and
// its digest. It is not carried across continue-as-new: a run's first turn
// loads it.
type heldConfig struct {
	digest string
	config activities.WorkspaceConfig
}

// holdConfig keeps the configuration a turn's context carries, or fills in
// the one held when LoadContext left it out as unchanged.
func (c *conversation) holdConfig(cx *activities.LoadContextResult) error {
	if !cx.ConfigOmitted {
		c.config = heldConfig{digest: cx.ConfigDigest, config: cx.WorkspaceConfig}
		return nil
	}
	if c.config.digest == "" || c.config.digest != cx.ConfigDigest {
		return fmt.Errorf("load context: configuration %q left out, but this run holds %q", cx.ConfigDigest, c.config.digest)
	}
	cx.WorkspaceConfig = c.config.config
	return nil
}

func (c *conversation) applyContext(cx activities.LoadContextResult) {
	if cx.Contact != nil {
		c.state.ContactID = cx.Contact.ID
		c.state.CustomerTier = cx.Contact.Tier
		if c.state.ContactEmail == "" {
			c.state.ContactEmail = cx.Contact.Email
		}
	}
	if cx.IssueType != "" {
		c.state.IssueType = cx.IssueType
	}
}

// env is what rule conditions see.
func (c *conversation) env(msg CustomerMessage, cx activities.LoadContextResult, now time.Time) rules.Env {
	env := rules.Env{
		Conversation: rules.Conversation{
			ID: c.state.ConversationID, Channel: c.state.ChannelType, Text: msg.Text,
			TurnCount: c.state.TurnCount, MinutesSinceStart: now.Sub(c.state.StartedAt).Minutes(),
			IssueType: c.state.IssueType, Sentiment: cx.Analysis.Sentiment, Language: cx.Analysis.Language,
			Test: c.state.Test, UnansweredCount: c.state.UnansweredCount, AskedForHuman: cx.Analysis.AskedForHuman,
		},
		Now: now,
	}
	if ct := cx.Contact; ct != nil {
		env.Contact = rules.Contact{
			Tier: ct.Tier, LifecycleStage: ct.LifecycleStage, CompanySize: ct.CompanySize,
			EmailVerified: ct.EmailVerified, Properties: ct.Properties,
		}
	}
	if o := cx.Order; o != nil {
		env.Order = &rules.Order{Status: o.Status, Total: float64(o.TotalCents) / 100}
		if o.DeliveredAt != nil {
			days := int(now.Sub(*o.DeliveredAt).Hours() / 24)
			env.Order.DaysSinceDelivery = &days
		}
	}
	return env
}

// decideHandoff applies the channel's settings and routing (first turn), the
// credit balance, the pinned handoff rules and the built-in triggers. nil
// means no handoff.
func (c *conversation) decideHandoff(ctx workflow.Context, msg CustomerMessage, cx activities.LoadContextResult,
	env rules.Env, first bool, rec *activities.RecordTurnInput) (*Handoff, error) {
	if c.state.Handoff != nil {
		return nil, nil // already with a team (keep assisting)
	}
	defaultTeam := cx.Settings.DefaultTeam
	if first {
		// The channel's agent hours and agent share come first: a
		// conversation they leave to the team goes there whatever the rules.
		if ch := cx.Channel; ch != nil {
			if h := c.applyChannel(ch, cx, msg.ID, rec); h != nil {
				return h, nil
			}
		}
		routing, err := c.evaluate(ctx, "routing", c.state.RoutingVersion, env, msg.ID, rec)
		if err != nil {
			return nil, err
		}
		if routing.RuleCount > 0 && routing.Decision.Matched == nil {
			return &Handoff{Reason: "routing rules: the agent does not take this conversation", Trigger: TriggerRouting,
				Mode: ModeTransferNow, Team: defaultTeam, Message: transferText}, nil
		}
		if cx.CreditBalance <= 0 && !c.state.Test {
			return &Handoff{Reason: "the workspace has no credits left", Trigger: TriggerCreditsExhausted,
				Mode: ModeTransferNow, Team: defaultTeam, Message: transferText}, nil
		}
	}
	res, err := c.evaluate(ctx, "handoff", c.state.HandoffVersion, env, msg.ID, rec)
	if err != nil {
		return nil, err
	}
	if r := res.Decision.Matched; r != nil {
		return &Handoff{Reason: "rule: " + r.Name, Trigger: "rule:" + r.ID, RuleID: r.ID,
			Mode: string(r.Mode), Team: r.Team, Message: r.Message}, nil
	}
	if cx.Analysis.AskedForHuman {
		return &Handoff{Reason: "the customer asked for a person", Trigger: TriggerAskedForHuman,
			Mode: ModeTransferNow, Team: defaultTeam, Message: transferText}, nil
	}
	return nil, nil
}

// evaluate runs a pinned rule set in a local activity, so each evaluation
// (rule, version, inputs, result) is in the history, and records it.
func (c *conversation) evaluate(ctx workflow.Context, kind string, version int, env rules.Env, messageID string,
	rec *activities.RecordTurnInput) (activities.EvaluateRulesResult, error) {
	var a *activities.Activities
	var res activities.EvaluateRulesResult
	if version == 0 {
		return res, nil
	}
	err := workflow.ExecuteLocalActivity(readOptions(ctx), a.EvaluateRules, activities.EvaluateRulesInput{
		WorkspaceID: c.state.WorkspaceID, Kind: kind, Version: version, Env: env,
	}).Get(ctx, &res)
	if err != nil {
		return res, fmt.Errorf("evaluate %s rules: %w", kind, err)
	}
	matched := ""
	if r := res.Decision.Matched; r != nil {
		matched = r.ID
	}
	summary := fmt.Sprintf("%s rules v%d: no rule matched", kind, version)
	if matched != "" {
		summary = fmt.Sprintf("%s rules v%d: %q matched", kind, version, res.Decision.Matched.Name)
	}
	rec.Decisions = append(rec.Decisions, c.decision(messageID, kind+"_rules", summary, map[string]any{
		"version": version, "matched_rule_id": matched, "evaluations": res.Decision.Evaluations,
	}))
	return res, nil
}

// respond acts on the message or answers it. gap is why the message is a
// knowledge gap (activities.GapReasons), "" when the agent answered it.
func (c *conversation) respond(ctx workflow.Context, msg CustomerMessage, cx activities.LoadContextResult,
	rec *activities.RecordTurnInput) (out AgentReply, gap string, err error) {
	text := strings.ToLower(msg.Text)
	if action := string(cx.Analysis.Intent); action != "" {
		if protection, enabled := cx.Settings.ActionProtection[action]; enabled {
			out, err := c.act(ctx, msg, cx, action, protection, rec)
			return out, "", err
		}
	}
	for _, r := range cx.Settings.ReusableResponses {
		for _, trig := range r.Triggers {
			if trig != "" && strings.Contains(text, strings.ToLower(trig)) {
				rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "reusable_response", "reusable response: "+r.Name, map[string]any{"trigger": trig}))
				c.answered()
				return AgentReply{Text: r.Response, Known: true}, "", nil
			}
		}
	}
	for _, topic := range cx.Settings.TopicsToAvoid {
		if topic != "" && strings.Contains(text, strings.ToLower(topic)) {
			rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "avoided_topic", "declined a topic to avoid", map[string]any{"topic": topic}))
			return AgentReply{Text: avoidTopic, Known: true}, "", nil
		}
	}

	var a *activities.Activities
	retrieved, err := c.retrieve(ctx, msg)
	if err != nil {
		return out, "", fmt.Errorf("retrieve: %w", err)
	}
	// Generation may call an LLM: then a regular activity with its own
	// retries and history events; the timeout leaves room for a slow model.
	genIn := activities.GenerateInput{WorkspaceID: c.state.WorkspaceID, Question: msg.Text, Passages: retrieved.Passages,
		Voice: cx.Settings.Voice}
	var gen activities.GenerateResult
	if retrieved.Answer != nil {
		// Retrieve wrote the extractive reply.
		gen = *retrieved.Answer
	} else if cx.LocalGeneration {
		// The extractive answerer makes no network call: a local activity.
		err = workflow.ExecuteLocalActivity(readOptions(ctx), a.Generate, genIn).Get(ctx, &gen)
	} else {
		gctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			StartToCloseTimeout: 2 * time.Minute,
			RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 10 * time.Second, MaximumAttempts: 4},
		})
		err = workflow.ExecuteActivity(gctx, a.Generate, genIn).Get(ctx, &gen)
	}
	if err != nil {
		return out, "", fmt.Errorf("generate: %w", err)
	}
	sources := make([]string, 0, len(retrieved.Passages))
	for _, p := range retrieved.Passages {
		sources = append(sources, p.SourceID)
	}
	detail := map[string]any{"confidence": gen.Confidence, "threshold": cx.Settings.ConfidenceThreshold,
		"known": gen.Known, "retrieved": sources}
	if gen.Known && gen.Confidence >= cx.Settings.ConfidenceThreshold {
		rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "answer", "answered from content", detail))
		c.answered()
		return AgentReply{Text: gen.Text, Citations: gen.Citations, Known: true}, "", nil
	}
	// One clarifying question per run of unanswered messages, then honesty.
	if !c.state.ClarifyAsked {
		c.state.ClarifyAsked = true
		rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "clarify", "low confidence: asked a clarifying question", detail))
		return AgentReply{Text: clarifyText}, activities.GapLowConfidence, nil
	}
	c.state.ConsecutiveUnknown++
	c.state.UnansweredCount++
	rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "unknown", "could not answer: knowledge gap recorded", detail))
	return AgentReply{Text: answer.DontKnow}, activities.GapUnanswered, nil
}

func (c *conversation) answered() {
	c.state.AgentAnswered = true
	c.state.ConsecutiveUnknown = 0
	c.state.ClarifyAsked = false
}

// act runs a CRM action after checking the customer's identity.
func (c *conversation) act(ctx workflow.Context, msg CustomerMessage, cx activities.LoadContextResult, action, protection string,
	rec *activities.RecordTurnInput) (AgentReply, error) {
	an := cx.Analysis
	decide := func(summary string, detail map[string]any) {
		detail["action"] = action
		detail["protection"] = protection
		rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "action", summary, detail))
	}
	needsOrder := action == activities.ActionOrderStatus || action == activities.ActionStartReturn
	if needsOrder && an.OrderNumber == "" {
		decide("asked for the order number", map[string]any{})
		return AgentReply{Text: fmt.Sprintf(needOrderText, "SP-1001")}, nil
	}
	claimed := strings.ToLower(c.state.ContactEmail)
	if protection == "match_email" {
		if claimed == "" {
			decide("identity check: asked for the email address", map[string]any{"identity": "missing"})
			return AgentReply{Text: needEmailText}, nil
		}
		owner := ""
		if cx.Contact != nil {
			owner = strings.ToLower(cx.Contact.Email)
		}
		if needsOrder && cx.Order != nil {
			owner = strings.ToLower(cx.Order.ContactEmail)
		}
		if owner == "" || owner != claimed {
			decide("identity check failed: the email does not match", map[string]any{"identity": "mismatch"})
			return AgentReply{Text: mismatchText}, nil
		}
	}
	contactID := c.state.ContactID
	if needsOrder && cx.Order == nil {
		decide("order not found", map[string]any{"order": an.OrderNumber})
		return AgentReply{Text: fmt.Sprintf("I couldn't find an order numbered %s. Could you check the number?", an.OrderNumber)}, nil
	}
	in := activities.ActionInput{
		WorkspaceID: c.state.WorkspaceID, ConversationID: activities.ConversationRowID(workflow.GetInfo(ctx).WorkflowExecution.ID),
		Key: workflow.GetInfo(ctx).WorkflowExecution.ID + "/" + msg.ID, Action: action, ContactID: contactID,
		OrderNumber: an.OrderNumber, Update: an.ContactUpdate, Now: workflow.Now(ctx),
	}
	if protection != "match_email" {
		in.ContactID = ""
		if action == activities.ActionUpdateContact || action == activities.ActionPasswordReset {
			in.ContactID = contactID
		}
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 10 * time.Second, MaximumAttempts: 5},
	})
	var a *activities.Activities
	var res activities.ActionResult
	switch action {
	case activities.ActionOrderStatus:
		err := workflow.ExecuteActivity(actx, a.OrderStatus, in).Get(ctx, &res)
		if text, ok := failedAction(err); ok {
			decide("order status: "+text, map[string]any{"ok": false})
			return AgentReply{Text: text}, nil
		} else if err != nil {
			return AgentReply{}, err
		}
	case activities.ActionStartReturn:
		var created activities.ActionResult
		err := workflow.ExecuteActivity(actx, a.CreateReturn, in).Get(ctx, &created)
		if text, ok := failedAction(err); ok {
			decide("return refused: "+text, map[string]any{"ok": false})
			return AgentReply{Text: text}, nil
		} else if err != nil {
			return AgentReply{}, err
		}
		in.ReturnID = created.ReturnID
		err = workflow.ExecuteActivity(actx, a.SendReturnLabel, in).Get(ctx, &res)
		if err != nil {
			// The label could not be sent: undo the return so nothing is
			// left half done, and say so.
			if cerr := workflow.ExecuteActivity(sideEffectOptions(ctx), a.CancelReturn, in).Get(ctx, nil); cerr != nil {
				return AgentReply{}, fmt.Errorf("compensate return: %w", cerr)
			}
			decide("return failed half-way and was undone", map[string]any{"ok": false, "compensated": true, "error": err.Error()})
			return AgentReply{Text: "I'm sorry, I couldn't complete the return just now, so I've cancelled it — nothing has changed on your order. Please try again in a little while."}, nil
		}
	case activities.ActionUpdateContact:
		err := workflow.ExecuteActivity(actx, a.UpdateContact, in).Get(ctx, &res)
		if text, ok := failedAction(err); ok {
			decide("contact not updated: "+text, map[string]any{"ok": false})
			return AgentReply{Text: text}, nil
		} else if err != nil {
			return AgentReply{}, err
		}
	case activities.ActionPasswordReset:
		err := workflow.ExecuteActivity(actx, a.PasswordReset, in).Get(ctx, &res)
		if text, ok := failedAction(err); ok {
			decide("password reset not sent: "+text, map[string]any{"ok": false})
			return AgentReply{Text: text}, nil
		} else if err != nil {
			return AgentReply{}, err
		}
	default:
		return AgentReply{}, fmt.Errorf("unknown action %q", action)
	}
	decide(action+" done", map[string]any{"ok": true, "order": an.OrderNumber})
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

// reopen reverses the charge of the resolved conversation this one reopens.
func (c *conversation) reopen(ctx workflow.Context, p *activities.PreviousConversation, rec *activities.RecordTurnInput, messageID string) error {
	var a *activities.Activities
	var res activities.ReverseResult
	err := workflow.ExecuteActivity(sideEffectOptions(ctx), a.ReverseCharges, activities.ReverseInput{
		WorkspaceID: c.state.WorkspaceID, PreviousRowID: p.RowID, At: workflow.Now(ctx),
	}).Get(ctx, &res)
	if err != nil {
		return fmt.Errorf("reverse charges: %w", err)
	}
	c.state.ReopenOf = p.RowID
	rec.ReopenOf = p.RowID
	rec.Decisions = append(rec.Decisions, c.decision(messageID, "reopened", "reopened a conversation resolved "+p.EndedAt.Format(time.RFC3339)+"; its charge was reversed",
		map[string]any{"previous_conversation": p.ExternalID, "reversed": res.Reversed}))
	return nil
}
