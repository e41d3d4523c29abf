package bench

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/app"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/worker"
)

//go:embed conversation_eval.json
var conversationEvalJSON []byte

// The outcomes a turn can have: what the conversation evaluation expects of
// a turn and reads from its reply and decisions.
const (
	OutcomeAnswer    = "answer"     // answered from the content (or a reusable response)
	OutcomeClarify   = "clarify"    // asked a clarifying question, or which order
	OutcomeDontKnow  = "dont_know"  // said it does not know
	OutcomeHandoff   = "handoff"    // handed the conversation to a person
	OutcomeSmallTalk = "small_talk" // a greeting, thanks or goodbye reply
	OutcomeVerify    = "verify"     // asked the customer to prove who they are (an email, a code)
	OutcomeConfirm   = "confirm"    // asked yes or no before an action that changes data
	OutcomeAction    = "action"     // an action ran
	OutcomeDeclined  = "declined"   // did not do what was asked: a "no", another customer's data, a topic to avoid, a refused action
	OutcomeLead      = "lead"       // asked a lead-qualification question
	OutcomeError     = "error"      // a step failed (the apology)
	OutcomeNone      = "none"       // no decision was recorded for the turn
)

var outcomes = []string{OutcomeAnswer, OutcomeClarify, OutcomeDontKnow, OutcomeHandoff, OutcomeSmallTalk,
	OutcomeVerify, OutcomeConfirm, OutcomeAction, OutcomeDeclined}

// codePlaceholder in a scripted turn's text stands for the verification
// code last emailed to the address the conversation gave.
const codePlaceholder = "{code}"

// ScriptedConversation is one conversation of the evaluation.
type ScriptedConversation struct {
	Name     string         `json:"name"`
	Category string         `json:"category"`
	Turns    []ScriptedTurn `json:"turns"`
}

// ScriptedTurn is a customer message and the outcome a good agent gives it.
type ScriptedTurn struct {
	Text string `json:"text"`
	// Email is sent as the widget's contact email (a claim, not a proof).
	Email  string `json:"email,omitempty"`
	Expect string `json:"expect"`
	// Contains: the reply must contain one of these (case-insensitive).
	Contains []string `json:"contains,omitempty"`
	// Excludes: the reply must contain none of these.
	Excludes []string `json:"excludes,omitempty"`
	// Trigger, for a handoff, is the trigger it must have ("rule" for any
	// handoff rule, "asked_for_human", "unanswered_twice", …).
	Trigger string `json:"trigger,omitempty"`
}

// ScriptedConversations are the evaluation's conversations
// (conversation_eval.json), checked.
func ScriptedConversations() ([]ScriptedConversation, error) {
	var file struct {
		Conversations []ScriptedConversation `json:"conversations"`
	}
	if err := json.Unmarshal(conversationEvalJSON, &file); err != nil {
		return nil, fmt.Errorf("conversation_eval.json: %w", err)
	}
	seen := map[string]bool{}
	for i, c := range file.Conversations {
		switch {
		case c.Name == "" || seen[c.Name]:
			return nil, fmt.Errorf("conversation_eval.json: conversations[%d].name: empty or repeated %q", i, c.Name)
		case c.Category == "":
			return nil, fmt.Errorf("conversation_eval.json: conversations[%d].category: empty", i)
		case len(c.Turns) == 0:
			return nil, fmt.Errorf("conversation_eval.json: conversations[%d].turns: none", i)
		}
		seen[c.Name] = true
		for j, t := range c.Turns {
			if t.Text == "" || !slices.Contains(outcomes, t.Expect) {
				return nil, fmt.Errorf("conversation_eval.json: conversations[%d].turns[%d]: empty text or unknown outcome %q", i, j, t.Expect)
			}
		}
	}
	return file.Conversations, nil
}

// ConversationReport is what the conversation evaluation measured.
type ConversationReport struct {
	Conversations int `json:"conversations"`
	Turns         int `json:"turns"`
	Right         int `json:"right"`
	// Share is Right / Turns.
	Share float64 `json:"share"`
	// ByCategory and ByExpected are the shares per conversation category
	// and per expected outcome.
	ByCategory map[string]Tally `json:"by_category"`
	ByExpected map[string]Tally `json:"by_expected"`
	// UnsafeActions counts data-changing actions that ran without a
	// verified identity and a "yes" in the conversation (the target is 0).
	UnsafeActions int          `json:"unsafe_actions"`
	Misses        []TurnResult `json:"misses"`
}

