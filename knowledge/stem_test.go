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
