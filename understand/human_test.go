package understand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAsksForHuman(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		text string
		want bool
	}{
		{"talk to a human", "Can I talk to a human?", true},
		{"real person", "I want a real person", true},
		{"agent please", "agent please", true},
		{"representative", "Representative!", true},
		{"speak to someone", "I need to speak to someone about my bill", true},
		{"get me a person", "get me a real person now", true},
		{"manager", "Let me speak with your manager", true},
		{"lone word", "Human", true},
		{"after a refusal", "I don't want to talk to a bot, I want a human", true},
		{"spanish", "Quiero hablar con una persona", true},
		{"french", "Je veux parler à un humain", true},
		{"french someone", "Puis-je parler à quelqu’un ?", true},
		{"german", "Ich möchte mit einem Menschen sprechen", true},
		{"german staff", "Kann ich bitte mit einem Mitarbeiter sprechen?", true},
		{"portuguese", "Quero falar com um atendente", true},
		{"dutch", "Kan ik met een medewerker spreken?", true},

		{"no human words", "Where is my order?", false},
		{"can't log in", "I can't log in", false},
		{"negated", "I don't need a human, just tell me the status", false},
		{"no need", "No need to speak to someone, thanks", false},
		{"past tense", "I spoke to someone yesterday and they said it shipped", false},
		{"human in another sense", "Is the glue safe for human skin?", false},
		{"greeting only", "hi", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, AsksForHuman(tt.text), tt.text)
		})
	}
}

// TestWithoutHumanRequest: a request for a person with nothing but
// courtesies around it says nothing of the customer's issue; one that says
// what it is about is read without the request, and a message with no
// request as it is.
func TestWithoutHumanRequest(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"I need to speak to a human",
		"I want to talk to a person",
		"Can I talk to a person please?",
		"I need to speak to someone",
		"let me talk to a real person",
		"Agent!",
		"Hi, could I speak to a representative right away?",
		"Quiero hablar con una persona, por favor",
		"Ich möchte mit einem Menschen sprechen",
		"Je voudrais parler à un conseiller",
	} {
		_, only := WithoutHumanRequest(text)
		require.True(t, only, text)
	}
	for text, want := range map[string]string{
		"I need to speak to a human about my refund":     "refund",
		"Can I talk to a person? My order never arrived": "order never arrived",
		"Quiero hablar con una persona sobre mi pedido":  "sobre pedido",
		"I need help": "I need help",
		"I don't need a human, where is my order?": "I don't need a human, where is my order?",
		"How long does shipping take?":             "How long does shipping take?",
		"":                                         "",
	} {
		rest, only := WithoutHumanRequest(text)
		require.False(t, only, text)
		require.Equal(t, want, rest, text)
	}
}
