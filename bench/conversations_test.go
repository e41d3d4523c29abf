package bench

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// conversationFloor is the share of scripted turns that must get the right
// outcome, a little under what was measured (see README, "The agent's
// turn"): a change that makes the agent hold a conversation worse fails
// here. The target is 0.95.
const conversationFloor = 0.96

// TestConversationQuality runs `switchboard eval conversations` on the real
// stack and logs every miss.
func TestConversationQuality(t *testing.T) {
	t.Parallel()
	cfg := stackConfig(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	report, err := EvaluateConversations(ctx, cfg)
	require.NoError(t, err)
	convs, err := ScriptedConversations()
	require.NoError(t, err)
	require.Equal(t, len(convs), report.Conversations)
	t.Logf("right outcome: %.3f (%d of %d turns)", report.Share, report.Right, report.Turns)
	for k, v := range report.ByCategory {
		t.Logf("  %s: %.3f (%d of %d)", k, v.Share, v.Right, v.Turns)
	}
	for _, m := range report.Misses {
		t.Logf("miss: %s turn %d %q: expected %s, got %s %s; reply %q", m.Conversation, m.Turn, m.Text, m.Expected, m.Got, m.Why, excerpt(m.Reply, 160))
	}
	require.Zero(t, report.UnsafeActions, "a data-changing action ran without a verified identity and a yes")
	require.GreaterOrEqual(t, report.Share, conversationFloor)
}

func TestClassifyTurn(t *testing.T) {
	t.Parallel()
	entry := func(kind, summary string, detail map[string]any) journalEntry {
		return journalEntry{MessageID: "m1", Kind: kind, Summary: summary, Detail: detail}
	}
	for _, tc := range []struct {
		name      string
		handedOff bool
		entries   []journalEntry
		want      string
		trigger   string
	}{
		{"answer", false, []journalEntry{entry("enrich", "", nil), entry("answer", "", nil), entry("reply", "", nil)}, OutcomeAnswer, ""},
		{"unknown", false, []journalEntry{entry("unknown", "", nil)}, OutcomeDontKnow, ""},
		{"handoff wins", false, []journalEntry{entry("answer", "", nil), entry("handoff", "", map[string]any{"trigger": "asked_for_human"})}, OutcomeHandoff, "asked_for_human"},
		{"handed off without an entry", true, []journalEntry{entry("reply", "", nil)}, OutcomeHandoff, ""},
		{"which order", false, []journalEntry{entry("action", "asked for the order number", map[string]any{})}, OutcomeClarify, ""},
		{"asks for an email", false, []journalEntry{entry("action", "", map[string]any{"identity": "missing"})}, OutcomeVerify, ""},
		{"code sent", false, []journalEntry{entry("action", "", map[string]any{"identity": "unverified"}), entry("verification", "", map[string]any{"sent": true})}, OutcomeVerify, ""},
		{"verified then confirm", false, []journalEntry{entry("verification", "", map[string]any{"outcome": "verified"}), entry("action", "", map[string]any{"confirmation": "asked"})}, OutcomeConfirm, ""},
		{"yes then ran", false, []journalEntry{entry("action", "", map[string]any{"confirmation": "yes"}), entry("action", "", map[string]any{"ok": true})}, OutcomeAction, ""},
		{"no", false, []journalEntry{entry("action", "", map[string]any{"confirmation": "no"})}, OutcomeDeclined, ""},
		{"change of subject", false, []journalEntry{entry("action", "", map[string]any{"confirmation": "other"}), entry("answer", "", nil)}, OutcomeAnswer, ""},
		{"another customer's", false, []journalEntry{entry("action", "", map[string]any{"identity": "mismatch"})}, OutcomeDeclined, ""},
		{"no decision", false, nil, OutcomeNone, ""},
	} {
		got, trigger := classifyTurn(tc.handedOff, tc.entries)
		require.Equal(t, tc.want, got, tc.name)
		require.Equal(t, tc.trigger, trigger, tc.name)
	}
}

func TestUnsafeActions(t *testing.T) {
	t.Parallel()
	ran := journalEntry{MessageID: "m4", Kind: "action", Detail: map[string]any{"action": "start_return", "ok": true}}
	yes := journalEntry{MessageID: "m4", Kind: "action", Detail: map[string]any{"action": "start_return", "confirmation": "yes"}}
	verified := journalEntry{MessageID: "m3", Kind: "verification", Detail: map[string]any{"outcome": "verified"}}
	require.Zero(t, unsafeActions([]journalEntry{verified, yes, ran}))
	require.Equal(t, 1, unsafeActions([]journalEntry{yes, ran}), "not verified")
	require.Equal(t, 1, unsafeActions([]journalEntry{verified, ran}), "no yes")
	status := journalEntry{MessageID: "m4", Kind: "action", Detail: map[string]any{"action": "order_status", "ok": true}}
	require.Zero(t, unsafeActions([]journalEntry{status}), "reading changes nothing")
}

func TestScriptedConversations(t *testing.T) {
	t.Parallel()
	convs, err := ScriptedConversations()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(convs), 60)
}

func TestParseEvalFlagsConversations(t *testing.T) {
	t.Parallel()
	opts, err := ParseEvalFlags([]string{"conversations", "-json"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, EvalOptions{What: "conversations", JSON: true}, opts)
	_, err = ParseEvalFlags([]string{"conversations", "extra"}, io.Discard)
	require.Error(t, err)
}
