package answer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/answer"
)

var passages = []answer.Passage{
	{SourceID: "returns", Title: "Returns and refunds", Heading: "Return window",
		Text: "You can return most items within 30 days of delivery. Gift cards cannot be returned.", Score: 3},
	{SourceID: "shipping", Title: "Shipping times and costs", Heading: "Shipping times",
		Text: "Orders leave the same day. Standard shipping takes 3–5 business days. Express shipping takes 1–2 business days.", Score: 2},
}

func TestExtractiveQuotesTheBestMatchingPassage(t *testing.T) {
	t.Parallel()
	ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{
		Question: "How long does shipping take?", Passages: passages,
	})
	require.NoError(t, err)
	require.True(t, ans.Known)
	require.Equal(t, "shipping", ans.Citations[0].SourceID)
	require.Contains(t, ans.Text, "Standard shipping takes 3–5 business days.")
	// Every sentence of the answer is quoted from the passage.
	for _, s := range strings.SplitAfter(ans.Text, ". ") {
		require.Contains(t, passages[1].Text, strings.TrimSpace(s))
	}
}

// A company's content in its customers' language answers their questions
// in their own words; English content still answers them glossed.
func TestExtractiveAnswersFromContentInTheCustomersLanguage(t *testing.T) {
	t.Parallel()
	german := []answer.Passage{
		{SourceID: "versand", Title: "Versand", Heading: "Versandkosten",
			Text: "Der Versand kostet 4,90 €. Ab 50 € Bestellwert ist der Versand kostenlos.", Score: 2},
		{SourceID: "versand", Title: "Versand", Heading: "Lieferzeiten",
			Text: "Wir versenden innerhalb von 2 Werktagen. Die Lieferung nach Österreich dauert 3 bis 5 Werktage.", Score: 1},
	}
	for question, want := range map[string]string{
		"Was kostet der Versand?":                         "Der Versand kostet 4,90 €.",
		"Wie lange dauert die Lieferung nach Österreich?": "Die Lieferung nach Österreich dauert 3 bis 5 Werktage.",
	} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: question, Passages: german})
		require.NoError(t, err)
		require.True(t, ans.Known, question)
		require.Contains(t, ans.Text, want, question)
	}
	ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: "Wie lange dauert der Versand?", Passages: passages})
	require.NoError(t, err)
	require.True(t, ans.Known)
	require.Contains(t, ans.Text, "Standard shipping takes 3–5 business days.")
	ans, err = answer.Extractive{}.Generate(context.Background(), answer.Request{Question: "Kann ich mit Bitcoin bezahlen?", Passages: german})
	require.NoError(t, err)
	require.False(t, ans.Known, "what neither reading finds is not known")
}

func TestExtractiveSaysItDoesNotKnow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		question   string
		passages   []answer.Passage
		text       string
		notCovered bool
	}{
		{"no passages", "How long does shipping take?", nil, answer.DontKnow, true},
		{"a word the content never uses", "Do you sell standing desks?", passages, answer.DontKnow, true},
		{"two words side by side the content has apart", "Do you offer gift wrapping?", []answer.Passage{
			{Heading: "Return window", Text: "Gift cards cannot be returned."},
			{Heading: "Conditions", Text: "Paper must be in its sealed wrap."},
		}, answer.DontKnow, true},
		{"nothing to look up", "how do you do?", passages, "", false},
		// The content speaks of payment methods, not of which are accepted.
		{"the verb asked about", "What payment methods do you accept?", store, answer.DontKnow, true},
		{"take for accept", "Which cards do you take?", store, answer.DontKnow, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: tc.question, Passages: tc.passages})
			require.NoError(t, err)
			require.False(t, ans.Known)
			require.Equal(t, tc.text, ans.Text)
			require.Equal(t, tc.notCovered, ans.NotCovered())
			require.Empty(t, ans.Citations)
		})
	}
}

// store is a small help centre: an article in sections, as retrieval
// returns them.
var store = []answer.Passage{
	{SourceID: "shipping", Title: "Shipping times and costs", Heading: "",
		Text: "We ship every order from our warehouse in Portland, Oregon."},
	{SourceID: "shipping", Title: "Shipping times and costs", Heading: "Shipping times",
		Text: "Orders placed before 2 pm leave the warehouse the same day. Standard shipping takes 3–5 business days. Express shipping takes 1–2 business days."},
	{SourceID: "shipping", Title: "Shipping times and costs", Heading: "Shipping costs",
		Text: "Standard shipping costs $6.95 and is free on orders over $75. Express shipping costs $19.95."},
	{SourceID: "shipping", Title: "Shipping times and costs", Heading: "International shipping",
		Text: "We ship to Canada, the United Kingdom and the European Union. International delivery takes 7–14 business days. We do not ship batteries outside the United States."},
	{SourceID: "returns", Title: "Returns and refunds", Heading: "Return window",
		Text: "You can return most items within 30 days of delivery. Gift cards cannot be returned."},
	{SourceID: "returns", Title: "Returns and refunds", Heading: "Conditions",
		Text: "Items must be unused. Damaged or faulty items can be returned at any time within a year, and we pay the return shipping."},
	{SourceID: "returns", Title: "Returns and refunds", Heading: "Refunds",
		Text: "Refunds go back to the original payment method within 5–7 business days after the return reaches our warehouse."},
}

