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
		"The internet is down":                "The internet is faulty",
		"My wifi keeps dropping out":          "My wifi is faulty",
		"Can I pay the deposit down?":         "Can I pay the deposit down?",
		"Write it down":                       "Write it down",
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
		"Where are you located?":                      "can I visit you?",
		"What's your address?":                        "can I visit you?",
		"Do you have a shop I can visit?":             "can I visit you?",
		"Where are you?":                              "can I visit you?",
		"hello?? where are you":                       "hello?? can I visit you",
		"Where is the hotel?":                         "can I visit you?",
		"How do I find you?":                          "can I visit you?",
		"How do I get to your shop?":                  "can I visit you?",
		"How do I get to the station?":                "How do I get to the station?",
		"Where are you going with this?":              "Where are you going with this?",
		"Where are your prices?":                      "Where are your prices?",
		"How do I change my address?":                 "How do I change my address?",
		"I can't login":                               "I can't log in or sign in",
		"What are your customer service hours?":       "What are your customer support hours?",
		"Customer Care number":                        "Customer support number",
		"Do you have EV charging?":                    "Do you have electric vehicle charging?",
		"Are you dog friendly?":                       "Are you dog allowed?",
		"Is the hotel pet-friendly?":                  "Is the hotel pet allowed?",
		"Are your products eco-friendly?":             "Are your products eco-friendly?",
		"Are there 1kg bags?":                         "Are there 1 kg bags?",
		"A 2.5L kettle or a 1lb bag, 4pm, 2FA":        "A 2.5 L kettle or a 1 lb bag, 4pm, 2FA",
	} {
		require.Equal(t, want, understand.InContentWords(text), text)
	}
}

func TestCountries(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"Do you ship to the US?":                   "Do you ship to the USA?",
		"do you ship to the us":                    "do you ship to the USA",
		"Shipping to the USA?":                     "Shipping to the USA?",
		"Can you send it to the U.S.?":             "Can you send it to the USA?",
		"Do you deliver to America?":               "Do you deliver to USA?",
		"Do you deliver to the United States?":     "Do you deliver to the USA?",
		"Do you deliver to South America?":         "Do you deliver to South America?",
		"Can you send it to us?":                   "Can you send it to us?",
		"How long to the UK?":                      "How long to the UK?",
		"Do you ship to Great Britain":             "Do you ship to UK",
		"Do you ship to the States?":               "Do you ship to USA?",
		"Do you ship to the United Kingdom?":       "Do you ship to the UK?",
		"What's the usage limit?":                  "What's the usage limit?",
		"Let us know if the US order is late, ok?": "Let us know if the USA order is late, ok?",
	} {
		require.Equal(t, want, understand.Countries(text), text)
	}
	require.Contains(t, understand.CountryNames("usa"), "states")
	require.Contains(t, understand.CountryNames("uk"), "kingdom")
	require.Nil(t, understand.CountryNames("france"))
}

func TestOpenDays(t *testing.T) {
	t.Parallel()
	for _, w := range []string{"open", "opening", "closed"} {
		require.Contains(t, understand.OpenDays(w), "saturday", w)
	}
	require.Nil(t, understand.OpenDays("monday"), "one way only")
	require.Nil(t, understand.OpenDays("account"))
}
