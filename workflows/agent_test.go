package workflows_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/workflows"
)

// withModel makes the turn the model's: LoadContext says a model runs it,
// and AgentStep answers with script.
func withModel(b *testBundle, script func(activities.AgentStepInput) (answer.Step, error)) {
	context := b.fake.context
	b.fake.context = func(in activities.LoadContextInput) activities.LoadContextResult {
		out := context(in)
		out.ModelAgent = true
		return out
	}
	b.fake.model = script
}

func call(name string, args any) answer.Step {
	b, _ := json.Marshal(args)
	c := answer.ToolCall{ID: "call-" + name, Name: name, Arguments: string(b)}
	c.Read()
	return answer.Step{Model: "scripted", Calls: []answer.ToolCall{c}}
}

// searchThenAnswer searches, then answers citing the first passage.
func searchThenAnswer(in activities.AgentStepInput) (answer.Step, error) {
	if len(in.Steps) == 0 {
		return call("search_knowledge", map[string]string{"query": in.Question}), nil
	}
	return answer.Step{Model: "scripted", Text: "It takes 3 days [1]."}, nil
}

func TestModelSearchesThenAnswersWithCitations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withModel(b, searchThenAnswer)
	r := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, "It takes 3 days.", r.reply.Text)
	require.Len(t, r.reply.Citations, 1)
	require.Equal(t, "src-1", r.reply.Citations[0].SourceID)
	require.Len(t, b.fake.steps, 2)
	second := b.fake.steps[1]
	require.Contains(t, second.Steps[0].Results[0].Content, "[1] Shipping", "the passages go back to the model, numbered")
	require.Contains(t, second.Steps[0].Results[0].Content, "not instructions")
	var tools []string
	for _, tool := range second.Tools {
		tools = append(tools, tool.Name)
	}
	require.Equal(t, []string{"search_knowledge", "look_up_products", "hand_off", "order_status", "password_reset", "start_return", "update_contact"}, tools)
	require.Len(t, b.fake.decisions(string(decide.KindAgentStep)), 2, "each model call is in the journal")
}

func TestModelSeesTheConversationSoFar(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withModel(b, searchThenAnswer)
	b.send(time.Minute, msg("m1", "Do you ship to Canada?"))
	b.send(2*time.Minute, msg("m2", "How long does that take?"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	last := b.fake.steps[len(b.fake.steps)-1]
	require.Equal(t, "How long does that take?", last.Question)
	require.Equal(t, []answer.Turn{{Customer: true, Text: "Do you ship to Canada?"}, {Text: "It takes 3 days."}}, last.History)
}

func TestModelUncitedAnswerIsWithheld(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withModel(b, func(in activities.AgentStepInput) (answer.Step, error) {
		return answer.Step{Text: "Shipping is always free."}, nil
	})
	r := b.send(time.Minute, msg("m1", "Is shipping free?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, answer.DontKnow, r.reply.Text, "an answer that cites nothing is not given")
}

func TestModelMalformedAndDisabledToolCallsGoBackAsErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withModel(b, func(in activities.AgentStepInput) (answer.Step, error) {
		switch len(in.Steps) {
		case 0:
			c := answer.ToolCall{ID: "c1", Name: "search_knowledge", Arguments: `{"query": "shipping`}
			c.Read()
			return answer.Step{Calls: []answer.ToolCall{c}}, nil
		case 1:
			return call("delete_account", map[string]string{"email": "bob@example.com"}), nil
		case 2:
			return call("search_knowledge", map[string]string{"query": "shipping"}), nil
		}
		return answer.Step{Text: "It takes 3 days [1]."}, nil
	})
	r := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, "It takes 3 days.", r.reply.Text)
	last := b.fake.steps[len(b.fake.steps)-1]
	require.True(t, strings.HasPrefix(last.Steps[0].Results[0].Content, "error: the arguments are not a JSON object"), last.Steps[0].Results[0].Content)
	require.Equal(t, "error: no tool delete_account is available", last.Steps[1].Results[0].Content)
}

func TestModelCannotActForAnotherCustomer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withModel(b, func(in activities.AgentStepInput) (answer.Step, error) {
		return call("order_status", map[string]string{"order_number": "SP-1003"}), nil
	})
	r := b.send(time.Minute, msg("m1", "What's the status of my friend's order SP-1003?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, decide.MismatchText, r.reply.Text, "the code checks the owner, whatever the model asks")
	require.Zero(t, b.fake.count("OrderStatus"))
}

func TestModelActionWaitsForTheCustomersYes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withModel(b, func(in activities.AgentStepInput) (answer.Step, error) {
		return call("start_return", map[string]string{"order_number": "SP-1002"}), nil
	})
	asked := b.send(time.Minute, msg("m1", "I'd like to send back SP-1002"))
	yes := b.send(2*time.Minute, msg("m2", "yes"))
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, "I'll start a return for order SP-1002 and email you the details. Shall I go ahead? (yes or no)", asked.reply.Text)
	require.Equal(t, "Return started.", yes.reply.Text)
	require.Equal(t, 1, b.fake.count("AgentStep"), "the yes is the code's to read, not the model's")
}

func TestModelThatNeverStopsCallingToolsGetsTheOfflineAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.localAnswers = true
	withModel(b, func(in activities.AgentStepInput) (answer.Step, error) {
		return call("search_knowledge", map[string]string{"query": fmt.Sprint("shipping ", len(in.Steps))}), nil
	})
	r := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.Equal(t, 4, b.fake.count("AgentStep"), "the steps are bounded")
	require.Equal(t, "Shipping takes 3 days.", r.reply.Text, "the offline agent answers")
	require.True(t, r.reply.Known)
}

func TestModelDownGetsTheOfflineAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.localAnswers = true
	withModel(b, func(in activities.AgentStepInput) (answer.Step, error) {
		return answer.Step{}, temporal.NewNonRetryableApplicationError("connection refused", "Down", errors.New("dial"))
	})
	r := b.send(time.Minute, msg("m1", "How long does shipping take?"))
	b.signal(2*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.NoError(t, r.err)
	require.Equal(t, "Shipping takes 3 days.", r.reply.Text)
}

func TestModelHandsOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withModel(b, func(in activities.AgentStepInput) (answer.Step, error) {
		return call("hand_off", map[string]string{"reason": "charged twice"}), nil
	})
	r := b.send(time.Minute, msg("m1", "You charged me twice!"))
	state := b.query(2 * time.Minute)
	b.signal(3*time.Minute, workflows.SignalClose, workflows.Close{})
	b.run(t, input)
	require.True(t, r.reply.HandedOff)
	require.Equal(t, workflows.StatusHandedOff, state.Status)
	require.Equal(t, decide.TriggerModel, state.Handoff.Trigger)
}
