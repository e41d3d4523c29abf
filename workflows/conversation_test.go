package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/understand"
	"github.com/switchboardhq/switchboard/workflows"
)

// fake stands in for the activities: it answers shipping questions, knows
// nothing else, and remembers every call.
type fake struct {
	mu sync.Mutex
	// context returns the turn's context; the default knows ada@example.com.
	context func(in activities.LoadContextInput) activities.LoadContextResult
	// handoffRule, when set, matches messages containing its trigger word.
	handoffRule *rules.Rule
	trigger     string
	// orderStatus, when set, makes handoffRule match an order of that
	// status instead of the trigger word.
	orderStatus string
	// failLabel makes SendReturnLabel fail.
	failLabel bool
	// localAnswers makes Retrieve write the reply when asked to, as a
	// worker with the extractive answerer does.
	localAnswers bool
	// failing names the activities that fail for good (after retries).
	failing map[string]bool
	// poison makes the record of a message with this text one the database
	// refuses (ErrUnwritableRecord).
	poison string

	calls map[string]int
	// codes are the verification codes sent, by address; attempts the
	// wrong codes typed.
	codes    map[string]string
	attempts int
	recorded []activities.RecordTurnInput
	// batches are the sizes of the RecordTurns calls.
	batches []int
	charges []activities.ChargeInput
	// model, when set, is the scripted model of AgentStep; steps are the
	// steps it was asked for.
	model func(activities.AgentStepInput) (answer.Step, error)
	steps []activities.AgentStepInput
	// called are the company actions' calls.
	called   []activities.CallActionInput
	reverses []activities.ReverseInput
}

func (f *fake) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

func (f *fake) call(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[name]++
}

// fails returns the error of an activity the test made fail, nil otherwise.
func (f *fake) fails(name string) error {
	if f.failing[name] {
		return temporal.NewNonRetryableApplicationError(name+" is down", "Down", nil)
	}
	return nil
}

// poisoned reports whether a record holds the poison text.
func (f *fake) poisoned(recs ...activities.RecordTurnInput) bool {
	for _, r := range recs {
		for _, m := range r.Messages {
			if f.poison != "" && m.Text == f.poison {
				return true
			}
		}
	}
	return false
}

var ada = &decide.Contact{ID: "contact-ada", Email: "ada@example.com", Tier: "standard", LifecycleStage: "customer"}

// builtin is a built-in action with a protection level.
func builtin(name, protection string) actions.Spec {
	s, _ := actions.Builtin(name)
	s.Protection = protection
	return s
}

func defaultContext(in activities.LoadContextInput) activities.LoadContextResult {
	out := activities.LoadContextResult{
		WorkspaceConfig: activities.WorkspaceConfig{
			Settings: decide.Settings{
				ConfidenceThreshold: 0.5, DefaultTeam: "support",
				Actions: map[string]actions.Spec{
					decide.ActionOrderStatus: builtin(decide.ActionOrderStatus, "verified"), decide.ActionStartReturn: builtin(decide.ActionStartReturn, "verified"),
					decide.ActionPasswordReset: builtin(decide.ActionPasswordReset, "verified"), decide.ActionUpdateContact: builtin(decide.ActionUpdateContact, "none"),
				},
			},
			Teams: map[string]decide.Team{
				"support": {Key: "support", AcceptTimeout: 10 * time.Minute, FallbackMessage: "We'll email you."},
			},
		},
		Analysis:       understand.Analyze(in.Text, understand.Options{OrderPrefixes: []string{"SP"}}),
		HandoffVersion: 1, CreditBalance: 100,
	}
	if strings.EqualFold(in.VerifiedEmail, ada.Email) {
		out.Contact = ada
	}
	if out.Analysis.OrderNumber == "" && in.ConversationOrder != "" &&
		actions.NeedsOrder(actions.Spec{Kind: actions.KindBuiltin, Name: string(out.Analysis.Intent)}) {
		out.Analysis.OrderNumber, out.OrderFromConversation = in.ConversationOrder, true
	}
	switch out.Analysis.OrderNumber {
	case "SP-1002":
		delivered := time.Now().Add(-5 * 24 * time.Hour)
		out.Order = &decide.Order{ID: "o2", Number: "SP-1002", Status: "delivered", DeliveredAt: &delivered, ContactEmail: ada.Email}
	case "SP-1003":
		out.Order = &decide.Order{ID: "o3", Number: "SP-1003", Status: "shipped", ContactEmail: "bram@example.com"}
	case "SP-1005":
		shipped := time.Now().Add(-20 * 24 * time.Hour)
		out.Order = &decide.Order{ID: "o5", Number: "SP-1005", Status: "delayed", ShippedAt: &shipped, ContactEmail: ada.Email}
	case "SP-1004":
		delivered := time.Now().Add(-40 * 24 * time.Hour)
		out.Order = &decide.Order{ID: "o4", Number: "SP-1004", Status: "delivered", DeliveredAt: &delivered, ContactEmail: ada.Email}
	}
	return out
}

// changeContext has every LoadContext of b return its context as change
// leaves it.
func changeContext(b *testBundle, change func(*activities.LoadContextResult)) {
	base := b.fake.context
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := base(in)
		change(&out)
		return out
	}
}

// fakeGenerate answers questions about shipping from the first passage
// and knows nothing else.
func fakeGenerate(question string, passages []activities.Passage) activities.GenerateResult {
	if !strings.Contains(strings.ToLower(question), "shipping") {
		return activities.GenerateResult{Text: answer.DontKnow, Confidence: 0.1}
	}
	p := passages[0]
	return activities.GenerateResult{Text: p.Text, Known: true, Confidence: 1,
		Citations: []answer.Citation{{SourceID: p.SourceID, Title: p.Title}}}
}

