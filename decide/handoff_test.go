package decide_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/rules"
)

func TestChannel(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		policy      *decide.ChannelPolicy
		wantTrigger string
		wantTeam    string
		inactivity  string
	}{
		{"no settings", nil, "", "", ""},
		{"agent takes it", &decide.ChannelPolicy{AgentTakes: true}, "", "", ""},
		{"outside agent hours", &decide.ChannelPolicy{Cause: decide.ChannelCauseHours, Reason: "outside hours", Team: "night"},
			decide.TriggerChannelHours, "night", ""},
		{"outside the agent share, default team", &decide.ChannelPolicy{Cause: decide.ChannelCauseShare, Reason: "share"},
			decide.TriggerChannelShare, "support", ""},
		{"inactive conversations go to the channel team", &decide.ChannelPolicy{AgentTakes: true, HandOffWhenInactive: true, Team: "care"},
			"", "", "care"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := decide.Channel(tc.policy, "support")
			require.Equal(t, tc.inactivity, d.InactivityTeam)
			if tc.policy == nil {
				require.Zero(t, d)
				return
			}
			require.Equal(t, decide.KindChannel, d.Entry.Kind)
			if tc.wantTrigger == "" {
				require.Nil(t, d.Handoff)
				return
			}
			require.NotNil(t, d.Handoff)
			require.Equal(t, tc.wantTrigger, d.Handoff.Trigger)
			require.Equal(t, tc.wantTeam, d.Handoff.Team)
			require.Equal(t, decide.ModeTransferNow, d.Handoff.Mode)
		})
	}
}

func TestAdmission(t *testing.T) {
	t.Parallel()
	matched := rules.Decision{Matched: &rules.Rule{ID: "r1"}}
	cases := []struct {
		name    string
		routing decide.RuleResult
		credits int
		test    bool
		want    string
	}{
		{"no routing rules, credits left", decide.RuleResult{}, 5, false, ""},
		{"a routing rule takes it", decide.RuleResult{Count: 2, Decision: matched}, 5, false, ""},
		{"routing rules take nothing", decide.RuleResult{Count: 2}, 5, false, decide.TriggerRouting},
		{"no credits", decide.RuleResult{}, 0, false, decide.TriggerCreditsExhausted},
		{"no credits, but a test conversation", decide.RuleResult{}, 0, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := decide.Admission(tc.routing, tc.credits, tc.test, "support")
			if tc.want == "" {
				require.Nil(t, h)
				return
			}
			require.Equal(t, tc.want, h.Trigger)
			require.Equal(t, "support", h.Team)
		})
	}
}

func TestEscalation(t *testing.T) {
	t.Parallel()
	rule := &rules.Rule{ID: "r9", Name: "Refunds", Mode: rules.ModeKeepAssisting, Team: "billing", Message: "Billing will join."}
	h := decide.Escalation(decide.RuleResult{Count: 1, Decision: rules.Decision{Matched: rule}}, true, "support")
	require.Equal(t, &decide.Handoff{Reason: "rule: Refunds", Trigger: "rule:r9", RuleID: "r9",
		Mode: decide.ModeKeepAssisting, Team: "billing", Message: "Billing will join."}, h, "a rule wins over asking for a person")

	h = decide.Escalation(decide.RuleResult{}, true, "support")
	require.Equal(t, decide.TriggerAskedForHuman, h.Trigger)
	require.Equal(t, "support", h.Team)

	require.Nil(t, decide.Escalation(decide.RuleResult{}, false, "support"))
}

func TestRuleResultEntry(t *testing.T) {
	t.Parallel()
	e := decide.RuleResult{Set: "handoff", Version: 3}.Entry()
	require.Equal(t, decide.KindHandoffRules, e.Kind)
	require.Equal(t, "handoff rules v3: no rule matched", e.Summary)
	require.Equal(t, "", e.Detail["matched_rule_id"])

	e = decide.RuleResult{Set: "routing", Version: 1, Decision: rules.Decision{Matched: &rules.Rule{ID: "a", Name: "VIP"}}}.Entry()
	require.Equal(t, decide.KindRoutingRules, e.Kind)
	require.Equal(t, `routing rules v1: "VIP" matched`, e.Summary)
	require.Equal(t, "a", e.Detail["matched_rule_id"])
}

func TestUnansweredTwice(t *testing.T) {
	t.Parallel()
	require.Nil(t, decide.UnansweredTwice(1, "support"))
	h := decide.UnansweredTwice(2, "support")
	require.Equal(t, decide.TriggerUnansweredTwice, h.Trigger)
	require.Equal(t, decide.ModeTransferNow, h.Mode)
}

