package rules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNextOpen(t *testing.T) {
	t.Parallel()
	const sched = "mon-fri 09:00-17:00 Europe/Berlin"
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	cases := []struct {
		now      time.Time
		open     bool
		expected time.Time
	}{
		// Tuesday 10:00 Berlin: open.
		{time.Date(2026, 11, 24, 10, 0, 0, 0, berlin), true, time.Date(2026, 11, 24, 10, 0, 0, 0, berlin)},
		// Tuesday 18:30: opens Wednesday 09:00.
		{time.Date(2026, 11, 24, 18, 30, 0, 0, berlin), false, time.Date(2026, 11, 25, 9, 0, 0, 0, berlin)},
		// Saturday noon: opens Monday 09:00.
		{time.Date(2026, 11, 28, 12, 0, 0, 0, berlin), false, time.Date(2026, 11, 30, 9, 0, 0, 0, berlin)},
	}
	for _, tc := range cases {
		open, next, err := NextOpen(sched, tc.now)
		require.NoError(t, err)
		require.Equal(t, tc.open, open, tc.now)
		require.True(t, tc.expected.Equal(next), "%s: got %s", tc.now, next)
	}
	require.Error(t, ValidateSchedule("someday 9-5"))
}
