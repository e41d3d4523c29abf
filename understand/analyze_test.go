package understand

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAnalyze(t *testing.T) {
	t.Parallel()

	sp := Options{OrderPrefixes: []string{"SP"}}
	tests := []struct {
		name string
		text string
		opts Options
		want Analysis
	}{
		{
			name: "angry order status",
			text: "This is the THIRD time I ask: where is my order 1003?!",
			opts: sp,
			want: Analysis{Sentiment: SentimentFrustrated, Language: "en", Intent: IntentOrderStatus, OrderNumber: "SP-1003"},
		},
		{
			name: "return with email",
			text: "Hi, I'd like to return SP-1002, it arrived damaged. My email is Ada@Example.com",
			opts: sp,
			want: Analysis{Sentiment: SentimentNegative, Language: "en", Intent: IntentStartReturn, OrderNumber: "SP-1002", Email: "ada@example.com"},
		},
		{
			name: "contact update",
			text: "Please change my phone number to +1 555 0100, thanks!",
			opts: sp,
			want: Analysis{Sentiment: SentimentPositive, Language: "en", Intent: IntentUpdateContact, ContactUpdate: map[string]string{"phone": "+1 555 0100"}},
		},
		{
			name: "contact update without value",
			text: "I need to update my address",
			want: Analysis{Sentiment: SentimentNeutral, Language: "en", Intent: IntentUpdateContact},
		},
		{
			name: "contact words outside an update are ignored",
			text: "Forgot my password, and my new phone number is 555 010 0199",
			want: Analysis{Sentiment: SentimentNeutral, Language: "en", Intent: IntentPasswordReset},
		},
		{
			name: "human in german",
			text: "Ich möchte bitte mit einem Menschen sprechen, meine Bestellung ist kaputt",
			want: Analysis{Sentiment: SentimentNegative, Language: "de", AskedForHuman: true},
		},
		{
			name: "spanish human",
			text: "Quiero hablar con una persona, por favor",
			want: Analysis{Sentiment: SentimentNeutral, Language: "es", AskedForHuman: true},
		},
		{
			name: "short thanks",
			text: "thanks!",
			want: Analysis{Sentiment: SentimentPositive},
		},
		{
			name: "empty",
			text: "",
			want: Analysis{Sentiment: SentimentNeutral},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, Analyze(tt.text, tt.opts))
		})
	}
}

func TestAnalyzeIsDeterministic(t *testing.T) {
	t.Parallel()

	texts := []string{
		"This is ridiculous!! Where is my order SP-1003? I want to talk to a human",
		"Bonjour, je voudrais retourner ma commande #1003, merci",
		"change my name to Ada please and my phone to 555-010-0199, email ada@example.com",
		"Hola, ¿dónde está mi pedido? gracias",
		"",
	}
	for _, text := range texts {
		t.Run(text, func(t *testing.T) {
			t.Parallel()
			o := Options{OrderPrefixes: []string{"SP", "EU"}}
			first := Analyze(text, o)
			for range 20 {
				require.Equal(t, first, Analyze(text, o))
			}
		})
	}
}

// BenchmarkAnalyze measures a long message: about 17 KB of chat.
func BenchmarkAnalyze(b *testing.B) {
	text := strings.Repeat("Hi, where is my order SP-1003? I'd like to change my address to 12 Elm St, thanks! ", 200)
	o := Options{OrderPrefixes: []string{"SP"}}
	for b.Loop() {
		Analyze(text, o)
	}
}
