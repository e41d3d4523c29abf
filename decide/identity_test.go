package decide_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

func TestReturnWindows(t *testing.T) {
	t.Parallel()
	s := decide.SettingsOf(models.AgentSettings{})
	require.Equal(t, 30*24*time.Hour, decide.ReturnWindow(s.ReturnWindows, "premium"), "no settings: 30 days for everyone")
	s = decide.SettingsOf(models.AgentSettings{ReturnWindowDays: models.NewJSON(map[string]int{"default": 60, "wholesale": 14})})
	require.Equal(t, 14*24*time.Hour, decide.ReturnWindow(s.ReturnWindows, "wholesale"))
	require.Equal(t, 60*24*time.Hour, decide.ReturnWindow(s.ReturnWindows, "standard"))
	require.Equal(t, 30*24*time.Hour, decide.ReturnWindow(map[string]int{"vip": 90}, "standard"))
}

// TestClearRefusesAReturnThePolicyRefuses: a return outside the window, or
// of an order not delivered, is refused before any confirmation is asked.
func TestClearRefusesAReturnThePolicyRefuses(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	delivered := func(daysAgo int) *decide.Order {
		at := now.Add(-time.Duration(daysAgo) * 24 * time.Hour)
		return &decide.Order{Number: "R-1", Status: models.OrderDelivered, DeliveredAt: &at, ContactEmail: "ada@example.com"}
	}
	windows := map[string]int{"default": 30, "wholesale": 14}
	req := func(o *decide.Order, tier string) decide.ActionRequest {
		return decide.ActionRequest{Spec: spec(decide.ActionStartReturn, decide.ProtectionVerified), OrderNumber: "R-1",
			VerifiedEmail: "ada@example.com", Contact: &decide.Contact{Email: "ada@example.com", Tier: tier}, Order: o,
			Now: now, ReturnWindows: windows}
	}
	require.True(t, decide.Clear(req(delivered(20), "standard")).Proceed)
	cl := decide.Clear(req(delivered(20), "wholesale"))
	require.False(t, cl.Proceed)
	require.Equal(t, "Order R-1 was delivered on June 10, more than 14 days ago, which is outside our return window.", cl.Reply)
	require.Equal(t, false, cl.Entry.Detail["ok"])
	cl = decide.Clear(req(delivered(40), "standard"))
	require.Contains(t, cl.Reply, "more than 30 days ago")
	shipped := &decide.Order{Number: "R-1", Status: models.OrderShipped, ContactEmail: "ada@example.com"}
	cl = decide.Clear(req(shipped, "standard"))
	require.Equal(t, "Order R-1 has not been delivered yet (it is shipped), so it cannot be returned.", cl.Reply)
}
