package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDescribeOpeningCountsDaysInTheTeamsTimeZone(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	// 01:25 UTC on the 25th is 17:25 on the 24th in Los Angeles: the team
	// opens at 09:00 on its tomorrow, though it is the 25th in UTC too.
	now := time.Date(2026, 11, 25, 1, 25, 0, 0, time.UTC)
	next := time.Date(2026, 11, 25, 9, 0, 0, 0, la)
	require.Equal(t, "from 09:00 PST tomorrow", describeOpening(next, now))
	require.Equal(t, "from 09:00 PST today", describeOpening(next, time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)))
	require.Equal(t, "from Friday 09:00 PST", describeOpening(time.Date(2026, 11, 27, 9, 0, 0, 0, la), now))
}
