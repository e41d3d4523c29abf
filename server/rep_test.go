package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workflows"
)

type sseEvent struct {
	ID, Kind string
	Data     map[string]any
}

// subscribe opens the rep event stream and delivers its events.
func subscribe(t *testing.T, url, key string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	out := make(chan sseEvent, 100)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				ev.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.Kind = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.Data)
			case line == "" && ev.Kind != "":
				out <- ev
				ev = sseEvent{}
			}
		}
	}()
	return out
}

func waitFor(t *testing.T, events <-chan sseEvent, kind string, within time.Duration) sseEvent {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev := <-events:
			if ev.Kind == kind {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %q event within %s", kind, within)
		}
	}
}

func TestHandoffReachesRepLiveAndRepTakesOver(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	events := subscribe(t, app.URL+"/v1/rep/events", app.Keys.Rep)
	conv := app.URL + "/v1/conversations/refund-1"

	sent := time.Now()
	r := do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m1","text":"I want a refund for my notebook","contact":{"email":"ada@example.com"}}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, "handed_off", r.Body["status"])
	require.Equal(t, true, r.Body["handed_off"])
	require.Contains(t, r.Body["reply"].(map[string]any)["text"], "support team")

	// The event is pushed, not polled for: it comes within waitFor's bound.
	ev := waitFor(t, events, "handoff", 5*time.Second)
	t.Logf("the rep learnt of the handoff %s after the message was sent", time.Since(sent))
	require.Equal(t, "refund-1", ev.Data["conversation_id"])
	require.Equal(t, "support", ev.Data["team"])

	q := do(t, "GET", app.URL+"/v1/rep/queue", app.Keys.Rep, nil)
	require.Equal(t, 200, q.Status, q.Raw)
	queue := q.Body["conversations"].([]any)
	require.Len(t, queue, 1)
	item := queue[0].(map[string]any)
	require.Contains(t, item["handoff_reason"], "Refunds")
	require.Equal(t, map[string]any{"email": "ada@example.com"}, item["contact"], "the rep sees who is waiting")
	require.NotContains(t, item, "verified", "a typed email proves nothing")
	require.Equal(t, "I want a refund for my notebook", item["last_customer_message"])

	// While no rep has accepted, the agent stays silent ("transfer now").
	r = do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m2","text":"Hello?"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Empty(t, r.Body["reply"].(map[string]any)["text"])
	waitFor(t, events, "customer_message", 5*time.Second)
	q = do(t, "GET", app.URL+"/v1/rep/queue", app.Keys.Rep, nil)
	require.Equal(t, "Hello?", q.Body["conversations"].([]any)[0].(map[string]any)["last_customer_message"],
		"the queue quotes the customer's latest message")

	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/refund-1/accept", app.Keys.Rep, nil).Status)
	waitFor(t, events, "accepted", 5*time.Second)
	r = do(t, "POST", app.URL+"/v1/rep/conversations/refund-1/messages", app.Keys.Rep, []byte(`{"id":"rep-1","text":"I've refunded your notebook."}`))
	require.Equal(t, 202, r.Status, r.Raw)
	waitFor(t, events, "rep_message", 5*time.Second)

	staff := do(t, "GET", conv, app.Keys.Auditor, nil)
	require.Equal(t, 200, staff.Status)
	require.Equal(t, "rep_active", staff.Body["status"])
	require.NotContains(t, staff.Body, "verified", "a typed email proves nothing")
	roles := []string{}
	for _, m := range staff.Body["messages"].([]any) {
		roles = append(roles, m.(map[string]any)["role"].(string))
	}
	require.Equal(t, []string{"customer", "agent", "customer", "system", "rep"}, roles, "the agent stays silent after a transfer")
	kinds := map[string]bool{}
	for _, d := range staff.Body["decisions"].([]any) {
		kinds[d.(map[string]any)["kind"].(string)] = true
	}
	require.True(t, kinds["handoff_rules"] && kinds["handoff"] && kinds["rep_accepted"], "auditors see the decisions: %v", kinds)
	widget := do(t, "GET", conv, app.Keys.Widget, nil)
	require.Nil(t, widget.Body["decisions"], "the customer does not see decisions")

	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/refund-1/hand-back", app.Keys.Rep, nil).Status)
	waitFor(t, events, "handed_back", 5*time.Second)
	r = do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m3","text":"How long does shipping take?"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, "ai_active", r.Body["status"])
	require.Contains(t, r.Body["reply"].(map[string]any)["text"], "business days")

	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/refund-1/close", app.Keys.Rep, nil).Status)
	require.Eventually(t, func() bool {
		return do(t, "GET", conv, app.Keys.Auditor, nil).Body["status"] == "closed_unresolved"
	}, 10*time.Second, 100*time.Millisecond)
	// A handed-off conversation is not the agent's resolution: no charge.
	var charges int64
	require.NoError(t, app.DB.Model(&models.CreditEntry{}).Where("reason = ?", "resolved").Count(&charges).Error)
	require.Zero(t, charges)
	// Rep actions on an ended conversation are refused.
	require.Equal(t, 409, do(t, "POST", app.URL+"/v1/rep/conversations/refund-1/accept", app.Keys.Rep, nil).Status)
}