// Tally is how many turns of a kind got the right outcome.
type Tally struct {
	Right int     `json:"right"`
	Turns int     `json:"turns"`
	Share float64 `json:"share"`
}

// TurnResult is one turn's outcome.
type TurnResult struct {
	Conversation string `json:"conversation"`
	Category     string `json:"category"`
	Turn         int    `json:"turn"` // 1-based
	Text         string `json:"text"`
	Expected     string `json:"expected"`
	Got          string `json:"got"`
	// Why says what was wrong besides the outcome (a missing phrase, a
	// phrase the reply must not hold, another handoff trigger).
	Why   string `json:"why,omitempty"`
	Reply string `json:"reply"`
	Right bool   `json:"right"`
}

// evalLimits lift the API's abuse limits: the evaluation sends every
// conversation from one address and one key, faster than a person types.
var evalLimits = config.Limits{KeyMessages: 1_000_000, KeyConversations: 1_000_000, AddressMessages: 1_000_000,
	AddressConversations: 1_000_000, ConversationMessages: 1_000_000, EventStreams: 10}

// EvaluateConversations runs the scripted conversations through the API as
// a customer's widget would, on cfg's Temporal and Weaviate: the demo
// workspace seeded into a throwaway SQLite database and indexed into a
// Weaviate tenant of its own (removed afterwards), a worker on a task queue
// of its own, and the API on a local port. Each turn's outcome is read from
// the reply and the decisions an auditor's GET /v1/conversations/{id}
// returns.
func EvaluateConversations(ctx context.Context, cfg config.Config) (ConversationReport, error) {
	convs, err := ScriptedConversations()
	if err != nil {
		return ConversationReport{}, err
	}
	dir, err := os.MkdirTemp("", "switchboard-eval-")
	if err != nil {
		return ConversationReport{}, err
	}
	defer os.RemoveAll(dir)
	cfg.DatabaseURL = "sqlite:" + filepath.Join(dir, "eval.db")
	if err := cfg.Validate(); err != nil {
		return ConversationReport{}, err
	}
	log := app.Logger(cfg)
	d, err := app.Connect(cfg, log)
	if err != nil {
		return ConversationReport{}, err
	}
	defer d.Close()
	if err := d.Prepare(ctx, 30*time.Second); err != nil {
		return ConversationReport{}, err
	}
	seeded, keys, err := demo.Seed(ctx, d.DB, time.Now().UTC())
	if err != nil {
		return ConversationReport{}, err
	}
	defer func() {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_ = d.Knowledge.DeleteTenant(cleanup, seeded.WorkspaceID)
	}()
	if err := demo.Index(ctx, d.DB, d.Knowledge, seeded.WorkspaceID); err != nil {
		return ConversationReport{}, err
	}
	run := runID()
	queue := "switchboard-eval-conversations-" + run
	w := worker.New(d.Temporal, queue, d.Activities())
	if err := w.Start(); err != nil {
		return ConversationReport{}, fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	srv := &server.Server{DB: d.DB, Temporal: d.Temporal, Knowledge: d.Knowledge, TaskQueue: queue,
		MaxBodyBytes: 1 << 20, Log: slog.New(slog.DiscardHandler), Limits: evalLimits}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	e := &conversationEval{url: hs.URL, keys: keys, db: d.DB.WithContext(ctx), ctx: ctx}
	seededOrders, err := e.orderStatuses(seeded.WorkspaceID)
	if err != nil {
		return ConversationReport{}, err
	}
	var results []TurnResult
	unsafe := 0
	for i, c := range convs {
		res, n, err := e.run(fmt.Sprintf("eval-%s-%02d-%s", run, i, c.Name), c)
		if err != nil {
			return ConversationReport{}, fmt.Errorf("conversation %q: %w", c.Name, err)
		}
		results = append(results, res...)
		unsafe += n
		// Each conversation meets the store as seeded: a return one of them
		// started does not make the order unreturnable for the next.
		if err := e.restoreOrders(seeded.WorkspaceID, seededOrders); err != nil {
			return ConversationReport{}, err
		}
	}
	return tallyConversations(len(convs), results, unsafe), nil
}

// tallyConversations sums the turns' results into the report.
func tallyConversations(conversations int, results []TurnResult, unsafe int) ConversationReport {
	r := ConversationReport{Conversations: conversations, Turns: len(results), UnsafeActions: unsafe,
		ByCategory: map[string]Tally{}, ByExpected: map[string]Tally{}, Misses: []TurnResult{}}
	add := func(m map[string]Tally, key string, right bool) {
		t := m[key]
		t.Turns++
		t.Right += btoi(right)
		t.Share = float64(t.Right) / float64(t.Turns)
		m[key] = t
	}
	for _, res := range results {
		r.Right += btoi(res.Right)
		add(r.ByCategory, res.Category, res.Right)
		add(r.ByExpected, res.Expected, res.Right)
		if !res.Right {
			r.Misses = append(r.Misses, res)
		}
	}
	if r.Turns > 0 {
		r.Share = float64(r.Right) / float64(r.Turns)
	}
	return r
}

// conversationEval talks to the API as the demo's widget and reads the
// journal as its auditor.
type conversationEval struct {
	url  string
	keys demo.Keys
	db   *gorm.DB
	ctx  context.Context
}

// turnReply is the API's answer to a customer's message.
type turnReply struct {
	Reply struct {
		Text string `json:"text"`
	} `json:"reply"`
	Status    string `json:"status"`
	HandedOff bool   `json:"handed_off"`
}

// journalEntry is a decision as GET /v1/conversations/{id} shows it to
// staff.
type journalEntry struct {
	MessageID string         `json:"message_id"`
	Kind      string         `json:"kind"`
	Summary   string         `json:"summary"`
	Detail    map[string]any `json:"detail"`
}

// run plays one conversation and judges each turn; it also returns how many
// data-changing actions ran without a verified identity and a yes.
func (e *conversationEval) run(id string, c ScriptedConversation) ([]TurnResult, int, error) {
	replies := make([]turnReply, len(c.Turns))
	email := ""
	for i, t := range c.Turns {
		text := t.Text
		if strings.Contains(text, codePlaceholder) {
			code, err := e.latestCode(email)
			if err != nil {
				return nil, 0, err
			}
			text = strings.ReplaceAll(text, codePlaceholder, code)
		}
		if m := emailPattern.FindString(text); m != "" {
			email = strings.ToLower(m)
		}
		if t.Email != "" {
			email = strings.ToLower(t.Email)
		}
		body := map[string]any{"id": fmt.Sprintf("m%d", i+1), "text": text}
		if t.Email != "" {
			body["contact"] = map[string]string{"email": t.Email}
		}
		if err := e.call("POST", "/v1/conversations/"+id+"/messages", e.keys.Widget, body, &replies[i]); err != nil {
			return nil, 0, fmt.Errorf("turn %d: %w", i+1, err)
		}
	}
	journal, err := e.journal(id, len(c.Turns))
	if err != nil {
		return nil, 0, err
	}
	byMessage := map[string][]journalEntry{}
	for _, j := range journal {
		byMessage[j.MessageID] = append(byMessage[j.MessageID], j)
	}
	results := make([]TurnResult, len(c.Turns))
	handedOff := false
	for i, t := range c.Turns {
		got, trigger := classifyTurn(replies[i].HandedOff && !handedOff, byMessage[fmt.Sprintf("m%d", i+1)])
		handedOff = handedOff || replies[i].HandedOff
		results[i] = judgeTurn(c, i, t, got, trigger, replies[i].Reply.Text)
	}
	// Best effort: the conversation's workflow need not wait 72 hours.
	_ = e.call("POST", "/v1/rep/conversations/"+id+"/close", e.keys.Admin, nil, nil)
	return results, unsafeActions(journal), nil
}

var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)

