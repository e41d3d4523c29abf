package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/workflows"
)

// TestConversationListShowsEachConversationOnceAndPages: the list of
// conversations names a conversation whose run continued as new once, and
// its pages, fetched with the token each returns, hold every conversation
// once; a token it never returned is refused naming page_token.
func TestConversationListShowsEachConversationOnceAndPages(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})

	// A conversation started as the API starts one, but whose run continues
	// as new after two turns; its later turns come through the API.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	input := workflows.ConversationInput{WorkspaceID: app.Demo.WorkspaceID, ConversationID: "long-1",
		ChannelID: app.Demo.ChannelID, ChannelType: "chat", MaxTurnsPerRun: 2}
	var reply workflows.AgentReply
	require.NoError(t, workflows.AwaitUpdate(ctx, func(ctx context.Context) (client.WorkflowUpdateHandle, error) {
		return app.Temporal.UpdateWithStartWorkflow(ctx, workflows.CustomerMessageStart(app.Temporal, input,
			workflows.CustomerMessage{ID: "m1", Text: "How long does shipping take?", ChannelID: app.Demo.ChannelID}, app.TaskQueue))
	}, &reply))
	customerSays(t, app, "long-1", "m2", "And to Canada?", "")
	customerSays(t, app, "long-1", "m3", "Thanks", "")
	for _, conv := range []string{"short-1", "short-2", "short-3"} {
		customerSays(t, app, conv, "m1", "How long does shipping take?", "")
	}
	list := func(query string) response {
		return do(t, "GET", app.URL+"/v1/conversations?test=false"+query, app.Keys.Auditor, nil)
	}
	require.Eventually(t, func() bool {
		r, err := app.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: "WorkflowId = '" + workflows.ConversationWorkflowID(app.Demo.WorkspaceID, "long-1") + "'"})
		return err == nil && len(r.Executions) == 2
	}, 15*time.Second, 200*time.Millisecond, "the long conversation has two runs")
	var seen []string
	require.Eventually(t, func() bool {
		seen = nil
		token := ""
		for page := 0; page < 10; page++ {
			r := list("&limit=2&page_token=" + token)
			require.Equal(t, 200, r.Status, r.Raw)
			for _, c := range r.Body["conversations"].([]any) {
				seen = append(seen, c.(map[string]any)["conversation_id"].(string))
			}
			token = r.Body["next_page_token"].(string)
			if token == "" {
				break
			}
		}
		return len(seen) == 4
	}, 15*time.Second, 200*time.Millisecond, "four conversations in pages of two")
	require.ElementsMatch(t, []string{"long-1", "short-1", "short-2", "short-3"}, seen, "each conversation once")

	// A sandbox conversation is listed by the ID that reads it.
	r := do(t, "POST", app.URL+"/v1/test/conversations/sandbox-1/messages", app.Keys.Admin, []byte(`{"id":"m1","text":"hi"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Eventually(t, func() bool {
		l := do(t, "GET", app.URL+"/v1/conversations?test=true", app.Keys.Auditor, nil)
		list, _ := l.Body["conversations"].([]any)
		return len(list) == 1 && list[0].(map[string]any)["conversation_id"] == "sandbox-1"
	}, 15*time.Second, 200*time.Millisecond)
	read := do(t, "GET", app.URL+"/v1/conversations/sandbox-1?test=true", app.Keys.Auditor, nil)
	require.Equal(t, 200, read.Status, read.Raw)
	require.Equal(t, "sandbox-1", read.Body["id"], "the transcript names it by the same ID")

	for _, bad := range []string{"abc%21", "AAAA"} {
		r := list("&page_token=" + bad)
		require.Equal(t, 400, r.Status, r.Raw)
		require.Contains(t, r.Raw, "page_token")
	}
}
