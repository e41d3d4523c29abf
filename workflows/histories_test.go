package workflows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/workflows"
)

// EnvRecordHistories names the directory TestLiveHistoriesReplay writes the
// histories it records to (workflows/testdata when re-recording the
// committed ones, see TestReplayCommittedHistories).
const EnvRecordHistories = "SWITCHBOARD_RECORD_HISTORIES"

// TestLiveHistoriesReplay holds conversations on the real stack through the
// API, one per behaviour the committed histories keep, and replays each run's
// history against this build's ConversationWorkflow. With
// SWITCHBOARD_RECORD_HISTORIES=dir it also writes them there, as
// `temporal workflow show -o json` would.
func TestLiveHistoriesReplay(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	post := func(path, key, body string, want int) map[string]any {
		t.Helper()
		req, err := http.NewRequest("POST", app.URL+path, bytes.NewReader([]byte(body)))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		require.Equal(t, want, resp.StatusCode, string(raw))
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return out
	}
	say := func(conv, id, text string) map[string]any {
		return post("/v1/conversations/"+conv+"/messages", app.Keys.Widget, fmt.Sprintf(`{"id":%q,"text":%q}`, id, text), 200)
	}
	rep := func(conv, verb, body string) { post("/v1/rep/conversations/"+conv+"/"+verb, app.Keys.Rep, body, 202) }
	ended := func(conv string) {
		require.Eventually(t, func() bool {
			var status string
			app.DB.Raw("SELECT status FROM conversations WHERE external_id = ? ORDER BY started_at DESC LIMIT 1", conv).Scan(&status)
			return status == workflows.StatusResolved || status == workflows.StatusClosedUnresolved
		}, 20*time.Second, 50*time.Millisecond)
	}

	// Answers in a row, a bare ok, thanks with a form of address, feedback,
	// close: resolved and charged.
	say("answers", "m1", "How long does shipping take?")
	say("answers", "m2", "Is shipping free?")
	say("answers", "m3", "What is your return policy?")
	ok := say("answers", "m4", "ok")
	require.Equal(t, "Sure. What can I help you with?", ok["reply"].(map[string]any)["text"], "a bare ok is small talk")
	cheers := say("answers", "m5", "cheers mate")
	require.Equal(t, "You're welcome! Is there anything else I can help you with?", cheers["reply"].(map[string]any)["text"],
		"thanks with a form of address are small talk")
	post("/v1/conversations/answers/feedback", app.Keys.Widget, `{"helpful":true}`, 202)
	rep("answers", "close", "")
	ended("answers")

	// A handoff, a message while it waits, a rep who accepts, writes and
	// hands back, the agent again, close.
	post("/v1/conversations/handoff/messages", app.Keys.Widget,
		`{"id":"m1","text":"I want a refund for my notebook","contact":{"email":"ada@example.com"}}`, 200)
	say("handoff", "m2", "Hello?")
	rep("handoff", "accept", "")
	rep("handoff", "messages", `{"id":"rep-1","text":"I've refunded your notebook."}`)
	rep("handoff", "hand-back", "")
	say("handoff", "m3", "How long does shipping take?")
	rep("handoff", "close", "")
	ended("handoff")

	// Actions: an order's status, after the customer proved who they are
	// with the code emailed to them; then a return of "it", the order the
	// conversation is about, which the customer says yes to in Portuguese.
	post("/v1/conversations/return/messages", app.Keys.Widget,
		`{"id":"m1","text":"Where is my order SP-1002?","contact":{"email":"ada@example.com"}}`, 200)
	say("return", "m2", app.LatestCode(t, "ada@example.com"))
	confirm := say("return", "m3", "Can I return it?")
	require.Contains(t, confirm["reply"].(map[string]any)["text"], "return for order SP-1002", "the order the conversation is about")
	started := say("return", "m4", "Sim, pode avançar")
	require.Contains(t, started["reply"].(map[string]any)["text"], "I've started a return for order SP-1002", "a yes in Portuguese")
	rep("return", "close", "")
	ended("return")

	// Questions the content does not answer: a clarifying question, then
	// "I don't know" twice and a handoff; then close.
	say("gaps", "m1", "What is the airspeed velocity of an unladen swallow?")
	say("gaps", "m2", "An African swallow, carrying a coconut.")
	say("gaps", "m3", "Blorp zibble quux?")
	rep("gaps", "close", "")
	ended("gaps")

	// A resolved conversation, then a message after the close: a new run
	// reopens it and reverses its charge.
	say("reopen", "m1", "How long does shipping take?")
	rep("reopen", "close", "")
	ended("reopen")
	say("reopen", "m2", "Is shipping free?")
	rep("reopen", "close", "")
	ended("reopen")

	// A conversation that continues as new after two turns, with records
	// not written yet, and ends when nobody writes.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in := workflows.ConversationInput{WorkspaceID: app.Demo.WorkspaceID, ConversationID: "long", ChannelID: app.Demo.ChannelID,
		ChannelType: "chat", MaxTurnsPerRun: 2, InactivityTimeout: 3 * time.Second}
	for i, text := range []string{"How long does shipping take?", "Is shipping free?", "Do you ship to Canada?"} {
		msg := workflows.CustomerMessage{ID: fmt.Sprintf("m%d", i+1), Text: text, ChannelID: app.Demo.ChannelID}
		h, err := app.Temporal.UpdateWithStartWorkflow(ctx, workflows.CustomerMessageStart(app.Temporal, in, msg, app.TaskQueue))
		require.NoError(t, err)
		var reply workflows.AgentReply
		require.NoError(t, h.Get(ctx, &reply))
	}
	var res workflows.ConversationResult
	require.NoError(t, app.Temporal.GetWorkflow(ctx, workflows.ConversationWorkflowID(in.WorkspaceID, "long"), "").Get(ctx, &res))

	dir := os.Getenv(EnvRecordHistories)
	for _, conv := range []string{"answers", "handoff", "return", "gaps", "reopen", "long"} {
		runs := histories(ctx, t, app.Temporal, workflows.ConversationWorkflowID(app.Demo.WorkspaceID, conv))
		if conv == "long" {
			require.Len(t, runs, 2, "the conversation continued as new once")
			requireContinuesAlone(t, runs[0])
		}
		for i, h := range runs {
			name := fmt.Sprintf("%s_run%d.json", conv, i+1)
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(workflows.ConversationWorkflow)
			require.NoError(t, r.ReplayWorkflowHistory(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)), h), name)
			if dir != "" {
				b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
			}
		}
	}
}

