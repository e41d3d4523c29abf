package issuetypes

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNearestExamples(t *testing.T) {
	var examples []example
	for typ, texts := range map[string][]string{
		"refund":   {"I want my money back", "how do I get a refund", "refund my order please"},
		"shipping": {"where is my parcel", "when will my order arrive", "tracking number for my shipment"},
	} {
		for _, text := range texts {
			examples = append(examples, example{Text: text, IssueType: typ})
		}
	}
	x := newExampleIndex(examples)

	hits := x.nearest("Can I get a refund for my order?", 10)
	require.Equal(t, "refund", hits[0].IssueType)
	require.Greater(t, hits[0].Score, 0.0)
	for i := 1; i < len(hits); i++ {
		require.GreaterOrEqual(t, hits[i-1].Score, hits[i].Score, "best first")
	}
	require.Len(t, x.nearest("Can I get a refund for my order?", 1), 1, "at most limit")

	hits = x.nearest("my parcels are not arriving", 10)
	require.Equal(t, "shipping", hits[0].IssueType, "stemming: parcels/parcel, arriving/arrive")

	require.Empty(t, x.nearest("what is the capital of peru", 10), "no shared word")
	require.Empty(t, newExampleIndex(nil).nearest("refund", 10), "no examples")

	// A rare word weighs more than a common one: "order" is in two
	// examples, "tracking" in one.
	hits = x.nearest("order tracking", 10)
	require.Equal(t, "tracking number for my shipment", hits[0].Text)

	// The same examples in another order score alike, ties in order.
	reversed := make([]example, len(examples))
	for i, e := range examples {
		reversed[len(examples)-1-i] = e
	}
	a, b := x.nearest("my order", 10), newExampleIndex(reversed).nearest("my order", 10)
	require.Len(t, b, len(a))
	for i := range a {
		require.InDelta(t, a[i].Score, b[i].Score, 1e-12)
	}
}