type testBundle struct {
	env  *testsuite.TestWorkflowEnvironment
	fake *fake
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	f := &fake{context: defaultContext, calls: map[string]int{}, codes: map[string]string{}}
	env := s.NewTestWorkflowEnvironment()
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.ConversationWorkflowID("ws-1", "conv-1")})
	var a *activities.Activities
	env.RegisterActivity(a)
	env.OnActivity(a.LoadContext, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.LoadContextInput) (activities.LoadContextResult, error) {
			f.call("LoadContext")
			return f.context(in), f.fails("LoadContext")
		})
	env.OnActivity(a.EvaluateRules, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.EvaluateRulesInput) (activities.EvaluateRulesResult, error) {
			f.call("EvaluateRules:" + in.Kind)
			out := activities.EvaluateRulesResult{Version: in.Version}
			if err := f.fails("EvaluateRules"); err != nil {
				return out, err
			}
			if in.Kind == "handoff" && f.handoffRule != nil {
				out.RuleCount = 1
				matched := strings.Contains(strings.ToLower(in.Env.Conversation.Text), f.trigger)
				if f.orderStatus != "" {
					// The rule reads the order instead: order.status == f.orderStatus.
					matched = in.Env.Order != nil && in.Env.Order.Status == f.orderStatus
				}
				out.Decision.Evaluations = []rules.Evaluation{{RuleID: f.handoffRule.ID, Matched: matched, Inputs: []string{"conversation.text"}}}
				if matched {
					r := *f.handoffRule
					out.Decision.Matched = &r
				}
			}
			return out, nil
		})
	env.OnActivity(a.Retrieve, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RetrieveInput) (activities.RetrieveResult, error) {
			f.call("Retrieve")
			if err := f.fails("Retrieve"); err != nil {
				return activities.RetrieveResult{}, err
			}
			out := activities.RetrieveResult{Passages: []activities.Passage{{SourceID: "src-1", Title: "Shipping", Text: "Shipping takes 3 days.", Score: 2}}}
			if in.Answer && f.localAnswers {
				gen := fakeGenerate(in.Query, out.Passages)
				out.Answer = &gen
				out.Passages[0].Text = ""
			}
			return out, nil
		})
	env.OnActivity(a.AgentStep, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.AgentStepInput) (answer.Step, error) {
			f.call("AgentStep")
			f.mu.Lock()
			f.steps = append(f.steps, in)
			script := f.model
			f.mu.Unlock()
			if script == nil {
				return answer.Step{}, temporal.NewNonRetryableApplicationError("no model is configured", "NoModel", nil)
			}
			return script(in)
		})
	env.OnActivity(a.Generate, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.GenerateInput) (activities.GenerateResult, error) {
			f.call("Generate")
			return fakeGenerate(in.Question, in.Passages), f.fails("Generate")
		})
	env.OnActivity(a.RecordTurn, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RecordTurnInput) (activities.RecordTurnResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.poisoned(in) {
				return activities.RecordTurnResult{}, temporal.NewNonRetryableApplicationError("invalid byte sequence", activities.ErrUnwritableRecord, nil)
			}
			f.recorded = append(f.recorded, in)
			return activities.RecordTurnResult{}, nil
		})
	env.OnActivity(a.RecordTurns, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RecordTurnsInput) (activities.RecordTurnResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.batches = append(f.batches, len(in.Records))
			if f.poisoned(in.Records...) {
				return activities.RecordTurnResult{}, temporal.NewNonRetryableApplicationError("invalid byte sequence", activities.ErrUnwritableRecord, nil)
			}
			f.recorded = append(f.recorded, in.Records...)
			return activities.RecordTurnResult{}, nil
		})
	env.OnActivity(a.ChargeResolution, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ChargeInput) (activities.ChargeResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.charges = append(f.charges, in)
			return activities.ChargeResult{Charged: true}, nil
		})
	env.OnActivity(a.ReverseCharges, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ReverseInput) (activities.ReverseResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.reverses = append(f.reverses, in)
			return activities.ReverseResult{Reversed: 1}, nil
		})
	env.OnActivity(a.OrderStatus, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ActionInput) (activities.ActionResult, error) {
			f.call("OrderStatus")
			if err := f.fails("OrderStatus"); err != nil {
				return activities.ActionResult{}, err
			}
			return activities.ActionResult{Text: "Order " + in.OrderNumber + " was delivered."}, nil
		})
	env.OnActivity(a.CallAction, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CallActionInput) (activities.CallActionResult, error) {
			f.call("CallAction")
			f.mu.Lock()
			f.called = append(f.called, in)
			f.mu.Unlock()
			if in.Inputs["order_ref"] == "999999" {
				return activities.CallActionResult{}, temporal.NewNonRetryableApplicationError(
					"I couldn't do that: order 999999 does not exist", activities.ErrActionFailed, nil)
			}
			if err := f.fails("CallAction"); err != nil {
				return activities.CallActionResult{}, err
			}
			return activities.CallActionResult{Text: "Size changed to " + in.Inputs["size"] + ".", Status: 200}, nil
		})
	env.OnActivity(a.CreateReturn, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ActionInput) (activities.ActionResult, error) {
			f.call("CreateReturn")
			return activities.ActionResult{ReturnID: "ret-1"}, nil
		})
	env.OnActivity(a.SendReturnLabel, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ActionInput) (activities.ActionResult, error) {
			f.call("SendReturnLabel")
			if f.failLabel {
				return activities.ActionResult{}, temporal.NewNonRetryableApplicationError("mail server down", "MailFailed", nil)
			}
			return activities.ActionResult{Text: "Return started.", ReturnID: in.ReturnID}, nil
		})
	env.OnActivity(a.CancelReturn, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ActionInput) (activities.ActionResult, error) {
			f.call("CancelReturn:" + in.ReturnID)
			return activities.ActionResult{}, nil
		})
	env.OnActivity(a.PasswordReset, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ActionInput) (activities.ActionResult, error) {
			f.call("PasswordReset")
			return activities.ActionResult{Text: "Reset link sent."}, nil
		})
	env.OnActivity(a.QualifyLead, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.QualifyLeadInput) (activities.QualifyLeadResult, error) {
			f.call("QualifyLead")
			// The fake scores 1 per employee, threshold 50.
			score := in.Answers["employees"].(float64)
			return activities.QualifyLeadResult{ContactID: "contact-ada", Score: score, Qualified: score >= 50, Threshold: 50}, nil
		})
	env.OnActivity(a.ClassifyIssue, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ClassifyIssueInput) (activities.ClassifyIssueResult, error) {
			f.call("ClassifyIssue")
			if strings.Contains(strings.ToLower(in.Text), "shipping") {
				return activities.ClassifyIssueResult{IssueType: "shipping", Confidence: 0.9}, nil
			}
			return activities.ClassifyIssueResult{IssueType: "unknown", Unknown: true}, nil
		})
	env.OnActivity(a.SendVerificationCode, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SendCodeInput) (activities.SendCodeResult, error) {
			f.call("SendVerificationCode:" + in.Email)
			f.mu.Lock()
			defer f.mu.Unlock()
			onFile := in.Email == ada.Email || in.Email == "bram@example.com"
			if onFile {
				f.codes[in.Email] = "424242"
				f.attempts = 0
			}
			return activities.SendCodeResult{Sent: onFile}, nil
		})
	env.OnActivity(a.CheckVerificationCode, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CheckCodeInput) (activities.CheckCodeResult, error) {
			f.call("CheckVerificationCode")
			f.mu.Lock()
			defer f.mu.Unlock()
			for email, code := range f.codes {
				switch {
				case f.attempts >= decide.CodeAttempts:
					return activities.CheckCodeResult{Outcome: decide.CodeLocked}, nil
				case in.Code == code:
					delete(f.codes, email)
					return activities.CheckCodeResult{Outcome: decide.CodeVerified, Email: email}, nil
				}
				f.attempts++
				return activities.CheckCodeResult{Outcome: decide.CodeWrong, AttemptsLeft: decide.CodeAttempts - f.attempts}, nil
			}
			return activities.CheckCodeResult{Outcome: decide.CodeExpired}, nil
		})
	env.OnActivity(a.UpdateContact, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ActionInput) (activities.ActionResult, error) {
			f.call("UpdateContact:" + in.ContactID)
			return activities.ActionResult{Text: "Done: I've updated your phone."}, nil
		})
	env.OnActivity(a.NotifyTeam, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.NotifyTeamInput) (activities.NotifyTeamResult, error) {
			f.call("NotifyTeam")
			return activities.NotifyTeamResult{Sent: true}, nil
		})
	return &testBundle{env: env, fake: f}
}

var input = workflows.ConversationInput{
	WorkspaceID: "ws-1", ConversationID: "conv-1", ChannelID: "ch-1", ChannelType: "chat",
	InactivityTimeout: time.Hour,
}

type updateResult struct {
	reply    workflows.AgentReply
	err      error
	rejected error
	done     bool
}

// send delivers a customer message after delay.
func (b *testBundle) send(delay time.Duration, msg workflows.CustomerMessage) *updateResult {
	out := &updateResult{}
	b.env.RegisterDelayedCallback(func() {
		b.env.UpdateWorkflow(workflows.UpdateCustomerMessage, msg.ID, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { out.rejected = err },
			OnAccept: func() {},
			OnComplete: func(v any, err error) {
				out.done, out.err = true, err
				if err == nil {
					out.reply = v.(workflows.AgentReply)
				}
			},
		}, msg)
	}, delay)
	return out
}

func (b *testBundle) signal(delay time.Duration, name string, arg any) {
	b.env.RegisterDelayedCallback(func() { b.env.SignalWorkflow(name, arg) }, delay)
}

func (b *testBundle) query(delay time.Duration) *workflows.ConversationState {
	var state workflows.ConversationState
	b.env.RegisterDelayedCallback(func() {
		v, err := b.env.QueryWorkflow(workflows.QueryState)
		if err == nil {
			_ = v.Get(&state)
		}
	}, delay)
	return &state
}