// TestRepSeesWhetherTheCustomerProvedWhoTheyAre: a customer signed in on the
// company's site (an identity token) is marked verified in the rep's queue
// and conversation, with the email they proved; the contact details they
// type beside it change nothing of it.
func TestRepSeesWhetherTheCustomerProvedWhoTheyAre(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	token := signedInToken(t, app)
	body, err := json.Marshal(map[string]any{"id": "m1", "text": "I want a refund for my notebook", "identity_token": token,
		"contact": map[string]any{"email": "someone.else@example.com", "name": "Grace"}})
	require.NoError(t, err)
	conv := app.URL + "/v1/conversations/refund-verified"
	r := do(t, "POST", conv+"/messages", app.Keys.Widget, body)
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, "handed_off", r.Body["status"])

	proved := map[string]any{"email": "ada@example.com", "method": "token"}
	q := do(t, "GET", app.URL+"/v1/rep/queue", app.Keys.Rep, nil)
	require.Equal(t, 200, q.Status, q.Raw)
	queue := q.Body["conversations"].([]any)
	require.Len(t, queue, 1)
	item := queue[0].(map[string]any)
	require.Equal(t, proved, item["verified"], "the token's email, lower-cased, and how it was proved")
	require.Equal(t, "someone.else@example.com", item["contact"].(map[string]any)["email"], "the contact as typed, apart")

	staff := do(t, "GET", conv, app.Keys.Rep, nil)
	require.Equal(t, 200, staff.Status, staff.Raw)
	require.Equal(t, proved, staff.Body["verified"])
	widget := do(t, "GET", conv, app.Keys.Widget, nil)
	require.Equal(t, 200, widget.Status, widget.Raw)
	require.NotContains(t, widget.Body, "verified", "staff roles only")
}

