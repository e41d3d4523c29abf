package understand

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzAnalyze runs Analyze on arbitrary text. It must not panic, must give
// the same answer twice, and must return only documented values: a known
// sentiment, language and intent, an upper-case order number, a lower-case
// email, and valid UTF-8 contact values for known fields.
func FuzzAnalyze(f *testing.F) {
	for _, seed := range []string{
		"",
		"Where is my order SP-1003?!",
		"I want to return order SP-1002 which was delivered",
		"change my phone number to +1 (555) 010-0100 and my address to 12 Elm St. Portland, thanks!",
		"My new name is Ada Lovelace. my email is Ada@Example.com",
		"THIS IS RIDICULOUS, I want to talk to a human!!",
		"Je veux parler à un humain, j’ai oublié mon mot de passe",
		"Ich möchte mit einem Menschen sprechen: Bestellung Nr. 1003",
		"order #1003 ... sp 1004 … AB–99999 USD 1500 ada@x.io.",
		"我要退款 ¿dónde está mi pedido? rembourse\u0301 ab\xffcd",
		"update my address: \xff\xfe\n to \u200b",
		"'''’’’ … !? ¡¿ 。 ; : = +",
	} {
		f.Add(seed, "SP")
	}
	f.Fuzz(func(t *testing.T, text, prefix string) {
		o := Options{OrderPrefixes: []string{prefix}}
		a := Analyze(text, o)
		require.Equal(t, a, Analyze(text, o))

		require.Contains(t, []string{SentimentFrustrated, SentimentNegative, SentimentNeutral, SentimentPositive}, a.Sentiment)
		require.Contains(t, []string{"", "en", "es", "fr", "de", "pt", "it", "nl"}, a.Language)
		require.Contains(t, []Intent{IntentNone, IntentOrderStatus, IntentStartReturn, IntentUpdateContact, IntentPasswordReset}, a.Intent)
		require.Equal(t, strings.ToUpper(a.OrderNumber), a.OrderNumber)
		require.True(t, a.OrderNumber == "" || strings.Contains(a.OrderNumber, "-"), a.OrderNumber)
		require.Equal(t, strings.ToLower(a.Email), a.Email)
		if a.Intent != IntentUpdateContact {
			require.Nil(t, a.ContactUpdate)
		}
		for field, value := range a.ContactUpdate {
			require.Contains(t, []string{FieldPhone, FieldName, FieldAddress}, field)
			require.NotEmpty(t, value)
			require.True(t, utf8.ValidString(value), value)
		}
	})
}
