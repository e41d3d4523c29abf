package decide_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
)

func TestLocalize(t *testing.T) {
	t.Parallel()
	require.Equal(t, decide.ClarifyText, decide.Localize("en", decide.ClarifyText))
	require.Equal(t, decide.ClarifyText, decide.Localize("", decide.ClarifyText))
	require.Equal(t, decide.ClarifyText, decide.Localize("ja", decide.ClarifyText), "no translation: as written")
	require.Contains(t, decide.Localize("es", decide.ClarifyText), "¿podría contarme un poco más")
	require.Contains(t, decide.Localize("de", answer.DontKnow), "nicht raten")
	// A set text joined to the company's content: only the set text changes.
	joined := decide.JoinSentences("We ship to Canada.", decide.TransferText)
	require.Equal(t, "We ship to Canada. Ich hole ein Mitglied unseres Teams dazu, das Ihnen hier in Kürze antwortet.", decide.Localize("de", joined))
	require.Equal(t, "Our own words.", decide.Localize("fr", "Our own words."))
	for _, lang := range []string{"es", "fr", "de", "pt", "it", "nl"} {
		for _, text := range []string{decide.ClarifyText, answer.DontKnow, decide.TransferText, decide.NeedOrderText,
			decide.NeedEmailText, decide.ApologyText, decide.DeclinedText, decide.AvoidTopicText, decide.DontKnowAgainText} {
			require.NotEqual(t, text, decide.Localize(lang, text), "%s: %q", lang, text)
		}
		for _, kind := range []decide.SmallTalk{decide.Greeting, decide.Thanks, decide.Goodbye} {
			reply, _ := decide.SmallTalkReply(kind, false)
			require.NotEqual(t, reply, decide.Localize(lang, reply), "%s: %q", lang, reply)
		}
	}
}