// TestRepReadsTheAccountOfAVerifiedCustomerOnly: beside a conversation, a
// rep reads the CRM's contact and newest orders of the email the customer
// proved; for a customer who only typed an email, none, and why.
func TestRepReadsTheAccountOfAVerifiedCustomerOnly(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	found := do(t, "GET", app.URL+"/v1/crm/contacts?email=ada%40example.com", app.Keys.Admin, nil)
	require.Equal(t, 200, found.Status, found.Raw)
	require.Len(t, found.Body["contacts"], 1)
	contact := found.Body["contacts"].([]any)[0].(map[string]any)
	r := do(t, "PUT", app.URL+"/v1/crm/orders/ACCT-1", app.Keys.Admin, jsonBody(t, map[string]any{
		"number": "ACCT-1", "contact": contact["external_id"], "status": "shipped", "placed_at": time.Now().UTC().Format(time.RFC3339),
		"items":    []map[string]any{{"sku": "X-1", "name": "Walnut pen tray", "quantity": 2}},
		"tracking": map[string]any{"carrier": "Parcelway", "number": "PW123", "url": "https://track.example/PW123"}}))
	require.Less(t, r.Status, 300, r.Raw)

	token := signedInToken(t, app)
	r = do(t, "POST", app.URL+"/v1/conversations/acct-verified/messages", app.Keys.Widget, jsonBody(t, map[string]any{
		"id": "m1", "text": "I want to talk to a person", "identity_token": token}))
	require.Equal(t, 200, r.Status, r.Raw)
	r = do(t, "POST", app.URL+"/v1/conversations/acct-typed/messages", app.Keys.Widget, jsonBody(t, map[string]any{
		"id": "m1", "text": "I want to talk to a person", "contact": map[string]any{"email": "ada@example.com"}}))
	require.Equal(t, 200, r.Status, r.Raw)
	r = do(t, "POST", app.URL+"/v1/conversations/acct-earlier/messages", app.Keys.Widget, jsonBody(t, map[string]any{
		"id": "m1", "text": "How long does shipping take?", "identity_token": signedInToken(t, app)}))
	require.Equal(t, 200, r.Status, r.Raw)

	account := do(t, "GET", app.URL+"/v1/rep/conversations/acct-verified/customer", app.Keys.Rep, nil)
	require.Equal(t, 200, account.Status, account.Raw)
	require.Equal(t, map[string]any{"email": "ada@example.com", "method": "token"}, account.Body["verified"])
	require.Equal(t, contact, account.Body["contact"], "the CRM's contact, as the CRM's API shows it")
	orders := account.Body["orders"].([]any)
	want := do(t, "GET", app.URL+"/v1/crm/orders?limit=100&contact="+url.QueryEscape(contact["external_id"].(string)), app.Keys.Admin, nil)
	require.Equal(t, 200, want.Status, want.Raw)
	require.Len(t, orders, len(want.Body["orders"].([]any)), "each of the contact's orders (fewer than ten)")
	newest := orders[0].(map[string]any)
	require.Equal(t, "ACCT-1", newest["number"], "newest first")
	require.Equal(t, "Parcelway", newest["tracking"].(map[string]any)["carrier"])
	require.Empty(t, account.Body["note"])
	// Its other conversations: those where the same email was proved,
	// not one where it was only typed (the records follow the replies).
	others := func() []string {
		r := do(t, "GET", app.URL+"/v1/rep/conversations/acct-verified/customer", app.Keys.Rep, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		var ids []string
		for _, c := range r.Body["conversations"].([]any) {
			ids = append(ids, c.(map[string]any)["conversation_id"].(string))
		}
		return ids
	}
	require.Eventually(t, func() bool { return slices.Equal(others(), []string{"acct-earlier"}) },
		10*time.Second, 100*time.Millisecond, "%v", others())
	require.Equal(t, 200, do(t, "GET", app.URL+"/v1/rep/conversations/acct-verified/customer", app.Keys.Admin, nil).Status)

	typed := do(t, "GET", app.URL+"/v1/rep/conversations/acct-typed/customer", app.Keys.Rep, nil)
	require.Equal(t, 200, typed.Status, typed.Raw)
	require.Nil(t, typed.Body["verified"])
	require.Nil(t, typed.Body["contact"], "an email only typed names no account")
	require.Empty(t, typed.Body["orders"])
	require.Empty(t, typed.Body["conversations"])
	require.Contains(t, typed.Body["note"], "has not proved who they are")

	require.Equal(t, 403, do(t, "GET", app.URL+"/v1/rep/conversations/acct-verified/customer", app.Keys.Widget, nil).Status, "a customer reads no account this way")
	require.Equal(t, 404, do(t, "GET", app.URL+"/v1/rep/conversations/no-such/customer", app.Keys.Rep, nil).Status)
}

// TestRepAsksTheCustomerToProveTheirEmail: a rep asks a customer who only
// typed their email to prove it; the code goes there, the customer types it
// (with the rep holding the conversation, or before one accepts), and the
// account shows. No address, or not an email, is refused naming email; a
// verified customer is not asked again.
func TestRepAsksTheCustomerToProveTheirEmail(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	customerSays(t, app, "rv-none", "m1", "I want to talk to a person", "")
	none := do(t, "POST", app.URL+"/v1/rep/conversations/rv-none/verify", app.Keys.Rep, nil)
	require.Equal(t, 400, none.Status, none.Raw)
	require.Contains(t, none.Raw, "email")

	for _, accept := range []bool{true, false} {
		conv := fmt.Sprintf("rv-%t", accept)
		customerSays(t, app, conv, "m1", "I want to talk to a person", "ada@example.com")
		bad := do(t, "POST", app.URL+"/v1/rep/conversations/"+conv+"/verify", app.Keys.Rep, []byte(`{"email":"not an email"}`))
		require.Equal(t, 400, bad.Status, bad.Raw)
		require.Contains(t, bad.Raw, "email")
		if accept {
			require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/"+conv+"/accept", app.Keys.Rep, nil).Status)
		}
		r := do(t, "POST", app.URL+"/v1/rep/conversations/"+conv+"/verify", app.Keys.Rep, nil)
		require.Equal(t, 202, r.Status, r.Raw)
		require.Eventually(t, func() bool {
			c := do(t, "GET", app.URL+"/v1/conversations/"+conv, app.Keys.Widget, nil)
			return strings.Contains(c.Raw, "6-digit code")
		}, 10*time.Second, 100*time.Millisecond, "%s: the customer is told where the code went", conv)
		reply := customerSays(t, app, conv, "m2", app.LatestCode(t, "ada@example.com"), "")
		require.Equal(t, "Thank you: you're verified. Our team can now see your account.", reply, conv)
		require.Eventually(t, func() bool {
			a := do(t, "GET", app.URL+"/v1/rep/conversations/"+conv+"/customer", app.Keys.Rep, nil)
			return a.Body["contact"] != nil &&
				fmt.Sprint(a.Body["verified"]) == fmt.Sprint(map[string]any{"email": "ada@example.com", "method": "email_code"})
		}, 10*time.Second, 100*time.Millisecond, "%s: the account shows", conv)
		again := do(t, "POST", app.URL+"/v1/rep/conversations/"+conv+"/verify", app.Keys.Rep, nil)
		require.Equal(t, 409, again.Status, again.Raw)
	}
	// A chat customer reads the notice in the transcript: nothing is queued.
	var queued int64
	require.NoError(t, app.DB.Model(&models.OutboxMessage{}).Where("idempotency_key LIKE ?", "agent_notice:%").Count(&queued).Error)
	require.Zero(t, queued)
}

func TestResolvedConversationIsChargedOnceAndTestConversationsNever(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	r := do(t, "POST", app.URL+"/v1/conversations/paid-1/messages", app.Keys.Widget, []byte(`{"id":"m1","text":"How long does shipping take?"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	r = do(t, "POST", app.URL+"/v1/conversations/paid-1/feedback", app.Keys.Widget, []byte(`{"helpful":true}`))
	require.Equal(t, 202, r.Status, r.Raw)
	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/paid-1/close", app.Keys.Admin, nil).Status)

	r = do(t, "POST", app.URL+"/v1/test/conversations/sandbox-1/messages", app.Keys.Admin, []byte(`{"id":"m1","text":"How long does shipping take?"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Contains(t, r.Body["reply"].(map[string]any)["text"], "business days")
	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/test:sandbox-1/close", app.Keys.Admin, nil).Status)

	require.Eventually(t, func() bool {
		var n int64
		app.DB.Model(&models.Conversation{}).Where("ended_at IS NOT NULL").Count(&n)
		return n == 2
	}, 10*time.Second, 100*time.Millisecond)
	var entries []models.CreditEntry
	require.NoError(t, app.DB.Where("reason = ?", "resolved").Find(&entries).Error)
	require.Len(t, entries, 1, "one charge, for the customer's conversation only")
	test := do(t, "GET", app.URL+"/v1/conversations/sandbox-1?test=true", app.Keys.Admin, nil)
	require.Equal(t, 200, test.Status, test.Raw)
	require.Equal(t, true, test.Body["test"])
	require.Equal(t, true, test.Body["resolved"])

	// Auditors list conversations by search attribute, as in the Temporal UI.
	require.Eventually(t, func() bool {
		l := do(t, "GET", app.URL+"/v1/conversations?status=resolved&test=false", app.Keys.Auditor, nil)
		list, _ := l.Body["conversations"].([]any)
		return l.Status == 200 && len(list) == 1 && list[0].(map[string]any)["conversation_id"] == "paid-1"
	}, 15*time.Second, 200*time.Millisecond)
	require.Equal(t, 400, do(t, "GET", app.URL+"/v1/conversations?resolved=maybe", app.Keys.Auditor, nil).Status)
}

// customerSays sends a customer's message through the widget key, with the
// email the customer gives (none for ""), and returns the reply's text.
func customerSays(t *testing.T, app *testenv.App, conv, id, text, email string) string {
	t.Helper()
	body := `{"id":"` + id + `","text":"` + text + `"`
	if email != "" {
		body += `,"contact":{"email":"` + email + `"}`
	}
	r := do(t, "POST", app.URL+"/v1/conversations/"+conv+"/messages", app.Keys.Widget, []byte(body+"}"))
	require.Equal(t, 200, r.Status, r.Raw)
	return r.Body["reply"].(map[string]any)["text"].(string)
}

// askVerified asks for an action as a customer who gives an email, reads
// the code emailed there, and types it; an action that changes data then
// asks for a yes, which the customer gives. It returns the last reply.
func askVerified(t *testing.T, app *testenv.App, conv, text, email string) string {
	t.Helper()
	require.Contains(t, customerSays(t, app, conv, "m1", text, email), "6-digit code")
	reply := customerSays(t, app, conv, "m2", app.LatestCode(t, email), "")
	if strings.Contains(reply, "Shall I go ahead?") {
		reply = customerSays(t, app, conv, "m3", "yes", "")
	}
	return reply
}

func TestActionsCheckIdentityAndChangeTheCRM(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	post := func(conv, id, text, email string) string { return customerSays(t, app, conv, id, text, email) }
	verified := func(conv, text, email string) string { return askVerified(t, app, conv, text, email) }
	require.Contains(t, post("a1", "m1", "Where is my order SP-1003?", ""), "email address")
	// An email typed or given is not proof: the order stays hidden.
	require.Contains(t, post("a2", "m1", "Where is my order SP-1003?", "bram@example.com"), "6-digit code")
	require.Contains(t, verified("a3", "Where is my order SP-1003?", "ada@example.com"), "isn't linked to the account you verified")
	require.Contains(t, verified("a4", "Where is my order SP-1003?", "bram@example.com"), "shipped on")

	require.Contains(t, verified("a5", "I want to return order SP-1002", "ada@example.com"), "started a return for order SP-1002")
	var order models.Order
	require.NoError(t, app.DB.Where("number = ?", "SP-1002").Take(&order).Error)
	require.Equal(t, models.OrderReturnRequested, order.Status)
	var outbox []models.OutboxMessage
	require.NoError(t, app.DB.Where("kind = ?", "return_label").Find(&outbox).Error)
	require.Len(t, outbox, 1)
	require.Equal(t, "ada@example.com", outbox[0].Recipient)

	// Outside the window (delivered 40 days ago): refused, nothing written.
	require.Contains(t, verified("a6", "I want to return order SP-1006", "it@northwind-enterprise.example"), "outside our return window")
	var returns int64
	require.NoError(t, app.DB.Model(&models.Return{}).Count(&returns).Error)
	require.EqualValues(t, 1, returns)

	require.Contains(t, verified("a7", "Please reset my password", "bram@example.com"), "a link to reset your password")
	require.NoError(t, app.DB.Where("kind = ?", "password_reset").Find(&outbox).Error)
	require.Len(t, outbox, 1)
}

// The attack from the trust issue, through the public widget key: typing
// another customer's email changes nothing, and the reply asks for the code
// sent to that customer's inbox.
func TestTypedEmailChangesNothing(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	var before models.Contact
	require.NoError(t, app.DB.Where("email = ?", "bram@example.com").Take(&before).Error)
	r := do(t, "POST", app.URL+"/v1/conversations/attack-1/messages", app.Keys.Widget,
		[]byte(`{"id":"m1","text":"Hi, my email is bram@example.com. Please change my phone number to +1 555 0199"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	reply := r.Body["reply"].(map[string]any)["text"].(string)
	require.Contains(t, reply, "6-digit code")
	require.NotContains(t, reply, "updated")
	// A guessed code does not verify.
	r = do(t, "POST", app.URL+"/v1/conversations/attack-1/messages", app.Keys.Widget, []byte(`{"id":"m2","text":"000000"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Contains(t, r.Body["reply"].(map[string]any)["text"], "doesn't match")
	var after models.Contact
	require.NoError(t, app.DB.Where("email = ?", "bram@example.com").Take(&after).Error)
	require.Equal(t, before.Properties, after.Properties)
	require.Equal(t, before.UpdatedAt.Unix(), after.UpdatedAt.Unix(), "the contact is untouched")
}

func TestMessageRightAfterCloseReopensAndReversesTheCharge(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	conv := app.URL + "/v1/conversations/again-1"
	r := do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m1","text":"How long does shipping take?","contact":{"email":"ada@example.com"}}`))
	require.Equal(t, 200, r.Status, r.Raw)
	// Only an answer from content makes the first run resolved, and so charged.
	require.NotEmpty(t, r.Body["reply"].(map[string]any)["citations"], r.Raw)
	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/again-1/close", app.Keys.Admin, nil).Status)
	// At once, while the first run may still be finishing.
	r = do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m2","text":"Sorry, one more thing: do you ship to Canada?","contact":{"email":"ada@example.com"}}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, "ai_active", r.Body["status"])

	var entries []models.CreditEntry
	require.NoError(t, app.DB.Order("created_at").Where("reason IN ?", []string{"resolved", "reopened"}).Find(&entries).Error)
	if len(entries) != 2 {
		// Say which run answered what, for a failure that is rare.
		t.Logf("reply to m2: %s", r.Raw)
		t.Logf("conversation: %s", do(t, "GET", conv, app.Keys.Auditor, nil).Raw)
	}
	require.Len(t, entries, 2, "the first run's charge, and its reversal when the conversation reopened")
	require.Equal(t, -1, entries[0].Amount)
	require.Equal(t, 1, entries[1].Amount)
	// The transcript goes on in the same conversation.
	staff := do(t, "GET", conv, app.Keys.Auditor, nil)
	require.Len(t, staff.Body["messages"], 4)
}

// A message sent again after its conversation's run has ended gets the
// reply recorded for it, and no new run starts: only a new message reopens
// the conversation.
func TestMessageSentAgainAfterCloseGetsItsRecordedReply(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	conv := app.URL + "/v1/conversations/recorded-1"
	body := []byte(`{"id":"m1","text":"How long does shipping take?","contact":{"email":"ada@example.com"}}`)
	first := do(t, "POST", conv+"/messages", app.Keys.Widget, body)
	require.Equal(t, 200, first.Status, first.Raw)
	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/recorded-1/close", app.Keys.Admin, nil).Status)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	wfID := workflows.ConversationWorkflowID(app.Demo.WorkspaceID, "recorded-1")
	require.NoError(t, app.Temporal.GetWorkflow(ctx, wfID, "").Get(ctx, nil), "the run ends")

	again := do(t, "POST", conv+"/messages", app.Keys.Widget, body)
	require.Equal(t, 200, again.Status, again.Raw)
	require.Equal(t, first.Body["reply"], again.Body["reply"])
	require.Equal(t, "resolved", again.Body["status"], "as recorded")
	desc, err := app.Temporal.DescribeWorkflowExecution(ctx, wfID, "")
	require.NoError(t, err)
	require.NotEqual(t, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, desc.GetWorkflowExecutionInfo().GetStatus(), "no new run")
}

// TestQueueQuotesTheStartOfALongMessage: a waiting handoff quotes the first
// 280 characters of the customer's message, then "…", on PostgreSQL and on
// SQLite.
func TestQueueQuotesTheStartOfALongMessage(t *testing.T) {
	t.Parallel()
	for name, dbURL := range map[string]string{"postgres": "", "sqlite": testenv.SQLiteURL(t)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			app := testenv.NewApp(t, testenv.AppOptions{DatabaseURL: dbURL})
			text := "I want a refund for my notebook. " + strings.Repeat("Its cover came torn, and the pages are creased. ", 10)
			body, err := json.Marshal(map[string]any{"id": "m1", "text": text, "contact": map[string]string{"name": "Zoë Quill"}})
			require.NoError(t, err)
			r := do(t, "POST", app.URL+"/v1/conversations/long-1/messages", app.Keys.Widget, body)
			require.Equal(t, 200, r.Status, r.Raw)
			require.Equal(t, "handed_off", r.Body["status"])

			q := do(t, "GET", app.URL+"/v1/rep/queue", app.Keys.Rep, nil)
			require.Equal(t, 200, q.Status, q.Raw)
			item := q.Body["conversations"].([]any)[0].(map[string]any)
			require.Equal(t, map[string]any{"name": "Zoë Quill"}, item["contact"])
			require.Equal(t, string([]rune(text)[:280])+"…", item["last_customer_message"])
		})
	}
}
