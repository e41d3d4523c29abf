package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// WhatsAppWindow is the customer-service window: a business may answer
// freely for 24 hours after the customer's last message; after that only an
// approved template may start the conversation again.
const WhatsAppWindow = 24 * time.Hour

// WhatsAppClient calls the WhatsApp Business Cloud API's send-message
// endpoint: POST {BaseURL}/{phone number ID}/messages.
type WhatsAppClient struct {
	// BaseURL is the Graph API's versioned base URL
	// (config.DefaultWhatsAppAPIURL).
	BaseURL string
	// HTTP makes the calls (a client with a 30-second timeout when nil).
	HTTP *http.Client
}

// WhatsAppMessage is one message to send.
type WhatsAppMessage struct {
	PhoneNumberID string
	Token         string
	// To is the customer's number, digits only.
	To   string
	Text string
	// Template, when set, sends the approved template of that name and
	// language instead of free text, with Text as its body's parameter {{1}}.
	Template         string
	TemplateLanguage string
}

// whatsAppError is the Graph API's error body.
type whatsAppError struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    int    `json:"code"`
	} `json:"error"`
}

// Send sends m and returns the message's ID (wamid.…). A 4xx answer other
// than 429 is a PermanentError.
func (c *WhatsAppClient) Send(ctx context.Context, m WhatsAppMessage) (string, error) {
	body := map[string]any{
		"messaging_product": "whatsapp",
		"recipient_type":    "individual",
		"to":                m.To,
	}
	if m.Template != "" {
		lang := m.TemplateLanguage
		if lang == "" {
			lang = "en_US"
		}
		body["type"] = "template"
		body["template"] = map[string]any{
			"name":     m.Template,
			"language": map[string]string{"code": lang},
			"components": []any{map[string]any{
				"type":       "body",
				"parameters": []any{map[string]string{"type": "text", "text": m.Text}},
			}},
		}
	} else {
		body["type"] = "text"
		body["text"] = map[string]any{"preview_url": false, "body": m.Text}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	url := strings.TrimSuffix(c.BaseURL, "/") + "/" + m.PhoneNumberID + "/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return "", &PermanentError{fmt.Errorf("whatsapp: %w", err)}
	}
	req.Header.Set("Authorization", "Bearer "+m.Token)
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("whatsapp send: %w", err)
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		var e whatsAppError
		_ = json.Unmarshal(respBody, &e)
		err := fmt.Errorf("whatsapp send: %s: %s (code %d)", resp.Status, e.Error.Message, e.Error.Code)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			return "", err
		}
		return "", &PermanentError{err}
	}
	var ok struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(respBody, &ok); err != nil || len(ok.Messages) == 0 || ok.Messages[0].ID == "" {
		return "", fmt.Errorf("whatsapp send: answer without a message id: %.200s", respBody)
	}
	return ok.Messages[0].ID, nil
}

// digits keeps the digits of a phone number ("+1 555-0100" → "15550100"),
// the form the Cloud API takes.
func digits(phone string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
}