func (b *testBundle) run(t *testing.T, in workflows.ConversationInput) workflows.ConversationResult {
	t.Helper()
	if in.Revision == 0 {
		in.Revision = workflows.CurrentRevision // as the API starts a conversation
	}
	b.env.ExecuteWorkflow(workflows.ConversationWorkflow, in)
	require.True(t, b.env.IsWorkflowCompleted())
	require.NoError(t, b.env.GetWorkflowError())
	var res workflows.ConversationResult
	require.NoError(t, b.env.GetWorkflowResult(&res))
	return res
}

// msg is a message from Ada, who proved who she is (a token from the site).
func msg(id, text string) workflows.CustomerMessage {
	return workflows.CustomerMessage{ID: id, Text: text, ChannelID: "ch-1", ContactEmail: "ada@example.com",
		Verified: &workflows.Identity{Email: "ada@example.com", Method: workflows.IdentityToken}}
}

func anon(id, text string) workflows.CustomerMessage {
	return workflows.CustomerMessage{ID: id, Text: text, ChannelID: "ch-1"}
}

func (f *fake) decisions(kind string) []activities.DecisionRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []activities.DecisionRecord
	for _, r := range f.recorded {
		for _, d := range r.Decisions {
			if d.Kind == kind {
				out = append(out, d)
			}
		}
	}
	return out
}

func (f *fake) messages(role string) []activities.TranscriptMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []activities.TranscriptMessage
	for _, r := range f.recorded {
		for _, m := range r.Messages {
			if m.Role == role {
				out = append(out, m)
			}
		}
	}
	return out
}

func (f *fake) last() activities.RecordTurnInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.recorded[len(f.recorded)-1]
}

func TestResolvedConversationConsumesExactlyOneCredit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	second := b.send(2*time.Minute, msg("m2", "And is shipping free?"))
	b.signal(3*time.Minute, workflows.SignalCustomerFeedback, workflows.CustomerFeedback{Helpful: true})
	b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{By: "customer"})

	res := b.run(t, input)

	require.NoError(t, first.err)
	require.Equal(t, "Shipping takes 3 days.", first.reply.Text)
	require.Equal(t, "src-1", first.reply.Citations[0].SourceID)
	require.True(t, second.done)
	require.Equal(t, workflows.StatusResolved, res.Status)
	require.True(t, res.Charged)
	require.Len(t, b.fake.charges, 1)
	require.Equal(t, "ws-1", b.fake.charges[0].WorkspaceID)
	require.Equal(t, models.ConversationRowID(workflows.ConversationWorkflowID("ws-1", "conv-1")), b.fake.charges[0].ConversationRowID)
	// The handoff rules were evaluated with the pinned version, every turn.
	require.Equal(t, 2, b.fake.count("EvaluateRules:handoff"))
	require.Len(t, b.fake.decisions("handoff_rules"), 2)
	require.EqualValues(t, 1, b.fake.decisions("handoff_rules")[0].Detail["version"])
	last := b.fake.last()
	require.True(t, last.Conversation.Resolved)
	require.NotNil(t, last.Conversation.EndedAt)
	require.Positive(t, last.Conversation.FirstAnswerMs)
}

func TestDuplicateMessageIDGetsSameReplyWithoutSecondTurn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	again := b.send(2*time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.NoError(t, again.err)
	require.Equal(t, first.reply, again.reply)
	require.Equal(t, 1, b.fake.count("Generate"))
	require.Len(t, b.fake.messages("customer"), 1)
}

func TestValidatorRejectsBadMessagesAndWritesNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		msg     workflows.CustomerMessage
		errType string
	}{
		{"empty text", msg("m1", "   "), workflows.ErrInvalidMessage},
		{"too long", msg("m1", strings.Repeat("é", decide.MaxMessageChars+1)), workflows.ErrInvalidMessage},
		{"invalid UTF-8", msg("m1", "bad \xff byte"), workflows.ErrInvalidMessage},
		{"no id", msg("", "hello"), workflows.ErrInvalidMessage},
		{"other channel", workflows.CustomerMessage{ID: "m1", Text: "hi", ChannelID: "ch-2"}, workflows.ErrConversationNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			out := b.send(time.Minute, tc.msg)
			b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
			res := b.run(t, input)
			var app *temporal.ApplicationError
			require.True(t, errors.As(out.rejected, &app), "got %v", out.rejected)
			require.Equal(t, tc.errType, app.Type())
			require.Zero(t, b.fake.count("LoadContext"), "a rejected message runs no turn")
			require.Empty(t, b.fake.messages("customer"))
			require.Equal(t, workflows.StatusClosedUnresolved, res.Status)
		})
	}
}

func TestInactivityEndsTheConversation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(30*time.Minute, msg("m1", "How long does shipping take?"))
	// Each message restarts the hour.
	second := b.send(80*time.Minute, msg("m2", "Is shipping faster by express?"))
	res := b.run(t, input)
	require.NoError(t, second.err)
	require.True(t, second.done)
	require.Equal(t, workflows.StatusResolved, res.Status)
	require.Equal(t, 2, b.fake.count("Generate"))
}

func TestClarifyThenDontKnowThenHandOffAfterTwoUnknowns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r1 := b.send(time.Minute, msg("m1", "What about the thing?"))
	r2 := b.send(2*time.Minute, msg("m2", "The blue one, is it good?"))
	r3 := b.send(3*time.Minute, msg("m3", "Tell me about gizmos"))
	state := b.query(4 * time.Minute)
	b.signal(5*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)

	require.Contains(t, r1.reply.Text, "could you tell me a little more")
	require.Equal(t, answer.DontKnow, r2.reply.Text)
	require.False(t, r2.reply.HandedOff)
	require.True(t, r3.reply.HandedOff)
	require.Equal(t, decide.JoinSentences(decide.DontKnowAgainText, decide.TransferText), r3.reply.Text,
		"a person is coming: the customer is not asked to rephrase")
	require.Equal(t, workflows.StatusHandedOff, r3.reply.Status)
	require.Equal(t, decide.TriggerUnansweredTwice, state.Handoff.Trigger)
	// The clarifying question and each "I don't know" recorded a knowledge
	// gap; the second "I don't know" led to the handoff.
	var reasons []string
	for _, r := range b.fake.recorded {
		if r.Gap != nil {
			reasons = append(reasons, r.Gap.Reason)
		}
	}
	require.Equal(t, []string{decide.GapLowConfidence, decide.GapUnanswered, decide.GapHandoff}, reasons)
	require.Equal(t, workflows.StatusClosedUnresolved, res.Status)
	require.Empty(t, b.fake.charges)
}

func refundRule(mode rules.HandoffMode) *rules.Rule {
	return &rules.Rule{ID: "rule-refund", Name: "Refunds go to a person", Kind: rules.KindHandoff, Enabled: true,
		Condition: `containsAny(conversation.text, ["refund"])`, Mode: mode, Team: "support", Message: "A person will help with your refund."}
}

