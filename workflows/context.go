package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/rules"
)

// turnContext is what a turn knows once enriched.
type turnContext struct {
	cx activities.LoadContextResult
	// env is what rule conditions see.
	env rules.Env
	// first is set on the conversation's first turn.
	first bool
	// unknownIssue is set when the message matched none of the workspace's
	// issue types.
	unknownIssue bool
	// query is what the knowledge is searched for: the message, or for a
	// follow-up the topic it follows and the message (decide.FollowUpQuery).
	query    string
	followUp bool
	// smallTalk is what small talk the message is, "" for none.
	smallTalk decide.SmallTalk
	// prefetch is the retrieval started alongside LoadContext.
	prefetch *retrieval
}

// enrich loads the turn's context (and, alongside, searches the knowledge
// for the message), classifies the message's issue type, pins the rule sets
// on the first turn and reopens a recently resolved conversation.
func (c *conversation) enrich(ctx workflow.Context, msg CustomerMessage, received time.Time) (turnContext, error) {
	var a *activities.Activities
	t := turnContext{first: !c.state.Pinned}
	oneStep := c.in.Revision >= RevisionOneTaskTurns
	loaded := workflow.ExecuteLocalActivity(readOptions(ctx), a.LoadContext, activities.LoadContextInput{
		WorkspaceID: c.state.WorkspaceID, ConversationID: c.state.ConversationID,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, ChannelID: c.state.ChannelID, VerifiedEmail: c.verifiedEmail(),
		Text: msg.Text, First: t.first, IssueType: c.state.IssueType, ConfigDigest: c.config.digest,
		Rehearsal: c.rehearsal(),
		Classify:  oneStep, ConversationOrder: c.conversationOrder(),
	})
	// Retrieval needs only the message, the channel and the customer's tier
	// known so far, so it runs alongside LoadContext.
	t.query, t.followUp = decide.FollowUpQuery(msg.Text, c.state.LastTopic, c.in.pronouns())
	t.prefetch = c.startRetrieveFor(ctx, t.query, false, oneStep)
	if err := loaded.Get(ctx, &t.cx); err != nil {
		return t, fmt.Errorf("load context: %w", err)
	}
	if err := c.holdConfig(&t.cx); err != nil {
		return t, err
	}
	cx := t.cx
	// A model reads a bare yes or no against its own question; runs before
	// RevisionYesNo answer it from the content.
	t.smallTalk = decide.SmallTalkOf(msg.Text, decide.SmallTalkReading{
		YesNo:          c.in.Revision >= RevisionYesNo && !cx.ModelAgent,
		MoreWords:      c.in.Revision >= RevisionMoreSmallTalk,
		OtherLanguages: c.in.Revision >= RevisionLanguageAnswers,
	})
	if t.smallTalk == "" && cx.Analysis.Preamble && !cx.ModelAgent {
		// "I have a question about my order": the agent asks what it is
		// (a model reads it against the conversation itself).
		t.smallTalk = decide.Preamble
	}
	c.applyContext(cx)
	switch {
	case cx.Analysis.Language != "":
		c.state.Language = cx.Analysis.Language
	case c.state.Language == "":
		// A message too short to tell ("SP-1002", "Hallo"): the
		// workspace's language until one says otherwise.
		c.state.Language = cx.DefaultLanguage
	}
	var err error
	if t.unknownIssue, err = c.classify(ctx, msg, cx); err != nil {
		return t, err
	}
	if p := c.in.Pins; t.first && p != nil && c.state.Test {
		// A rehearsal tries these versions instead of the published ones.
		if p.Handoff > 0 {
			cx.HandoffVersion = p.Handoff
		}
		if p.Routing > 0 {
			cx.RoutingVersion = p.Routing
		}
	}
	if t.first {
		c.state.Pinned = true
		c.state.HandoffVersion, c.state.RoutingVersion = cx.HandoffVersion, cx.RoutingVersion
		if c.state.Inactivity == 0 {
			c.state.Inactivity = cx.Settings.Inactivity
		}
		c.note(msg.ID, decide.Entry{Kind: decide.KindPinned,
			Summary: fmt.Sprintf("rule sets pinned: handoff v%d, routing v%d", cx.HandoffVersion, cx.RoutingVersion),
			Detail:  map[string]any{"handoff_version": cx.HandoffVersion, "routing_version": cx.RoutingVersion, "credit_balance": cx.CreditBalance}})
		if p := cx.Previous; p != nil && !c.state.Test {
			if err := c.reopen(ctx, p, msg.ID); err != nil {
				return t, err
			}
		}
	}
	analysed := map[string]any{
		"sentiment": cx.Analysis.Sentiment, "language": cx.Analysis.Language, "intent": string(cx.Analysis.Intent),
		"asked_for_human": cx.Analysis.AskedForHuman, "issue_type": c.state.IssueType,
		"customer_tier": c.state.CustomerTier, "contact_known": cx.Contact != nil, "order": cx.Analysis.OrderNumber,
	}
	if cx.OrderFromConversation {
		// Named by an earlier message, not this one.
		analysed["order_from"] = "conversation"
	}
	c.note(msg.ID, decide.Entry{Kind: decide.KindEnrich, Summary: "message analysed", Detail: analysed})
	t.env = c.env(msg, cx, received)
	return t, nil
}

