package delivery_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/delivery"
)

func readEmail(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return raw
}

// TestParseGmailReply: a multipart/alternative reply keeps its new text
// only, without the quoted history and the signature, and names its thread.
func TestParseGmailReply(t *testing.T) {
	t.Parallel()
	in, err := delivery.ParseEmail(readEmail(t, "gmail_reply.eml"))
	require.NoError(t, err)
	require.Empty(t, in.AutoReply)
	require.Equal(t, "<CAK2reply@mail.example.com>", in.MessageID)
	require.Equal(t, "ada@example.com", in.From.Address)
	require.Equal(t, "Ada Lovelace", in.From.Name)
	require.Equal(t, "Re: Shipping", in.Subject)
	require.Equal(t, "Thanks! And does express shipping go to Hawaii too? I’d pay extra.", in.Text)
	require.Equal(t, []string{"sb-0123@sprocketsupply.example", "sb-0123@sprocketsupply.example", "CAK1first@mail.example.com"}, in.Thread)
	require.Equal(t, []string{"support@sprocketsupply.example", "bob@example.com"}, in.Addresses)
}

// TestParseHTMLOnlyLatin1: an HTML-only email in ISO-8859-1 with an
// attachment is read as text; the subject's encoded word is decoded.
func TestParseHTMLOnlyLatin1(t *testing.T) {
	t.Parallel()
	in, err := delivery.ParseEmail(readEmail(t, "outlook_html_only.eml"))
	require.NoError(t, err)
	require.Equal(t, "Commande annulée?", in.Subject)
	require.Equal(t, "Bonjour,\nMa commande SP-1004 est-elle annulée ?\nMerci", in.Text)
	require.Empty(t, in.Thread)
}

// TestParseAutomaticEmails: out-of-office replies, bounces (DSNs) and bulk
// mail are recognised, so the agent answers none of them.
func TestParseAutomaticEmails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, raw, reason string
	}{
		{name: "out of office", file: "out_of_office.eml", reason: "Auto-Submitted: auto-replied"},
		{name: "bounce", file: "bounce.eml", reason: "a delivery or read report (multipart/report)"},
		{name: "bulk", raw: "From: news@shop.example\r\nTo: support@sprocketsupply.example\r\nSubject: Sale\r\nPrecedence: bulk\r\n\r\n50% off\r\n", reason: "Precedence: bulk"},
		{name: "autoresponder", raw: "From: ada@example.com\r\nSubject: Away\r\nX-Autoreply: yes\r\n\r\nAway\r\n", reason: "X-Autoreply"},
		{name: "postmaster", raw: "From: postmaster@example.com\r\nSubject: Delivery failure\r\n\r\nfailed\r\n", reason: "sent by postmaster"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := []byte(tc.raw)
			if tc.file != "" {
				raw = readEmail(t, tc.file)
			}
			in, err := delivery.ParseEmail(raw)
			require.NoError(t, err)
			require.Equal(t, tc.reason, in.AutoReply)
		})
	}
}

func TestParseEmailErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, raw, field string }{
		{"no from", "To: support@sprocketsupply.example\r\nSubject: hi\r\n\r\nhello\r\n", "From"},
		{"bad from", "From: not an address\r\nSubject: hi\r\n\r\nhello\r\n", "From"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := delivery.ParseEmail([]byte(tc.raw))
			var invalid *delivery.InvalidError
			require.ErrorAs(t, err, &invalid)
			require.Equal(t, tc.field, invalid.Field)
		})
	}
}

func TestStripQuoted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Where is my order?\n", "Where is my order?"},
		{"gmail one line", "Yes please.\n\nOn Thu, Dec 3, 2026 at 5:01 PM Support <s@x.example> wrote:\n> Shall I go ahead?\n", "Yes please."},
		{"gmail wrapped", "Yes.\n\nOn Thu, Dec 3, 2026 at 5:01 PM Sprocket Support <support@x.example>\nwrote:\n> Shall I?\n", "Yes."},
		{"outlook", "Cancel it.\n\nFrom: Sprocket Support <support@x.example>\nSent: Thursday, December 3, 2026 5:01 PM\nTo: Ada\nSubject: RE: order\n\nShall I?\n", "Cancel it."},
		{"original message", "Thanks\n-----Original Message-----\nFrom: x\n", "Thanks"},
		{"signature", "Where is SP-1002?\n-- \nAda\n+1 555 0100\n", "Where is SP-1002?"},
		{"mobile", "Where is SP-1002?\n\nSent from my iPhone\n", "Where is SP-1002?"},
		{"inline quotes kept answer", "> Which order?\nSP-1002\n> And the email?\nada@example.com\n", "SP-1002\nada@example.com"},
		{"french", "Merci !\n\nLe jeu. 3 déc. 2026 à 17:01, Support <s@x.example> a écrit :\n> Bonjour\n", "Merci !"},
		{"german", "Danke\n\nAm Do., 3. Dez. 2026 um 17:01 Uhr schrieb Support <s@x.example>:\n> Hallo\n", "Danke"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, delivery.StripQuoted(tc.in))
		})
	}
}

func TestWhatsAppSignature(t *testing.T) {
	t.Parallel()
	body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	// echo -n "$body" | openssl dgst -sha256 -hmac app-secret
	sig := "sha256=" + hmacHex("app-secret", body)
	require.True(t, delivery.VerifyWhatsAppSignature("app-secret", sig, body))
	require.False(t, delivery.VerifyWhatsAppSignature("other", sig, body))
	require.False(t, delivery.VerifyWhatsAppSignature("app-secret", sig, append(body, ' ')))
	require.False(t, delivery.VerifyWhatsAppSignature("app-secret", "", body))
	require.False(t, delivery.VerifyWhatsAppSignature("app-secret", "sha1="+hmacHex("app-secret", body), body))
}