// requireContinuesAlone checks that a run continued as new in a workflow
// task that answered no message: Temporal drops the update a refused task
// answered, and refuses a task that continues as new while an event comes
// in (RevisionContinueAlone).
func requireContinuesAlone(t *testing.T, h *historypb.History) {
	t.Helper()
	events := h.GetEvents()
	last := events[len(events)-1]
	require.Equal(t, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, last.GetEventType())
	for i := len(events) - 2; i >= 0 && events[i].GetEventType() != enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED; i-- {
		require.NotEqual(t, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, events[i].GetEventType(),
			"the task that continued as new answered a message (event %d)", events[i].GetEventId())
	}
}

// histories returns the histories of every run of a workflow, first run
// first, following continue-as-new back from the latest run.
func histories(ctx context.Context, t *testing.T, c client.Client, workflowID string) []*historypb.History {
	t.Helper()
	var runs []*historypb.History
	runID := ""
	for {
		h := &historypb.History{}
		it := c.GetWorkflowHistory(ctx, workflowID, runID, false, 0)
		for it.HasNext() {
			ev, err := it.Next()
			require.NoError(t, err)
			h.Events = append(h.Events, ev)
		}
		require.NotEmpty(t, h.Events)
		runs = append([]*historypb.History{h}, runs...)
		prev := h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
		if prev == "" {
			return runs
		}
		runID = prev
	}
}
