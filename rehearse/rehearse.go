package rehearse

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

// Outcomes of a turn.
const (
	OutcomeAnswered  = "answered"
	OutcomeHandedOff = "handed_off"
	OutcomeAction    = "action"
	OutcomeDontKnow  = "dont_know"
	OutcomeOther     = "other"
)

// Turn is one customer message of a conversation and what it did.
type Turn struct {
	MessageID string
	Message   string
	Observed  models.ObservedTurn
}

// Observe reads a conversation's turns, in order, from its transcript and
// decisions (conversationRowID is models.ConversationRowID of its workflow).
func Observe(ctx context.Context, db *gorm.DB, conversationRowID string) ([]Turn, error) {
	var msgs []models.Message
	if err := db.WithContext(ctx).Where("conversation_id = ?", conversationRowID).Order("created_at, id").Find(&msgs).Error; err != nil {
		return nil, fmt.Errorf("read transcript: %w", err)
	}
	var decisions []models.Decision
	if err := db.WithContext(ctx).Where("conversation_id = ?", conversationRowID).Order("created_at, id").Find(&decisions).Error; err != nil {
		return nil, fmt.Errorf("read decisions: %w", err)
	}
	var turns []Turn
	index := map[string]int{}
	for _, m := range msgs {
		switch m.Role {
		case "customer":
			index[m.ClientID] = len(turns)
			turns = append(turns, Turn{MessageID: m.ClientID, Message: m.Text})
		case "agent":
			if i, ok := index[m.ClientID]; ok {
				o := &turns[i].Observed
				o.Reply = m.Text
				for _, c := range m.Citations.V {
					o.Cites = append(o.Cites, c.Title)
				}
			}
		}
	}
	for _, d := range decisions {
		i, ok := index[d.MessageID]
		if !ok {
			continue
		}
		apply(&turns[i].Observed, d)
	}
	for i := range turns {
		turns[i].Observed.Outcome = outcome(turns[i].Observed)
	}
	return turns, nil
}

// apply adds one decision to what the turn did.
func apply(o *models.ObservedTurn, d models.Decision) {
	detail := d.Detail.V
	switch decide.Kind(d.Kind) {
	case decide.KindHandoff:
		o.HandedOff = true
		o.Team, _ = detail["team"].(string)
		if trigger, _ := detail["trigger"].(string); strings.HasPrefix(trigger, decide.TriggerRule) {
			if _, name, ok := strings.Cut(d.Summary, "rule: "); ok {
				o.Rule = name
			}
		}
	case decide.KindAction:
		if ok, _ := detail["ok"].(bool); !ok {
			return
		}
		o.Action, _ = detail["action"].(string)
		o.ActionInputs = map[string]string{}
		if in, ok := detail["inputs"].(map[string]any); ok {
			for k, v := range in {
				o.ActionInputs[k] = fmt.Sprint(v)
			}
		}
		if order, _ := detail["order"].(string); order != "" {
			o.ActionInputs[decide.InputOrderNumber] = order
		}
	case decide.KindIssueType:
		o.IssueType, _ = detail["issue_type"].(string)
	}
}

func outcome(o models.ObservedTurn) string {
	switch {
	case o.HandedOff:
		return OutcomeHandedOff
	case o.Action != "":
		return OutcomeAction
	case len(o.Cites) > 0:
		return OutcomeAnswered
	case strings.Contains(o.Reply, "don't want to guess") || strings.Contains(strings.ToLower(o.Reply), "i don't know"):
		return OutcomeDontKnow
	}
	return OutcomeOther
}

// Judge lists the expectations a turn failed, each in words; none means it
// passed.
func Judge(e models.Expectation, o models.ObservedTurn) []string {
	var out []string
	fail := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if e.HandedOff != nil && *e.HandedOff != o.HandedOff {
		fail("expected handed_off %v, got %v", *e.HandedOff, o.HandedOff)
	}
	if e.Team != "" && e.Team != o.Team {
		fail("expected team %q, got %q", e.Team, o.Team)
	}
	if e.Rule != "" && e.Rule != o.Rule {
		fail("expected rule %q to fire, got %q", e.Rule, o.Rule)
	}
	if e.Action != "" {
		if e.Action != o.Action {
			fail("expected action %q, got %q", e.Action, o.Action)
		}
		for k, v := range e.ActionInputs {
			if got := o.ActionInputs[k]; !strings.EqualFold(got, v) {
				fail("expected action input %s %q, got %q", k, v, got)
			}
		}
	}
	if e.Cites != "" && !slices.ContainsFunc(o.Cites, func(c string) bool { return strings.EqualFold(c, e.Cites) }) {
		fail("expected the reply to cite %q, it cites %v", e.Cites, o.Cites)
	}
	reply := strings.ToLower(o.Reply)
	for _, s := range e.Contains {
		if !strings.Contains(reply, strings.ToLower(s)) {
			fail("expected the reply to contain %q", s)
		}
	}
	for _, s := range e.NotContains {
		if strings.Contains(reply, strings.ToLower(s)) {
			fail("expected the reply not to contain %q", s)
		}
	}
	return out
}

// Differ lists how a turn now differs from then: its outcome, the rule
// that fired, the team, the action, the sources cited, the issue type.
func Differ(then, now models.ObservedTurn) []string {
	var out []string
	diff := func(what, a, b string) {
		if a != b {
			out = append(out, fmt.Sprintf("%s: %q then, %q now", what, a, b))
		}
	}
	diff("outcome", then.Outcome, now.Outcome)
	diff("rule", then.Rule, now.Rule)
	diff("team", then.Team, now.Team)
	diff("action", then.Action, now.Action)
	diff("cites", strings.Join(then.Cites, ", "), strings.Join(now.Cites, ", "))
	diff("issue_type", then.IssueType, now.IssueType)
	return out
}

// JudgeConversation lists the expectations a whole conversation failed (a
// simulated scenario's, whose turns are not known beforehand): a hand-off,
// with its team and rule, in any turn; the action expected among the
// actions run; a source cited by any reply; the texts in any reply, and
// not in any.
func JudgeConversation(e models.Expectation, turns []models.ObservedTurn) []string {
	var all models.ObservedTurn
	replies := make([]string, 0, len(turns))
	for _, o := range turns {
		replies = append(replies, o.Reply)
		all.Cites = append(all.Cites, o.Cites...)
		if o.HandedOff && !all.HandedOff {
			all.HandedOff, all.Team, all.Rule = true, o.Team, o.Rule
		}
		if o.Action != "" && (all.Action == "" || (o.Action == e.Action && all.Action != e.Action)) {
			all.Action, all.ActionInputs = o.Action, o.ActionInputs
		}
	}
	all.Reply = strings.Join(replies, "\n")
	return Judge(e, all)
}
