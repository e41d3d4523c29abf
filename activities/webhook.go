package activities

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/switchboardhq/switchboard/fetch"
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
// A redirect (never followed), a 4xx answer other than 429 and an address
// the guard refuses are permanent; anything else is retried by Temporal.
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
	resp, err := a.webhookClient().Do(req)
	if err != nil {
		var private *fetch.PrivateAddressError
		if errors.As(err, &private) {
			// The address will not change by itself: the admin must.
			return NotifyTeamResult{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("team %q webhook: %v", in.Team, private), "WebhookFailed", err)
		}
		return NotifyTeamResult{}, fmt.Errorf("call webhook: %w", err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return NotifyTeamResult{Sent: true}, nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return NotifyTeamResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("webhook answered %d: redirects are not followed, the team's webhook URL must be the final one", resp.StatusCode), "WebhookFailed", nil)
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		return NotifyTeamResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("webhook answered %d", resp.StatusCode), "WebhookFailed", nil)
	default:
		return NotifyTeamResult{}, fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
}

// webhookTimeout bounds one webhook call, connecting and answering included.
const webhookTimeout = 10 * time.Second

// webhookTransport is shared by every webhook call, so connections are
// reused.
var webhookTransport = fetch.NewTransport(false)

// webhookClient returns the client team webhooks are posted with. A team's
// webhook URL is an admin's choice, so by default it connects only through
// the fetcher's guard (fetch.NewTransport): never to a loopback, private,
// link-local or reserved address such as 169.254.169.254. a.HTTPClient, when
// set (tests), is used instead. Either way no redirect is followed: a
// redirect could lead anywhere, and the signed body is for the URL the admin
// gave.
func (a *Activities) webhookClient() *http.Client {
	client := http.Client{Transport: webhookTransport, Timeout: webhookTimeout}
	if a.HTTPClient != nil {
		client = *a.HTTPClient
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &client
}
