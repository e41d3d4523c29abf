package understand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRegion(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"europe", "european", "eu"}, Region("germany"))
	require.Equal(t, []string{"europe", "european", "eu"}, Region("holland"))
	require.Equal(t, []string{"europe", "european", "eu"}, Region("italia"))
	require.Equal(t, []string{"europe", "european", "eu"}, Region("espana"), "folded")
	require.Nil(t, Region("europe"), "a region is not one of its countries")
	require.Nil(t, Region("japan"))
	require.Nil(t, Region("Germany"), "words come lower-case")
}

func TestNeighbours(t *testing.T) {
	t.Parallel()
	for _, w := range []string{"italy", "italia", "norway", "switzerland", "britain"} {
		require.Contains(t, Neighbours(w), "germany", w)
		require.Contains(t, Neighbours(w), "kingdom", w)
	}
	require.Nil(t, Neighbours("europe"), "a region is not one of its countries")
	require.Nil(t, Neighbours("japan"))
}