func TestExtractiveAnswersFromTheSectionThatAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct{ question, want string }{
		// The question words say which section: a price, a duration, a place.
		{"How much is shipping?", "$6.95"},
		// What the company has, by an article about it.
		{"Do you have a returns policy?", "30 days"},
		{"Do you offer express shipping?", "Express shipping"},
		{"How fast is express shipping?", "1–2 business days"},
		{"Where do you ship from?", "Portland"},
		{"What is your return policy?", "30 days"},
		// Other words for the content's.
		{"How long does delivery usually take?", "3–5"},
		{"Do you ship to the UK?", "United Kingdom"},
		{"Can you send batteries to Europe?", "batteries"},
		{"Which countries do you ship to?", "Canada"},
		{"Do you ship internationally?", "Canada"},
		// A country of a region the content names.
		{"Do you deliver to Germany?", "European Union"},
		{"Hola, ¿hacéis envíos a España?", "European Union"},
		{"¿Envían a España?", "European Union"},
		// The clause that asks, and the rest of the message as context.
		{"My pen arrived faulty, can I still send it back after two months?", "within a year"},
		{"Once you receive my return, how long until the money is back on my card?", "5–7"},
		// "Show up": money on a statement, a parcel at the door.
		{"When will my refund show up?", "5–7"},
		{"When will my order show up?", "3–5"},
		// Another language.
		{"¿Cuánto tarda el envío a Canadá?", "7–14"},
		{"Wie lange dauert der Versand?", "3–5"},
		// A follow-up read with the question it follows.
		{"Do you ship to Canada?\nHow long does that take?", "7–14"},
		{"How much is shipping?\nwhat about express?", "$19.95"},
		{"How much is shipping?\nand how long does it take?", "3–5"},
	}
	for _, tc := range cases {
		t.Run(tc.question, func(t *testing.T) {
			t.Parallel()
			ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: tc.question, Passages: store})
			require.NoError(t, err)
			require.True(t, ans.Known, "confidence %.2f", ans.Confidence)
			require.Contains(t, ans.Text, tc.want)
		})
	}
}

// TestExtractiveReadsTheCompanysItemsAsWhatAQuestionIsAbout: a question
// that names what the company sells beside what it asks is answered where
// what it asks is ("can I return a notebook?" where returns are, not where
// notebooks are); a question about the item itself is answered as before.
func TestExtractiveReadsTheCompanysItemsAsWhatAQuestionIsAbout(t *testing.T) {
	t.Parallel()
	withProducts := append(slices.Clone(store), answer.Passage{SourceID: "products", Title: "Products", Heading: "Notebooks and pens",
		Text: "Our notebooks are made from 100% post-consumer recycled paper and come in A5 and A4 sizes. Our pens have aluminium bodies."})
	items := answer.NewCatalog([]answer.Product{{Name: "A5 recycled notebook"}, {Name: "A4 recycled notebook"},
		{Name: "Refillable aluminium pen"}, {Name: "Black ink refill"}})
	ask := func(question string, items *answer.Catalog) answer.Answer {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: question, Passages: withProducts, Catalog: items})
		require.NoError(t, err)
		return ans
	}
	for _, tc := range []struct{ question, want string }{
		{"Can I return a notebook?", "30 days"},
		{"How long does shipping take for notebooks?", "3–5"},
		{"How much is shipping for a notebook?", "$6.95"}, // "post-consumer" is not "post" (shipping)
		// A clause that says which one ("… I bought …") is not what is asked.
		{"Can I return a notebook I bought three weeks ago?", "30 days"},
		{"Can I return the pens I ordered last month?", "30 days"},
	} {
		ans := ask(tc.question, items)
		require.True(t, ans.Known, "%s: confidence %.2f", tc.question, ans.Confidence)
		require.Contains(t, ans.Text, tc.want, tc.question)
		require.NotContains(t, ask(tc.question, nil).Text, tc.want, "%s: without the company's items", tc.question)
	}
	// A word just before the item's says which one ("printer paper"); a
	// damaged one is still answered as damaged.
	paper := append(slices.Clone(store), answer.Passage{SourceID: "products", Title: "Products", Heading: "Notebooks and paper",
		Text: "Printer paper comes in letter and A4 sizes, in reams of 500 sheets."})
	papers := answer.NewCatalog([]answer.Product{{Name: "Recycled letter paper, ream"}, {Name: "A5 recycled notebook"}})
	for question, want := range map[string]string{
		"Is express shipping available for printer paper?": "Express shipping takes 1–2 business days.",
		"Can I return a damaged notebook?":                 "Damaged or faulty",
	} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: question, Passages: paper, Catalog: papers})
		require.NoError(t, err)
		require.True(t, ans.Known, question)
		require.Contains(t, ans.Text, want, question)
	}
	// Questions about the item itself.
	ans := ask("Are your notebooks made from recycled paper?", items)
	require.Contains(t, ans.Text, "recycled paper")
	ans = ask("How much does the aluminium pen cost?", items)
	require.NotContains(t, ans.Text, "$", "the price of shipping is not the pen's")
}

// TestExtractiveReadsADamagedThing: a message that says a thing the
// customer has is damaged or does not work is answered where damaged or
// faulty items are, whatever part it names, with the company's items known
// or not.
func TestExtractiveReadsADamagedThing(t *testing.T) {
	t.Parallel()
	withProducts := append(slices.Clone(store), answer.Passage{SourceID: "products", Title: "Products", Heading: "Notebooks and pens",
		Text: "Our notebooks are made from 100% post-consumer recycled paper and come in A5 and A4 sizes. Our pens have aluminium bodies."})
	items := answer.NewCatalog([]answer.Product{{Name: "A5 recycled notebook"}, {Name: "Refillable aluminium pen"}, {Name: "Black ink refill"}})
	// Ranked first, as a search may: a sentence that names faulty items
	// only as an exception ("… unless the item was faulty").
	passages := append([]answer.Passage{{SourceID: "returns", Title: "Returns and refunds", Heading: "How to start a return",
		Text: "We email you a prepaid return label; return shipping costs $5, taken from your refund, unless the item was faulty."}},
		withProducts...)
	for _, question := range []string{
		// What the message says of the thing after it says which one.
		"the pen I bought is broken",
		// What is damaged ("a torn cover", "the spine") is where.
		"The notebook I got has a torn cover",
		"My notebook's spine is broken",
		"My pen leaks, what can I do?",
		// Not working is faulty.
		"My pen stopped working after a week",
		"The pen I got doesn't work",
		"The ink refill doesn't work",
	} {
		for _, catalog := range []*answer.Catalog{items, nil} {
			ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: question, Passages: passages, Catalog: catalog})
			require.NoError(t, err)
			require.True(t, ans.Known, "%s (items known: %v)", question, catalog != nil)
			require.Contains(t, ans.Text, "Damaged or faulty", "%s (items known: %v)", question, catalog != nil)
		}
	}
}

