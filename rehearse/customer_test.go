package rehearse_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/rehearse"
)

// completions is a chat completions server that answers each request with
// the next of its answers and keeps the requests' messages.
func completions(t *testing.T, answers ...string) (*rehearse.OpenAICustomer, *[][]map[string]any) {
	t.Helper()
	var seen [][]map[string]any
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "/v1/chat/completions", r.URL.Path)
		var req struct {
			Messages []map[string]any `json:"messages"`
		}
		require.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		seen = append(seen, req.Messages)
		answer := answers[0]
		answers = answers[1:]
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "c", "object": "chat.completion", "created": 1, "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": answer}}}})
	}))
	t.Cleanup(hs.Close)
	return rehearse.NewOpenAICustomer(hs.URL+"/v1", "k", "m", 5*time.Second), &seen
}

func TestOpenAICustomerPlaysTheCustomer(t *testing.T) {
	t.Parallel()
	c, seen := completions(t, "Where is my parcel?", " done. ")
	ctx := context.Background()
	msg, done, err := c.Next(ctx, rehearse.CustomerRequest{Persona: "Ada", Goal: "find her parcel"})
	require.NoError(t, err)
	require.False(t, done)
	require.Equal(t, "Where is my parcel?", msg)
	_, done, err = c.Next(ctx, rehearse.CustomerRequest{Persona: "Ada", Goal: "find her parcel",
		Transcript: []rehearse.Exchange{{Customer: "Where is my parcel?", Agent: ""}}})
	require.NoError(t, err)
	require.True(t, done)
	second := (*seen)[1]
	require.Equal(t, "assistant", second[2]["role"], "the customer's own message is the model's")
	require.Equal(t, "user", second[3]["role"])
	require.Contains(t, second[3]["content"], "with a person", "an empty reply is said in words")
}

func TestOpenAICustomerJudges(t *testing.T) {
	t.Parallel()
	c, _ := completions(t, "PASS\nThe agent gave the times.", "**FAIL**\nNo greeting.", "Maybe")
	ctx := context.Background()
	met, reason, err := c.Judge(ctx, "gives the times", nil)
	require.NoError(t, err)
	require.True(t, met)
	require.Equal(t, "The agent gave the times.", reason)
	met, reason, err = c.Judge(ctx, "greets", nil)
	require.NoError(t, err)
	require.False(t, met)
	require.Equal(t, "No greeting.", reason)
	_, _, err = c.Judge(ctx, "greets", nil)
	require.ErrorContains(t, err, "neither PASS nor FAIL")
}
