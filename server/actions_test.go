package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

// pointsSystem stands in for a company's loyalty system: GET
// /points?email= answers the customer's points; /redeem (POST) takes
// points off, refusing more than the customer has. It records each request.
type pointsSystem struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	bodies   []string
}

func newPointsSystem(t *testing.T) *pointsSystem {
	p := &pointsSystem{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.requests, p.bodies = append(p.requests, r), append(p.bodies, string(b))
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer pts-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"bad token"}`)
			return
		}
		switch r.URL.Path {
		case "/points":
			io.WriteString(w, `{"email":"`+r.URL.Query().Get("email")+`","points":1250,"tier":"gold"}`)
		case "/redeem":
			var in struct{ Points int }
			_ = json.Unmarshal(b, &in)
			if in.Points > 1250 {
				w.WriteHeader(http.StatusUnprocessableEntity)
				io.WriteString(w, `{"message":"only 1250 points are available"}`)
				return
			}
			io.WriteString(w, `{"voucher":"V-`+r.Header.Get("Idempotency-Key")[len(r.Header.Get("Idempotency-Key"))-2:]+`"}`)
		default:
			if order, ok := strings.CutPrefix(r.URL.Path, "/orders/"); ok && r.Method == http.MethodPost {
				io.WriteString(w, `{"order":"`+strings.TrimSuffix(order, "/gift-wrap")+`"}`)
				return
			}
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *pointsSystem) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.requests)
}

const pointsAction = `{
	"name": "loyalty_points", "description": "Look up how many loyalty points the customer has",
	"inputs": {"type":"object","properties":{}},
	"triggers": ["loyalty points", "my points"],
	"url": "%s/points?email={{contact.email}}",
	"secret_headers": {"Authorization": "Bearer pts-secret"},
	"reply_template": "You have {{response.points}} points ({{response.tier}} tier).",
	"reply_fallback": "I checked your points, but the system gave no total."
}`

const redeemAction = `{
	"name": "redeem_points", "description": "Redeem loyalty points for a voucher",
	"inputs": {"type":"object","properties":{"points":{"type":"integer","description":"how many points to redeem","minimum":100}},"required":["points"]},
	"examples": ["I want to redeem my points for a voucher"],
	"method": "POST", "url": "%s/redeem", "changes_data": true,
	"secret_headers": {"Authorization": "Bearer pts-secret"},
	"reply_template": "Done: your voucher is {{response.voucher}}."
}`

const giftWrapAction = `{
	"name": "gift_wrap", "description": "Gift wrap an order",
	"inputs": {"type":"object","properties":{"order_number":{"type":"string","description":"the order's number"}},"required":["order_number"]},
	"triggers": ["gift wrap"],
	"method": "POST", "url": "%s/orders/{{inputs.order_number}}/gift-wrap", "changes_data": true,
	"secret_headers": {"Authorization": "Bearer pts-secret"},
	"reply_template": "Order {{response.order}} will be gift wrapped."
}`

// TestCompanyActions defines actions through the API, tests one against the
// company's system, and holds a verified conversation that runs both: every
// refusal names its field, secrets are never shown, the network policy
// admits the on-premise host only once it is allow-listed, and a write
// waits for a yes.
func TestCompanyActions(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	sys := newPointsSystem(t)
	base := app.URL + "/v1/agent/actions"

	for _, c := range []struct{ body, field string }{
		{`{"name":"x","description":"d","inputs":{"type":"object","properties":{}},"triggers":["x"],"url":"https://a.example/","kind":"builtin"}`, "kind:"},
		{`{"name":"order_status","description":"d","inputs":{"type":"object","properties":{}},"triggers":["x"],"url":"https://a.example/"}`, "name:"},
		{`{"name":"x","description":"d","inputs":{"type":"object","properties":{"n":{"type":"string"}}},"triggers":["x"],"url":"https://a.example/"}`, "inputs.properties.n.description:"},
		{`{"name":"x","description":"d","inputs":{"type":"object","properties":{}},"triggers":["x"],"url":"https://a.example/{{inputs.n}}"}`, "url:"},
		{`{"name":"x","description":"d","inputs":{"type":"object","properties":{}},"url":"https://a.example/"}`, "triggers:"},
		{`{"name":"x","description":"d","inputs":{"type":"object","properties":{}},"triggers":["x"],"url":"https://a.example/","colour":"red"}`, "colour:"},
	} {
		r := do(t, "POST", base, app.Keys.Admin, []byte(c.body))
		require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
		_, msg := errorOf(r)
		require.True(t, strings.HasPrefix(msg, c.field), "%s should name %s", msg, c.field)
	}
	var n int64
	require.NoError(t, app.DB.Model(&models.Action{}).Where("workspace_id = ? AND kind = ?", app.Demo.WorkspaceID, "http").Count(&n).Error)
	require.Zero(t, n, "nothing refused is written")

	r := do(t, "POST", base, app.Keys.Auditor, []byte(strings.ReplaceAll(pointsAction, "%s", sys.URL)))
	require.Equal(t, http.StatusForbidden, r.Status)
	r = do(t, "POST", base, app.Keys.Admin, []byte(strings.ReplaceAll(pointsAction, "%s", sys.URL)))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.NotContains(t, r.Raw, "pts-secret", "a secret is never shown")
	require.Equal(t, []any{"Authorization"}, r.Body["secret_headers"])
	require.Equal(t, "verified", r.Body["protection"])
	var stored models.Action
	require.NoError(t, app.DB.Where("workspace_id = ? AND action = ?", app.Demo.WorkspaceID, "loyalty_points").Take(&stored).Error)
	require.NotContains(t, stored.SecretHeaders.V["Authorization"], "pts-secret", "a secret is stored sealed")
	r = do(t, "POST", base, app.Keys.Admin, []byte(strings.ReplaceAll(pointsAction, "%s", sys.URL)))
	require.Equal(t, http.StatusConflict, r.Status, r.Raw)
	r = do(t, "POST", base, app.Keys.Admin, []byte(strings.ReplaceAll(redeemAction, "%s", sys.URL)))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)

	list := do(t, "GET", base, app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, list.Status, list.Raw)
	var names []string
	for _, a := range list.Body["actions"].([]any) {
		names = append(names, a.(map[string]any)["name"].(string))
	}
	require.Equal(t, []string{"order_status", "start_return", "update_contact", "password_reset", "loyalty_points", "redeem_points"}, names)
	require.NotContains(t, list.Raw, "pts-secret")

	// The test route calls the system: refused while the host is private
	// and not allow-listed, then answered.
	test := do(t, "POST", base+"/loyalty_points/test", app.Keys.Admin, []byte(`{"contact":{"email":"ada@example.com"}}`))
	require.Equal(t, http.StatusOK, test.Status, test.Raw)
	require.Equal(t, false, test.Body["ok"])
	require.Contains(t, test.Body["error"], "private")
	require.Zero(t, sys.count())
	ws := do(t, "GET", app.URL+"/v1/workspace", app.Keys.Admin, nil)
	r = do(t, "PUT", app.URL+"/v1/workspace", app.Keys.Admin, []byte(`{"name":"`+ws.Body["name"].(string)+`","time_zone":"UTC","default_language":"en","action_hosts":["127.0.0.1"]}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	test = do(t, "POST", base+"/loyalty_points/test", app.Keys.Admin, []byte(`{"contact":{"email":"ada@example.com"}}`))
	require.Equal(t, true, test.Body["ok"], test.Raw)
	require.Equal(t, "You have 1250 points (gold tier).", test.Body["reply"])
	ex := test.Body["exchange"].(map[string]any)
	require.Equal(t, "********", ex["request_headers"].(map[string]any)["Authorization"])
	require.Contains(t, ex["url"], "/points?email=ada@example.com")
	r = do(t, "POST", base+"/redeem_points/test", app.Keys.Admin, []byte(`{"inputs":{"points":50}}`))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, msg := errorOf(r)
	require.True(t, strings.HasPrefix(msg, "inputs.points:"), msg)
	r = do(t, "POST", base+"/order_status/test", app.Keys.Admin, []byte(`{}`))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)

	// A verified customer's conversation.
	token := signedInToken(t, app)
	conv := app.URL + "/v1/conversations/conv-points/messages"
	say := func(id, text string) string {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"id": id, "text": text, "identity_token": token})
		r := do(t, "POST", conv, app.Keys.Widget, body)
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		return r.Body["reply"].(map[string]any)["text"].(string)
	}
	before := sys.count()
	require.Equal(t, "You have 1250 points (gold tier).", say("m1", "How many loyalty points do I have?"))
	require.Equal(t, before+1, sys.count())
	require.Equal(t, "ada@example.com", sys.requests[len(sys.requests)-1].URL.Query().Get("email"),
		"the action runs for the verified customer")
	require.Equal(t, "To do that I need how many points to redeem. What is it?", say("m2", "I want to redeem my points for a voucher"))
	require.Contains(t, say("m3", "5000"), "Shall I go ahead?")
	require.Equal(t, before+1, sys.count(), "nothing is written before the yes")
	require.Equal(t, "I couldn't do that: only 1250 points are available", say("m4", "yes"))
	require.Contains(t, say("m5", "I want to redeem my points for a voucher, 1000 of them"), "(points: 1000)")
	reply := say("m6", "yes")
	require.True(t, strings.HasPrefix(reply, "Done: your voucher is V-"), reply)
	last := sys.requests[len(sys.requests)-1]
	require.NotEmpty(t, last.Header.Get("Idempotency-Key"))
	require.JSONEq(t, `{"points":1000}`, sys.bodies[len(sys.bodies)-1])

	// A company action asked for without naming an order is about the
	// order the conversation is about.
	r = do(t, "POST", base, app.Keys.Admin, []byte(strings.ReplaceAll(giftWrapAction, "%s", sys.URL)))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.Contains(t, say("m7", "Where is my order SP-1002?"), "SP-1002")
	require.Equal(t, "I'll gift wrap an order (order number: SP-1002). Shall I go ahead? (yes or no)", say("m8", "Could you gift wrap it?"))
	require.Equal(t, "Order SP-1002 will be gift wrapped.", say("m9", "yes"))
	require.Equal(t, "/orders/SP-1002/gift-wrap", sys.requests[len(sys.requests)-1].URL.Path)

	// Deleting: a built-in one is disabled instead; a company one goes.
	r = do(t, "DELETE", base+"/order_status", app.Keys.Admin, nil)
	require.Equal(t, http.StatusConflict, r.Status, r.Raw)
	r = do(t, "DELETE", base+"/redeem_points", app.Keys.Admin, nil)
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	r = do(t, "GET", base+"/redeem_points", app.Keys.Admin, nil)
	require.Equal(t, http.StatusNotFound, r.Status, r.Raw)

	// PUT keeps the stored secret unless given, and refuses a rename.
	upd := strings.Replace(strings.ReplaceAll(pointsAction, "%s", sys.URL), `"secret_headers": {"Authorization": "Bearer pts-secret"},`, "", 1)
	upd = strings.Replace(upd, "You have", "You now have", 1)
	r = do(t, "PUT", base+"/loyalty_points", app.Keys.Admin, []byte(upd))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, []any{"Authorization"}, r.Body["secret_headers"])
	test = do(t, "POST", base+"/loyalty_points/test", app.Keys.Admin, []byte(`{"contact":{"email":"ada@example.com"}}`))
	require.Equal(t, "You now have 1250 points (gold tier).", test.Body["reply"], test.Raw)
	r = do(t, "PUT", base+"/loyalty_points", app.Keys.Admin, []byte(strings.Replace(upd, `"loyalty_points"`, `"points2"`, 1)))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
}

