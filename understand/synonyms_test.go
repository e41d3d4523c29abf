package understand_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/understand"
)

func TestSynonyms(t *testing.T) {
	t.Parallel()
	require.Contains(t, understand.Synonyms("money"), "refund")
	require.NotContains(t, understand.Synonyms("money"), "money")
	// A word of two groups has the words of both.
	require.Subset(t, understand.Synonyms("payment"), []string{"cost", "card"})
	require.Nil(t, understand.Synonyms("notebook"))
}

func TestFaulty(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"My pen stopped working after a week": "My pen is faulty after a week",
		"The zip doesn't work":                "The zip is faulty",
		"It doesn’t work anymore":             "It is faulty anymore",
		"The light no longer works":           "The light is faulty",
		"How does it work?":                   "How does it work?",
		"Is the working day 8 hours?":         "Is the working day 8 hours?",
	} {
		require.Equal(t, want, understand.Faulty(text), text)
	}
}

func TestInContentWords(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"How do I send something back?":               "How do I return?",
		"Can I ship the lamp back":                    "Can I return",
		"How do I send a bike back?":                  "How do I return?",
		"When do I get my money back?":                "When do I get my refunds?",
		"My pen stopped working, can I send it back?": "My pen is faulty, can I return?",
		"Please call me back":                         "Please call me back",
	} {
		require.Equal(t, want, understand.InContentWords(text), text)
	}
}

func TestOpenDays(t *testing.T) {
	t.Parallel()
	for _, w := range []string{"open", "opening", "closed"} {
		require.Contains(t, understand.OpenDays(w), "saturday", w)
	}
	require.Nil(t, understand.OpenDays("monday"), "one way only")
	require.Nil(t, understand.OpenDays("account"))
}