func TestExtractiveDoesNotAnswerFromANearbySentence(t *testing.T) {
	t.Parallel()
	for _, question := range []string{
		"Do you accept PayPal?",
		"Can I pay in monthly installments?",
		"Do you have a physical shop I can visit?",
		"What's your customer service phone number?",
		"Do you sell laptops?",
		"Do you ship to Japan?",
		// Gift cards are named, only as what cannot be returned.
		"Do you have gift cards?",
		"Do you sell gift cards?",
		"¿Puedo pagar con una cabra?",
	} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: question, Passages: store})
		require.NoError(t, err)
		require.True(t, ans.NotCovered(), "%s: %q", question, ans.Text)
	}
}

// chatServer speaks the chat completions protocol, answering with reply or
// failing with status.
func chatServer(t *testing.T, handle func(w http.ResponseWriter, req map[string]any)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "/v1/chat/completions", r.URL.Path)
		require.Equal(t, "Bearer test-key", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		var req map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		handle(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func completion(content string) map[string]any {
	return map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content},
		}},
	}
}

func TestOpenAIAnswersWithCitations(t *testing.T) {
	t.Parallel()
	var system string
	srv := chatServer(t, func(w http.ResponseWriter, req map[string]any) {
		require.Equal(t, "test-model", req["model"])
		msgs := req["messages"].([]any)
		system = msgs[0].(map[string]any)["content"].(string)
		require.Equal(t, "How long does shipping take?", msgs[1].(map[string]any)["content"])
		_ = json.NewEncoder(w).Encode(completion("Standard shipping takes 3–5 business days [2]."))
	})
	gen := answer.NewOpenAI(srv.URL+"/v1", "test-key", "test-model", 5*time.Second)
	ans, err := gen.Generate(context.Background(), answer.Request{
		Question: "How long does shipping take?", Passages: passages,
		AgentName: "Sprocket", Tone: "friendly", Guidelines: "Never promise dates.",
	})
	require.NoError(t, err)
	require.True(t, ans.Known)
	require.Equal(t, "Standard shipping takes 3–5 business days.", ans.Text)
	require.Equal(t, []answer.Citation{{SourceID: "shipping", Title: "Shipping times and costs"}}, ans.Citations)
	require.Contains(t, system, "Sprocket")
	require.Contains(t, system, "Never promise dates.")
	require.Contains(t, system, "[2] Shipping times and costs")
}

func TestOpenAINoAnswer(t *testing.T) {
	t.Parallel()
	srv := chatServer(t, func(w http.ResponseWriter, _ map[string]any) {
		_ = json.NewEncoder(w).Encode(completion("NO_ANSWER"))
	})
	ans, err := answer.NewOpenAI(srv.URL+"/v1", "test-key", "m", 5*time.Second).
		Generate(context.Background(), answer.Request{Question: "Standing desks?", Passages: passages})
	require.NoError(t, err)
	require.False(t, ans.Known)
	require.Equal(t, answer.DontKnow, ans.Text)
}

func TestOpenAIErrorsAreReturnedNotRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError} {
		var calls atomic.Int32
		srv := chatServer(t, func(w http.ResponseWriter, _ map[string]any) {
			calls.Add(1)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":{"message":"busy","type":"server_error"}}`))
		})
		_, err := answer.NewOpenAI(srv.URL+"/v1", "test-key", "m", 5*time.Second).
			Generate(context.Background(), answer.Request{Question: "q", Passages: passages})
		require.Error(t, err)
		require.EqualValues(t, 1, calls.Load(), "the Temporal activity retries, not the client")
	}
}

func TestOpenAITimeout(t *testing.T) {
	t.Parallel()
	srv := chatServer(t, func(w http.ResponseWriter, _ map[string]any) {
		time.Sleep(2 * time.Second)
		_ = json.NewEncoder(w).Encode(completion("late"))
	})
	_, err := answer.NewOpenAI(srv.URL+"/v1", "test-key", "m", 200*time.Millisecond).
		Generate(context.Background(), answer.Request{Question: "q", Passages: passages})
	require.Error(t, err)
}

