package activities

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/switchboardhq/switchboard/models"
)

// NotifyTeamInput is an event for a team's webhook.
type NotifyTeamInput struct {
	WorkspaceID string
	Team        string
	// EventID is stable across retries, so the receiver can drop duplicates.
	EventID string
	Event   map[string]any
	At      time.Time
}

// NotifyTeamResult says whether a webhook was called.
type NotifyTeamResult struct {
	Sent bool
}

// SignatureHeader carries a webhook's signature: "t=<unix seconds>,v1=<hex
// HMAC-SHA256 of "<t>.<body>" with the team's secret>".
const SignatureHeader = "X-Switchboard-Signature"

// Sign returns the signature header value of body at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// NotifyTeam posts a signed event to the team's webhook, when it has one.
// A 4xx answer is permanent; anything else is retried by Temporal.
func (a *Activities) NotifyTeam(ctx context.Context, in NotifyTeamInput) (NotifyTeamResult, error) {
	var team models.Team
	err := a.DB.WithContext(ctx).Where("workspace_id = ? AND key = ?", in.WorkspaceID, in.Team).Limit(1).Find(&team).Error
	if err != nil {
		return NotifyTeamResult{}, fmt.Errorf("load team: %w", err)
	}
	if team.WebhookURL == "" {
		return NotifyTeamResult{}, nil
	}
	body, err := json.Marshal(map[string]any{"id": in.EventID, "team": in.Team, "event": in.Event})
	if err != nil {
		return NotifyTeamResult{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, team.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return NotifyTeamResult{}, temporal.NewNonRetryableApplicationError("bad webhook URL", "WebhookFailed", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(team.WebhookSecret, time.Now(), body))
	client := a.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return NotifyTeamResult{}, fmt.Errorf("call webhook: %w", err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return NotifyTeamResult{Sent: true}, nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		return NotifyTeamResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("webhook answered %d", resp.StatusCode), "WebhookFailed", nil)
	default:
		return NotifyTeamResult{}, fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
}
