package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLimits(t *testing.T) {
	t.Parallel()
	c, err := fromLookup(lookupFrom(nil))
	require.NoError(t, err)
	require.Equal(t, DefaultLimits(), c.Limits)
	require.Empty(t, c.Limits.TrustedProxies, "no proxy is trusted by default")

	c, err = fromLookup(lookupFrom(map[string]string{
		"SWITCHBOARD_LIMIT_KEY_MESSAGES":          "1000",
		"SWITCHBOARD_LIMIT_KEY_CONVERSATIONS":     "200",
		"SWITCHBOARD_LIMIT_ADDRESS_MESSAGES":      "30",
		"SWITCHBOARD_LIMIT_ADDRESS_CONVERSATIONS": "5",
		"SWITCHBOARD_LIMIT_CONVERSATION_MESSAGES": "12",
		"SWITCHBOARD_LIMIT_EVENT_STREAMS":         "3",
		"SWITCHBOARD_TRUSTED_PROXIES":             "10.0.0.0/8, 192.168.1.5,,fd00::/8",
	}))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	require.Equal(t, Limits{
		KeyMessages: 1000, KeyConversations: 200, AddressMessages: 30, AddressConversations: 5,
		ConversationMessages: 12, EventStreams: 3, TrustedProxies: []string{"10.0.0.0/8", "192.168.1.5", "fd00::/8"},
	}, c.Limits)

	_, err = fromLookup(lookupFrom(map[string]string{"SWITCHBOARD_LIMIT_EVENT_STREAMS": "many"}))
	require.ErrorContains(t, err, "SWITCHBOARD_LIMIT_EVENT_STREAMS")

	for env, value := range map[string]string{
		"SWITCHBOARD_LIMIT_KEY_MESSAGES":          "0",
		"SWITCHBOARD_LIMIT_ADDRESS_CONVERSATIONS": "-1",
		"SWITCHBOARD_LIMIT_CONVERSATION_MESSAGES": "1000001",
		"SWITCHBOARD_TRUSTED_PROXIES":             "10.0.0.0/8,the load balancer",
	} {
		c, err := fromLookup(lookupFrom(map[string]string{env: value}))
		require.NoError(t, err)
		err = c.Validate()
		require.Error(t, err, env)
		require.True(t, strings.HasPrefix(err.Error(), env+":"), err.Error())
	}
}