func TestAssign(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) // a Wednesday
	h := decide.Handoff{Reason: "r", Trigger: decide.TriggerAskedForHuman, Mode: decide.ModeTransferNow, Message: "A person will join."}

	a := decide.Assign(h, decide.Team{}, now)
	require.Equal(t, decide.DefaultTeam, a.Team, "no team: the default team")
	require.Equal(t, now.Add(decide.DefaultAcceptTimeout), a.AcceptBy)
	require.Equal(t, decide.DefaultFallback, a.Fallback)
	require.Equal(t, "A person will join.", a.Message)
	require.Equal(t, decide.KindHandoff, a.Entry().Kind)

	h.Team = "billing"
	a = decide.Assign(h, decide.Team{AcceptTimeout: time.Minute, FallbackMessage: "Email us."}, now)
	require.Equal(t, now.Add(time.Minute), a.AcceptBy)
	require.Equal(t, "Email us.", a.Fallback)

	// Closed until 09:00 tomorrow: the customer is told, and the clock
	// starts when the team does.
	a = decide.Assign(h, decide.Team{WorkingHours: "daily 09:00-09:30 UTC", AcceptTimeout: time.Minute}, now)
	require.Equal(t, "A person will join. Our team is available from 09:00 UTC tomorrow; a person will reply then.", a.Message)
	require.Equal(t, time.Date(2026, 11, 26, 9, 1, 0, 0, time.UTC), a.AcceptBy)

	// Open now: nothing added.
	a = decide.Assign(h, decide.Team{WorkingHours: "daily 00:00-24:00 UTC"}, now)
	require.Equal(t, "A person will join.", a.Message)
}

func TestDescribeOpeningCountsDaysInTheTeamsTimeZone(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	// 01:25 UTC on the 25th is 17:25 on the 24th in Los Angeles: the team
	// opens at 09:00 on its tomorrow, though it is the 25th in UTC too.
	now := time.Date(2026, 11, 25, 1, 25, 0, 0, time.UTC)
	next := time.Date(2026, 11, 25, 9, 0, 0, 0, la)
	require.Equal(t, "from 09:00 PST tomorrow", decide.DescribeOpening(next, now))
	require.Equal(t, "from 09:00 PST today", decide.DescribeOpening(next, time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)))
	require.Equal(t, "from Friday 09:00 PST", decide.DescribeOpening(time.Date(2026, 11, 27, 9, 0, 0, 0, la), now))

	// Said in the customer's language, the time and its zone as written.
	team := decide.Team{WorkingHours: "mon-fri 09:00-17:00 America/Los_Angeles"}
	friday := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC) // Friday 17:00 in Los Angeles: closed until Monday
	msg := decide.Assign(decide.Handoff{Message: decide.TransferText}, team, friday).Message
	require.Contains(t, msg, "Our team is available from Monday 09:00 PST")
	require.Equal(t, "Ich gebe Ihr Anliegen an ein Mitglied unseres Teams weiter, das Ihnen hier antwortet. Unser Team ist ab Montag 09:00 PST erreichbar; dann antwortet Ihnen eine Person.",
		decide.Localize("de", msg), "not \"shortly\" when the team is away")
	require.Contains(t, decide.Localize("es", decide.Assign(decide.Handoff{}, team, now).Message),
		"Nuestro equipo está disponible mañana a partir de las 09:00 PST")
	for _, lang := range []string{"es", "fr", "de", "pt", "it", "nl"} {
		require.NotContains(t, decide.Localize(lang, msg), "available", lang)
	}
}

func TestInactive(t *testing.T) {
	t.Parallel()
	h := decide.Inactive(30*time.Minute, "care")
	require.Equal(t, decide.TriggerInactive, h.Trigger)
	require.Equal(t, "care", h.Team)
	require.Contains(t, h.Reason, "30m0s")
}

func TestResolved(t *testing.T) {
	t.Parallel()
	require.True(t, decide.Resolved(true, 0, ""))
	require.True(t, decide.Resolved(true, 0, decide.FeedbackHelpful))
	require.False(t, decide.Resolved(false, 0, ""), "the agent never answered")
	require.False(t, decide.Resolved(true, 1, ""), "a person was needed")
	require.False(t, decide.Resolved(true, 0, decide.FeedbackNotHelpful), "the customer said it did not help")
}

func TestDetailsReadBackAsWritten(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	h := decide.HandoffDetail{Trigger: "rule:r1", RuleID: "r1", Mode: decide.ModeTransferNow, Team: "billing", AcceptBy: at}
	// The journal stores a detail as JSON; what analytics reads back is what
	// the workflow wrote.
	b, err := json.Marshal(h.Map())
	require.NoError(t, err)
	var stored map[string]any
	require.NoError(t, json.Unmarshal(b, &stored))
	got, err := decide.DetailAs[decide.HandoffDetail](stored)
	require.NoError(t, err)
	require.Equal(t, h, got)

	r := decide.RepAcceptedDetail{RepKeyID: "k1", WaitedMs: 1234}
	b, err = json.Marshal(r.Map())
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &stored))
	back, err := decide.DetailAs[decide.RepAcceptedDetail](stored)
	require.NoError(t, err)
	require.Equal(t, r, back)
}

func TestRepJoinedText(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Ada from Support has joined the conversation.", decide.RepJoinedText("Ada", "Support"))
	require.Equal(t, "Ada has joined the conversation.", decide.RepJoinedText("Ada", ""))
	require.Equal(t, "A member of our team has joined the conversation.", decide.RepJoinedText("", "Support"))
}

func TestAnsweredAgain(t *testing.T) {
	t.Parallel()
	for text, handedOff := range map[string]bool{
		"I did that and it's still not working": true,
		"that didn't help":                      true,
		"How long does that take?":              false,
		"and for wholesale orders":              false,
		"what about express":                    false,
		"¿Y para Canadá?":                       false,
	} {
		h := decide.AnsweredAgain(text, "support")
		require.Equal(t, handedOff, h != nil, text)
		if h != nil {
			require.Equal(t, decide.TriggerAnsweredAgain, h.Trigger)
			require.Equal(t, "support", h.Team)
		}
	}
}
