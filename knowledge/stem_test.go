package knowledge

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStem(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"flights": "flight", "booked": "book", "booking": "book", "replies": "reply", "boxes": "box",
		"classes": "class", "class": "class", "charges": "charge", "bus": "bus", "was": "was",
		"cancelled": "cancell", "status": "statu", "news": "new",
	} {
		require.Equal(t, want, Stem(in), in)
	}
	require.Equal(t, []string{"where", "my", "parcel"}, StemmedWords("Where is my PARCELS?"))
}

// A word's stem and its variants hold the stem of every other form of the
// word, whichever form a question uses.
func TestVariants(t *testing.T) {
	t.Parallel()
	for _, forms := range [][]string{
		{"assemble", "assembles", "assembled", "assembling"},
		{"ship", "ships", "shipped", "shipping"},
		{"damage", "damages", "damaged", "damaging"},
		{"cancel", "cancels", "cancelled", "cancelling"},
		{"arrive", "arrives", "arrived", "arriving"},
		{"price", "prices", "priced"},
		{"return", "returns", "returned", "returning"},
	} {
		for _, w := range forms {
			searched := append([]string{Stem(w)}, Variants(w)...)
			for _, other := range forms {
				require.Contains(t, searched, Stem(other), "%s: %s", w, other)
			}
		}
	}
	require.Empty(t, Variants("order"), "no form of it is cut otherwise")
	require.Empty(t, Variants("café"), "letters Stem does not read")
}
