package knowledge

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClassifyVotes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		text     string
		hits     []ExampleHit
		want     string
		share    float64
		coverage float64
	}{
		{
			name: "no hits", text: "anything",
		},
		{
			name: "one type", text: "refund my order",
			hits: []ExampleHit{{"refund", "refund my order please", 4}, {"refund", "I want a refund", 2}},
			want: "refund", share: 1, coverage: 1,
		},
		{
			name: "close examples outvote many far ones", text: "cancel my order",
			hits: []ExampleHit{
				{"cancel", "cancel my order", 6}, {"cancel", "please cancel the order", 5.5},
				{"status", "order status", 3}, {"status", "my order", 3}, {"status", "status of my order", 3},
			},
			want: "cancel", share: (1 + math.Pow(5.5/6, 4)) / (1 + math.Pow(5.5/6, 4) + 3*math.Pow(0.5, 4)), coverage: 1,
		},
		{
			name: "coverage counts words the winning examples lack", text: "refund the blue sofa",
			hits: []ExampleHit{{"refund", "refund please", 2}},
			want: "refund", share: 1, coverage: 1.0 / 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Classify(tt.text, tt.hits)
			require.Equal(t, tt.want, c.IssueType)
			require.InDelta(t, tt.share, c.Share, 0.001)
			require.InDelta(t, tt.coverage, c.Coverage, 0.001)
			require.InDelta(t, tt.share*tt.coverage, c.Confidence, 0.001)
			require.GreaterOrEqual(t, c.Confidence, 0.0)
			require.LessOrEqual(t, c.Confidence, 1.0)
		})
	}
}

func TestClassifyBreaksTiesByName(t *testing.T) {
	t.Parallel()
	hits := []ExampleHit{{"b", "x", 1}, {"a", "x", 1}}
	for i := 0; i < 20; i++ {
		require.Equal(t, "a", Classify("x", hits).IssueType)
	}
}

func TestStem(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"flights": "flight", "booked": "book", "booking": "book", "replies": "reply", "boxes": "box",
		"classes": "class", "class": "class", "charges": "charge", "bus": "bus", "was": "was",
		"cancelled": "cancell", "status": "statu", "news": "new",
	} {
		require.Equal(t, want, stem(in), in)
	}
	require.Equal(t, []string{"where", "my", "parcel"}, stemmedWords("Where is my PARCELS?"))
}
