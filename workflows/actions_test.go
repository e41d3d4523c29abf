package workflows_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/workflows"
)

// changeSize is a company action: it changes data, is protected, and has
// two required inputs, one by pattern and one from a list.
func changeSize(t *testing.T) actions.Spec {
	t.Helper()
	d := actions.Definition{Name: "change_size", Description: "Change the size of an item in an order",
		Inputs: json.RawMessage(`{"type":"object","properties":{
			"order_ref":{"type":"string","description":"The order reference from the confirmation email","pattern":"^[0-9]{6}$"},
			"size":{"type":"string","description":"The new size","enum":["Small","Medium","Large"]}},
			"required":["order_ref","size"]}`),
		Triggers: []string{"change the size"}, Method: "POST", URL: "https://shop.example/o/{{inputs.order_ref}}", ChangesData: true}
	return specOf(t, d)
}

// cancelOrder is a company action whose one input is named for an order.
func cancelOrder(t *testing.T) actions.Spec {
	t.Helper()
	d := actions.Definition{Name: "cancel_order", Description: "Cancel an order",
		Inputs: json.RawMessage(`{"type":"object","properties":{
			"order_number":{"type":"string","description":"The order's number","pattern":"^SP-[0-9]+$"}},
			"required":["order_number"]}`),
		Triggers: []string{"cancel"}, Method: "POST", URL: "https://shop.example/o/{{inputs.order_number}}/cancel", ChangesData: true}
	return specOf(t, d)
}

// specOf is a company action's spec as the workflow gets it: checked,
// stored as a row, read back.
func specOf(t *testing.T, d actions.Definition) actions.Spec {
	t.Helper()
	require.NoError(t, d.Check())
	row, err := d.Row("ws-1", nil, nil)
	require.NoError(t, err)
	s, err := actions.SpecOf(row)
	require.NoError(t, err)
	return s
}

func withCompanyAction(t *testing.T, b *testBundle, more ...actions.Spec) {
	specs := append([]actions.Spec{changeSize(t)}, more...)
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := defaultContext(in)
		acts := map[string]actions.Spec{}
		for _, s := range specs {
			acts[s.Name] = s
		}
		for k, v := range out.Settings.Actions {
			acts[k] = v
		}
		out.Settings.Actions = acts
		return out
	}
}

// The customer's short answers are read in the language they are written
// in, in runs of RevisionLanguageAnswers on: a yes to a confirmation
// question, and "that's all". Runs before it dropped the action on "sim" as
// a change of subject, and searched the content for "obrigado, é tudo".
func TestShortAnswersInTheCustomersLanguage(t *testing.T) {
	t.Parallel()
	reset, _ := actions.Builtin(actions.PasswordReset)
	for _, tc := range []struct{ revision, resets, goodbyes int }{
		{workflows.RevisionLanguageAnswers, 1, 1},
		{workflows.RevisionLanguageAnswers - 1, 0, 0},
	} {
		t.Run(fmt.Sprint("revision ", tc.revision), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			asked := b.send(time.Minute, msg("m1", "Esqueci a minha senha, podem ajudar?"))
			b.send(2*time.Minute, msg("m2", "Sim, pode avançar"))
			b.send(3*time.Minute, msg("m3", "obrigado, é tudo"))
			b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
			in := input
			in.Revision = tc.revision
			b.run(t, in)
			require.Equal(t, decide.Localize("pt", decide.ConfirmText(reset, nil)), asked.reply.Text)
			require.Equal(t, tc.resets, b.fake.count("PasswordReset"))
			goodbyes := 0
			for _, d := range b.fake.decisions(string(decide.KindSmallTalk)) {
				if d.Detail["kind"] == string(decide.Goodbye) {
					goodbyes++
				}
			}
			require.Equal(t, tc.goodbyes, goodbyes)
		})
	}
}

// A company action asked for without naming an order is about the
// conversation's, when that order fits the action's input; the customer
// sees it in the confirmation.
func TestACompanyActionTakesTheConversationsOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		revision     int
		cancel, size string
	}{
		{workflows.RevisionCompanyActionOrder,
			"I'll cancel an order (order number: SP-1002). Shall I go ahead? (yes or no)",
			"To do that I need the order reference from the confirmation email. What is it?"},
		{workflows.RevisionCompanyActionOrder - 1,
			"To do that I need the order's number. What is it?",
			"To do that I need the order reference from the confirmation email. What is it?"},
	} {
		t.Run(fmt.Sprint("revision ", tc.revision), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			withCompanyAction(t, b, cancelOrder(t))
			b.send(time.Minute, msg("m1", "Where is my order SP-1002?"))
			cancel := b.send(2*time.Minute, msg("m2", "Please cancel it"))
			b.send(3*time.Minute, msg("m3", "no"))
			size := b.send(4*time.Minute, msg("m4", "Can I change the size of it to Large?"))
			b.signal(5*time.Minute, workflows.SignalClose, workflows.Close{})
			in := input
			in.Revision = tc.revision
			b.run(t, in)
			require.Equal(t, tc.cancel, cancel.reply.Text)
			require.Equal(t, tc.size, size.reply.Text, "an order that does not fit the input is not given to it")
			require.Zero(t, b.fake.count("CallAction"), "nothing runs before a yes")
			if tc.revision < workflows.RevisionCompanyActionOrder {
				return
			}
			var from []any
			for _, d := range b.fake.decisions(string(decide.KindAction)) {
				if d.Detail["order_from"] != nil {
					from = append(from, d.Detail["order_from"], d.Detail["input"])
				}
			}
			require.Equal(t, []any{"conversation", "order_number"}, from, "the log says where the order came from")
		})
	}
}

