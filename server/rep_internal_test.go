package server

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPreviewKeepsTheStartOfALongMessage: a queue item quotes a message's
// first characters (not bytes), and says when it goes on.
func TestPreviewKeepsTheStartOfALongMessage(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Où est", preview("Où est", 6))
	require.Equal(t, "Où e…", preview("Où est", 4))
	require.Equal(t, "", preview("", 4))
}