// sse writes chat.completion.chunk events, then [DONE].
func sse(w http.ResponseWriter, chunks ...map[string]any) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, c := range chunks {
		c["id"], c["object"], c["created"], c["model"] = "chatcmpl-1", "chat.completion.chunk", 1, "m"
		b, _ := json.Marshal(c)
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func choice(delta map[string]any, finish any) map[string]any {
	return map[string]any{"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
}

// TestOpenAIStepStreams asks for a step as a stream: the reply's pieces go
// to the writer as they come, and the step is what they add up to: the
// text, the usage, and tool calls whose arguments came in pieces.
func TestOpenAIStepStreams(t *testing.T) {
	t.Parallel()
	srv := chatServer(t, func(w http.ResponseWriter, req map[string]any) {
		require.Equal(t, true, req["stream"])
		require.Equal(t, map[string]any{"include_usage": true}, req["stream_options"])
		msgs := req["messages"].([]any)
		if msgs[len(msgs)-1].(map[string]any)["role"] == "tool" {
			sse(w,
				choice(map[string]any{"role": "assistant", "content": "Standard "}, nil),
				choice(map[string]any{"content": "shipping takes "}, nil),
				choice(map[string]any{"content": "3–5 days [1]."}, nil),
				choice(map[string]any{}, "stop"),
				map[string]any{"choices": []any{}, "usage": map[string]any{"prompt_tokens": 50, "completion_tokens": 9, "total_tokens": 59}},
			)
			return
		}
		call := func(args string, first bool) map[string]any {
			c := map[string]any{"index": 0, "function": map[string]any{"arguments": args}}
			if first {
				c["id"], c["type"] = "call_1", "function"
				c["function"].(map[string]any)["name"] = "search_knowledge"
			}
			return choice(map[string]any{"tool_calls": []any{c}}, nil)
		}
		sse(w, call(`{"query":`, true), call(`"shipping"}`, false), choice(map[string]any{}, "tool_calls"))
	})
	agent := answer.NewOpenAI(srv.URL+"/v1", "test-key", "m", 5*time.Second)
	var pieces []string
	req := answer.StepRequest{Question: "How long does shipping take?", Tools: []answer.Tool{{
		Name: "search_knowledge", Description: "search", Parameters: json.RawMessage(`{"type":"object","properties":{"query":{"type":"string"}}}`),
	}}, Stream: func(text string) { pieces = append(pieces, text) }}
	step, err := agent.Step(context.Background(), req)
	require.NoError(t, err)
	require.Empty(t, pieces, "a step that calls tools writes nothing")
	require.Len(t, step.Calls, 1)
	require.Equal(t, "search_knowledge", step.Calls[0].Name)
	require.Equal(t, `{"query":"shipping"}`, step.Calls[0].Arguments)

	req.Steps = []answer.Exchange{{Calls: step.Calls, Results: []answer.ToolResult{{CallID: "call_1", Content: "[1] Shipping: 3–5 days"}}}}
	step, err = agent.Step(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, []string{"Standard ", "shipping takes ", "3–5 days [1]."}, pieces)
	require.Equal(t, "Standard shipping takes 3–5 days [1].", step.Text)
	require.EqualValues(t, 50, step.TokensIn)
	require.EqualValues(t, 9, step.TokensOut)
}

// TestCatalogSaysTheStockAndPriceOfTheProductsAQuestionNames: the products
// a question names best, with what it asks of them; nothing for a question
// that asks neither or names none, or names too many to say which.
func TestCatalogSaysTheStockAndPriceOfTheProductsAQuestionNames(t *testing.T) {
	t.Parallel()
	catalog := answer.NewCatalog([]answer.Product{
		{Name: "A5 recycled notebook", Availability: "in_stock", PriceCents: 1240, Currency: "USD"},
		{Name: "A4 recycled notebook", Availability: "out_of_stock", PriceCents: 800, Currency: "USD"},
		{Name: "Bamboo desk organiser", Availability: "in_stock", PriceCents: 5995, Currency: "USD"},
		{Name: "Cork desk organiser", Availability: "discontinued", PriceCents: 1130, Currency: "EUR"},
		{Name: "Refillable aluminium pen", Availability: "preorder", PriceCents: 1800, Currency: "CHF"},
	})
	for question, want := range map[string]string{
		"Do you have the A4 notebook in stock?":       "A4 recycled notebook: out of stock.",
		"Is the bamboo organiser available?":          "Bamboo desk organiser: in stock.",
		"How much is the aluminium pen?":              "Refillable aluminium pen: 18.00 CHF.",
		"What's the price of the cork organiser?":     "Cork desk organiser: €11.30.",
		"Is the pen in stock, and what does it cost?": "Refillable aluminium pen: 18.00 CHF, available to pre-order.",
		"Are the notebooks in stock?":                 "A5 recycled notebook: in stock. A4 recycled notebook: out of stock.",
		"How much does the A5 notebook cost?":         "A5 recycled notebook: $12.40.",
		// The cheapest or dearest asked: the prices, in that order.
		"What's the cheapest notebook?":         "A4 recycled notebook: $8.00. A5 recycled notebook: $12.40.",
		"Which notebook is the most expensive?": "A5 recycled notebook: $12.40. A4 recycled notebook: $8.00.",
		"What is the least expensive notebook?": "A4 recycled notebook: $8.00. A5 recycled notebook: $12.40.",
		"Are the notebooks expensive?":          "A5 recycled notebook: $12.40. A4 recycled notebook: $8.00.",
		"Do you have cheaper desk organisers?":  "Cork desk organiser: €11.30, no longer sold. Bamboo desk organiser: $59.95, in stock.",
		// It asks neither, names no product, or asks of something else.
		"How long does shipping take for notebooks?": "",
		"Can wholesale buyers reserve stock?":        "",
		"How much is shipping for a notebook?":       "",
		"Do you ship notebooks?\nhow much are they?": "",
	} {
		require.Equal(t, want, catalog.Says(question), question)
	}
}

// TestCatalogFindsTheProductsAQueryNames: the model's product lookup finds
// products by their name's words, a variant's name or a SKU as a customer
// writes it, best first, and describes each with its variants.
func TestCatalogFindsTheProductsAQueryNames(t *testing.T) {
	t.Parallel()
	catalog := answer.NewCatalog([]answer.Product{
		{Name: "Linen notebook", SKU: "NB-LIN", Availability: "in_stock", PriceCents: 1400, Currency: "USD", Variants: []answer.Variant{
			{Name: "A5 dotted", SKU: "NB-LIN-A5", PriceCents: 1200, Availability: "out_of_stock"},
			{Name: "A4 ruled", SKU: "NB-LIN-A4"},
		}},
		{Name: "Recycled notebook", SKU: "NB-REC", Availability: "preorder", PriceCents: 800, Currency: "EUR"},
		{Name: "Bamboo desk organiser", SKU: "ORG-BAM", Availability: "discontinued"},
	})
	names := func(query string) []string {
		var out []string
		for _, p := range catalog.Find(query) {
			out = append(out, p.Name)
		}
		return out
	}
	require.Equal(t, []string{"Linen notebook", "Recycled notebook"}, names("notebooks"))
	require.Equal(t, []string{"Recycled notebook", "Linen notebook"}, names("recycled notebook"), "most of its name first")
	require.Equal(t, []string{"Linen notebook", "Recycled notebook"}, names("A5 dotted notebook"), "a variant's words count")
	require.Equal(t, []string{"Linen notebook"}, names("nb-lin-a4"), "a variant's SKU names its product")
	require.Equal(t, []string{"Bamboo desk organiser"}, names("ORG BAM"))
	require.Empty(t, names("kettle"))
	require.Empty(t, names("the"))

	// The offline answer says a variant named for itself.
	for question, want := range map[string]string{
		"Is the linen notebook in stock?":          "Linen notebook: in stock.",
		"Is the A5 linen notebook in stock?":       "Linen notebook, A5 dotted: out of stock.",
		"How much is the dotted notebook?":         "Linen notebook, A5 dotted: $12.00.",
		"How much is the ruled linen notebook?":    "Linen notebook, A4 ruled: $14.00.",
		"Is the A4 ruled notebook in stock?":       "Linen notebook, A4 ruled: in stock.",
		"Is the recycled notebook in A4 in stock?": "Recycled notebook: available to pre-order.",
		"Do you have the linen notebook in A4?":    "Linen notebook, A4 ruled: in stock.",
		"Do you sell recycled notebooks?":          "Recycled notebook: available to pre-order.",
		"Do you have large notebooks?":             "",
		"Do you have a returns policy?":            "",
	} {
		require.Equal(t, want, catalog.Says(question), question)
	}

	// A word no other product explains decides between two that share
	// the rest: the A4 notebook is the one whose name says A4, the A4 ruled
	// one the one that comes in "A4 ruled".
	two := answer.NewCatalog([]answer.Product{
		{Name: "A4 recycled notebook", Availability: "in_stock", PriceCents: 800, Currency: "USD"},
		{Name: "Linen notebook", Availability: "in_stock", PriceCents: 1400, Currency: "USD", Variants: []answer.Variant{{Name: "A4 ruled"}}},
	})
	require.Equal(t, "Linen notebook, A4 ruled: $14.00.", two.Says("How much is the A4 ruled notebook?"))
	require.Equal(t, "A4 recycled notebook: $8.00.", two.Says("How much is the A4 notebook?"))

	require.Equal(t, "Linen notebook (SKU NB-LIN): $14.00, in stock. Variants: A5 dotted (SKU NB-LIN-A5, $12.00, out of stock); A4 ruled (SKU NB-LIN-A4).",
		catalog.Find("linen")[0].Describe())
	require.Equal(t, "Recycled notebook (SKU NB-REC): €8.00, available to pre-order.", catalog.Find("recycled")[0].Describe())
	require.Equal(t, "Bamboo desk organiser (SKU ORG-BAM): no longer sold.", catalog.Find("bamboo")[0].Describe())
}

// Whether the company has a thing is answered by a sentence that says it
// sells or offers it, not by one that names it in passing.
func TestExtractiveAnswersWhetherTheCompanyHasAThing(t *testing.T) {
	t.Parallel()
	passages := append([]answer.Passage{
		{SourceID: "payment", Title: "Paying for your order", Heading: "Ways to pay",
			Text: "We accept Visa and Mastercard. We sell gift cards from $10 to $100, delivered by email."},
	}, store...)
	for _, question := range []string{"Do you have gift cards?", "Do you sell gift cards?"} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: question, Passages: passages})
		require.NoError(t, err)
		require.True(t, ans.Known, question)
		require.Equal(t, "payment", ans.Citations[0].SourceID, question)
		require.Contains(t, ans.Text, "We sell gift cards", question)
	}
}

