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
		"ok":                          decide.Agree,
		"Yes please":                  decide.Agree,
		"yep, sure":                   decide.Agree,
		"no":                          decide.Decline,
		"No thanks":                   decide.Decline,
		"nein danke":                  decide.Decline,
		"vale, gracias":               decide.Thanks,
		"yes thanks":                  decide.Thanks,
		"no, that's all":              decide.Goodbye,
		"yes, where is my order?":     "",
		"no it did not arrive":        "",
		"please":                      "",
		"thanks, and for wholesale?":  "",
		"all good?":                   "",
		"How long does shipping take": "",
		"":                            "",
		"Buongiorno!":                 decide.Greeting,
		"bom dia":                     decide.Greeting,
		"Goedemorgen":                 decide.Greeting,
		"Bonsoir":                     decide.Greeting,
		"dankjewel":                   decide.Thanks,
		"grazie, arrivederci":         decide.Goodbye,
		"cheers mate":                 decide.Thanks,
		"thanks buddy":                decide.Thanks,
		"mate, where is my order?":    "",
		"gracias, eso es todo":        decide.Goodbye,
		"merci, c'est tout !":         decide.Goodbye,
		"Danke, das war's":            decide.Goodbye,
		"obrigado, é tudo":            decide.Goodbye,
		"grazie, è tutto":             decide.Goodbye,
		"nee, dat was het, bedankt":   decide.Goodbye,
		"¿eso es todo lo que cubre?":  "",
		"ja bitte":                    decide.Agree,
		"sí, por favor":               decide.Agree,
		"oui, s'il vous plaît":        decide.Agree,
		"nee, dank u":                 decide.Decline,
		"bitte, wo ist mein Paket?":   "",
	}
	for text, want := range cases {
		require.Equal(t, want, decide.SmallTalkOf(text, decide.SmallTalkReading{YesNo: true, MoreWords: true, OtherLanguages: true}), text)
	}
	// Before OtherLanguages, "that's all" in another language was more than small talk.
	require.Equal(t, decide.SmallTalk(""), decide.SmallTalkOf("merci, c'est tout", decide.SmallTalkReading{YesNo: true, MoreWords: true}))

	// Without the words added later.
	fewer := map[string]decide.SmallTalk{
		"Buongiorno!": "",
		"bom dia":     "",
		"cheers mate": "",
		"hi":          decide.Greeting,
		"ok":          decide.Agree,
	}
	for text, want := range fewer {
		require.Equal(t, want, decide.SmallTalkOf(text, decide.SmallTalkReading{YesNo: true}), text)
	}

	// As before a bare yes or no was small talk.
	before := map[string]decide.SmallTalk{
		"ok":          "",
		"ok thanks":   decide.Thanks,
		"yes thanks":  "",
		"no thanks":   "",
		"vale":        "",
		"please":      "",
		"hi":          decide.Greeting,
		"thanks, bye": decide.Goodbye,
	}
	for text, want := range before {
		require.Equal(t, want, decide.SmallTalkOf(text, decide.SmallTalkReading{}), text)
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
	reply, _ = decide.SmallTalkReply(decide.Agree, true)
	require.Equal(t, "Sure. What can I help you with?", reply)
	reply, _ = decide.SmallTalkReply(decide.Decline, true)
	require.Equal(t, "All right. If anything else comes up, just write here.", reply)
	require.True(t, decide.Agree.YesOrNo())
	require.False(t, decide.Thanks.YesOrNo())
}

func TestSmallTalkLanguage(t *testing.T) {
	t.Parallel()
	require.Equal(t, "es", decide.SmallTalkLanguage("¡Hola!"))
	require.Equal(t, "de", decide.SmallTalkLanguage("Vielen Dank, tschüss"))
	require.Equal(t, "it", decide.SmallTalkLanguage("Buongiorno!"))
	require.Equal(t, "pt", decide.SmallTalkLanguage("Bom dia"))
	require.Equal(t, "nl", decide.SmallTalkLanguage("Goedemorgen"))
	require.Equal(t, "fr", decide.SmallTalkLanguage("merci beaucoup"))
	require.Equal(t, "", decide.SmallTalkLanguage("thanks!"))
}