func TestTransferNowThenRepAcceptsRepliesAndHandsBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.handoffRule, b.fake.trigger = refundRule(rules.ModeTransferNow), "refund"
	r1 := b.send(time.Minute, msg("m1", "I want a refund"))
	r2 := b.send(2*time.Minute, msg("m2", "Hello? Anyone?"))
	b.signal(3*time.Minute, workflows.SignalRepAccepted, workflows.RepAccepted{RepKeyID: "rep-1", RepName: "Rita"})
	afterAccept := b.query(3*time.Minute + time.Second)
	b.signal(4*time.Minute, workflows.SignalRepMessage, workflows.RepMessage{ID: "r1", RepKeyID: "rep-1", RepName: "Rita", Text: "Refund issued."})
	b.signal(5*time.Minute, workflows.SignalHandBack, workflows.HandBack{RepKeyID: "rep-1"})
	r3 := b.send(6*time.Minute, msg("m3", "Thanks! How long does shipping take?"))
	b.signal(7*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)

	require.Equal(t, "A person will help with your refund.", r1.reply.Text)
	require.True(t, r1.reply.HandedOff)
	require.Equal(t, workflows.StatusHandedOff, r1.reply.Status)
	require.Empty(t, r2.reply.Text, "transferred: the agent stays silent")
	require.Equal(t, 1, b.fake.count("Generate"), "only the message after hand-back was generated")
	require.Equal(t, workflows.StatusRepActive, afterAccept.Status)
	require.Equal(t, "Rita", afterAccept.Handoff.RepName)
	require.Equal(t, "Shipping takes 3 days.", r3.reply.Text)
	require.Equal(t, workflows.StatusAIActive, r3.reply.Status)
	require.Len(t, b.fake.messages("rep"), 1)
	// The handoff decision names the rule; a handed-off conversation is not
	// the agent's resolution.
	require.Equal(t, "rule-refund", b.fake.decisions("handoff")[0].Detail["rule_id"])
	require.Equal(t, workflows.StatusClosedUnresolved, res.Status)
	require.Empty(t, b.fake.charges)
	// Reps were told: a handoff event and the customer's message while waiting.
	kinds := map[string]int{}
	for _, r := range b.fake.recorded {
		for _, e := range r.Events {
			kinds[e.Kind]++
		}
	}
	require.Equal(t, 1, kinds["handoff"])
	require.Equal(t, 1, kinds["customer_message"])
	require.Equal(t, 1, kinds["accepted"])
	require.Equal(t, 1, kinds["handed_back"])
}

func TestKeepAssistingAnswersWhileTheTeamIsTold(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.handoffRule, b.fake.trigger = refundRule(rules.ModeKeepAssisting), "shipping"
	r1 := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	r2 := b.send(2*time.Minute, msg("m2", "And shipping to Hawaii?"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, "Shipping takes 3 days. A person will help with your refund.", r1.reply.Text)
	require.True(t, r1.reply.HandedOff)
	require.Equal(t, workflows.StatusHandedOff, r1.reply.Status)
	require.Equal(t, "Shipping takes 3 days.", r2.reply.Text, "the agent keeps answering until a rep accepts")
}

func TestNoRepInTimeSendsFallbackAndFlags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.handoffRule, b.fake.trigger = refundRule(rules.ModeTransferNow), "refund"
	b.send(time.Minute, msg("m1", "I want a refund"))
	state := b.query(20 * time.Minute)
	b.signal(21*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.True(t, state.Handoff.Flagged)
	system := b.fake.messages("system")
	require.Len(t, system, 1)
	require.Equal(t, "We'll email you.", system[0].Text)
	require.Len(t, b.fake.decisions("handoff_timeout"), 1)
}

// TestRepWhoAcceptsAsTheTimerFiresKeepsTheConversation delivers the rep's
// acceptance in the workflow task where the accept timer fires: the signal
// is handled first, and no fallback is sent.
func TestRepWhoAcceptsAsTheTimerFiresKeepsTheConversation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.handoffRule, b.fake.trigger = refundRule(rules.ModeTransferNow), "refund"
	// The support team's accept timeout is 10 minutes from the handoff at
	// 1 minute. The acceptance comes just before and runs no workflow task:
	// the timer's task takes both.
	b.env.RegisterDelayedCallback(func() {
		b.env.SignalWorkflowSkippingWorkflowTask(workflows.SignalRepAccepted, workflows.RepAccepted{RepKeyID: "rep-1", RepName: "Rita"})
	}, 11*time.Minute-time.Millisecond)
	b.send(time.Minute, msg("m1", "I want a refund"))
	state := b.query(12 * time.Minute)
	b.signal(13*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, workflows.StatusRepActive, state.Status)
	require.False(t, state.Handoff.Flagged)
	for _, m := range b.fake.messages("system") {
		require.NotEqual(t, "We'll email you.", m.Text, "the fallback was sent")
	}
	require.Empty(t, b.fake.decisions("handoff_timeout"))
}

func TestOutsideWorkingHoursTellsWhenToExpectAPerson(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.handoffRule, b.fake.trigger = refundRule(rules.ModeTransferNow), "refund"
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		// A team that works one minute a week, Sunday 03:00 UTC.
		out.Teams["support"] = decide.Team{Key: "support", WorkingHours: "sun 03:00-03:01 UTC", AcceptTimeout: time.Minute}
		return out
	}
	// The test environment starts on a fixed date; pin it to a Monday.
	b.env.SetStartTime(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	r1 := b.send(time.Minute, msg("m1", "I want a refund"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Contains(t, r1.reply.Text, "Our team is available from Sunday 03:00 UTC; a person will reply then.")
}

func TestAskedForHumanHandsOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r1 := b.send(time.Minute, msg("m1", "Can I talk to a human please?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.True(t, r1.reply.HandedOff)
	require.Equal(t, decide.TriggerAskedForHuman, b.fake.decisions("handoff")[0].Detail["trigger"])
}

func TestCreditsExhaustedGoesToReps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		out.CreditBalance = 0
		return out
	}
	r1 := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.True(t, r1.reply.HandedOff)
	require.Zero(t, b.fake.count("Generate"))
	require.Equal(t, decide.TriggerCreditsExhausted, b.fake.decisions("handoff")[0].Detail["trigger"])
}

func TestIdentityCheckFailsWithoutRunningTheAction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	noEmail := b.send(time.Minute, anon("m1", "Where is my order SP-1002?"))
	typed := b.send(2*time.Minute, workflows.CustomerMessage{ID: "m2", Text: "Where is my order SP-1002?", ChannelID: "ch-1", ContactEmail: "eve@example.com"})
	right := b.send(3*time.Minute, msg("m3", "Where is my order SP-1002?"))
	b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, decide.NeedEmailText, noEmail.reply.Text)
	require.Equal(t, decide.CodeSentText("eve@example.com"), typed.reply.Text, "a given email gets a code, not the order")
	require.Equal(t, 1, b.fake.count("SendVerificationCode:eve@example.com"))
	require.Equal(t, "Order SP-1002 was delivered.", right.reply.Text)
	require.Equal(t, 1, b.fake.count("OrderStatus"))
}

// The attack from the trust issue: someone types another customer's email
// and asks to change their details. Nothing changes; the reply asks for the
// code sent to that customer's inbox.
func TestTypedEmailAuthorizesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.send(time.Minute, anon("m1", "Hi, my email is bram@example.com. Please change my phone number to +1 555 0199"))
	order := b.send(2*time.Minute, workflows.CustomerMessage{ID: "m2", Text: "Where is my order SP-1003?", ChannelID: "ch-1",
		ContactEmail: "bram@example.com"})
	state := b.query(3 * time.Minute)
	b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, decide.CodeSentText("bram@example.com"), r.reply.Text)
	require.Equal(t, decide.CodeSentText("bram@example.com"), order.reply.Text)
	require.Zero(t, b.fake.count("UpdateContact:"), "no contact changed")
	require.Zero(t, b.fake.count("OrderStatus"), "no order read")
	require.Nil(t, state.Verified)
	require.Empty(t, state.ContactID, "a typed email loads no contact")
	require.Empty(t, state.CustomerTier)
}