// The built-in actions tell the customer what the company says of its own
// ways (a late parcel, sending a return back, where a password is reset)
// and where its parcel can be followed, as the company's records say; the
// admin's options are checked, and one refused changes nothing.
func TestBuiltinActionsSayTheCompanysOwnWays(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	base := app.URL + "/v1/agent/actions/"
	put := func(action, body string) response {
		return do(t, "PUT", base+action, app.Keys.Admin, []byte(body))
	}
	for _, c := range []struct{ action, body, field string }{
		{"password_reset", `{"enabled":true,"protection":"verified"}`, "reset_url:"},
		{"password_reset", `{"enabled":true,"protection":"verified","reset_url":"ftp://shop.example/reset"}`, "reset_url:"},
		{"start_return", `{"enabled":true,"protection":"verified","status_notes":{"delayed":"x"}}`, "status_notes:"},
		{"order_status", `{"enabled":true,"protection":"verified","status_notes":{"late":"x"}}`, "status_notes.late:"},
		{"order_status", `{"enabled":true,"protection":"verified","status_notes":{"lost":" "}}`, "status_notes.lost:"},
		{"order_status", `{"enabled":true,"protection":"verified","return_instructions":"x"}`, "return_instructions:"},
	} {
		before := do(t, "GET", base+c.action, app.Keys.Admin, nil)
		r := put(c.action, c.body)
		require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
		_, msg := errorOf(r)
		require.True(t, strings.HasPrefix(msg, c.field), "%s should name %s", msg, c.field)
		require.Equal(t, before.Body, do(t, "GET", base+c.action, app.Keys.Admin, nil).Body, "nothing refused is written")
	}

	// The company's own customer and orders, one late with its tracking.
	for _, rec := range [][2]string{
		{"contacts/C-GR", `{"email":"grace@example.com","name":"Grace"}`},
		{"orders/GR-2001", `{"contact":"C-GR","status":"delayed","placed_at":"2026-11-20T10:00:00Z","shipped_at":"2026-11-21T10:00:00Z",
			"tracking":{"carrier":"DHL","number":"JJD0042","url":"https://track.example/JJD0042"}}`},
		{"orders/GR-2002", `{"contact":"C-GR","status":"delivered","placed_at":"` + time.Now().AddDate(0, 0, -6).UTC().Format(time.RFC3339) +
			`","delivered_at":"` + time.Now().AddDate(0, 0, -3).UTC().Format(time.RFC3339) + `"}`},
	} {
		r := do(t, "PUT", app.URL+"/v1/crm/"+rec[0], app.Keys.Admin, []byte(rec[1]))
		require.Contains(t, []int{http.StatusOK, http.StatusCreated}, r.Status, r.Raw)
	}
	note := "We look into every late parcel within a day."
	r := put("order_status", `{"enabled":true,"protection":"verified","status_notes":{"delayed":"`+note+`"}}`)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, map[string]any{"delayed": note}, r.Body["status_notes"])
	// The list shows the options too, as a page that saves what it listed
	// needs.
	list := do(t, "GET", app.URL+"/v1/agent/actions", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, list.Status, list.Raw)
	listed := map[string]any{}
	for _, a := range list.Body["actions"].([]any) {
		if a := a.(map[string]any); a["action"] == "order_status" {
			listed = a
		}
	}
	require.Equal(t, map[string]any{"delayed": note}, listed["status_notes"], list.Raw)
	status := askVerified(t, app, "gr-1", "Where is my order GR-2001?", "grace@example.com")
	require.Contains(t, status, "delayed in transit")
	require.Contains(t, status, "It's with DHL, tracking number JJD0042. Track it here: https://track.example/JJD0042")
	require.Contains(t, status, note)
	// In the customer's language: the code request and the status; the
	// company's note and the tracking as written.
	require.Contains(t, customerSays(t, app, "gr-es", "m1", "¿Dónde está mi pedido GR-2001?", "grace@example.com"), "código de 6 dígitos")
	var code models.OutboxMessage
	require.NoError(t, app.DB.Where("kind = ? AND recipient = ?", "verification_code", "grace@example.com").Order("created_at DESC").Take(&code).Error)
	require.Equal(t, "Código de verificación", code.Subject, "the email in the customer's language too")
	status = customerSays(t, app, "gr-es", "m2", app.LatestCode(t, "grace@example.com"), "")
	require.Equal(t, "El pedido GR-2001 se envió el 21 de noviembre y lleva retraso en el transporte. "+note+
		" Lo transporta DHL, con el número de seguimiento JJD0042. Puede seguirlo aquí: https://track.example/JJD0042", status)

	instructions := "Bring the items to any of our shops; we refund you there."
	r = put("start_return", `{"enabled":true,"protection":"verified","return_instructions":"`+instructions+`"}`)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Contains(t, askVerified(t, app, "gr-2", "I want to return order GR-2002", "grace@example.com"), instructions)
	var mail models.OutboxMessage
	require.NoError(t, app.DB.Where("kind = ? AND recipient = ?", "return_label", "grace@example.com").Take(&mail).Error)
	require.Equal(t, "Order GR-2002: your return has started", mail.Subject)
	require.Contains(t, mail.Body, instructions)

	// A reset enabled before it needed a page (a row written then) sends
	// nothing and says so.
	require.NoError(t, app.DB.Model(&models.Action{}).Where("workspace_id = ? AND action = ?", app.Demo.WorkspaceID, "password_reset").
		Update("options", models.NewJSON(models.BuiltinOptions{})).Error)
	require.Contains(t, askVerified(t, app, "gr-0", "Please reset my password", "grace@example.com"), "can't send a password reset from here")
	r = put("password_reset", `{"enabled":true,"protection":"verified","reset_url":"https://shop.example/account/reset"}`)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Contains(t, askVerified(t, app, "gr-3", "Please reset my password", "grace@example.com"), "a link to reset your password")
	var reset models.OutboxMessage
	require.NoError(t, app.DB.Where("kind = ? AND recipient = ?", "password_reset", "grace@example.com").Take(&reset).Error)
	require.Contains(t, reset.Body, "https://shop.example/account/reset")
}