// A section whose heading matches is quoted whole, but for a sentence that
// shares nothing with the question while another does.
func TestExtractiveLeavesOutASentenceOfTheSectionAboutSomethingElse(t *testing.T) {
	t.Parallel()
	section := []answer.Passage{{SourceID: "products", Title: "Products", Heading: "Desk organisers and pens",
		Text: "Desk organisers are made from reclaimed bamboo and cork. Our refillable pens have aluminium bodies; ink refills come in black, blue and green."}}
	ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: "What colours do the pens come in?", Passages: section})
	require.NoError(t, err)
	require.True(t, ans.Known)
	require.Equal(t, "Our refillable pens have aluminium bodies; ink refills come in black, blue and green.", ans.Text)
	// Asked of both, both are quoted.
	ans, err = answer.Extractive{}.Generate(context.Background(), answer.Request{Question: "What are the organisers and pens made of?", Passages: section})
	require.NoError(t, err)
	require.Equal(t, section[0].Text, ans.Text)
}

// Between sections that cover a question as much, the one that writes its
// words side by side as the question does answers it.
func TestExtractivePrefersTheSectionThatWritesTheQuestionsPhrase(t *testing.T) {
	t.Parallel()
	passages := []answer.Passage{
		{SourceID: "products", Title: "Products: sizes, materials and availability", Heading: "Availability",
			Text: `Items marked "in stock" ship the same day. Items marked "back soon" are restocked within three weeks.`},
		{SourceID: "shipping", Title: "Shipping times and costs", Heading: "Shipping times",
			Text: "Standard shipping takes 3–5 business days. Express shipping takes 1–2 business days."},
	}
	for _, question := range []string{"Is express shipping available?", "Is express shipping still available?"} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: question, Passages: passages})
		require.NoError(t, err)
		require.True(t, ans.Known, question)
		require.Contains(t, ans.Text, "Express shipping takes 1–2 business days.", question)
	}
}