// A customer who gives an address gets a code there; the right code
// verifies the conversation and runs the action that waited.
func TestEmailCodeVerifiesAndRunsTheWaitingAction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	asked := b.send(time.Minute, anon("m1", "Where is my order SP-1002?"))
	sent := b.send(2*time.Minute, anon("m2", "it's ada@example.com"))
	wrong := b.send(3*time.Minute, anon("m3", "111111"))
	right := b.send(4*time.Minute, anon("m4", "The code is 424 242"))
	later := b.send(5*time.Minute, anon("m5", "And where is SP-1003?"))
	state := b.query(6 * time.Minute)
	b.signal(7*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, decide.NeedEmailText, asked.reply.Text)
	require.Equal(t, decide.CodeSentText("ada@example.com"), sent.reply.Text)
	require.Contains(t, wrong.reply.Text, "2 attempts left")
	require.Equal(t, "Order SP-1002 was delivered.", right.reply.Text, "the order asked about before runs once verified")
	require.Equal(t, decide.MismatchText, later.reply.Text, "a verified customer reads only their own orders")
	require.Equal(t, 1, b.fake.count("OrderStatus"))
	require.Equal(t, &workflows.Identity{Email: "ada@example.com", Method: workflows.IdentityEmailCode}, state.Verified)
	require.Nil(t, state.Verification)
	require.Equal(t, ada.ID, state.ContactID)
}

func TestWrongCodesEndTheVerification(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(time.Minute, anon("m1", "I want to return order SP-1002, my email is ada@example.com"))
	var replies []*updateResult
	for i, code := range []string{"000001", "000002", "000003", "424242"} {
		replies = append(replies, b.send(time.Duration(2+i)*time.Minute, anon(fmt.Sprintf("c%d", i), code)))
	}
	state := b.query(10 * time.Minute)
	b.signal(11*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Contains(t, replies[0].reply.Text, "2 attempts left")
	require.Contains(t, replies[1].reply.Text, "1 attempts left")
	require.Equal(t, decide.CodeLockedText, replies[2].reply.Text)
	require.NotContains(t, replies[3].reply.Text, "return", "the right code after the lock runs nothing")
	require.Zero(t, b.fake.count("CreateReturn"))
	require.Nil(t, state.Verified)
}

// A conversation bound to one verified customer refuses a message that
// proves another.
func TestAnotherVerifiedCustomerIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	bram := b.send(2*time.Minute, workflows.CustomerMessage{ID: "m2", Text: "Where is my order SP-1003?", ChannelID: "ch-1",
		Verified: &workflows.Identity{Email: "bram@example.com", Method: workflows.IdentityToken}})
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Error(t, bram.rejected)
	var app *temporal.ApplicationError
	require.True(t, errors.As(bram.rejected, &app))
	require.Equal(t, workflows.ErrIdentityConflict, app.Type())
	require.Zero(t, b.fake.count("OrderStatus"))
}

func TestReturnFailingHalfWayIsCompensated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.failLabel = true
	b.send(time.Minute, msg("m1", "I want to return order SP-1002"))
	r1 := b.send(2*time.Minute, msg("m2", "yes"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, 1, b.fake.count("CreateReturn"))
	require.Equal(t, 1, b.fake.count("SendReturnLabel"))
	require.Equal(t, 1, b.fake.count("CancelReturn:ret-1"))
	require.Contains(t, r1.reply.Text, "cancelled it")
	actions := b.fake.decisions("action")
	require.Equal(t, true, actions[len(actions)-1].Detail["compensated"])
}

func TestReturnOutsideTheWindowIsRefusedBeforeAnyConfirmation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.send(time.Minute, msg("m1", "I want to return order SP-1004"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.True(t, strings.HasSuffix(r.reply.Text, "more than 30 days ago, which is outside our return window."), r.reply.Text)
	require.Zero(t, b.fake.count("CreateReturn"))
}

func TestReturnWithinPolicy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	asked := b.send(time.Minute, msg("m1", "I want to return order SP-1002"))
	r1 := b.send(2*time.Minute, msg("m2", "Yes please, go ahead"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)
	require.Equal(t, "I'll start a return for order SP-1002 and email you the details. Shall I go ahead? (yes or no)", asked.reply.Text)
	require.Equal(t, "Return started.", r1.reply.Text)
	require.Zero(t, b.fake.count("CancelReturn:ret-1"))
	require.Equal(t, workflows.StatusResolved, res.Status, "an action the agent completed resolves the conversation")
}

// "Where is my order SP-1002?", then "Can I return it?": the return is
// for SP-1002, in runs of RevisionConversationOrder on; a run before it
// asks which order.
func TestAFollowUpIsAboutTheConversationsOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		revision int
		want     string
	}{
		{workflows.RevisionConversationOrder, "I'll start a return for order SP-1002 and email you the details. Shall I go ahead? (yes or no)"},
		{workflows.RevisionConversationOrder - 1, decide.NeedOrderText},
	} {
		t.Run(fmt.Sprint("revision ", tc.revision), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			status := b.send(time.Minute, msg("m1", "Where is my order SP-1002?"))
			asked := b.send(2*time.Minute, msg("m2", "Can I return it?"))
			b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
			in := input
			in.Revision = tc.revision
			b.run(t, in)
			require.Equal(t, "Order SP-1002 was delivered.", status.reply.Text)
			require.Equal(t, tc.want, asked.reply.Text)
			require.Zero(t, b.fake.count("CreateReturn"), "nothing changes before a yes")
		})
	}
}

// An action about the conversation's order that waits for the customer to
// verify stays about that order, though a message in between names another.
func TestAWaitingActionKeepsTheConversationsOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(time.Minute, anon("m1", "I have a question about SP-1002"))
	asked := b.send(2*time.Minute, anon("m2", "Can I return it? I am ada@example.com"))
	b.send(3*time.Minute, anon("m3", "My other order SP-1005 is late too"))
	code := b.send(4*time.Minute, anon("m4", "424242"))
	b.signal(5*time.Minute, workflows.SignalClose, workflows.Close{})
	in := input
	in.Revision = workflows.RevisionConversationOrder
	b.run(t, in)
	require.Equal(t, decide.CodeSentText("ada@example.com"), asked.reply.Text)
	require.Equal(t, "I'll start a return for order SP-1002 and email you the details. Shall I go ahead? (yes or no)", code.reply.Text)
}

func TestTestConversationNeverConsumesCredits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	in := input
	in.Test = true
	res := b.run(t, in)
	require.Equal(t, workflows.StatusResolved, res.Status)
	require.False(t, res.Charged)
	require.Empty(t, b.fake.charges)
}

func TestNegativeFeedbackIsNotAResolution(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalCustomerFeedback, workflows.CustomerFeedback{Helpful: false})
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)
	require.Equal(t, workflows.StatusClosedUnresolved, res.Status)
	require.Empty(t, b.fake.charges)
}

func TestReopenReversesThePreviousCharge(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		if in.First {
			out.Previous = &activities.PreviousConversation{RowID: "row-prev", ExternalID: "conv-0", EndedAt: time.Now().Add(-time.Hour)}
		}
		return out
	}
	b.send(time.Minute, msg("m1", "How long does shipping take? Still waiting."))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Len(t, b.fake.reverses, 1)
	require.Equal(t, "row-prev", b.fake.reverses[0].PreviousRowID)
	require.Equal(t, "row-prev", b.fake.recorded[0].ReopenOf)
	require.Len(t, b.fake.decisions("reopened"), 1)
}

// continuedAsNew runs the workflow, which must continue as new, and returns
// the next run's input.
func (b *testBundle) continuedAsNew(t *testing.T, in workflows.ConversationInput) workflows.ConversationInput {
	t.Helper()
	b.env.ExecuteWorkflow(workflows.ConversationWorkflow, in)
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(b.env.GetWorkflowError(), &can), "got %v", b.env.GetWorkflowError())
	var next workflows.ConversationInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	return next
}

func TestContinueAsNewKeepsStateAndIdempotency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.send(2*time.Minute, msg("m2", "Is shipping free over $75?"))
	in := input
	in.MaxTurnsPerRun = 2
	next := b.continuedAsNew(t, in)
	require.NotNil(t, next.Carried)
	require.True(t, next.Carried.Pinned)
	require.Equal(t, 1, next.Carried.HandoffVersion)
	require.Len(t, next.Carried.RecentReplies, 2)

	// The next run answers a retried m1 from the carried replies.
	b2 := setup(t)
	again := b2.send(time.Minute, msg("m1", "How long does shipping take?"))
	b2.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	next.MaxTurnsPerRun = 0
	res := b2.run(t, next)
	require.Equal(t, first.reply, again.reply)
	require.Zero(t, b2.fake.count("Generate"))
	require.Zero(t, b2.fake.count("LoadContext"))
	require.Equal(t, workflows.StatusResolved, res.Status)
	require.Len(t, b2.fake.charges, 1)
}

