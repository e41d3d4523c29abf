package knowledge

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQueryTerms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ query, want string }{
		{"Where do you ship orders from?", "ship orders order"},
		{"How long does shipping take?", "long shipping shipp take"},
		{"what are the desk organizers made out of", "desk organizers organizer made"},
		// A country: its region's words too.
		{"Do you deliver to Germany?", "deliver germany europe european eu"},
		{"Germany or France?", "germany france europe european eu"},
		// A country by its short name: the names content gives it too.
		{"Do you ship to the US?", "ship usa america states state"},
		// Where the company is: where content says to visit it, or its
		// address.
		{"Where are you located?", "visit address location located locat"},
		{"Where are you?", "visit address location located locat"},
		// A word written as one is found where content writes two.
		{"checkin time?", "checkin time check"},
		{"wifi password", "wifi password wi fi"},
		// Logging in is found where content says signing in.
		{"I can't login", "log sign"},
		{"  ", ""},
		// Nothing but stop words: better some words than none.
		{"How are you?", "how are you"},
		{`"}]) { drop`, "drop"},
		// Another language: its support words in English, then its own
		// words as written, for content in that language.
		{"Was kostet der Versand?", "cost shipping shipp kostet versand"},
		// A thing that stopped working is faulty, as content says.
		{"My pen stopped working", "pen faulty"},
		// Sent back is returned; money back is a refund, written so that
		// either form of the word is found.
		{"How do I send something back?", "return"},
		{"When do I get my money back?", "get refunds refund"},
	} {
		require.Equal(t, tc.want, queryTerms(tc.query), tc.query)
	}
}

func TestChunkStems(t *testing.T) {
	t.Parallel()
	require.Equal(t, "order ship shipp the same sam day 2 pm", chunkStems("Orders ship the same day, 2 pm."))
	require.Equal(t, "bike bik arrive arriv assembl assemble", chunkStems("Bikes arrive assembled"))
	require.Equal(t, "", chunkStems(""))
}
