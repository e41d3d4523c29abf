package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/apperr"
)

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"message_id":"m1","from":"ada@example.com","text":"Hi"}`)
	good := activities.Sign("whsec_1", now.Add(-time.Minute), body)
	other := activities.Sign("whsec_2", now, body)
	cases := []struct {
		name, header, message string
	}{
		{"valid", good, ""},
		{"one of several v1 matches", good + ",v1=00ff", ""},
		{"missing", "", "missing"},
		{"no timestamp", "v1=00ff", "expected"},
		{"no v1", "t=1764072000", "expected"},
		{"wrong secret", other, "does not match"},
		{"stale", activities.Sign("whsec_1", now.Add(-5*time.Minute-time.Second), body), "more than 5m0s"},
		{"from the future", activities.Sign("whsec_1", now.Add(5*time.Minute+time.Second), body), "more than 5m0s"},
		{"just within", activities.Sign("whsec_1", now.Add(-5*time.Minute), body), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := verifySignature("whsec_1", tc.header, body, now)
			if tc.message == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Equal(t, apperr.EUNAUTHORIZED, apperr.Code(err))
			require.Contains(t, apperr.Message(err), tc.message)
		})
	}
	require.Error(t, verifySignature("whsec_1", good, append(body, ' '), now), "the body is signed byte for byte")
}
