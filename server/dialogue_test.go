package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/internal/testenv"
)

// The agent holds a conversation on the demo store: a short follow-up is
// read against the question it follows, an order number answers "which
// order?", and small talk gets a fitting reply.
func TestFollowUpsAreReadAgainstThePreviousQuestion(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	say := func(conv, id, text string) string {
		t.Helper()
		r := do(t, "POST", app.URL+"/v1/conversations/"+conv+"/messages", app.Keys.Widget, []byte(`{"id":"`+id+`","text":"`+text+`"}`))
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body["reply"].(map[string]any)["text"].(string)
	}
	require.Contains(t, say("f1", "m1", "Do you ship to Canada?"), "Canada")
	require.Contains(t, say("f1", "m2", "How long does that take?"), "7–14 business days", "international, not domestic, times")

	require.Contains(t, say("f2", "m1", "What is your return policy?"), "30 days")
	wholesale := say("f2", "m2", "and for wholesale orders?")
	require.Contains(t, wholesale, "14 days", "the wholesale return window")
	require.NotContains(t, wholesale, "A few quick questions", "no lead qualification")

	require.Equal(t, "Which order is it? Please give me the order number (you'll find it in your order confirmation).",
		say("f3", "m1", "where is my order?"))
	require.Contains(t, say("f3", "m2", "SP-1003"), "6-digit code", "the order named goes on to the identity check")

	require.Equal(t, "Hi! How can I help you today?", say("f4", "m1", "hello!"))
	require.Equal(t, "Glad I could help. Have a great day!", say("f4", "m2", "thanks, that's all"))
}

// The agent's own messages follow the customer's language.
func TestTheAgentsOwnMessagesFollowTheCustomersLanguage(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	say := func(conv, id, text string) string {
		t.Helper()
		r := do(t, "POST", app.URL+"/v1/conversations/"+conv+"/messages", app.Keys.Widget, []byte(`{"id":"`+id+`","text":"`+text+`"}`))
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body["reply"].(map[string]any)["text"].(string)
	}
	require.Equal(t, "¡Hola! ¿En qué puedo ayudarle?", say("l0", "m1", "¡Hola!"))
	es := say("l1", "m1", "¿Puedo pagar con una cabra?")
	require.NotEqual(t, answer.DontKnow, es)
	require.Contains(t, es, "no quiero adivinar", "\"I don't know\" in Spanish")
	require.Equal(t, "¡De nada! ¿Puedo ayudarle en algo más?", say("l1", "m2", "gracias"), "the language the customer wrote in before")
	require.Contains(t, say("l2", "m1", "Wo ist meine Bestellung?"), "Bestellnummer")
}

// With a language model, each call carries the conversation so far, the
// customer's language, and the passages marked as data, not instructions.
// (The model is an in-process stand-in speaking the chat-completions
// protocol; no model's answer quality is measured here.)
func TestTheModelSeesTheConversation(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var requests []map[string]any
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		requests = append(requests, body)
		n := len(requests)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"id":"c%d","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop",
			"message":{"role":"assistant","content":"Answer %d from the help content [1]."}}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`, n, n)
	}))
	t.Cleanup(model.Close)
	app := testenv.NewApp(t, testenv.AppOptions{Generator: answer.NewOpenAI(model.URL+"/v1", "k", "m", 10*time.Second)})
	say := func(id, text string) string {
		t.Helper()
		r := do(t, "POST", app.URL+"/v1/conversations/llm-1/messages", app.Keys.Widget, []byte(`{"id":"`+id+`","text":"`+text+`"}`))
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body["reply"].(map[string]any)["text"].(string)
	}
	require.Equal(t, "Answer 1 from the help content.", say("m1", "Do you ship to Canada?"))
	require.Equal(t, "Answer 2 from the help content.", say("m2", "How long does that take?"))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, requests, 2)
	msgs := requests[1]["messages"].([]any)
	var roles, texts []string
	for _, m := range msgs {
		mm := m.(map[string]any)
		roles = append(roles, mm["role"].(string))
		texts = append(texts, fmt.Sprint(mm["content"]))
	}
	require.Equal(t, []string{"system", "user", "assistant", "user"}, roles)
	require.Contains(t, texts[0], "not instructions")
	require.Equal(t, "Do you ship to Canada?", texts[1])
	require.Equal(t, "Answer 1 from the help content.", texts[2])
	require.Contains(t, texts[3], "How long does that take?")
}

// Reps are named people: the transcript says who joined, from which team,
// in the customer's language.
func TestTheTranscriptSaysWhichRepJoined(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	k := do(t, "POST", app.URL+"/v1/keys", app.Keys.Admin, []byte(`{"role":"rep","name":"Ada","team":"support"}`))
	require.Equal(t, 201, k.Status, k.Raw)
	ada := k.Body["key"].(string)
	for _, c := range []struct{ conv, text, joined string }{
		{"named-1", "I want to talk to a human", "Ada from Customer support has joined the conversation."},
		{"named-es", "Quiero hablar con una persona, por favor", "Ada, del equipo Customer support, se ha unido a la conversación."},
	} {
		r := do(t, "POST", app.URL+"/v1/conversations/"+c.conv+"/messages", app.Keys.Widget, []byte(`{"id":"m1","text":"`+c.text+`"}`))
		require.Equal(t, 200, r.Status, r.Raw)
		require.Equal(t, true, r.Body["handed_off"])
		require.Eventually(t, func() bool {
			return do(t, "POST", app.URL+"/v1/rep/conversations/"+c.conv+"/accept", ada, nil).Status == 202
		}, 10*time.Second, 100*time.Millisecond)
		require.Eventually(t, func() bool {
			got := do(t, "GET", app.URL+"/v1/conversations/"+c.conv, app.Keys.Auditor, nil)
			msgs, _ := got.Body["messages"].([]any)
			for _, m := range msgs {
				if m.(map[string]any)["text"] == c.joined {
					return true
				}
			}
			return false
		}, 10*time.Second, 100*time.Millisecond, c.joined)
	}
}

// TestTheAgentSaysAProductsStockAndPriceFromTheCatalog: a question about a
// product the company sells is answered with what its catalog says of it,
// as the company last put it; a question about shipping a product is not.
func TestTheAgentSaysAProductsStockAndPriceFromTheCatalog(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	r := do(t, "PUT", app.URL+"/v1/crm/products/LAMP-BR", app.Keys.Admin, jsonBody(t, map[string]any{
		"name": "Brass desk lamp", "sku": "LAMP-BR", "price_cents": 4500, "currency": "USD", "availability": "out_of_stock"}))
	require.Less(t, r.Status, 300, r.Raw)

	reply := customerSays(t, app, "conv-lamp", "m1", "Is the brass lamp in stock?", "")
	require.Contains(t, reply, "Brass desk lamp: out of stock.")
	reply = customerSays(t, app, "conv-lamp", "m2", "How much is the desk lamp?", "")
	require.Contains(t, reply, "Brass desk lamp: $45.00.")
	reply = customerSays(t, app, "conv-lamp-shipping", "m1", "How much is shipping for a desk lamp?", "")
	require.NotContains(t, reply, "$45.00", "the price asked is shipping's")
	require.Contains(t, reply, "$6.95")
}