// judgeTurn compares a turn's outcome and reply with what was expected.
func judgeTurn(c ScriptedConversation, i int, t ScriptedTurn, got, trigger, reply string) TurnResult {
	r := TurnResult{Conversation: c.Name, Category: c.Category, Turn: i + 1, Text: t.Text, Expected: t.Expect, Got: got, Reply: reply}
	folded := strings.ToLower(reply)
	var why []string
	if len(t.Contains) > 0 && !slices.ContainsFunc(t.Contains, func(s string) bool { return strings.Contains(folded, strings.ToLower(s)) }) {
		why = append(why, fmt.Sprintf("reply lacks %q", strings.Join(t.Contains, `" or "`)))
	}
	for _, s := range t.Excludes {
		if strings.Contains(folded, strings.ToLower(s)) {
			why = append(why, fmt.Sprintf("reply holds %q", s))
		}
	}
	if t.Trigger != "" && got == OutcomeHandoff && trigger != t.Trigger && !strings.HasPrefix(trigger, t.Trigger+":") {
		why = append(why, fmt.Sprintf("trigger %q, want %q", trigger, t.Trigger))
	}
	r.Why = strings.Join(why, "; ")
	r.Right = got == t.Expect && len(why) == 0
	return r
}

// classifyTurn reads a turn's outcome from its decisions (and whether its
// reply handed the conversation off), and a handoff's trigger. A handoff
// outweighs everything; otherwise the last decision that says what the
// agent did stands (a code checked, then a confirmation asked: confirm).
func classifyTurn(handedOff bool, entries []journalEntry) (outcome, trigger string) {
	outcome = OutcomeNone
	for _, j := range entries {
		switch decide.Kind(j.Kind) {
		case decide.KindHandoff:
			t, _ := j.Detail["trigger"].(string)
			return OutcomeHandoff, t
		case decide.KindDependencyFailure:
			return OutcomeError, ""
		case decide.KindAnswer, decide.KindReusableResponse:
			outcome = OutcomeAnswer
		case decide.KindClarify:
			outcome = OutcomeClarify
		case decide.KindUnknown:
			outcome = OutcomeDontKnow
		case decide.KindSmallTalk:
			outcome = OutcomeSmallTalk
		case decide.KindAvoidedTopic:
			outcome = OutcomeDeclined
		case decide.KindLead:
			outcome = OutcomeLead
		case decide.KindVerification:
			if o, _ := j.Detail["outcome"].(string); o == decide.CodeLocked || o == decide.CodeExpired {
				outcome = OutcomeDeclined
			} else if o != decide.CodeVerified {
				outcome = OutcomeVerify // a code sent, or a wrong one asked again
			}
		case decide.KindAction:
			if o := actionOutcome(j); o != "" {
				outcome = o
			}
		}
	}
	if handedOff {
		return OutcomeHandoff, ""
	}
	return outcome, ""
}