// rehearsal is the rehearsal whose configuration a test conversation runs
// under, "" for the workspace's own.
func (c *conversation) rehearsal() string {
	if p := c.in.Pins; p != nil && c.state.Test {
		return p.Rehearsal
	}
	return ""
}

// applyContext takes the verified contact and the issue type the context
// found into the state.
func (c *conversation) applyContext(cx activities.LoadContextResult) {
	if ct := cx.Contact; ct != nil {
		c.state.ContactID = ct.ID
		c.state.CustomerTier = ct.Tier
		if c.state.ContactEmail == "" {
			c.state.ContactEmail = ct.Email
		}
	}
	if cx.IssueType != "" {
		c.state.IssueType = cx.IssueType
	}
	if cx.Analysis.OrderNumber != "" {
		c.state.Order = cx.Analysis.OrderNumber
	}
}

// conversationOrder is the order a message that names none is about, for
// LoadContext: the conversation's, in runs of RevisionConversationOrder on.
func (c *conversation) conversationOrder() string {
	if c.in.Revision < RevisionConversationOrder {
		return ""
	}
	return c.state.Order
}

// companyActionOrder fills a company action's order input the message left
// out with the conversation's order, in runs of RevisionCompanyActionOrder
// on, and returns the input filled ("" for none). A message that names an
// order has it filled already.
func (c *conversation) companyActionOrder(s actions.Spec, inputs map[string]string, cx activities.LoadContextResult) string {
	if c.in.Revision < RevisionCompanyActionOrder || cx.Analysis.OrderNumber != "" {
		return ""
	}
	return decide.ConversationOrderInput(s, inputs, c.state.Order)
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

// classify detects the message's issue type from the workspace's labelled
// examples (when it has issue types). A confident answer sets the
// conversation's issue type; unknown is reported so the turn records a
// knowledge gap (not for a message that only asks for a person).
func (c *conversation) classify(ctx workflow.Context, msg CustomerMessage, cx activities.LoadContextResult) (unknown bool, err error) {
	if !cx.HasIssueTypes {
		return false, nil
	}
	var res activities.ClassifyIssueResult
	if cx.Issue != nil {
		res = *cx.Issue // classified by LoadContext
	} else {
		var a *activities.Activities
		err = workflow.ExecuteLocalActivity(readOptions(ctx), a.ClassifyIssue, activities.ClassifyIssueInput{
			WorkspaceID: c.state.WorkspaceID, Text: msg.Text, Rehearsal: c.rehearsal(),
		}).Get(ctx, &res)
		if err != nil {
			return false, fmt.Errorf("classify issue: %w", err)
		}
	}
	summary := "issue type: unknown"
	switch {
	case res.OnlyAsksForHuman:
		summary = "issue type: none, the message only asks for a person"
	case !res.Unknown:
		c.state.IssueType = res.IssueType
		summary = "issue type: " + res.IssueType
	}
	c.note(msg.ID, decide.Entry{Kind: decide.KindIssueType, Summary: summary,
		Detail: map[string]any{"issue_type": res.IssueType, "confidence": res.Confidence, "unknown": res.Unknown,
			"best_guess": res.BestGuess, "refined": res.Refined}})
	// A request for a person is no knowledge gap: it asks for nothing the
	// content or the issue types could cover.
	return res.Unknown && !res.OnlyAsksForHuman, nil
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

// decideHandoff gathers what decides who takes the conversation — on the
// first turn the channel's settings, the routing rules and the credit
// balance; on every turn the pinned handoff rules and whether the customer
// asked for a person — and returns the decision (nil: the agent keeps it).
func (c *conversation) decideHandoff(ctx workflow.Context, msg CustomerMessage, t turnContext) (*decide.Handoff, error) {
	if c.state.Handoff != nil {
		return nil, nil // already with a team (keep assisting)
	}
	cx := t.cx
	defaultTeam := cx.Settings.DefaultTeam
	if t.first {
		// The channel's agent hours and agent share come first: a
		// conversation they leave to the team goes there whatever the rules.
		if cx.Channel != nil {
			ch := decide.Channel(cx.Channel, defaultTeam)
			if key := ch.InactivityTeam; key != "" {
				team := cx.Teams[key]
				team.Key = key
				c.state.InactivityHandoff = &team
			}
			c.note(msg.ID, ch.Entry)
			if ch.Handoff != nil {
				return ch.Handoff, nil
			}
		}
		routing, err := c.evaluate(ctx, "routing", c.state.RoutingVersion, t.env, msg.ID)
		if err != nil {
			return nil, err
		}
		if h := decide.Admission(routing, cx.CreditBalance, c.state.Test, defaultTeam); h != nil {
			return h, nil
		}
	}
	res, err := c.evaluate(ctx, "handoff", c.state.HandoffVersion, t.env, msg.ID)
	if err != nil {
		return nil, err
	}
	return decide.Escalation(res, cx.Analysis.AskedForHuman, defaultTeam), nil
}

// evaluate runs a pinned rule set in a local activity, so each evaluation
// (rule, version, inputs, result) is in the history, and journals it.
func (c *conversation) evaluate(ctx workflow.Context, set string, version int, env rules.Env, messageID string) (decide.RuleResult, error) {
	out := decide.RuleResult{Set: set, Version: version}
	if version == 0 {
		return out, nil
	}
	var a *activities.Activities
	var res activities.EvaluateRulesResult
	err := workflow.ExecuteLocalActivity(readOptions(ctx), a.EvaluateRules, activities.EvaluateRulesInput{
		WorkspaceID: c.state.WorkspaceID, Kind: set, Version: version, Env: env,
	}).Get(ctx, &res)
	if err != nil {
		return out, fmt.Errorf("evaluate %s rules: %w", set, err)
	}
	out.Count, out.Decision = res.RuleCount, res.Decision
	c.note(messageID, out.Entry())
	return out, nil
}

// reopen reverses the charge of the resolved conversation this one reopens.
func (c *conversation) reopen(ctx workflow.Context, p *activities.PreviousConversation, messageID string) error {
	var a *activities.Activities
	var res activities.ReverseResult
	err := workflow.ExecuteActivity(sideEffectOptions(ctx), a.ReverseCharges, activities.ReverseInput{
		WorkspaceID: c.state.WorkspaceID, PreviousRowID: p.RowID, At: workflow.Now(ctx),
	}).Get(ctx, &res)
	if err != nil {
		return fmt.Errorf("reverse charges: %w", err)
	}
	c.state.ReopenOf = p.RowID
	c.note(messageID, decide.Entry{Kind: decide.KindReopened,
		Summary: "reopened a conversation resolved " + p.EndedAt.Format(time.RFC3339) + "; its charge was reversed",
		Detail:  map[string]any{"previous_conversation": p.ExternalID, "reversed": res.Reversed}})
	return nil
}
