package delivery

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// WhatsAppSignatureHeader carries the Cloud API webhook's signature:
// "sha256=<hex HMAC-SHA256 of the raw body with the Meta app's secret>".
const WhatsAppSignatureHeader = "X-Hub-Signature-256"

// VerifyWhatsAppSignature reports whether header is body's signature with
// appSecret.
func VerifyWhatsAppSignature(appSecret, header string, body []byte) bool {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok || appSecret == "" {
		return false
	}
	sig, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}

// WhatsAppWebhook is a Cloud API webhook notification
// (object "whatsapp_business_account").
type WhatsAppWebhook struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string        `json:"field"`
			Value WhatsAppValue `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

// WhatsAppValue is one change: messages received, or statuses of messages
// sent, on one business phone number.
type WhatsAppValue struct {
	MessagingProduct string `json:"messaging_product"`
	Metadata         struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	} `json:"contacts"`
	Messages []WhatsAppInbound `json:"messages"`
	Statuses []WhatsAppStatus  `json:"statuses"`
}

// WhatsAppInbound is a message a customer sent.
type WhatsAppInbound struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	// Type is "text" for the messages the agent reads; "image", "audio",
	// "location", … are not read.
	Type string `json:"type"`
	Text *struct {
		Body string `json:"body"`
	} `json:"text"`
}

// WhatsAppStatus reports on a message sent: "sent", "delivered", "read" or
// "failed" (with Errors).
type WhatsAppStatus struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Timestamp   string `json:"timestamp"`
	RecipientID string `json:"recipient_id"`
	Errors      []struct {
		Code    int    `json:"code"`
		Title   string `json:"title"`
		Message string `json:"message"`
	} `json:"errors"`
}

// ErrorText is a failed status's reason.
func (s WhatsAppStatus) ErrorText() string {
	var parts []string
	for _, e := range s.Errors {
		text := e.Title
		if e.Message != "" && e.Message != e.Title {
			text += ": " + e.Message
		}
		parts = append(parts, fmt.Sprintf("%s (code %d)", text, e.Code))
	}
	if len(parts) == 0 {
		return "the WhatsApp Cloud API reported the message failed"
	}
	return "whatsapp: " + strings.Join(parts, "; ")
}

// ParseWhatsAppWebhook decodes a webhook body; Field of the error names
// what is wrong.
func ParseWhatsAppWebhook(body []byte) (WhatsAppWebhook, error) {
	var w WhatsAppWebhook
	if err := json.Unmarshal(body, &w); err != nil {
		return w, &InvalidError{"body", "is not a WhatsApp webhook notification: " + err.Error()}
	}
	if w.Object != "whatsapp_business_account" {
		return w, &InvalidError{"object", fmt.Sprintf("%q is not \"whatsapp_business_account\"", w.Object)}
	}
	return w, nil
}