// TestExtractiveAnswersFromAnotherCompanysWords: content written otherwise
// than the demo store's, a bike shop's, answers what it says in its own way:
// the days a showroom is open, the countries it delivers to, a price in
// euros, the steps of a "How to" section.
func TestExtractiveAnswersFromAnotherCompanysWords(t *testing.T) {
	t.Parallel()
	bikes := []answer.Passage{
		{SourceID: "delivery", Title: "Delivery", Heading: "Delivery",
			Text: "We deliver to Germany, Austria, Switzerland, the Netherlands, Belgium and France. Bikes ship fully assembled."},
		{SourceID: "delivery", Title: "Delivery", Heading: "Delivery costs",
			Text: "Delivering a bike costs 49 euros."},
		{SourceID: "payment", Title: "Payment", Heading: "Payment",
			Text: "We accept Visa, Mastercard, PayPal, Klarna and bank transfer."},
		{SourceID: "returns", Title: "Returns", Heading: "Return shipping",
			Text: "Returning accessories is free. For a bike we collect it from your door for 49 euros, which is deducted from your refund."},
		{SourceID: "returns", Title: "Returns", Heading: "Refunds",
			Text: "We refund to the original payment method within 5 business days of receiving the item."},
		{SourceID: "sizing", Title: "Finding your frame size", Heading: "Test rides",
			Text: "You can test ride every model in our Leipzig showroom, Monday to Saturday from 10:00 to 18:00. Book a slot online."},
		{SourceID: "warranty", Title: "Warranty", Heading: "Warranty",
			Text: "Every frame carries a lifetime warranty against manufacturing defects. Components are covered for two years."},
		{SourceID: "returns", Title: "Returns", Heading: "How to start a return",
			Text: "Sign in to your account and choose \"Return an item\" next to the order. We email you the collection date."},
		{SourceID: "warranty", Title: "Warranty", Heading: "How to make a claim",
			Text: "Send us your order number and a photo of the defect. We answer within three business days. If the claim is approved we repair or replace the part."},
	}
	for _, tc := range []struct{ question, want string }{
		{"When is the showroom open?", "Monday to Saturday"},
		{"What are your opening hours?", "Monday to Saturday"},
		{"Is the showroom open on Sundays?", "Monday to Saturday"},
		{"Are you open on Sundays?", "Monday to Saturday"},
		{"Do you deliver to Italy?", "We deliver to Germany"},
		{"Do you ship to Norway?", "We deliver to Germany"},
		{"Who pays for return shipping?", "we collect it from your door for 49 euros"},
		{"How do I make a warranty claim?", "Send us your order number"},
		{"How do I send something back?", "Sign in to your account"},
		// "Until" asks a time, not what is asked.
		{"How long until I get my refund?", "5 business days"},
		// A follow-up that asks only a price asks it of what it follows.
		{"Can I return a bike?\nwhat does it cost?", "we collect it from your door for 49 euros"},
		// "How can I pay?" asks the ways to, not a price, beside a thing
		// too.
		{"How can I pay?", "We accept"},
		{"I'm buying a bike, how can I pay?", "We accept"},
		{"How much do I pay for delivery?", "costs 49 euros"},
	} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: tc.question, Passages: bikes})
		require.NoError(t, err)
		require.True(t, ans.Known, tc.question)
		require.Contains(t, ans.Text, tc.want, tc.question)
		sentences := strings.SplitAfter(ans.Text, ". ")
		require.Len(t, sentences, len(slices.Compact(slices.Sorted(slices.Values(sentences)))), "no sentence twice: %q", ans.Text)
	}
	// Opening an account is not a time: the showroom's days do not answer.
	ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: "How do I open an account?", Passages: bikes})
	require.NoError(t, err)
	require.False(t, ans.Known, ans.Text)
}

// Where a company is and where it ships, asked in customers' words: the
// short names of countries, "located", "address", a shop to visit, the
// customer service.
func TestExtractiveAnswersWhereACompanyIsAndWhereItShips(t *testing.T) {
	t.Parallel()
	coffee := []answer.Passage{
		{SourceID: "shipping", Title: "Shipping and delivery", Heading: "Where we deliver",
			Text: "We ship to the United Kingdom and to every country in the European Union. We do not currently ship to the United States, Canada or Australia."},
		{SourceID: "shipping", Title: "Shipping and delivery", Heading: "Roast and dispatch days",
			Text: "We roast on Mondays and Thursdays and dispatch the same afternoon."},
		{SourceID: "roastery", Title: "Visit the roastery", Heading: "Visit the roastery",
			Text: "Our roastery café is at 14 Mill Lane, Bristol BS1 4QT. It is open Tuesday to Saturday, 8am to 4pm."},
		{SourceID: "roastery", Title: "Visit the roastery", Heading: "Contact",
			Text: "Our customer team answers email and chat Monday to Friday, 9am to 5pm UK time."},
		{SourceID: "account", Title: "Payments and your account", Heading: "Your account",
			Text: "You can change your email address, delivery address and password under Account settings."},
		{SourceID: "subscriptions", Title: "Coffee subscriptions", Heading: "Choosing your coffee",
			Text: "Pick a single origin or our House Blend. Bags are 250 g or 1 kg."},
		{SourceID: "brewing", Title: "Grinds and brewing", Heading: "Cold brew",
			Text: "Our cold brew comes in 500ml bottles."},
		{SourceID: "shipping", Title: "Shipping and delivery", Heading: "Delivery",
			Text: "Orders go by Royal Mail Tracked 48. Parcels that do not fit through your letterbox need a signature."},
		{SourceID: "subscriptions", Title: "Coffee subscriptions", Heading: "Frequency",
			Text: "You can have coffee delivered every week, every two weeks or every month."},
		{SourceID: "brewing", Title: "Grinds and brewing", Heading: "Grind options",
			Text: "Whole beans stay fresh longest; ground coffee is best used within two weeks of opening."},
		{SourceID: "returns", Title: "Returns and refunds", Heading: "Coffee",
			Text: "Because coffee is a food product, we cannot take back opened bags."},
		{SourceID: "returns", Title: "Returns and refunds", Heading: "Damaged or faulty items",
			Text: "If a bag arrives split or a piece of equipment arrives damaged, email us a photo within 14 days of delivery."},
	}
	for _, tc := range []struct{ question, want string }{
		{"Do you ship to the US?", "not currently ship to the United States"},
		{"ship to US?", "not currently ship to the United States"},
		{"Do you deliver to the USA?", "not currently ship to the United States"},
		{"Can I get it shipped to America?", "not currently ship to the United States"},
		{"Do you ship to Britain?", "We ship to the United Kingdom"},
		{"Where are you located?", "14 Mill Lane"},
		{"What's your address?", "14 Mill Lane"},
		{"Do you have a shop I can visit?", "14 Mill Lane"},
		{"How do I change my address?", "Account settings"},
		{"What are your customer service hours?", "Monday to Friday, 9am to 5pm"},
		// When a thing is available is when it is.
		{"When is support available?", "Monday to Friday, 9am to 5pm"},
		// Signing is a signature; how often is every week or month.
		{"Do I need to sign for my parcel?", "need a signature"},
		{"How often can I get deliveries?", "every week, every two weeks"},
		// Opening hours are days, not a time after opening a bag.
		{"What are your opening hours?", "open Tuesday to Saturday"},
		{"How long does ground coffee keep after opening?", "within two weeks of opening"},
		// A quantity is asked, written against its unit or not.
		{"Are there 1kg bags?", "Bags are 250 g or 1 kg"},
		{"Can I get a 250g bag?", "Bags are 250 g or 1 kg"},
		{"Is cold brew sold in 500 ml bottles?", "500ml bottles"},
		// Split is damaged.
		{"My bag of coffee arrived split open", "email us a photo"},
	} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: tc.question, Passages: coffee})
		require.NoError(t, err)
		require.True(t, ans.Known, tc.question)
		require.Contains(t, ans.Text, tc.want, tc.question)
	}
}

