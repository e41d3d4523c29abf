package rehearse_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rehearse"
)

func TestJudge(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	got := models.ObservedTurn{Reply: "Standard shipping takes 3 days.", Outcome: rehearse.OutcomeAnswered,
		Cites: []string{"Shipping times"}, Action: "order_status", ActionInputs: map[string]string{"order_number": "A-1"}}
	require.Empty(t, rehearse.Judge(models.Expectation{HandedOff: &no, Cites: "shipping TIMES", Contains: []string{"3 days"},
		NotContains: []string{"refund"}, Action: "order_status", ActionInputs: map[string]string{"order_number": "a-1"}}, got))
	failures := rehearse.Judge(models.Expectation{HandedOff: &yes, Team: "billing", Rule: "Refunds", Cites: "Returns",
		Contains: []string{"5 days"}, NotContains: []string{"shipping"}, Action: "start_return"}, got)
	require.Equal(t, []string{
		"expected handed_off true, got false", `expected team "billing", got ""`, `expected rule "Refunds" to fire, got ""`,
		`expected action "start_return", got "order_status"`, `expected the reply to cite "Returns", it cites [Shipping times]`,
		`expected the reply to contain "5 days"`, `expected the reply not to contain "shipping"`,
	}, failures)
}

func TestDiffer(t *testing.T) {
	t.Parallel()
	then := models.ObservedTurn{Outcome: rehearse.OutcomeAnswered, Cites: []string{"Shipping"}}
	now := models.ObservedTurn{Outcome: rehearse.OutcomeHandedOff, Rule: "Zebras", Team: "support", HandedOff: true}
	require.Equal(t, []string{`outcome: "answered" then, "handed_off" now`, `rule: "" then, "Zebras" now`,
		`team: "" then, "support" now`, `cites: "Shipping" then, "" now`}, rehearse.Differ(then, now))
	require.Empty(t, rehearse.Differ(then, then))
}

func TestJudgeConversation(t *testing.T) {
	t.Parallel()
	no := false
	turns := []models.ObservedTurn{
		{Reply: "Standard shipping takes 3–5 business days.", Outcome: rehearse.OutcomeAnswered, Cites: []string{"Shipping times and costs"}},
		{Reply: "A person will help.", Outcome: rehearse.OutcomeHandedOff, HandedOff: true, Team: "support", Rule: "Shipping goes to a person"},
	}
	require.Empty(t, rehearse.JudgeConversation(models.Expectation{Team: "support", Rule: "Shipping goes to a person",
		Cites: "shipping times and costs", Contains: []string{"business days", "a person"}}, turns))
	require.Equal(t, []string{"expected handed_off false, got true", `expected the reply not to contain "person"`},
		rehearse.JudgeConversation(models.Expectation{HandedOff: &no, NotContains: []string{"person"}}, turns))
}