// recordWrites lists when each record-writing activity started, as an
// offset from start.
func (b *testBundle) recordWrites(start time.Time) *[]string {
	var out []string
	b.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		if strings.HasPrefix(info.ActivityType.Name, "RecordTurn") {
			out = append(out, info.ActivityType.Name+"@"+b.env.Now().Sub(start).String())
		}
	})
	return &out
}

func TestRapidMessagesHaveTheirRecordsWrittenTogether(t *testing.T) {
	t.Parallel()
	b := setup(t)
	writes := b.recordWrites(b.env.Now())
	const ms = time.Millisecond
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.send(time.Minute+100*ms, msg("m2", "Is shipping free?"))
	b.send(time.Minute+200*ms, msg("m3", "Do you ship to Canada?"))
	b.send(time.Minute+300*ms, msg("m4", "What does shipping cost?"))
	b.send(time.Minute+1200*ms, msg("m5", "Thanks, and express shipping?"))
	b.signal(10*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)

	// The first record creates the row before the reply, by a local
	// activity (which the listener does not see); m2 comes after a quiet
	// spell and is written at once; m3 and m4 wait until 500 ms after m2's
	// write and are written together; m5 comes later than that.
	require.Equal(t, []string{"RecordTurn@1m0.1s", "RecordTurns@1m0.6s", "RecordTurn@1m1.2s", "RecordTurn@10m0s"}, *writes)
	require.Equal(t, "m1", b.fake.recorded[0].Messages[0].ClientID, "the first record is written first")
	require.Equal(t, []int{2}, b.fake.batches)
	var ids []string
	for _, m := range b.fake.messages(workflows.RoleCustomer) {
		ids = append(ids, m.ClientID)
	}
	require.Equal(t, []string{"m1", "m2", "m3", "m4", "m5"}, ids, "every message recorded once, in order")
}

func TestARecordARepWatchesForIsNotHeldBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.handoffRule, b.fake.trigger = refundRule(rules.ModeTransferNow), "refund"
	writes := b.recordWrites(b.env.Now())
	const ms = time.Millisecond
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.send(time.Minute+100*ms, msg("m2", "Is shipping free?"))
	b.send(time.Minute+200*ms, msg("m3", "Do you ship to Canada?"))
	handedOff := b.send(time.Minute+300*ms, msg("m4", "I want a refund"))
	b.signal(10*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)

	require.True(t, handedOff.reply.HandedOff)
	// m3 could have waited, but the handoff cannot: both are written with it.
	require.Equal(t, []string{"RecordTurn@1m0.1s", "RecordTurns@1m0.3s", "RecordTurn@10m0s"}, *writes)
	require.Equal(t, []int{2}, b.fake.batches)
	require.Equal(t, "handoff", b.fake.recorded[3].Events[0].Kind)
}

func TestInactivityCountsFromTheLastMessage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := b.env.Now()
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.send(40*time.Minute, msg("m2", "Is shipping free?"))
	b.send(70*time.Minute, msg("m3", "Do you ship to Canada?"))
	res := b.run(t, input) // an hour's inactivity ends it

	require.Equal(t, workflows.StatusResolved, res.Status)
	end := b.fake.last().Conversation.EndedAt
	require.NotNil(t, end)
	// The timer started at the first message fires at 61m, finds the
	// conversation active since, and waits for the rest.
	require.Equal(t, 130*time.Minute, end.Sub(start))
}

func TestContinueAsNewHandsOnUnwrittenRecords(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const ms = time.Millisecond
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.send(2*time.Minute, msg("m2", "Is shipping free?"))
	b.send(2*time.Minute+100*ms, msg("m3", "Do you ship to Canada?"))
	in := input
	in.MaxTurnsPerRun = 3
	next := b.continuedAsNew(t, in)
	// m3's record was waiting for m2's write to be 500 ms old: the run did
	// not wait for it, the next run writes it.
	require.Len(t, next.Unwritten, 1)
	require.Equal(t, "m3", next.Unwritten[0].Record.Messages[0].ClientID)
	for _, r := range b.fake.recorded {
		require.NotEqual(t, "m3", r.Messages[0].ClientID)
	}

	b2 := setup(t)
	b2.signal(time.Minute, workflows.SignalClose, workflows.Close{})
	next.MaxTurnsPerRun = 0
	b2.run(t, next)
	require.Equal(t, "m3", b2.fake.recorded[0].Messages[0].ClientID, "written first")
}

func TestMessagesAfterCloseAreRejected(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	late := b.send(2*time.Minute, msg("m9", "Hello?"))
	b.run(t, input)
	require.False(t, late.done, "a message after close must not be answered by the closing run")
	var app *temporal.ApplicationError
	require.ErrorAs(t, late.rejected, &app)
	require.Equal(t, workflows.ErrConversationClosed, app.Type())
}

// TestMessageInTheCloseTaskIsRejected delivers a close signal and a message
// in one workflow task, as the server does when the message arrives before
// the worker has taken the signal: the message's validator runs before the
// main loop takes the signal, and must see the close all the same.
func TestMessageInTheCloseTaskIsRejected(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	late := &updateResult{}
	b.env.RegisterDelayedCallback(func() {
		// The signal is delivered without running the workflow: the update's
		// task runs both.
		b.env.SignalWorkflowSkippingWorkflowTask(workflows.SignalClose, workflows.Close{})
		b.env.UpdateWorkflow(workflows.UpdateCustomerMessage, "m9", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { late.rejected = err },
			OnAccept:   func() {},
			OnComplete: func(any, error) { late.done = true },
		}, msg("m9", "One more thing: do you ship to Canada?"))
	}, 2*time.Minute)
	res := b.run(t, input)
	require.False(t, late.done, "the closing run answered a message sent after the close")
	var app *temporal.ApplicationError
	require.ErrorAs(t, late.rejected, &app)
	require.Equal(t, workflows.ErrConversationClosed, app.Type())
	require.True(t, res.Resolved)
}

func leadContext(in activities.LoadContextInput) activities.LoadContextResult {
	out := defaultContext(in)
	out.Lead = &decide.LeadConfig{Threshold: 50, Team: "sales", Questions: []models.LeadQuestion{
		{Property: "employees", Question: "How many people work at your company?", Kind: models.LeadNumber},
		{Property: "timeline", Question: "When would you like to order?", Kind: models.LeadChoice, Choices: []string{"this month", "later"}},
	}}
	out.Teams["sales"] = decide.Team{Key: "sales", AcceptTimeout: time.Hour}
	return out
}

func TestQualifiedLeadGoesToSalesWithItsScore(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.context = leadContext
	r1 := b.send(time.Minute, msg("m1", "Do you offer volume discounts for our office?"))
	r2 := b.send(2*time.Minute, msg("m2", "not sure"))
	r3 := b.send(3*time.Minute, msg("m3", "About 120 people"))
	r4 := b.send(4*time.Minute, msg("m4", "This month please"))
	state := b.query(5 * time.Minute)
	b.signal(6*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)

	require.Contains(t, r1.reply.Text, "How many people work at your company?")
	require.Contains(t, r2.reply.Text, "a number is fine")
	require.Equal(t, "When would you like to order?", r3.reply.Text)
	require.True(t, r4.reply.HandedOff)
	require.Equal(t, "sales", state.Handoff.Team)
	require.Equal(t, decide.TriggerQualifiedLead, state.Handoff.Trigger)
	require.Equal(t, 120.0, *state.Handoff.Score)
	require.Equal(t, map[string]any{"employees": 120.0, "timeline": "this month"}, state.Lead.Answers)
	var handoff activities.RepEventRecord
	for _, r := range b.fake.recorded {
		for _, e := range r.Events {
			if e.Kind == "handoff" {
				handoff = e
			}
		}
	}
	require.Equal(t, 120.0, handoff.Payload["lead_score"])
	require.Zero(t, b.fake.count("Generate"), "the dialogue needs no retrieval")
}