// A software company's questions: users and teammates, where data is
// stored, 2FA, a price written with a currency sign, a way to pay the
// content does not name.
func TestExtractiveAnswersASoftwareCompanysQuestions(t *testing.T) {
	t.Parallel()
	saas := []answer.Passage{
		{SourceID: "plans", Title: "Plans and billing", Heading: "Plans",
			Text: "Team is $8 a month for each seat. Business adds single sign-on and audit logs."},
		{SourceID: "account", Title: "Your account", Heading: "Signing in",
			Text: "Sign in at app.example.com with your email and password."},
		{SourceID: "plans", Title: "Plans and billing", Heading: "Free trial",
			Text: "Every new workspace gets a 14-day free trial. When the trial ends, the workspace moves to the Free plan."},
		{SourceID: "api", Title: "Integrations", Heading: "API",
			Text: "Create an API token under Profile, API tokens."},
		{SourceID: "plans", Title: "Plans and billing", Heading: "Adding and removing users",
			Text: "Admins can add users at any time. Removed users are credited on your next invoice."},
		{SourceID: "plans", Title: "Plans and billing", Heading: "Changing or cancelling your plan",
			Text: "Admins can cancel from Settings, Billing. A cancellation takes effect at the end of the billing period. We do not refund partial months."},
		{SourceID: "plans", Title: "Plans and billing", Heading: "Payment methods",
			Text: "We accept Visa, Mastercard and American Express."},
		{SourceID: "security", Title: "Data and security", Heading: "Security",
			Text: "All data is encrypted at rest. Our servers are hosted in Frankfurt."},
		{SourceID: "account", Title: "Your account", Heading: "Two-factor authentication",
			Text: "Turn on two-factor authentication under Profile, Security."},
	}
	for _, tc := range []struct{ question, want string }{
		{"How do I invite a teammate?", "Admins can add users"},
		{"Where is my data stored?", "hosted in Frankfurt"},
		{"How do I turn on 2FA?", "two-factor authentication"},
		{"Do you give refunds?", "We do not refund partial months"},
		// "What happens" says nothing of what is asked.
		{"Is there a free trial?\nWhat happens when it ends?", "moves to the Free plan"},
		// A subscription is a plan.
		{"How do I cancel my subscription?", "Admins can cancel"},
		// Logging in is signing in, and not "audit logs".
		{"I can't log in", "Sign in at"},
		{"Where do I login?", "Sign in at"},
		{"Do you have audit logs?", "Business adds"},
		{"How do I get an API key?", "API token"},
		{"What's the difference between Team and Business?", "Team is $8"},
		// "$8" is a price.
		{"How much is a seat?", "Team is $8"},
		// A way to pay the content does not name: the ways it does.
		{"Do you accept PayPal?", "We accept Visa"},
		{"Do you take Bitcoin?", "We accept Visa"},
		{"Can I pay with Apple Pay?", "We accept Visa"},
		{"Do you accept cash?", "We accept Visa"},
	} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: tc.question, Passages: saas})
		require.NoError(t, err)
		require.True(t, ans.Known, tc.question)
		require.Contains(t, ans.Text, tc.want, tc.question)
	}
	// "Accept" what is no way to pay is not asked of the ways to pay.
	ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: "Do you accept returns?", Passages: saas})
	require.NoError(t, err)
	require.False(t, ans.Known, ans.Text)
}

