package rules

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCompileScore(t *testing.T) {
	t.Parallel()
	p, err := CompileScore(`(contact.properties.employees >= 50 ? 40 : 10) + (contact.properties.budget >= 10000 ? 40 : 0) + (contact.properties.timeline in ["this month", "this quarter"] ? 20 : 0)`)
	require.NoError(t, err)
	cases := []struct {
		props map[string]any
		want  float64
	}{
		{map[string]any{"employees": 200.0, "budget": 20000.0, "timeline": "this month"}, 100},
		{map[string]any{"employees": 3.0, "budget": 500.0, "timeline": "later"}, 10},
	}
	for _, tc := range cases {
		score, err := p.Score(Env{Contact: Contact{Properties: tc.props}})
		require.NoError(t, err)
		require.Equal(t, tc.want, score)
	}
	// A missing property is an evaluation error, not a panic.
	_, err = p.Score(Env{Contact: Contact{Properties: map[string]any{}}})
	require.Error(t, err)

	_, err = CompileScore(`contact.tier == "x"`)
	var ce *CompileError
	require.True(t, errors.As(err, &ce))
	require.Equal(t, ErrorKindNotNumber, ce.Kind)
	_, err = p.Eval(Env{})
	require.Error(t, err, "a score is not a condition")
	cond, err := Compile(`contact.tier == "x"`)
	require.NoError(t, err)
	_, err = cond.Score(Env{})
	require.Error(t, err, "a condition is not a score")
}
