package decide_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/decide"
)

func TestSmallTalkOf(t *testing.T) {
	t.Parallel()
	cases := map[string]decide.SmallTalk{
		"hi":                          decide.Greeting,
		"Hello there!":                decide.Greeting,
		"Good morning":                decide.Greeting,
		"¡Hola, buenos días!":         decide.Greeting,
		"thanks, that's all!":         decide.Goodbye,
		"Thank you so much":           decide.Thanks,
		"ok thanks":                   decide.Thanks,
		"Danke schön":                 decide.Thanks,
		"vielen Dank":                 decide.Thanks,
		"merci beaucoup":              decide.Thanks,
		"bye":                         decide.Goodbye,
		"that's all":                  decide.Goodbye,
		"hi, where is my order?":      "",
		"thanks, and for wholesale?":  "",
		"all good?":                   "",
		"How long does shipping take": "",
		"":                            "",
	}
	for text, want := range cases {
		require.Equal(t, want, decide.SmallTalkOf(text), text)
	}
}

func TestSmallTalkReply(t *testing.T) {
	t.Parallel()
	reply, e := decide.SmallTalkReply(decide.Greeting, false)
	require.Equal(t, "Hi! How can I help you today?", reply)
	require.Equal(t, decide.KindSmallTalk, e.Kind)
	_, e = decide.SmallTalkReply(decide.Thanks, true)
	require.Contains(t, e.Summary, "confirmed it helped")
	reply, e = decide.SmallTalkReply(decide.Goodbye, true)
	require.Equal(t, "Glad I could help. Have a great day!", reply)
	require.Contains(t, e.Summary, "confirmed it helped")
}

func TestSmallTalkLanguage(t *testing.T) {
	t.Parallel()
	require.Equal(t, "es", decide.SmallTalkLanguage("¡Hola!"))
	require.Equal(t, "de", decide.SmallTalkLanguage("Vielen Dank, tschüss"))
	require.Equal(t, "fr", decide.SmallTalkLanguage("merci beaucoup"))
	require.Equal(t, "", decide.SmallTalkLanguage("thanks!"))
}
