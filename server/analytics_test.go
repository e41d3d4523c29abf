package server_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/workflows"
)

// analyticsBundle is an app with a scripted set of conversations run through
// the real workflow.
type analyticsBundle struct {
	app *testenv.App
	t   *testing.T
}

func (b analyticsBundle) post(conv, id, text string) response {
	b.t.Helper()
	r := do(b.t, "POST", b.app.URL+"/v1/conversations/"+conv+"/messages", b.app.Keys.Widget,
		[]byte(fmt.Sprintf(`{"id":%q,"text":%q}`, id, text)))
	require.Equal(b.t, 200, r.Status, r.Raw)
	return r
}

func replyText(r response) string {
	return r.Body["reply"].(map[string]any)["text"].(string)
}

func (b analyticsBundle) row(conv string) models.Conversation {
	b.t.Helper()
	var row models.Conversation
	require.NoError(b.t, b.app.DB.Where("workspace_id = ? AND external_id = ?", b.app.Demo.WorkspaceID, conv).Take(&row).Error)
	return row
}

// waitRow waits until the conversation's read model satisfies ok.
func (b analyticsBundle) waitRow(conv string, ok func(models.Conversation) bool) models.Conversation {
	b.t.Helper()
	var row models.Conversation
	require.Eventually(b.t, func() bool {
		err := b.app.DB.Where("workspace_id = ? AND external_id = ?", b.app.Demo.WorkspaceID, conv).Take(&row).Error
		return err == nil && ok(row)
	}, 20*time.Second, 100*time.Millisecond, "conversation %s", conv)
	return row
}

// close closes a conversation and waits until it has ended.
func (b analyticsBundle) close(conv string) models.Conversation {
	b.t.Helper()
	r := do(b.t, "POST", b.app.URL+"/v1/rep/conversations/"+conv+"/close", b.app.Keys.Admin, nil)
	require.Equal(b.t, 202, r.Status, r.Raw)
	// The workflow records the end, then completes: wait for both, so the
	// next message to the conversation starts a new run.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	wfID := workflows.ConversationWorkflowID(b.app.Demo.WorkspaceID, conv)
	require.NoError(b.t, b.app.Temporal.GetWorkflow(ctx, wfID, "").Get(ctx, nil))
	return b.waitRow(conv, func(c models.Conversation) bool { return c.EndedAt != nil })
}

func (b analyticsBundle) get(path, key string) response {
	b.t.Helper()
	return do(b.t, "GET", b.app.URL+path, key, nil)
}