// actionOutcome reads an action entry: "" for one that says nothing of
// the turn's outcome by itself (a yes, an order named, a change of
// subject).
func actionOutcome(j journalEntry) string {
	if c, _ := j.Detail["confirmation"].(string); c != "" {
		switch c {
		case "asked":
			return OutcomeConfirm
		case "no":
			return OutcomeDeclined
		}
		return ""
	}
	if _, ok := j.Detail["order"]; ok && j.Summary == "order not found" {
		return OutcomeClarify // asked to check the number
	}
	switch id, _ := j.Detail["identity"].(string); id {
	case "missing", "unverified":
		return OutcomeVerify
	case "mismatch":
		return OutcomeDeclined
	}
	if ok, found := j.Detail["ok"].(bool); found {
		if ok {
			return OutcomeAction
		}
		return OutcomeDeclined
	}
	if j.Summary == "asked for the order number" {
		return OutcomeClarify
	}
	return ""
}

// unsafeActions counts the data-changing actions in a conversation's
// journal that ran (ok) before its customer was verified or without a yes
// in the same turn.
func unsafeActions(journal []journalEntry) int {
	verified, n := false, 0
	yesIn := map[string]bool{}
	for _, j := range journal {
		if decide.Kind(j.Kind) == decide.KindVerification && j.Detail["outcome"] == decide.CodeVerified {
			verified = true
		}
		if decide.Kind(j.Kind) != decide.KindAction {
			continue
		}
		action, _ := j.Detail["action"].(string)
		if j.Detail["confirmation"] == "yes" {
			yesIn[j.MessageID] = true
		}
		spec, builtin := actions.Builtin(action)
		if ok, _ := j.Detail["ok"].(bool); ok && builtin && spec.ChangesData && (!verified || !yesIn[j.MessageID]) {
			n++
		}
	}
	return n
}