func TestUnqualifiedLeadStaysWithTheAgent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.context = leadContext
	b.send(time.Minute, msg("m1", "Can I get a quote for my team?"))
	b.send(2*time.Minute, msg("m2", "3"))
	r3 := b.send(3*time.Minute, msg("m3", "later"))
	state := b.query(4 * time.Minute)
	b.signal(5*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)
	require.False(t, r3.reply.HandedOff)
	require.Nil(t, state.Handoff)
	require.True(t, state.Lead.Done)
	require.False(t, state.Lead.Qualified)
	require.Equal(t, 1, b.fake.count("QualifyLead"))
	require.Equal(t, workflows.StatusResolved, res.Status)
}

func TestLocalGenerationAnswersTheSame(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		out.LocalGeneration = true
		return out
	}
	r1 := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)
	require.Equal(t, "Shipping takes 3 days.", r1.reply.Text)
	require.Equal(t, 1, b.fake.count("Generate"))
	require.Equal(t, workflows.StatusResolved, res.Status)
}

func TestRetrieveWritesTheExtractiveReply(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.localAnswers = true
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		out.LocalGeneration = true
		return out
	}
	r1 := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	r2 := b.send(2*time.Minute, msg("m2", "Do you like jazz?"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, "Shipping takes 3 days.", r1.reply.Text)
	require.Equal(t, []answer.Citation{{SourceID: "src-1", Title: "Shipping"}}, r1.reply.Citations)
	require.Contains(t, r2.reply.Text, "could you tell me a little more")
	require.Zero(t, b.fake.count("Generate"))
}

func TestIssueTypeIsDetectedAndUnknownIsAGap(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		out.HasIssueTypes = true
		return out
	}
	r1 := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.send(2*time.Minute, msg("m2", "Do you like jazz?"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, "shipping", r1.reply.IssueType)
	require.Equal(t, 2, b.fake.count("ClassifyIssue"))
	gaps := 0
	for _, r := range b.fake.recorded {
		if r.Gap != nil {
			gaps++
			require.Equal(t, "Do you like jazz?", r.Gap.Question)
		}
	}
	require.Equal(t, 1, gaps)
	require.Equal(t, "shipping", b.fake.last().Conversation.IssueType)
}

// classifying is the default context of a workspace with issue types,
// where each text of issueTypes is of its issue type and any other of none.
func classifying(issueTypes map[string]string) func(activities.LoadContextInput) activities.LoadContextResult {
	return func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		out.HasIssueTypes = true
		if it, ok := issueTypes[in.Text]; ok {
			out.Issue = &activities.ClassifyIssueResult{IssueType: it, Confidence: 0.9}
		}
		return out
	}
}

// TestSearchAttributesComeWithTheRecords: from RevisionSearchWithRecords
// on, a turn the agent answers alone updates the search attributes with
// the write of its record, so turns sent within the record interval of one
// another are upserted once, after their replies, and the last upsert has
// the conversation as the last turn left it. A run of the revision before
// upserts in each turn that changes an attribute.
func TestSearchAttributesComeWithTheRecords(t *testing.T) {
	t.Parallel()
	type upsert struct {
		issueType string
		at        time.Time
	}
	topics := []struct{ id, text, issueType string }{
		{"m1", "How long does shipping take?", "shipping"},
		{"m2", "Is return shipping free?", "returns"},
		{"m3", "Do you offer express shipping?", "shipping"},
		{"m4", "Is shipping billed to my card?", "billing"},
	}
	for _, tc := range []struct {
		name     string
		revision int
		want     []string // the issue type of each upsert while the customer writes
	}{
		{"before", workflows.RevisionOneTaskTurns, []string{"shipping", "returns", "shipping", "billing"}},
		// The third turn's issue type is never upserted: the fourth's
		// replaced it before the records were written.
		{"with records", workflows.RevisionSearchWithRecords, []string{"shipping", "returns", "billing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			issueTypes := map[string]string{}
			for _, tp := range topics {
				issueTypes[tp.text] = tp.issueType
			}
			b.fake.context = classifying(issueTypes)
			var upserts []upsert
			b.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
				sa := args.Get(0).(temporal.SearchAttributes)
				if v, ok := sa.GetKeyword(workflows.SearchIssueType); ok {
					upserts = append(upserts, upsert{v, b.env.Now()})
				}
			}).Return(nil)
			// Four messages 100 ms apart, each on another topic, each
			// answered by the agent (the fake answers about shipping).
			replies := make([]*updateResult, len(topics))
			replied := make([]time.Time, len(topics))
			for i, tp := range topics {
				replies[i] = b.send(time.Minute+time.Duration(i)*100*time.Millisecond, msg(tp.id, tp.text))
			}
			for i := range topics {
				b.env.RegisterDelayedCallback(func() { replied[i] = b.env.Now() }, time.Minute+time.Duration(i)*100*time.Millisecond+time.Millisecond)
			}
			b.signal(time.Hour, workflows.SignalClose, workflows.Close{})
			in := input
			in.Revision = tc.revision
			start := b.env.Now()
			b.run(t, in)

			for i, r := range replies {
				require.True(t, r.done, topics[i].id)
				require.NoError(t, r.err)
				require.Equal(t, topics[i].issueType, r.reply.IssueType, "the reply says the turn's issue type at once")
				require.True(t, r.reply.Known && !r.reply.HandedOff, topics[i].id)
			}
			// Upserts while the customer writes, before the close.
			var got []string
			var last upsert
			for _, u := range upserts {
				if u.at.Before(start.Add(time.Hour)) {
					got = append(got, u.issueType)
					last = u
				}
			}
			require.Equal(t, tc.want, got)
			require.Equal(t, "billing", last.issueType, "the attributes end as the last turn left them")
			if tc.revision >= workflows.RevisionSearchWithRecords {
				require.False(t, last.at.Before(replied[3]), "the last two turns are upserted once, after both replies")
			}
		})
	}
}

// TestAFirstTurnUpsertsOnlyWhatItLearns: from RevisionStartAttributes on, a
// run the API started with a new conversation's search attributes counts
// them as upserted, so a first turn that learns no attribute (no tier, no
// issue type) upserts nothing, and the next turn upserts the issue type it
// learns. A run of the revision before, or one started otherwise (a
// rehearsal's), upserts at the first turn.
func TestAFirstTurnUpsertsOnlyWhatItLearns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		revision int
		started  bool
		want     []string // the issue type of each upsert while the customer writes ("" for none)
	}{
		{"started by the API", workflows.RevisionStartAttributes, true, []string{"shipping"}},
		{"before", workflows.RevisionSearchWithRecords, true, []string{"", "shipping"}},
		{"started otherwise", workflows.RevisionStartAttributes, false, []string{"", "shipping"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.fake.context = classifying(map[string]string{"How long does shipping take?": "shipping"})
			var got []string
			var start time.Time
			b.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
				if b.env.Now().Before(start.Add(time.Hour)) {
					issueType, _ := args.Get(0).(temporal.SearchAttributes).GetKeyword(workflows.SearchIssueType)
					got = append(got, issueType)
				}
			}).Return(nil)
			// A customer who did not verify: no tier to learn.
			first := b.send(time.Minute, anon("m1", "Hello there"))
			second := b.send(2*time.Minute, anon("m2", "How long does shipping take?"))
			b.signal(time.Hour, workflows.SignalClose, workflows.Close{})
			in := input
			in.Revision, in.StartAttributes = tc.revision, tc.started
			start = b.env.Now()
			b.run(t, in)

			for _, r := range []*updateResult{first, second} {
				require.True(t, r.done)
				require.NoError(t, r.err)
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestLaterTurnsFollowTheConfigurationTheRunHolds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var digests []string
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		digests = append(digests, in.ConfigDigest)
		out := defaultContext(in)
		out.Settings.ReusableResponses = []models.ReusableResponse{{Name: "Hours", Triggers: []string{"opening hours"}, Response: "We are open 9 to 5."}}
		// As LoadContext does: a later turn's configuration is left out
		// when the run holds it.
		if !in.First {
			out.ConfigDigest = "d1"
			if in.ConfigDigest == "d1" {
				out.ConfigOmitted = true
				out.WorkspaceConfig = activities.WorkspaceConfig{}
			}
		}
		return out
	}
	r1 := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	r2 := b.send(2*time.Minute, msg("m2", "And to Canada, how long does shipping take?"))
	r3 := b.send(3*time.Minute, msg("m3", "What are your opening hours?"))
	b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)
	require.Equal(t, []string{"", "", "d1"}, digests)
	require.True(t, r1.reply.Known)
	require.True(t, r2.reply.Known)
	require.Equal(t, "We are open 9 to 5.", r3.reply.Text, "the held settings' reusable response")
	require.Equal(t, workflows.StatusResolved, res.Status)
}