// nearestRank is the percentile the API documents: the smallest value with
// at least p % of the values at or below it.
func nearestRank(values []int64, p float64) int64 {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return sorted[int(math.Ceil(p/100*float64(len(sorted))))-1]
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

// TestAnalyticsReportScriptedConversations runs eight conversations through
// the real agent, on PostgreSQL and on SQLite, and checks every figure of
// every report against the value worked out by hand below.
func TestAnalyticsReportScriptedConversations(t *testing.T) {
	t.Parallel()
	for _, database := range []struct {
		name string
		url  func(testing.TB) string
	}{{"postgres", testenv.PostgresURL}, {"sqlite", testenv.SQLiteURL}} {
		t.Run(database.name, func(t *testing.T) {
			t.Parallel()
			testenv.TemporalAddress(t) // skip before creating a database outside the stack
			app := testenv.NewApp(t, testenv.AppOptions{DatabaseURL: database.url(t)})
			analyticsScript(t, analyticsBundle{app: app, t: t})
		})
	}
}

func analyticsScript(t *testing.T, b analyticsBundle) {
	app := b.app
	ws := app.Demo.WorkspaceID
	// Built-in handoffs go to the accounts team, which is always open and
	// gives reps one second to accept: conversation F is flagged.
	require.NoError(t, app.DB.Model(&models.AgentSettings{}).Where("workspace_id = ?", ws).Update("default_team", "accounts").Error)
	require.NoError(t, app.DB.Model(&models.Team{}).Where("workspace_id = ? AND key = ?", ws, "accounts").
		Updates(map[string]any{"working_hours": "", "accept_seconds": 1}).Error)
	var sources []models.ContentSource
	require.NoError(t, app.DB.Where("workspace_id = ?", ws).Find(&sources).Error)
	sourceID := map[string]string{}
	for _, s := range sources {
		sourceID[strings.Fields(s.Title)[0]] = s.ID // "Shipping", "Returns", "Products:"
	}
	dontKnow := answer.DontKnow

	// A: resolved. Answered from the shipping article, helpful, closed.
	r := b.post("an-a", "m1", "How long does shipping take?")
	require.Contains(t, replyText(r), "business days")
	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/conversations/an-a/feedback", app.Keys.Widget, []byte(`{"helpful":true}`)).Status)
	require.Eventually(t, func() bool { return b.row("an-a").Feedback == "helpful" }, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, models.ConversationResolved, b.close("an-a").Status)

	// B: handed off by the refund rule to support; a rep accepts; closed.
	r = b.post("an-b", "m1", "I want a refund for my notebook")
	require.Equal(t, true, r.Body["handed_off"])
	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/an-b/accept", app.Keys.Rep, nil).Status)
	rowB := b.waitRow("an-b", func(c models.Conversation) bool { return c.AcceptedAt != nil })
	require.Equal(t, models.ConversationClosedUnresolved, b.close("an-b").Status)

	// H: handed off by the same rule, accepted, handed back to the agent,
	// which answers from the shipping article; closed. Not resolved by the
	// agent (there was a handoff), although the hand-back cleared the
	// handoff from the conversation's row.
	b.post("an-h", "m1", "Can I cancel my order?")
	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/an-h/accept", app.Keys.Rep, nil).Status)
	b.waitRow("an-h", func(c models.Conversation) bool { return c.Status == models.ConversationRepActive })
	require.Equal(t, 202, do(t, "POST", app.URL+"/v1/rep/conversations/an-h/hand-back", app.Keys.Rep, nil).Status)
	b.waitRow("an-h", func(c models.Conversation) bool { return c.Status == models.ConversationAIActive })
	require.Contains(t, replyText(b.post("an-h", "m2", "How long does shipping take?")), "business days")
	rowH := b.close("an-h")
	require.Equal(t, models.ConversationClosedUnresolved, rowH.Status)
	require.Nil(t, rowH.HandedOffAt, "the hand-back cleared the handoff from the row")
	var waitedH int64
	for _, d := range b.get("/v1/conversations/an-h", app.Keys.Auditor).Body["decisions"].([]any) {
		if d := d.(map[string]any); d["kind"] == "rep_accepted" {
			waitedH = int64(num(d["detail"].(map[string]any)["waited_ms"]))
		}
	}

	// C: unanswered. A message that names nothing gets a clarifying
	// question, then "I don't know" (the content never mentions engraving)
	// and a knowledge gap; closed.
	r = b.post("an-c", "m1", "Can you explain?")
	require.NotEqual(t, dontKnow, replyText(r))
	require.Empty(t, r.Body["reply"].(map[string]any)["citations"])
	require.Equal(t, dontKnow, replyText(b.post("an-c", "m2", "Can you engrave my name on it?")))
	require.Equal(t, models.ConversationClosedUnresolved, b.close("an-c").Status)

	// F: asks for a person: handed off to accounts, nobody accepts within
	// the second, flagged; closed.
	r = b.post("an-f", "m1", "Can I talk to a person please?")
	require.Equal(t, true, r.Body["handed_off"], r.Raw)
	b.waitRow("an-f", func(c models.Conversation) bool { return c.Flagged })
	require.Equal(t, models.ConversationClosedUnresolved, b.close("an-f").Status)

	// R: resolved from the products article and closed (one credit), then
	// the customer writes to it again: reopened, the credit is reversed. The
	// agent cannot answer the new questions (a gap); closed unresolved.
	r = b.post("an-r", "m1", "What sizes do your notebooks come in?")
	require.Contains(t, replyText(r), "A5")
	require.Equal(t, models.ConversationResolved, b.close("an-r").Status)
	require.NotEqual(t, dontKnow, replyText(b.post("an-r", "m2", "Can you explain?")))
	require.Equal(t, dontKnow, replyText(b.post("an-r", "m3", "Is there a loyalty programme for regular customers?")))
	require.Equal(t, models.ConversationClosedUnresolved, b.close("an-r").Status)

	// O: ongoing. A clarifying question, then a gap; left open.
	require.NotEqual(t, dontKnow, replyText(b.post("an-o", "m1", "Can you explain?")))
	require.Equal(t, dontKnow, replyText(b.post("an-o", "m2", "Could you add an engraving for me?")))

	// T: the admin's test conversation, resolved: counted nowhere.
	r = do(t, "POST", app.URL+"/v1/test/conversations/an-t/messages", app.Keys.Admin, []byte(`{"id":"m1","text":"How long does shipping take?"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, models.ConversationResolved, b.close("test:an-t").Status)

	// By hand. Conversations that count: A, B, H, C, F, R, O (T is a test)
	// = 7. Ongoing: O = 1; ended: A, B, H, C, F, R = 6.
	// Resolved by the agent (answered, no handoff, no negative feedback, not
	// reopened): A = 1. H had a handoff; R's resolution was reversed when it
	// was reopened, and its second run answered nothing.
	// Handed off (ended): B, H (rule), F (asked for a person) = 3.
	// Deflected (ended without a handoff): A, C, R = 3.
	// Reopened: R = 1.
	// Rates over the 6 ended: resolution 1/6, deflection 3/6, handoff 3/6.
	// Credits: charged A and R's first run = 2, reversed R = 1, consumed 1
	// (equal to resolved by the agent, as it must be).
	// Time to first answer: the 7 conversations' first replies, as the
	// workflow measured them (R's from its reopened run).
	var firstAnswers []int64
	for _, conv := range []string{"an-a", "an-b", "an-h", "an-c", "an-f", "an-r", "an-o"} {
		ms := b.row(conv).FirstAnswerMs
		require.Positive(t, ms, conv)
		firstAnswers = append(firstAnswers, ms)
	}
	wantP50, wantP90 := nearestRank(firstAnswers, 50), nearestRank(firstAnswers, 90)
	t.Logf("times to first answer (ms): %v → p50 %d, p90 %d", firstAnswers, wantP50, wantP90)

	checkOutcomes := func(o map[string]any) {
		t.Helper()
		require.EqualValues(t, 7, o["conversations"])
		require.EqualValues(t, 1, o["ongoing"])
		require.EqualValues(t, 6, o["ended"])
		require.EqualValues(t, 1, o["resolved_by_agent"])
		require.EqualValues(t, 3, o["deflected"])
		require.EqualValues(t, 3, o["handed_off"])
		require.EqualValues(t, 1, o["reopened"])
		require.InDelta(t, 1.0/6, o["resolution_rate"], 1e-9)
		require.InDelta(t, 3.0/6, o["deflection_rate"], 1e-9)
		require.InDelta(t, 3.0/6, o["handoff_rate"], 1e-9)
		fa := o["time_to_first_answer_ms"].(map[string]any)
		require.EqualValues(t, 7, fa["count"])
		require.EqualValues(t, wantP50, fa["p50"])
		require.EqualValues(t, wantP90, fa["p90"])
		require.Equal(t, map[string]any{"consumed": 1.0, "charged": 2.0, "reversed": 1.0}, o["credits"])
	}

	sum := b.get("/v1/analytics/summary", app.Keys.Auditor)
	require.Equal(t, 200, sum.Status, sum.Raw)
	checkOutcomes(sum.Body)
	// The ledger agrees: the workspace's consumption entries net to one
	// credit, and the test conversation has none.
	var net int64
	require.NoError(t, app.DB.Model(&models.CreditEntry{}).Where("workspace_id = ? AND reason <> ?", ws, "grant").
		Select("COALESCE(SUM(amount), 0)").Scan(&net).Error)
	require.EqualValues(t, -1, net)

	// The same figures for chat (the demo's channel); none for email; none
	// in a period without conversations.
	chat := b.get("/v1/analytics/summary?channel=chat", app.Keys.Admin)
	require.Equal(t, 200, chat.Status, chat.Raw)
	checkOutcomes(chat.Body)
	for _, path := range []string{"/v1/analytics/summary?channel=email", "/v1/analytics/summary?from=2020-01-01&to=2020-01-31"} {
		none := b.get(path, app.Keys.Admin)
		require.Equal(t, 200, none.Status, none.Raw)
		require.EqualValues(t, 0, none.Body["conversations"], path)
		require.Nil(t, none.Body["resolution_rate"], path)
		require.Nil(t, none.Body["time_to_first_answer_ms"].(map[string]any)["p50"], path)
		require.Equal(t, map[string]any{"consumed": 0.0, "charged": 0.0, "reversed": 0.0}, none.Body["credits"], path)
	}
	require.Equal(t, "2020-02-01T00:00:00Z", b.get("/v1/analytics/summary?from=2020-01-01&to=2020-01-31", app.Keys.Admin).Body["to"],
		"a date as to includes the whole day")

	// The daily series: 31 days (the last 30 days, partial first day), all
	// of today's figures on today, nothing on the other days.
	daily := b.get("/v1/analytics/daily", app.Keys.Admin)
	require.Equal(t, 200, daily.Status, daily.Raw)
	days := daily.Body["days"].([]any)
	require.Len(t, days, 31)
	today := time.Now().UTC().Format("2006-01-02")
	for i, d := range days {
		day := d.(map[string]any)
		if i < len(days)-1 {
			require.NotEqual(t, today, day["date"])
			require.EqualValues(t, 0, day["conversations"], day["date"])
			continue
		}
		require.Equal(t, today, day["date"])
		checkOutcomes(day)
	}

	// The CSV export: a header and one line per day.
	req, err := http.NewRequest("GET", app.URL+"/v1/analytics/daily?format=csv", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+app.Keys.Auditor)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
	records, err := csv.NewReader(resp.Body).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 32)
	require.Equal(t, []string{"date", "conversations", "ongoing", "ended", "resolved_by_agent", "deflected", "handed_off", "reopened",
		"resolution_rate", "deflection_rate", "handoff_rate", "first_answers", "time_to_first_answer_p50_ms",
		"time_to_first_answer_p90_ms", "credits_consumed", "credits_charged", "credits_reversed"}, records[0])
	require.Equal(t, []string{today, "7", "1", "6", "1", "3", "3", "1", "0.1667", "0.5000", "0.5000", "7",
		fmt.Sprint(wantP50), fmt.Sprint(wantP90), "1", "2", "1"}, records[31])
	require.Equal(t, "0", records[1][1])
	require.Equal(t, "", records[1][8], "no rate on a day without ended conversations")

	// Content sources. Shipping: cited by A and H (T is a test) → 2 replies,
	// 2 conversations, both ended, A resolved: rate 1/2. Products: cited by
	// R, which ended unresolved → rate 0. Returns: never cited. Cited ever
	// counts every citation, tests included: shipping 3 (A, H and T),
	// products 1.
	src := b.get("/v1/analytics/sources", app.Keys.Auditor)
	require.Equal(t, 200, src.Status, src.Raw)
	require.EqualValues(t, 1, src.Body["never_cited"])
	list := src.Body["sources"].([]any)
	require.Len(t, list, 3)
	bySource := map[string]map[string]any{}
	for _, s := range list {
		bySource[s.(map[string]any)["id"].(string)] = s.(map[string]any)
	}
	want := map[string][6]any{ // citations, conversations, ended, resolved, rate, cited ever
		"Shipping":  {2, 2, 2, 1, 0.5, 3},
		"Products:": {1, 1, 1, 0, 0.0, 1},
		"Returns":   {0, 0, 0, 0, nil, 0},
	}
	for name, w := range want {
		s := bySource[sourceID[name]]
		require.NotNil(t, s, name)
		got := [6]any{int(num(s["citations"])), int(num(s["conversations"])), int(num(s["ended"])),
			int(num(s["resolved_by_agent"])), s["resolution_rate"], int(num(s["cited_total"]))}
		require.Equal(t, w, got, name)
	}
	require.Equal(t, "Returns and refunds", list[2].(map[string]any)["title"], "never-cited sources come last")

	// Handoffs. B and H: rule "Refunds…", team support, accepted after the
	// times the workflow measured (B: accepted_at − handed_off_at; H, whose
	// row the hand-back cleared: its rep_accepted decision). F: asked for a
	// person, team accounts, flagged, never accepted. Three handoffs in
	// three conversations; accept times p50 = the smaller of B's and H's
	// (nearest rank 1 of 2), p90 = the larger.
	var rule models.Rule
	require.NoError(t, app.DB.Where("id = ?", rowB.HandoffRuleID).Take(&rule).Error)
	waitedB := rowB.AcceptedAt.Sub(*rowB.HandedOffAt).Milliseconds()
	t.Logf("time to accept (ms): B %d, H %d", waitedB, waitedH)
	h := b.get("/v1/analytics/handoffs", app.Keys.Auditor)
	require.Equal(t, 200, h.Status, h.Raw)
	require.EqualValues(t, 3, h.Body["handoffs"])
	require.EqualValues(t, 3, h.Body["conversations"])
	require.EqualValues(t, 2, h.Body["accepted"])
	require.EqualValues(t, 1, h.Body["flagged"])
	checkAccept := func(p map[string]any) {
		t.Helper()
		require.EqualValues(t, 2, p["count"])
		require.InDelta(t, min(waitedB, waitedH), num(p["p50"]), 1)
		require.InDelta(t, max(waitedB, waitedH), num(p["p90"]), 1)
	}
	checkAccept(h.Body["time_to_accept_ms"].(map[string]any))
	reasons := h.Body["by_reason"].([]any)
	require.Len(t, reasons, 2)
	byReason := map[string]map[string]any{}
	for _, g := range reasons {
		byReason[g.(map[string]any)["reason"].(string)] = g.(map[string]any)
	}
	require.Equal(t, rule.ID, byReason["rule"]["rule_id"])
	require.Equal(t, rule.Name, byReason["rule"]["rule_name"])
	require.Contains(t, rule.Name, "Refunds")
	require.EqualValues(t, 2, byReason["rule"]["handoffs"])
	require.EqualValues(t, 2, byReason["rule"]["accepted"])
	require.EqualValues(t, 0, byReason["rule"]["flagged"])
	checkAccept(byReason["rule"]["time_to_accept_ms"].(map[string]any))
	require.EqualValues(t, 1, byReason["asked_for_human"]["handoffs"])
	require.EqualValues(t, 0, byReason["asked_for_human"]["accepted"])
	require.EqualValues(t, 1, byReason["asked_for_human"]["flagged"])
	teams := map[string]map[string]any{}
	for _, g := range h.Body["by_team"].([]any) {
		teams[g.(map[string]any)["team"].(string)] = g.(map[string]any)
	}
	require.Len(t, teams, 2)
	require.EqualValues(t, 2, teams["support"]["handoffs"])
	require.EqualValues(t, 2, teams["support"]["accepted"])
	checkAccept(teams["support"]["time_to_accept_ms"].(map[string]any))
	require.EqualValues(t, 1, teams["accounts"]["flagged"])
	require.Nil(t, teams["accounts"]["time_to_accept_ms"].(map[string]any)["p50"])

	// Knowledge gaps: every question the agent met with a clarifying
	// question (low confidence) or an "I don't know" (unanswered). C's and
	// O's engraving questions form one topic, the three "Can you explain?"
	// another, R's loyalty question a third. O wrote last (its engraving
	// question after its vague one), so engraving comes first, then the
	// vague ones, then R's.
	g := b.get("/v1/analytics/knowledge-gaps", app.Keys.Auditor)
	require.Equal(t, 200, g.Status, g.Raw)
	require.EqualValues(t, 6, g.Body["gaps"])
	topics := g.Body["topics"].([]any)
	require.Len(t, topics, 3, g.Raw)
	engraving, vague, loyalty := topics[0].(map[string]any), topics[1].(map[string]any), topics[2].(map[string]any)
	require.EqualValues(t, 1, loyalty["count"])
	require.Contains(t, loyalty["label"], "loyalty")
	require.EqualValues(t, 3, vague["count"])
	require.Equal(t, map[string]any{"low_confidence": 3.0}, vague["reasons"])
	require.Contains(t, vague["label"], "explain")
	require.EqualValues(t, 2, engraving["count"])
	require.EqualValues(t, 2, engraving["open"])
	require.Equal(t, map[string]any{"unanswered": 2.0}, engraving["reasons"])
	require.Contains(t, engraving["label"], "engrav")
	examples := engraving["examples"].([]any)
	example := func(i int) map[string]any { return examples[i].(map[string]any) }
	require.Equal(t, "Could you add an engraving for me?", example(0)["question"], "newest first")
	require.Equal(t, "an-o", example(0)["conversation_id"])
	require.Equal(t, "unanswered", example(0)["reason"])
	require.Equal(t, "Can you engrave my name on it?", example(1)["question"])
	require.Equal(t, "an-c", example(1)["conversation_id"])

	lowConfidence := b.get("/v1/analytics/knowledge-gaps?reason=low_confidence", app.Keys.Auditor)
	require.EqualValues(t, 3, lowConfidence.Body["gaps"], lowConfidence.Raw)
	bad := b.get("/v1/analytics/knowledge-gaps?reason=sometimes", app.Keys.Auditor)
	require.Equal(t, 400, bad.Status)
	require.Contains(t, bad.Raw, "reason")

	// An admin links the source that now answers an engraving question.
	gapID := example(1)["id"].(string)
	resolve := func(key, id, body string) response {
		return do(t, "POST", app.URL+"/v1/analytics/knowledge-gaps/"+id+"/resolve", key, []byte(body))
	}
	require.Equal(t, 403, resolve(app.Keys.Auditor, gapID, `{"source_id":"x"}`).Status)
	bad = resolve(app.Keys.Admin, gapID, `{"source_id":""}`)
	require.Equal(t, 400, bad.Status)
	_, msg := errorOf(bad)
	require.Contains(t, msg, "source_id")
	bad = resolve(app.Keys.Admin, gapID, `{"source_id":"no-such-source"}`)
	require.Equal(t, 422, bad.Status)
	_, msg = errorOf(bad)
	require.Contains(t, msg, "source_id")
	require.Equal(t, 404, resolve(app.Keys.Admin, "no-such-gap", `{"source_id":"`+sourceID["Shipping"]+`"}`).Status)
	ok := resolve(app.Keys.Admin, gapID, `{"source_id":"`+sourceID["Shipping"]+`"}`)
	require.Equal(t, 200, ok.Status, ok.Raw)
	require.Equal(t, sourceID["Shipping"], ok.Body["source"].(map[string]any)["id"])
	var gap models.KnowledgeGap
	require.NoError(t, app.DB.Where("id = ?", gapID).Take(&gap).Error)
	require.NotNil(t, gap.ResolvedAt)
	require.Equal(t, sourceID["Shipping"], gap.ResolvedSourceID)

	open := b.get("/v1/analytics/knowledge-gaps", app.Keys.Admin)
	require.EqualValues(t, 5, open.Body["gaps"], "resolved gaps leave the open list")
	all := b.get("/v1/analytics/knowledge-gaps?status=all", app.Keys.Admin)
	require.EqualValues(t, 6, all.Body["gaps"])
	for _, tp := range all.Body["topics"].([]any) {
		if tp.(map[string]any)["count"] == 4.0 {
			require.EqualValues(t, 3, tp.(map[string]any)["open"])
		}
	}
	resolved := b.get("/v1/analytics/knowledge-gaps?status=resolved", app.Keys.Admin)
	require.EqualValues(t, 1, resolved.Body["gaps"])
	require.Equal(t, sourceID["Shipping"], resolved.Body["topics"].([]any)[0].(map[string]any)["examples"].([]any)[0].(map[string]any)["resolved_source_id"])
}

func TestAnalyticsRejectsBadParametersAndRoles(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	for _, tc := range []struct {
		query, field string
	}{
		{"from=yesterday", "from"},
		{"to=2025-13-01", "to"},
		{"from=2025-05-01T00:00:00", "from"}, // no time zone
		{"from=2025-05-10&to=2025-05-01", "from"},
		{"from=2023-01-01&to=2025-01-01", "to"},
		{"channel=chat%27%20OR%201=1", "channel"},
	} {
		for _, route := range []string{"summary", "daily", "knowledge-gaps", "sources", "handoffs"} {
			r := do(t, "GET", app.URL+"/v1/analytics/"+route+"?"+tc.query, app.Keys.Admin, nil)
			require.Equal(t, 400, r.Status, "%s?%s: %s", route, tc.query, r.Raw)
			code, msg := errorOf(r)
			require.Equal(t, "invalid", code)
			require.True(t, strings.HasPrefix(msg, tc.field+":"), "%s?%s: %s", route, tc.query, msg)
		}
	}
	r := do(t, "GET", app.URL+"/v1/analytics/daily?format=xml", app.Keys.Admin, nil)
	require.Equal(t, 400, r.Status)
	_, msg := errorOf(r)
	require.True(t, strings.HasPrefix(msg, "format:"), msg)
	r = do(t, "GET", app.URL+"/v1/analytics/knowledge-gaps?status=closed", app.Keys.Admin, nil)
	require.Equal(t, 400, r.Status)
	// RFC 3339 with an offset (+ encoded) is accepted and shown in UTC.
	r = do(t, "GET", app.URL+"/v1/analytics/summary?from=2025-05-01T02:00:00%2B02:00&to=2025-05-02", app.Keys.Admin, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, "2025-05-01T00:00:00Z", r.Body["from"])
	daily := do(t, "GET", app.URL+"/v1/analytics/daily?from=2025-05-01&to=2025-05-03", app.Keys.Admin, nil)
	require.Equal(t, 200, daily.Status, daily.Raw)
	require.Len(t, daily.Body["days"], 3)

	for _, route := range []string{"summary", "daily", "knowledge-gaps", "sources", "handoffs"} {
		require.Equal(t, 401, do(t, "GET", app.URL+"/v1/analytics/"+route, "", nil).Status)
		require.Equal(t, 403, do(t, "GET", app.URL+"/v1/analytics/"+route, app.Keys.Widget, nil).Status)
		require.Equal(t, 403, do(t, "GET", app.URL+"/v1/analytics/"+route, app.Keys.Rep, nil).Status)
	}
}

// TestAdminPagesAreServedWithEverythingLocal needs no stack: the pages and their
// files come from the binary.
func TestAdminPagesAreServedWithEverythingLocal(t *testing.T) {
	t.Parallel()
	hs := httptest.NewServer((&server.Server{}).Handler())
	t.Cleanup(hs.Close)
	fetch := func(path string) (*http.Response, string) {
		resp, err := http.Get(hs.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(body)
	}
	for _, path := range []string{"/admin/dashboard", "/admin/rules", "/admin/agent", "/admin/conversations", "/admin/content", "/admin/issues", "/admin/channels", "/admin/crm"} {
		page, html := fetch(path)
		require.Equal(t, 200, page.StatusCode, "%s needs no key", path)
		require.Equal(t, "text/html; charset=utf-8", page.Header.Get("Content-Type"))
		require.Contains(t, page.Header.Get("Content-Security-Policy"), "default-src 'none'")
		require.Contains(t, page.Header.Get("Content-Security-Policy"), "connect-src 'self'")
		require.Equal(t, "nosniff", page.Header.Get("X-Content-Type-Options"))
		require.NotContains(t, html, "<script>", "%s: no inline script", path)

		// Every file the page refers to is served from here; its links lead to
		// this server's pages.
		refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(html, -1)
		var assets [][]string
		for _, ref := range refs {
			require.True(t, strings.HasPrefix(ref[1], "/") && !strings.HasPrefix(ref[1], "//"), ref[1])
			if strings.HasPrefix(ref[1], "/admin/static/") {
				assets = append(assets, ref)
			} else {
				linked, _ := fetch(ref[1])
				require.Equal(t, 200, linked.StatusCode, "%s links to %s", path, ref[1])
			}
		}
		require.GreaterOrEqual(t, len(assets), 2, path)
		bodies := []string{html}
		scripts := ""
		for _, ref := range assets {
			resp, body := fetch(ref[1])
			require.Equal(t, 200, resp.StatusCode, ref[1])
			require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			bodies = append(bodies, body)
			switch {
			case strings.HasSuffix(ref[1], ".css"):
				require.NotContains(t, body, "@import")
				require.NotContains(t, body, "url(")
			case strings.HasSuffix(ref[1], ".js"):
				for _, unsafe := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
					require.NotContains(t, body, unsafe, ref[1])
				}
				scripts += body
			}
		}
		external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
		for i, body := range bodies {
			require.Empty(t, external.FindAllString(body, -1), "%s: file %d refers to something outside the server", path, i)
		}
		require.Contains(t, scripts, "sessionStorage", path)
	}
	missing, _ := fetch("/admin/static/secrets.txt")
	require.Equal(t, 404, missing.StatusCode)
}
