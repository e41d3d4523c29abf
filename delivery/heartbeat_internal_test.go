package delivery

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestHeartbeatWaitsOneInterval: a poll that ends within its first
// interval sends no heartbeat; a longer one beats once an interval.
func TestHeartbeatWaitsOneInterval(t *testing.T) {
	t.Parallel()
	const every = 200 * time.Millisecond
	run := func(lasting time.Duration) int64 {
		var beats atomic.Int64
		ctx, cancel := context.WithTimeout(context.Background(), lasting)
		defer cancel()
		heartbeat(ctx, every, func() { beats.Add(1) })
		return beats.Load()
	}
	require.Zero(t, run(every/10), "a short poll sends no heartbeat")
	require.GreaterOrEqual(t, run(5*every/2), int64(1), "a long poll heartbeats")
	require.LessOrEqual(t, run(5*every/2), int64(2), "once an interval")
}