func TestExtractiveAnswersAHotelsQuestions(t *testing.T) {
	t.Parallel()
	hotel := []answer.Passage{
		{SourceID: "stay", Title: "Your stay", Heading: "Room service",
			Text: "Room service is available from 7am until 10pm. Dial 0 from your room phone."},
		{SourceID: "booking", Title: "Booking and cancellation", Heading: "Making a booking",
			Text: "You can book a room on our website, by phone on 01632 960 111, or by email."},
		{SourceID: "booking", Title: "Booking and cancellation", Heading: "Cancellation policy",
			Text: "Flexible rates can be cancelled free of charge up to 48 hours before arrival. If you cancel later, we charge the first night. Non-refundable rates cannot be cancelled or changed."},
		{SourceID: "stay", Title: "Your stay", Heading: "Check-in and check-out",
			Text: "Check-in is from 3pm and check-out is by 11am. We are happy to store your luggage before check-in."},
		{SourceID: "stay", Title: "Your stay", Heading: "Wi-Fi",
			Text: "Free Wi-Fi is available in every room. The network name and password are printed on your key card holder."},
		{SourceID: "stay", Title: "Your stay", Heading: "Accessibility",
			Text: "We have two accessible rooms on the ground floor with walk-in showers. A lift serves every floor."},
		{SourceID: "facilities", Title: "Facilities", Heading: "Parking",
			Text: "We have a car park behind the hotel. Parking costs £12 per night. There are two electric vehicle chargers."},
		{SourceID: "facilities", Title: "Facilities", Heading: "Pets",
			Text: "Dogs are welcome in our garden rooms for £20 per night. Dogs are not allowed in the restaurant, but they are welcome in the bar."},
		{SourceID: "facilities", Title: "Facilities", Heading: "Spa and gym",
			Text: "The gym is open 24 hours a day for hotel guests. The spa is open from 9am to 8pm."},
		{SourceID: "location", Title: "Getting here", Heading: "Address",
			Text: "Harbour House Hotel, 4 Quay Street, Porthaven. We are on the harbour front, opposite the lifeboat station."},
		{SourceID: "location", Title: "Getting here", Heading: "By train",
			Text: "Porthaven station is a ten-minute walk from the hotel. Taxis wait outside the station."},
		{SourceID: "location", Title: "Getting here", Heading: "Airport transfers",
			Text: "We can arrange a taxi from Newquay Airport for £45 each way."},
		{SourceID: "account", Title: "Your account", Heading: "Your details",
			Text: "You can change your email address and home address under My account."},
		{SourceID: "payments", Title: "Payments", Heading: "Gift vouchers",
			Text: "Gift vouchers are valid for 12 months and can be used for rooms, dinner and spa treatments."},
		{SourceID: "facilities", Title: "Facilities", Heading: "Restaurant",
			Text: "Our restaurant serves dinner from 6pm to 9.30pm."},
	}
	for _, tc := range []struct{ question, want string }{
		// Where the company is: its address, not the customer's.
		{"Where are you?", "4 Quay Street"},
		{"What's your address?", "4 Quay Street"},
		{"Where is the hotel?", "4 Quay Street"},
		{"How do I find you?", "4 Quay Street"},
		{"How do I change my address?", "under My account"},
		// The way there: walking, a taxi, not what is opposite.
		{"How do I get there from the station?", "ten-minute walk"},
		// "cancellation" is "cancelled".
		{"What is your cancellation policy?", "Flexible rates can be cancelled"},
		// Bringing a thing is its being allowed or welcome.
		{"Can I bring my dog?", "Dogs are welcome"},
		{"Are you dog friendly?", "Dogs are welcome"},
		// "He" is what was asked of before, as "it" is.
		{"Can I bring my dog?\nCan he come in the restaurant?", "not allowed in the restaurant"},
		// Wi-Fi is wifi; bags are luggage; a pickup is a transfer.
		{"What's the wifi password?", "password are printed"},
		{"Can I store my bags?", "store your luggage"},
		{"Do you do airport pickups?", "taxi from Newquay Airport"},
		// A phone number is the phone and its digits; a reservation is a
		// booking, and "next weekend" says when.
		{"What's your phone number?", "by phone on"},
		{"Can I make a reservation?", "You can book a room"},
		{"Hi, I'd like to book a room for next weekend", "You can book a room"},
		// A thing the company has, said by what it does or "there are".
		{"Do you have a lift?", "A lift serves every floor"},
		{"Do you have EV charging?", "electric vehicle chargers"},
		// Accessible is for wheelchair users, and "the hotel" is the
		// company asked about, not a word the answer needs.
		{"Do you have rooms for wheelchair users?", "accessible rooms"},
		{"Is the hotel accessible?", "accessible rooms"},
		// When a place closes is when it is open; a thing free is its
		// price.
		{"What time does the spa close?", "The spa is open from 9am to 8pm"},
		{"Is parking free?", "Parking costs £12"},
		{"Is wifi free?", "Free Wi-Fi"},
		// Check-in is one word or two; "what time" asks a time of day,
		// "how far" the way.
		{"checkin time", "Check-in is from 3pm"},
		{"whats the checkout time", "check-out is by 11am"},
		{"what time is dinner", "dinner from 6pm"},
		{"how far from the station", "ten-minute walk"},
	} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: tc.question, Passages: hotel})
		require.NoError(t, err)
		require.True(t, ans.Known, tc.question)
		require.Contains(t, ans.Text, tc.want, tc.question)
	}
	// A bar named only in passing, a cat not named: not answered.
	for _, question := range []string{"Do you have a bar?", "Can I bring my cat?"} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: question, Passages: hotel})
		require.NoError(t, err)
		require.False(t, ans.Known, "%s: %s", question, ans.Text)
	}
}

func TestExtractiveAnswersAnInternetProvidersQuestions(t *testing.T) {
	t.Parallel()
	isp := []answer.Passage{
		{SourceID: "billing", Title: "Bills and payments", Heading: "Missed payments",
			Text: "If a payment fails, we try again after seven days. A late payment fee of £7.50 applies to each missed payment."},
		{SourceID: "billing", Title: "Bills and payments", Heading: "Paying",
			Text: "We take payment by Direct Debit. If you want to pay by card instead, there is a £2 monthly charge."},
		{SourceID: "help", Title: "Fixing problems", Heading: "Wi-Fi drops out",
			Text: "Make sure your router's software is up to date; it updates itself overnight."},
		{SourceID: "billing", Title: "Bills and payments", Heading: "Price changes",
			Text: "Your monthly price rises by £3 each April."},
		{SourceID: "help", Title: "Fixing problems", Heading: "No internet",
			Text: "First restart your router: switch it off at the wall, wait 30 seconds and switch it on again."},
		{SourceID: "account", Title: "Your contract", Heading: "Moving home",
			Text: "Tell us at least 30 days before you move."},
		{SourceID: "account", Title: "Your contract", Heading: "Leaving",
			Text: "To leave, call us and give 30 days' notice."},
		{SourceID: "plans", Title: "Plans", Heading: "Students",
			Text: "Students get 20% off with a valid student email address."},
	}
	for _, tc := range []struct{ question, want string }{
		// "payment" is not both "pay" and "card".
		{"Can I pay by card?", "pay by card instead"},
		// Going up is a rise, not "up to date".
		{"Will my price go up?", "price rises"},
		// A house is a home; cancelling a contract is leaving it; a
		// discount is money off.
		{"I'm moving house", "before you move"},
		{"How do I cancel?", "To leave, call us"},
		{"Do you have a student discount?", "20% off"},
		// A service that does not work, or is down, is answered where
		// content says how to fix problems.
		{"My internet is not working", "restart your router"},
		{"The internet is down", "restart your router"},
		{"My broadband is down", "restart your router"},
	} {
		ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: tc.question, Passages: isp})
		require.NoError(t, err)
		require.True(t, ans.Known, tc.question)
		require.Contains(t, ans.Text, tc.want, tc.question)
	}
}
