package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/workflows"
)

// A step that still fails after its retries answers the customer with an
// apology and a person, records the message, and answers the same message
// ID again with the same reply.
func TestFailingDependencyGetsAnApologyAndAPerson(t *testing.T) {
	t.Parallel()
	cases := []struct {
		activity, step, text string
	}{
		{"LoadContext", "context", "How long does shipping take?"},
		{"EvaluateRules", "rules", "How long does shipping take?"},
		{"Retrieve", "retrieval", "How long does shipping take?"},
		{"Generate", "model", "How long does shipping take?"},
		{"OrderStatus", "action", "Where is my order SP-1002?"},
	}
	for _, tc := range cases {
		t.Run(tc.activity, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.fake.failing = map[string]bool{tc.activity: true}
			first := b.send(time.Minute, msg("m1", tc.text))
			again := b.send(2*time.Minute, msg("m1", tc.text))
			state := b.query(3 * time.Minute)
			b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
			res := b.run(t, input)

			require.NoError(t, first.err)
			require.Equal(t, decide.ApologyText, first.reply.Text)
			require.True(t, first.reply.HandedOff)
			require.Equal(t, workflows.StatusHandedOff, first.reply.Status)
			require.Equal(t, first.reply, again.reply, "the same message ID gets the same reply")
			require.Equal(t, decide.TriggerDependencyFailure, state.Handoff.Trigger)
			require.Equal(t, "support", state.Handoff.Team)
			require.Equal(t, workflows.StatusClosedUnresolved, res.Status)

			failures := b.fake.decisions(string(decide.KindDependencyFailure))
			require.Len(t, failures, 1)
			require.Equal(t, tc.step, failures[0].Detail["step"])
			require.Len(t, b.fake.decisions(string(decide.KindHandoff)), 1)
			customer := b.fake.messages(workflows.RoleCustomer)
			require.Len(t, customer, 1, "the message is recorded once")
			require.Equal(t, tc.text, customer[0].Text)
			require.Len(t, b.fake.messages(workflows.RoleAgent), 1)
		})
	}
}

// A record the database refuses for its content is dropped and counted;
// the records after it are written.
func TestUnwritableRecordDoesNotHoldBackTheRest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.poison = "Is shipping free? (poison)"
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	// m2 is written at once; m3 and m4 come within the record interval and
	// are written together, and m3's record is refused.
	b.send(2*time.Minute, msg("m2", "Where do you ship?"))
	b.send(2*time.Minute+time.Millisecond, msg("m3", b.fake.poison))
	b.send(2*time.Minute+2*time.Millisecond, msg("m4", "Do you have express shipping?"))
	state := b.query(4 * time.Minute)
	b.signal(5*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)

	var texts []string
	for _, m := range b.fake.messages(workflows.RoleCustomer) {
		texts = append(texts, m.Text)
	}
	require.Equal(t, []string{"How long does shipping take?", "Where do you ship?", "Do you have express shipping?"}, texts)
	require.Equal(t, 1, state.UnwrittenRecords)
	require.Len(t, b.fake.decisions(string(decide.KindEnd)), 1, "the end is recorded")
	require.Contains(t, b.fake.batches, 2, "m3 and m4 were sent together first")
}

// An admin's test conversation changes nothing: actions that write are dry
// runs that say what would happen, no verification code is emailed, and no
// team webhook is called.
func TestTestConversationChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		out.Teams["support"] = decide.Team{Key: "support", HasWebhook: true}
		return out
	}
	in := input
	in.Test = true
	b.send(time.Minute, msg("m1", "I want to return order SP-1002"))
	ret := b.send(time.Minute+time.Second, msg("m1y", "yes"))
	status := b.send(2*time.Minute, msg("m2", "Where is my order SP-1002?"))
	b.send(3*time.Minute, workflows.CustomerMessage{ID: "m3", Text: "Please change my phone number to +1 555 0100",
		ChannelID: "ch-1", ContactEmail: "ada@example.com"})
	asked := b.send(3*time.Minute+time.Second, msg("m3y", "ok"))
	human := b.send(4*time.Minute, msg("m4", "I want to talk to a human"))
	b.signal(5*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, in)

	require.Equal(t, "Test conversation: I would start a return for order SP-1002 and email you the details. Nothing was changed.", ret.reply.Text)
	require.Zero(t, b.fake.count("CreateReturn"))
	require.Zero(t, b.fake.count("SendReturnLabel"))
	require.Equal(t, "Order SP-1002 was delivered.", status.reply.Text, "reading an order is no change")
	require.Equal(t, "Test conversation: I would change your phone number to +1 555 0100. Nothing was changed.", asked.reply.Text)
	require.Zero(t, b.fake.count("UpdateContact:contact-ada"))
	require.True(t, human.reply.HandedOff)
	require.Zero(t, b.fake.count("NotifyTeam"))
	require.Empty(t, b.fake.charges)
}