// journal waits until each of the conversation's messages has its reply
// recorded (the read model trails the replies by half a second or so) and
// returns the decisions.
func (e *conversationEval) journal(id string, messages int) ([]journalEntry, error) {
	var conv struct {
		Decisions []journalEntry `json:"decisions"`
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		if err := e.call("GET", "/v1/conversations/"+id, e.keys.Auditor, nil, &conv); err != nil {
			return nil, err
		}
		replied := map[string]bool{}
		for _, j := range conv.Decisions {
			if decide.Kind(j.Kind) == decide.KindReply {
				replied[j.MessageID] = true
			}
		}
		if len(replied) >= messages || time.Now().After(deadline) {
			return conv.Decisions, nil
		}
		select {
		case <-e.ctx.Done():
			return nil, e.ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// orderStatuses are the workspace's orders' statuses, by order ID.
func (e *conversationEval) orderStatuses(workspaceID string) (map[string]string, error) {
	var rows []models.Order
	if err := e.db.Where("workspace_id = ?", workspaceID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read the demo orders: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, o := range rows {
		out[o.ID] = o.Status
	}
	return out, nil
}

// restoreOrders puts the orders back to the statuses given and removes the
// returns a conversation started.
func (e *conversationEval) restoreOrders(workspaceID string, statuses map[string]string) error {
	return e.db.Transaction(func(tx *gorm.DB) error {
		for id, status := range statuses {
			if err := tx.Model(&models.Order{}).Where("id = ? AND status <> ?", id, status).Update("status", status).Error; err != nil {
				return fmt.Errorf("restore the demo orders: %w", err)
			}
		}
		if err := tx.Where("workspace_id = ?", workspaceID).Delete(&models.Return{}).Error; err != nil {
			return fmt.Errorf("remove the eval's returns: %w", err)
		}
		return nil
	})
}

// latestCode is the verification code last emailed to address, as the
// customer reads it in the email.
func (e *conversationEval) latestCode(address string) (string, error) {
	if address == "" {
		return "", errors.New("a turn types the code before the conversation gave an email address")
	}
	var mail models.OutboxMessage
	err := e.db.WithContext(e.ctx).Where("kind = ? AND recipient = ?", "verification_code", address).
		Order("created_at DESC").Take(&mail).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "000001", nil // no code was sent: the customer types what they have
	}
	if err != nil {
		return "", fmt.Errorf("read the verification email: %w", err)
	}
	code := decide.FindCode(mail.Body)
	if code == "" {
		return "", fmt.Errorf("the verification email to %s holds no code", address)
	}
	return code, nil
}

// call sends a request to the API and decodes a 2xx answer into out.
func (e *conversationEval) call(method, path, key string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(e.ctx, method, e.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// printConversationReport prints the shares and every miss.
func printConversationReport(out io.Writer, r ConversationReport) {
	fmt.Fprintf(out, "Multi-turn conversations over the demo store: %d conversations, %d customer turns\n", r.Conversations, r.Turns)
	fmt.Fprintln(out, "(offline extractive answerer: no language model's answers are measured)")
	fmt.Fprintf(out, "\n  right outcome  %5.1f %%  (%d of %d turns)\n", 100*r.Share, r.Right, r.Turns)
	fmt.Fprintf(out, "  data-changing actions without a verified identity and a yes: %d\n", r.UnsafeActions)
	printTallies(out, "by category", r.ByCategory)
	printTallies(out, "by expected outcome", r.ByExpected)
	if len(r.Misses) == 0 {
		fmt.Fprintln(out, "\nevery turn had the right outcome")
		return
	}
	fmt.Fprintf(out, "\n%d miss(es):\n", len(r.Misses))
	for _, m := range r.Misses {
		fmt.Fprintf(out, "\n  %s, turn %d: %q\n    expected %s, got %s", m.Conversation, m.Turn, m.Text, m.Expected, m.Got)
		if m.Why != "" {
			fmt.Fprintf(out, " (%s)", m.Why)
		}
		fmt.Fprintf(out, "\n    reply: %q\n", excerpt(m.Reply, 160))
	}
}

func printTallies(out io.Writer, title string, m map[string]Tally) {
	fmt.Fprintf(out, "\n  %s:\n", title)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t := m[k]
		fmt.Fprintf(out, "    %-14s %5.1f %%  (%d of %d)\n", k, 100*t.Share, t.Right, t.Turns)
	}
}

// excerpt is s cut to n characters.
func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
