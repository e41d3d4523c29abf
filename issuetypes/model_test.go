package issuetypes

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func examplesOf(byType map[string][]string) []example {
	var out []example
	for typ, texts := range byType {
		for _, text := range texts {
			out = append(out, example{Text: text, IssueType: typ})
		}
	}
	return out
}

func TestModelRanksCandidates(t *testing.T) {
	t.Parallel()
	m := train(examplesOf(map[string][]string{
		"refund":   {"I want my money back", "refund my order"},
		"shipping": {"where is my parcel", "when will my order arrive"},
	}))
	both := []string{"refund", "shipping"}

	got := m.rank("When will my parcel arrive?", both)
	require.Len(t, got, 2)
	require.Equal(t, "shipping", got[0].Type)
	require.Equal(t, 1.0, got[0].Coverage, "every word is in shipping's examples")
	require.Greater(t, got[0].Confidence, DefaultThreshold)
	require.InDelta(t, got[0].Probability*got[0].Coverage, got[0].Confidence, 1e-12)
	require.InDelta(t, 1, got[0].Probability+got[1].Probability, 1e-9, "two types: the probabilities add up")

	got = m.rank("Do you sell garden furniture?", both)
	require.Zero(t, got[0].Coverage, "no word of the message is in any example")
	require.Zero(t, got[0].Confidence)

	got = m.rank("refund my order please", []string{"shipping", "nonexistent", "shipping"})
	require.Equal(t, []string{"shipping"}, []string{got[0].Type}, "only the candidates the model knows, once")
	require.Len(t, got, 1)

	require.Empty(t, train(nil).rank("anything", both))
}

func TestModelCoverageWeighsRareWords(t *testing.T) {
	t.Parallel()
	m := train(examplesOf(map[string][]string{
		"balance": {"what is my balance", "my account balance", "balance of my account please"},
		"card":    {"my card is lost", "block my card", "my card was stolen"},
	}))
	// "my" is in every example and weighs little; "stock" is in none and
	// weighs the most.
	c := m.rank("my stock balance", []string{"balance"})[0]
	require.Less(t, c.Coverage, 0.5)
	require.Greater(t, c.Coverage, 0.2)
	require.Greater(t, m.rank("my account balance", []string{"balance"})[0].Coverage, 0.99)
}

func TestModelIsNotDrownedByALargeType(t *testing.T) {
	t.Parallel()
	byType := map[string][]string{
		"refund":   {"I want my money back", "refund my order"},
		"shipping": {"where is my parcel", "when will my order arrive"},
		"cancel":   {"cancel my subscription"},
	}
	for i := range 4000 {
		byType["billing"] = append(byType["billing"], fmt.Sprintf("invoice ref%d, copy please", i))
	}
	m := train(examplesOf(byType))
	all := []string{"billing", "cancel", "refund", "shipping"}
	for text, want := range map[string]string{
		"Could I have my money back please": "refund",
		"Where is my parcel?":               "shipping",
		"I need a copy of invoice ref3141":  "billing",
	} {
		got := m.rank(text, all)[0]
		require.Equal(t, want, got.Type, text)
		require.Greater(t, got.Confidence, 0.25, text)
	}
}

func TestModelIsTheSameWhateverTheOrder(t *testing.T) {
	t.Parallel()
	ex := examplesOf(map[string][]string{
		"refund":   {"I want my money back", "refund my order", "money back please"},
		"shipping": {"where is my parcel", "when will my order arrive", "tracking my parcel"},
		"cancel":   {"cancel my subscription", "stop my plan", "end my subscription"},
	})
	a := train(ex)
	rand.Shuffle(len(ex), func(i, j int) { ex[i], ex[j] = ex[j], ex[i] })
	b := train(ex)
	require.Equal(t, a.types, b.types)
	require.True(t, slices.Equal(a.weights, b.weights))
	require.True(t, slices.Equal(a.bias, b.bias))
	require.True(t, slices.Equal(a.hidden, b.hidden))
	require.True(t, slices.Equal(a.out, b.out))
}

func TestModelToleratesTypos(t *testing.T) {
	t.Parallel()
	m := train(examplesOf(map[string][]string{
		"insurance": {"change my insurance policy", "update my insurance", "switch insurance plans"},
		"card":      {"change my card", "update my card details", "switch to a new card"},
	}))
	got := m.rank("change my insurace", []string{"card", "insurance"})
	require.Equal(t, "insurance", got[0].Type, "character 4-grams: insurace ~ insurance")
}

func TestParseChoice(t *testing.T) {
	t.Parallel()
	options := []Option{{Name: "refund"}, {Name: "shipping_delay"}}
	tests := []struct {
		answer, want, wantErr string
	}{
		{answer: "refund", want: "refund"},
		{answer: "  Shipping_Delay.\n", want: "shipping_delay"},
		{answer: "`refund`", want: "refund"},
		{answer: "\"unknown\"", want: Unknown},
		{answer: "billing", wantErr: `llm answered "billing", which names no candidate issue type`},
		{answer: "I think it is refund", wantErr: "names no candidate"},
		{answer: "", wantErr: "names no candidate"},
	}
	for _, tt := range tests {
		got, err := parseChoice(tt.answer, options)
		if tt.wantErr != "" {
			require.ErrorContains(t, err, tt.wantErr, tt.answer)
			continue
		}
		require.NoError(t, err, tt.answer)
		require.Equal(t, tt.want, got, tt.answer)
	}
}