func TestCompanyActionAsksForEachInputThenConfirmsThenCalls(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withCompanyAction(t, b)
	asked := b.send(time.Minute, msg("m1", "Can I change the size of my jacket?"))
	badRef := b.send(2*time.Minute, msg("m2", "it's 12"))
	ref := b.send(3*time.Minute, msg("m3", "sorry, it is 104233"))
	size := b.send(4*time.Minute, msg("m4", "medium"))
	yes := b.send(5*time.Minute, msg("m5", "yes"))
	b.signal(6*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)

	require.Equal(t, "To do that I need the order reference from the confirmation email. What is it?", asked.reply.Text)
	require.True(t, strings.HasPrefix(badRef.reply.Text, "That doesn't look right ("), badRef.reply.Text)
	require.True(t, strings.HasSuffix(badRef.reply.Text, asked.reply.Text), "a value the schema refuses is asked again: %s", badRef.reply.Text)
	require.Equal(t, "To do that I need the new size. (one of: Small, Medium, Large) What is it?", ref.reply.Text)
	require.Equal(t, "I'll change the size of an item in an order (order ref: 104233, size: Medium). Shall I go ahead? (yes or no)",
		size.reply.Text)
	require.Equal(t, "Size changed to Medium.", yes.reply.Text)
	require.Len(t, b.fake.called, 1, "nothing is called before the yes")
	call := b.fake.called[0]
	require.Equal(t, map[string]string{"order_ref": "104233", "size": "Medium"}, call.Inputs)
	require.Equal(t, "ada@example.com", call.Email, "a protected action runs for the verified customer")
	require.True(t, strings.HasSuffix(call.Key, "/m5"), "the idempotency key is the confirming message's: %s", call.Key)
}

func TestCompanyActionNeedsAVerifiedCustomer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withCompanyAction(t, b)
	r := b.send(time.Minute, anon("m1", "please change the size on 104233 to large, I'm ada@example.com"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, decide.CodeSentText("ada@example.com"), r.reply.Text, "a typed email gets a code, not the action")
	require.Zero(t, b.fake.count("CallAction"))
}

func TestCompanyActionRefusalIsAReplyAndNoIsRecorded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withCompanyAction(t, b)
	asked := b.send(time.Minute, msg("m1", "change the size on order 999999 to small"))
	refused := b.send(2*time.Minute, msg("m2", "yes"))
	again := b.send(3*time.Minute, msg("m3", "change the size on order 104233 to small"))
	no := b.send(4*time.Minute, msg("m4", "no"))
	b.signal(5*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Contains(t, asked.reply.Text, "Shall I go ahead?")
	require.Equal(t, "I couldn't do that: order 999999 does not exist", refused.reply.Text)
	require.Contains(t, again.reply.Text, "Shall I go ahead?")
	require.Equal(t, decide.DeclinedText, no.reply.Text)
	require.Equal(t, 1, b.fake.count("CallAction"), "the declined one never runs")
	var summaries []string
	for _, d := range b.fake.decisions(string(decide.KindAction)) {
		summaries = append(summaries, d.Summary)
	}
	require.Contains(t, summaries, "change_size refused: I couldn't do that: order 999999 does not exist")
	require.Contains(t, summaries, "the customer declined change_size: nothing done")
}

func TestCompanyActionSystemDownHandsOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withCompanyAction(t, b)
	b.fake.failing = map[string]bool{"CallAction": true}
	b.send(time.Minute, msg("m1", "change the size on order 104233 to small"))
	r := b.send(2*time.Minute, msg("m2", "yes"))
	state := b.query(3 * time.Minute)
	b.signal(4*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.NoError(t, r.err, "the customer never gets an error")
	require.NotEmpty(t, r.reply.Text)
	require.Equal(t, workflows.StatusHandedOff, state.Status, "a system that keeps failing means an apology and a person")
}
