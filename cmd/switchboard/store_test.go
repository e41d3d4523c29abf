package main_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/workspaces"
)

// storeReply is an API response: status, parsed JSON body (nil when the body
// is empty or not JSON) and the raw body.
type storeReply struct {
	Status int
	Body   map[string]any
	Raw    string
}

// storeDo sends one request with a bearer key and, for a body, a content
// type (JSON unless given).
func storeDo(t *testing.T, method, url, key, contentType, body string) storeReply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := storeReply{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// storeEnv is the environment of the binary's server, worker and migrate:
// the caller's (without a model, so the offline agent answers), the stack's
// addresses, the store's database, task queue and secrets key.
func storeEnv(t *testing.T, databaseURL, taskQueue, secretsKeys string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "LLM_") || strings.HasPrefix(name, "EMBEDDINGS_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"DATABASE_URL="+databaseURL,
		"TEMPORAL_ADDRESS="+testenv.TemporalAddress(t),
		"WEAVIATE_URL="+testenv.WeaviateURL(t),
		"WEAVIATE_GRPC_ADDRESS="+testenv.Weaviate(t).GRPCAddress,
		"SWITCHBOARD_TASK_QUEUE="+taskQueue,
		"SWITCHBOARD_SECRETS_KEYS="+secretsKeys,
		"SWITCHBOARD_LOG_LEVEL=warn",
	)
	return append(env, extra...)
}

// storeProcess runs one long-lived command of the binary and stops it with
// Ctrl-C's signal when the test ends.
func storeProcess(t *testing.T, bin string, env []string, command string) *syncBuffer {
	t.Helper()
	cmd := exec.Command(bin, command)
	cmd.Env = env
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	return out
}

// orderSystem stands in for the store's own order system: GET
// /parcels/{number}?email= answers where a parcel is, for the customer who
// owns it, to a caller with the right bearer token. It records every
// request.
type orderSystem struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
}

type parcel struct {
	Owner, Status, Carrier, ETA string
}

func newOrderSystem(t *testing.T, token string, parcels map[string]parcel) *orderSystem {
	s := &orderSystem{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Clone(r.Context()))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"bad token"}`)
			return
		}
		number, ok := strings.CutPrefix(r.URL.Path, "/parcels/")
		p, known := parcels[number]
		if !ok || !known || p.Owner != r.URL.Query().Get("email") {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"message":"we have no parcel %s for this customer"}`, number)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{
			"order_number": number, "status": p.Status, "carrier": p.Carrier, "eta": p.ETA,
		})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *orderSystem) received() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.requests...)
}

