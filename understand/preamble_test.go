package understand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A message that only opens the customer's business is a preamble; one
// that asks, names a problem or asks for something done is not.
func TestPreamble(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"Hi, I ordered a notebook last week":                   true,
		"Hello, I placed an order on Monday.":                  true,
		"I bought a pen from you yesterday":                    true,
		"I have a question about my order":                     true,
		"Hi there, quick question":                             true,
		"Can you help me?":                                     true,
		"Could you help me with my order please?":              true,
		"I ordered two A5 notebooks 3 days ago":                true,
		"I have a question about shipping to Canada":           false, // it names what it asks about
		"Can you help me with shipping to Canada?":             false,
		"I ordered a notebook last week, where is it?":         false,
		"I ordered a notebook but it never came":               false,
		"I ordered the wrong size":                             false,
		"I bought a pen and it leaks":                          false,
		"I ordered a notebook and want to return it":           false,
		"I placed order SP-1003 yesterday":                     false, // an order number: the agent acts on it
		"My pen leaks":                                         false,
		"I bought a pen and it's dry":                          false,
		"I bought a pen from you yesterday and the ink is dry": false,
		"I ordered a notebook, but":                            false,
		"How long does shipping take?":                         false,
		"Hi":                                                   false,
		"Did you get my order?":                                false,
	} {
		require.Equal(t, want, Preamble(text), text)
	}
	a := Analyze("I want to return the notebook I ordered last week", Options{})
	require.False(t, a.Preamble, "a return request")
	require.True(t, Analyze("Hi, I ordered a notebook last week", Options{}).Preamble)
}