// In a test conversation no code is emailed: any 6 digits go on as the
// customer given, and the action that waited is a dry run.
func TestTestConversationSimulatesVerification(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := input
	in.Test = true
	asked := b.send(time.Minute, anon("m1", "I want to return order SP-1002, my email is ada@example.com"))
	b.send(2*time.Minute, anon("m2", "123456"))
	code := b.send(2*time.Minute+time.Second, anon("m3", "yes"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, in)
	require.Contains(t, asked.reply.Text, "Test conversation: a 6-digit code would be emailed to a••@example.com")
	require.Zero(t, b.fake.count("SendVerificationCode:ada@example.com"))
	require.Zero(t, b.fake.count("CheckVerificationCode"))
	require.Equal(t, "Test conversation: I would start a return for order SP-1002 and email you the details. Nothing was changed.", code.reply.Text)
	require.Zero(t, b.fake.count("CreateReturn"))
}

// Greetings, thanks and goodbyes get a fitting reply and answer no question:
// a conversation that only greeted consumes no credit; thanks after an
// answer record the customer's confirmation.
func TestSmallTalk(t *testing.T) {
	t.Parallel()
	b := setup(t)
	hi := b.send(time.Minute, msg("m1", "Hi there!"))
	bye := b.send(2*time.Minute, msg("m2", "thanks, bye"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)
	require.Equal(t, "Hi! How can I help you today?", hi.reply.Text)
	require.Equal(t, "Glad I could help. Have a great day!", bye.reply.Text)
	require.False(t, res.Resolved, "only small talk: not resolved")
	require.Empty(t, b.fake.charges)
	require.Zero(t, b.fake.count("Generate"))

	b = setup(t)
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	thanks := b.send(2*time.Minute, msg("m2", "thanks, that's all!"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	res = b.run(t, input)
	require.Equal(t, "Glad I could help. Have a great day!", thanks.reply.Text)
	require.True(t, res.Resolved)
	talk := b.fake.decisions(string(decide.KindSmallTalk))
	require.Len(t, talk, 1)
	require.Contains(t, talk[0].Summary, "confirmed it helped")
}

// A message that only opens the customer's business ("I ordered a notebook
// last week") is asked what the customer wants to know: no search answers
// it, it is no knowledge gap and no unanswered message, and the question
// that follows is read on its own. A model reads it itself.
func TestAPreambleIsAskedWhatTheCustomerWantsToKnow(t *testing.T) {
	t.Parallel()
	want, _ := decide.SmallTalkReply(decide.Preamble, false)
	b := setup(t)
	changeContext(b, func(out *activities.LoadContextResult) { out.HasIssueTypes = true })
	opened := b.send(time.Minute, msg("m1", "Hi, I ordered a notebook last week"))
	question := b.send(2*time.Minute, msg("m2", "I have a question about it"))
	when := b.send(3*time.Minute, msg("m3", "How long until it arrives?"))
	b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, input)
	require.Equal(t, want, opened.reply.Text)
	require.Equal(t, want, question.reply.Text)
	require.False(t, question.reply.HandedOff, "two preambles are not two unanswered messages")
	require.Equal(t, decide.NeedOrderText, when.reply.Text)
	gaps := 0
	for _, r := range b.fake.recorded {
		if r.Gap != nil {
			gaps++
			require.Equal(t, "How long until it arrives?", r.Gap.Question, "a preamble is no knowledge gap")
		}
	}
	require.Equal(t, 1, gaps, "the question's issue type is unknown")
	require.False(t, res.Resolved)
	require.Empty(t, b.fake.charges)
	talk := b.fake.decisions(string(decide.KindSmallTalk))
	require.Len(t, talk, 2)
	require.Equal(t, "preamble", talk[0].Detail["kind"])

	b, modelOpened := modelReads(t, input, "Hi, I ordered a notebook last week", "Thanks! What would you like to know about your notebook order?")
	require.NotEqual(t, want, modelOpened.Text)
	require.Empty(t, b.fake.decisions(string(decide.KindSmallTalk)))
}

// modelReads runs a conversation of one message with a model configured,
// which answers it with reply, and returns the agent's reply.
func modelReads(t *testing.T, in workflows.ConversationInput, message, reply string) (*testBundle, workflows.AgentReply) {
	t.Helper()
	b := setup(t)
	withModel(b, func(activities.AgentStepInput) (answer.Step, error) {
		return answer.Step{Model: "scripted", Text: reply}, nil
	})
	sent := b.send(time.Minute, msg("m1", message))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, in)
	require.Len(t, b.fake.steps, 1, "the model read it")
	return b, sent.reply
}

// A bare yes or no that no question waits for is small talk, in runs of
// RevisionYesNo on; before, it was answered from the content. A model reads
// it itself.
func TestABareYesOrNoIsSmallTalk(t *testing.T) {
	t.Parallel()
	const agree, decline = "Sure. What can I help you with?", "All right. If anything else comes up, just write here."
	in := input
	in.Revision = workflows.RevisionYesNo
	b := setup(t)
	b.send(time.Minute, msg("m1", "How long does shipping take?"))
	ok := b.send(2*time.Minute, msg("m2", "ok"))
	no := b.send(3*time.Minute, msg("m3", "no thanks"))
	b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
	res := b.run(t, in)
	require.Equal(t, agree, ok.reply.Text)
	require.Equal(t, decline, no.reply.Text)
	require.True(t, res.Resolved, "the answer before stands")
	require.Len(t, b.fake.decisions(string(decide.KindSmallTalk)), 2)

	b = setup(t)
	before := b.send(time.Minute, msg("m1", "no thanks"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	old := in
	old.Revision = workflows.RevisionYesNo - 1
	b.run(t, old)
	require.NotEqual(t, decline, before.reply.Text)
	require.Empty(t, b.fake.decisions(string(decide.KindSmallTalk)))

	b, modelNo := modelReads(t, in, "no", "Then I'll leave it there.")
	require.NotEqual(t, decline, modelNo.Text)
	require.Empty(t, b.fake.decisions(string(decide.KindSmallTalk)))
}

// A greeting in Italian, Portuguese or Dutch, and thanks with a form of
// address, are small talk in runs of RevisionMoreSmallTalk on, and
// answered from the content before.
func TestMoreGreetingsAreSmallTalk(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		revision int
		small    int
	}{
		{workflows.RevisionMoreSmallTalk, 2},
		{workflows.RevisionMoreSmallTalk - 1, 0},
	} {
		t.Run(fmt.Sprint("revision ", tc.revision), func(t *testing.T) {
			t.Parallel()
			in := input
			in.Revision = tc.revision
			b := setup(t)
			hello := b.send(time.Minute, msg("m1", "Buongiorno!"))
			b.send(2*time.Minute, msg("m2", "cheers mate"))
			b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
			b.run(t, in)
			require.Len(t, b.fake.decisions(string(decide.KindSmallTalk)), tc.small)
			if tc.small > 0 {
				require.Equal(t, decide.Localize("it", "Hi! How can I help you today?"), hello.reply.Text, "greeted in Italian")
			}
		})
	}
}

// An action that changes data waits for a yes to exactly what it will do:
// no cancels it, and so does a change of subject; both are recorded.
func TestConfirmationBeforeAChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	asked := b.send(time.Minute, msg("m1", "Please reset my password"))
	no := b.send(2*time.Minute, msg("m2", "no, don't"))
	b.send(3*time.Minute, msg("m3", "I want to return order SP-1002"))
	moved := b.send(4*time.Minute, msg("m4", "How long does shipping take?"))
	late := b.send(5*time.Minute, msg("m5", "yes"))
	b.signal(6*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, "I'll email you a link to reset your password. Shall I go ahead? (yes or no)", asked.reply.Text)
	require.Equal(t, decide.DeclinedText, no.reply.Text)
	require.Contains(t, moved.reply.Text, "Shipping", "a change of subject is answered")
	require.NotContains(t, late.reply.Text, "Return started", "a yes after the subject changed confirms nothing")
	require.Zero(t, b.fake.count("PasswordReset"))
	require.Zero(t, b.fake.count("CreateReturn"))
	var answers []any
	for _, d := range b.fake.decisions("action") {
		if a, ok := d.Detail["confirmation"]; ok {
			answers = append(answers, a)
		}
	}
	require.Equal(t, []any{"asked", "no", "asked", "other"}, answers)
}

// "Where is my order?" → "Which order is it?" → "SP-1002": the reply fills
// the question the agent asked.
func TestOrderNumberAnswersTheQuestionAsked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	asked := b.send(time.Minute, msg("m1", "where is my order?"))
	named := b.send(2*time.Minute, msg("m2", "SP-1002"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, decide.NeedOrderText, asked.reply.Text)
	require.Equal(t, "Order SP-1002 was delivered.", named.reply.Text)
	require.Equal(t, 1, b.fake.count("OrderStatus"))
}