// TestSecondStoreFromNothing takes a second store, Nordwind Tea, from an
// empty database to answered customers with the real binary (migrate,
// workspace create, server, worker) and nothing of the demo: its own
// channel, contacts, orders with its own numbers, products, an article, an
// HTTP action against its order system (an httptest stand-in), issue types
// and a published hand-off rule. Then three customers: a verified one whose
// parcel the action looks up, one the article answers with a citation, and
// one the rule hands to a person.
func TestSecondStoreFromNothing(t *testing.T) {
	t.Parallel()
	databaseURL := testenv.PostgresURL(t)
	bin := buildBinary(t)
	secret := make([]byte, 32)
	_, err := rand.Read(secret)
	require.NoError(t, err)
	taskQueue := "store-" + uuid.NewString()
	env := storeEnv(t, databaseURL, taskQueue, "k1:"+base64.StdEncoding.EncodeToString(secret))

	// An empty database: migrate, then the first workspace with the CLI.
	migrate := exec.Command(bin, "migrate")
	migrate.Env = env
	out, err := migrate.CombinedOutput()
	require.NoError(t, err, string(out))
	stdout, stderr, code := cli(t, bin, databaseURL, "workspace", "create", "--name", "Nordwind Tea", "--time-zone", "Europe/Stockholm")
	require.Equal(t, 0, code, stderr)
	var created workspaces.Created
	require.NoError(t, json.Unmarshal([]byte(stdout), &created), stdout)
	admin := created.AdminKey.Secret
	require.True(t, strings.HasPrefix(admin, "sb_admin_"), stdout)

	port := freePort(t, 1)
	api := fmt.Sprintf("http://127.0.0.1:%d", port)
	serverOut := storeProcess(t, bin, append(env, fmt.Sprintf("SWITCHBOARD_HTTP_ADDR=127.0.0.1:%d", port)), "server")
	workerOut := storeProcess(t, bin, env, "worker")
	logs := func() string { return "server:\n" + serverOut.String() + "\nworker:\n" + workerOut.String() }
	require.Eventually(t, func() bool {
		resp, err := http.Get(api + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 60*time.Second, 200*time.Millisecond, "the server never became ready:\n%s", logs())

	do := func(method, path, body string) storeReply {
		t.Helper()
		return storeDo(t, method, api+path, admin, "", body)
	}
	ws := do("GET", "/v1/workspace", "")
	require.Equal(t, http.StatusOK, ws.Status, ws.Raw)
	require.Equal(t, created.Workspace.ID, ws.Body["id"])

	// A chat channel: its widget key is shown once.
	r := do("POST", "/v1/channels", `{"type":"chat","name":"Nordwind shop"}`)
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	channelID := r.Body["id"].(string)
	widget, _ := r.Body["widget_key"].(string)
	require.NotEmpty(t, widget, r.Raw)

	// Its customers, orders (its own numbers) and products, as JSON lines.
	contacts := `{"external_id":"cus_1001","email":"mara@nordwind.example","name":"Mara Lind","tier":"gold","lifecycle_stage":"customer","properties":{"newsletter":true}}
{"external_id":"cus_1002","email":"jon@nordwind.example","name":"Jon Berg","tier":"standard"}
`
	orders := `{"external_id":"NW-00042","contact":"cus_1001","status":"shipped","currency":"EUR","total_cents":8900,"items":[{"sku":"TEA-CI-08","name":"Cast-iron teapot 0.8 l","quantity":1,"price_cents":8900}],"placed_at":"2026-11-28T09:30:00Z","shipped_at":"2026-11-30T14:00:00Z","tracking":{"carrier":"Postnord","number":"PN123456789SE"}}
{"external_id":"NW-00043","contact":"cus_1002","status":"processing","currency":"EUR","total_cents":1450,"items":[{"sku":"SEN-100","name":"Sencha 100 g","quantity":1}],"placed_at":"2026-12-01T18:05:00Z"}
`
	products := `{"external_id":"TEA-CI-08","name":"Cast-iron teapot","sku":"TEA-CI-08","price_cents":8900,"currency":"EUR","availability":"in_stock","variants":[{"sku":"TEA-CI-08-BLK","name":"Black"},{"sku":"TEA-CI-08-RED","name":"Red","availability":"preorder"}]}
{"external_id":"SEN-100","name":"Sencha 100 g","sku":"SEN-100","price_cents":1450,"currency":"EUR","availability":"in_stock"}
`
	for _, imp := range []struct{ kind, body string }{{"contacts", contacts}, {"orders", orders}, {"products", products}} {
		r := storeDo(t, "POST", api+"/v1/crm/"+imp.kind+"/import", admin, "application/x-ndjson", imp.body)
		require.Equal(t, http.StatusOK, r.Status, "%s: %s", imp.kind, r.Raw)
		require.Equal(t, map[string]any{"created": 2.0, "updated": 0.0}, r.Body, imp.kind)
	}
	r = do("GET", "/v1/crm/orders/NW-00042", "")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "NW-00042", r.Body["number"])
	r = do("GET", "/v1/crm/contacts/cus_1001", "")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "gold", r.Body["tier"])

	// A knowledge-base article, searchable once its sync is done.
	const articleBody = "# Caring for your cast-iron teapot\nRinse the teapot with warm water only: never use soap, and never put it in the dishwasher. " +
		"Dry it with a soft cloth straight away so the iron does not rust.\n\n## Descaling\n" +
		"Once a month, fill the teapot with equal parts water and white vinegar, leave it for an hour and rinse it well."
	src, err := json.Marshal(map[string]any{"kind": "kb_article", "title": "Caring for your cast-iron teapot", "format": "markdown", "body": articleBody})
	require.NoError(t, err)
	r = do("POST", "/v1/sources", string(src))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	articleID := r.Body["id"].(string)
	t.Cleanup(func() {
		// The source's sync schedule outlives the test's database.
		storeDo(t, "DELETE", api+"/v1/sources/"+articleID, admin, "", "")
	})
	var article storeReply
	require.Eventually(t, func() bool {
		article = do("GET", "/v1/sources/"+articleID, "")
		return article.Body["status"] == "ready" || article.Body["status"] == "failed"
	}, 90*time.Second, 250*time.Millisecond, "the article never finished syncing:\n%s", logs())
	require.Equal(t, "ready", article.Body["status"], article.Raw)
	require.Greater(t, article.Body["chunks"], 0.0, article.Raw)

	// The store's action: where a parcel is, from its order system, for the
	// verified customer, with a secret header. Its host is on-premise, so
	// the workspace allow-lists it.
	const orderToken = "nw-orders-7f3a9c"
	system := newOrderSystem(t, orderToken, map[string]parcel{
		"NW-00042": {Owner: "mara@nordwind.example", Status: "in transit", Carrier: "Postnord", ETA: "Friday 11 December"},
		"NW-00043": {Owner: "jon@nordwind.example", Status: "being packed", Carrier: "Postnord", ETA: "next week"},
	})
	action, err := json.Marshal(map[string]any{
		"name":        "parcel_status",
		"description": "Look up where the customer's parcel is, by its order number",
		"inputs": json.RawMessage(`{"type":"object","properties":{"order_number":{"type":"string",
			"description":"the order number, like NW-00042","pattern":"^NW-[0-9]{5}$"}},"required":["order_number"]}`),
		"triggers":       []string{"where is my parcel", "track my parcel"},
		"url":            system.URL + "/parcels/{{inputs.order_number}}?email={{contact.email}}",
		"secret_headers": map[string]string{"Authorization": "Bearer " + orderToken},
		"reply_template": "Your parcel {{response.order_number}} is {{response.status}} with {{response.carrier}}, due {{response.eta}}.",
		"reply_fallback": "I found your parcel, but the order system gave no delivery estimate.",
	})
	require.NoError(t, err)
	r = do("POST", "/v1/agent/actions", string(action))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.Equal(t, []any{"Authorization"}, r.Body["secret_headers"])
	require.NotContains(t, r.Raw, orderToken, "a secret is never shown")
	r = do("PUT", "/v1/workspace", `{"name":"Nordwind Tea","time_zone":"Europe/Stockholm","default_language":"en","action_hosts":["127.0.0.1"]}`)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	r = do("POST", "/v1/agent/actions/parcel_status/test", `{"inputs":{"order_number":"NW-00042"},"contact":{"email":"mara@nordwind.example"}}`)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, true, r.Body["ok"], r.Raw)
	require.Equal(t, "Your parcel NW-00042 is in transit with Postnord, due Friday 11 December.", r.Body["reply"])
	require.NotContains(t, r.Raw, orderToken)

	// Its issue types, and a published hand-off rule on one of them, to its
	// own team.
	for _, it := range []string{
		`{"name":"damaged_item","description":"Something arrived broken","examples":["my teapot arrived cracked","the lid was broken when I opened the box","the mugs came chipped","my order arrived damaged","the glass pot is shattered"]}`,
		`{"name":"shipping","description":"Where an order is","examples":["where is my parcel","when will my order arrive","has my package shipped yet","track my delivery","my parcel is late"]}`,
		`{"name":"product_care","description":"Using and looking after what they bought","examples":["how do I clean my teapot","can the teapot go in the dishwasher","how do I descale the kettle","how should I store loose leaf tea","how do I stop cast iron rusting"]}`,
	} {
		r := do("POST", "/v1/issue-types", it)
		require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	}
	r = do("PUT", "/v1/teams/care", `{"name":"Customer care"}`)
	require.Contains(t, []int{http.StatusOK, http.StatusCreated}, r.Status, r.Raw)
	r = do("POST", "/v1/rules/handoff/draft", "")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	const handoffMessage = "I'm sorry it arrived broken. A colleague from customer care will sort out a replacement."
	rule, err := json.Marshal(map[string]any{
		"name": "Damaged items go to customer care", "priority": 1, "enabled": true,
		"condition": `conversation.issue_type == "damaged_item"`, "mode": "transfer_now", "team": "care",
		"message": handoffMessage,
	})
	require.NoError(t, err)
	r = do("POST", "/v1/rules/handoff/draft/rules", string(rule))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.NotEmpty(t, r.Body["id"], r.Raw)
	r = do("POST", "/v1/rules/handoff/publish", "")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "published", r.Body["state"])

	// Verified customers: the site signs its logged-in customer's email.
	r = do("POST", "/v1/channels/"+channelID+"/identity-secret", "")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	identitySecret := []byte(r.Body["secret"].(string))
	identityToken := func(email string) string {
		now := time.Now()
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"email": email, "jti": uuid.NewString(), "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		}).SignedString(identitySecret)
		require.NoError(t, err)
		return s
	}
	say := func(conv, id, text, token string) storeReply {
		t.Helper()
		msg := map[string]any{"id": id, "text": text}
		if token != "" {
			msg["identity_token"] = token
		}
		b, err := json.Marshal(msg)
		require.NoError(t, err)
		r := storeDo(t, "POST", api+"/v1/conversations/"+conv+"/messages", widget, "", string(b))
		require.Equal(t, http.StatusOK, r.Status, "%s\n%s", r.Raw, logs())
		return r
	}
	replyOf := func(r storeReply) map[string]any { return r.Body["reply"].(map[string]any) }

	// A new workspace starts with credits; the operator grants more.
	balance, errOut, code := cli(t, bin, databaseURL, "credits", "balance", "--workspace", created.Workspace.ID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, balance, `"credits": 1000`)

	// 1. A verified customer asks where her parcel is: the action calls the
	// order system for her, with the secret header, and the reply is the
	// action's template over its response.
	token := identityToken("mara@nordwind.example")
	before := len(system.received())
	r = say("parcel-1", "m1", "Hi! Where is my parcel NW-00042?", token)
	require.NotEqual(t, true, r.Body["handed_off"], r.Raw)
	require.Equal(t, "Your parcel NW-00042 is in transit with Postnord, due Friday 11 December.", replyOf(r)["text"], r.Raw)
	calls := system.received()[before:]
	require.Len(t, calls, 1, "one call to the order system")
	require.Equal(t, "/parcels/NW-00042", calls[0].URL.Path)
	require.Equal(t, "mara@nordwind.example", calls[0].URL.Query().Get("email"), "the action runs for the verified customer")
	require.Equal(t, "Bearer "+orderToken, calls[0].Header.Get("Authorization"), "the secret header is sent, unsealed")
	// Someone else's parcel: the order system refuses, and the customer is
	// told why.
	r = say("parcel-1", "m2", "And where is my parcel NW-00043?", token)
	calls = system.received()[before:]
	require.Len(t, calls, 2)
	require.Equal(t, "mara@nordwind.example", calls[1].URL.Query().Get("email"))
	require.Contains(t, replyOf(r)["text"], "we have no parcel NW-00043 for this customer", r.Raw)

	// 2. A question the article answers, citing it.
	r = say("care-1", "m1", "Can I put my cast-iron teapot in the dishwasher?", "")
	require.NotEqual(t, true, r.Body["handed_off"], r.Raw)
	reply := replyOf(r)
	text, _ := reply["text"].(string)
	require.Contains(t, text, "dishwasher", r.Raw)
	require.Contains(t, articleBody, strings.TrimSpace(text), "the answer is the article's: %s", r.Raw)
	cites, _ := reply["citations"].([]any)
	require.NotEmpty(t, cites, r.Raw)
	require.Equal(t, articleID, cites[0].(map[string]any)["source_id"])
	require.Equal(t, "Caring for your cast-iron teapot", cites[0].(map[string]any)["title"])

	// 3. A damaged item: its issue type fires the rule, and a person of the
	// care team takes over.
	r = say("broken-1", "m1", "My new teapot arrived cracked and the lid is broken.", "")
	require.Equal(t, true, r.Body["handed_off"], r.Raw)
	require.Equal(t, "damaged_item", r.Body["issue_type"], r.Raw)
	require.Equal(t, handoffMessage, replyOf(r)["text"], r.Raw)
	require.Eventually(t, func() bool {
		c := do("GET", "/v1/conversations/broken-1", "")
		return c.Body["team"] == "care" && strings.Contains(fmt.Sprint(c.Body["handoff_reason"]), "Damaged items go to customer care")
	}, 30*time.Second, 200*time.Millisecond)
}
