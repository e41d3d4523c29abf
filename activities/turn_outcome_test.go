package activities_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
)

func TestTurnOutcome(t *testing.T) {
	t.Parallel()
	rec := func(kinds ...decide.Kind) []activities.DecisionRecord {
		var out []activities.DecisionRecord
		for _, k := range kinds {
			out = append(out, activities.DecisionRecord{Kind: string(k)})
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		decisions []activities.DecisionRecord
		want      string
	}{
		{"an answer", rec(decide.KindEnrich, decide.KindHandoffRules, decide.KindAnswer, decide.KindReply), "answer"},
		{"a hand-off outranks the answer before it", rec(decide.KindAnswer, decide.KindHandoff, decide.KindReply), "handoff"},
		{"a hand-off without a reply is a turn", rec(decide.KindHandoffRules, decide.KindHandoff), "handoff"},
		{"a clarifying question", rec(decide.KindClarify, decide.KindReply), "clarify"},
		{"I don't know", rec(decide.KindUnknown, decide.KindReply), "unknown"},
		{"small talk", rec(decide.KindSmallTalk, decide.KindReply), "small_talk"},
		{"an action", rec(decide.KindAction, decide.KindReply), "action"},
		{"a failed step", rec(decide.KindDependencyFailure, decide.KindReply), "dependency_failure"},
		{"a reply of no known kind", rec(decide.KindVerification, decide.KindReply), "other"},
		{"a rep accepting is no turn", rec(decide.KindRepAccepted), ""},
		{"the end is no turn", rec(decide.KindEnd), ""},
	} {
		require.Equal(t, tc.want, activities.TurnOutcome(tc.decisions), tc.name)
	}
}