// A message too short to tell its language is answered in the workspace's
// default language, and a message in another language moves the
// conversation to it.
func TestTheWorkspacesLanguageUntilTheCustomerShowsTheirs(t *testing.T) {
	t.Parallel()
	converse := func(defaultLanguage string) (first, second string) {
		b := setup(t)
		changeContext(b, func(out *activities.LoadContextResult) { out.DefaultLanguage = defaultLanguage })
		r1 := b.send(time.Minute, msg("m1", "gizmos?"))
		r2 := b.send(2*time.Minute, msg("m2", "How long does shipping take?"))
		b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
		b.run(t, input)
		return r1.reply.Text, r2.reply.Text
	}
	english, answered := converse("")
	german, again := converse("de")
	require.NotEqual(t, english, german)
	require.Equal(t, decide.Localize("de", english), german)
	require.Equal(t, answered, again, "an English question is answered in English")
}

// A request for a built-in action the workspace has not enabled, which the
// content does not answer either, goes to a person in runs of
// RevisionActionUnavailable on; before, the customer was asked to say more
// or to rephrase.
func TestAnActionTheAgentMayNotDoGoesToAPerson(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		revision  int
		handedOff bool
	}{
		{workflows.RevisionActionUnavailable, true},
		{workflows.RevisionActionUnavailable - 1, false},
	} {
		t.Run(fmt.Sprint("revision ", tc.revision), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			changeContext(b, func(out *activities.LoadContextResult) {
				out.Settings.Actions = maps.Clone(out.Settings.Actions)
				delete(out.Settings.Actions, decide.ActionPasswordReset)
			})
			r := b.send(time.Minute, msg("m1", "I forgot my password"))
			state := b.query(2 * time.Minute)
			b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
			in := input
			in.Revision = tc.revision
			b.run(t, in)
			require.Equal(t, tc.handedOff, r.reply.HandedOff)
			require.Zero(t, b.fake.count("PasswordReset"))
			if !tc.handedOff {
				require.NotContains(t, r.reply.Text, decide.ActionUnavailableText)
				return
			}
			require.Equal(t, decide.JoinSentences(decide.ActionUnavailableText, decide.TransferText), r.reply.Text)
			require.Equal(t, decide.TriggerActionUnavailable, state.Handoff.Trigger)
			require.Empty(t, b.fake.recorded[0].Gap, "no knowledge gap: the content is not what is missing")
		})
	}
}

// A cancellation or a wrong charge, which no built-in action puts right,
// goes to a person when the content does not answer it; a cancellation the
// content answers is answered.
func TestACancellationGoesToAPersonUnlessTheContentAnswersIt(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"Please cancel my order SP-1002", "I was charged twice for SP-1002"} {
		b := setup(t)
		b.fake.localAnswers = true
		r1 := b.send(time.Minute, msg("m1", text))
		state := b.query(2 * time.Minute)
		b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
		b.run(t, input)
		require.True(t, r1.reply.HandedOff, text)
		require.Equal(t, decide.JoinSentences(decide.ActionUnavailableText, decide.TransferText), r1.reply.Text)
		require.Equal(t, decide.TriggerActionUnavailable, state.Handoff.Trigger)
	}

	b := setup(t)
	b.fake.localAnswers = true
	r2 := b.send(time.Minute, msg("m1", "Can I cancel my order before shipping?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.False(t, r2.reply.HandedOff, r2.reply.Text)
	require.True(t, r2.reply.Known)
}

// "They" in a short message after an answered question follows it up in
// runs of RevisionTheyFollowUp on, "he" in runs of RevisionPersonFollowUp
// on: the search reads the question with it. Before, the message was
// searched alone.
func TestPronounsFollowUpTheQuestionBefore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		revision        int
		first, followUp string
		known           bool
	}{
		{workflows.RevisionTheyFollowUp, "Do you offer shipping to Canada?", "How long do they take?", true},
		{workflows.RevisionTheyFollowUp - 1, "Do you offer shipping to Canada?", "How long do they take?", false},
		{workflows.RevisionPersonFollowUp, "Do you offer shipping to my brother in Canada?", "How many days will he wait?", true},
		{workflows.RevisionPersonFollowUp - 1, "Do you offer shipping to my brother in Canada?", "How many days will he wait?", false},
	} {
		t.Run(fmt.Sprint("revision ", tc.revision, " ", tc.followUp), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.fake.localAnswers = true
			r1 := b.send(time.Minute, msg("m1", tc.first))
			r2 := b.send(2*time.Minute, msg("m2", tc.followUp))
			b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
			in := input
			in.Revision = tc.revision
			b.run(t, in)
			require.True(t, r1.reply.Known)
			require.Equal(t, tc.known, r2.reply.Known, r2.reply.Text)
		})
	}
}

// The same answer from content twice in a conversation, to a message that
// says rather than asks, goes to a person in runs of RevisionAnsweredAgain
// on: the customer is back because it did not help. Before, the answer was
// given again.
func TestTheSameAnswerAgainGoesToAPerson(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		revision  int
		handedOff bool
	}{
		{workflows.RevisionAnsweredAgain, true},
		{workflows.RevisionAnsweredAgain - 1, false},
	} {
		t.Run(fmt.Sprint("revision ", tc.revision), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.fake.localAnswers = true
			r1 := b.send(time.Minute, msg("m1", "How long does shipping take?"))
			// A question the same section answers is answered again.
			asked := b.send(2*time.Minute, msg("m2", "And how long does shipping to Canada take?"))
			r2 := b.send(3*time.Minute, msg("m3", "I asked how long shipping takes, it's late"))
			state := b.query(4 * time.Minute)
			b.signal(5*time.Minute, workflows.SignalClose, workflows.Close{})
			in := input
			in.Revision = tc.revision
			b.run(t, in)
			require.True(t, r1.reply.Known)
			require.False(t, r1.reply.HandedOff)
			require.False(t, asked.reply.HandedOff)
			require.Equal(t, r1.reply.Text, asked.reply.Text)
			require.Equal(t, tc.handedOff, r2.reply.HandedOff, r2.reply.Text)
			if !tc.handedOff {
				require.Equal(t, r1.reply.Text, r2.reply.Text)
				return
			}
			require.Equal(t, decide.JoinSentences(decide.AnsweredAgainText, decide.TransferText), r2.reply.Text)
			require.Empty(t, r2.reply.Citations)
			require.Equal(t, decide.TriggerAnsweredAgain, state.Handoff.Trigger)
		})
	}
}
