package decide

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every template is said in every language, with the same placeholders as
// the English, and keeps the parts it fills in that are not translated.
func TestTemplatesTranslateWhole(t *testing.T) {
	t.Parallel()
	samples := map[string]string{
		"order": "A-77", "date": "March 3", "status": "processing", "n": "2", "email": "g***@shop.example",
		"id": "JJD0042", "url": "https://track.example/JJD0042", "text": "Our own words.", "field": "phone number",
		"time": "09:00 CET", "weekday": "Monday",
	}
	require.ElementsMatch(t, slices.Collect(maps.Keys(placeholders)), slices.Collect(maps.Keys(samples)))
	kept := []string{"order", "email", "id", "url", "text", "time"}
	for _, tm := range templates {
		require.Len(t, tm.by, 6, tm.english)
		filled := placeholderRE.ReplaceAllStringFunc(tm.english, func(p string) string { return samples[p[1:len(p)-1]] })
		for lang, tr := range tm.by {
			var names []string
			for _, m := range placeholderRE.FindAllStringSubmatch(tr, -1) {
				names = append(names, m[1])
			}
			require.ElementsMatch(t, tm.names, names, "%s: %q", lang, tr)
			said := Localize(lang, filled)
			require.NotEqual(t, filled, said, "%s: %q", lang, filled)
			require.NotContains(t, said, "{", "%s: %q", lang, said)
			for _, name := range kept {
				if slices.Contains(tm.names, name) {
					require.Contains(t, said, samples[name], "%s: %q", lang, said)
				}
			}
		}
	}
}

// The words a confirmation question tells the customer to answer with, in
// every language it is asked in, are read as that answer; so are the ways
// each language says go ahead.
func TestConfirmationAnswersInEveryLanguage(t *testing.T) {
	t.Parallel()
	answers := regexp.MustCompile(`\((\S+) \S+ (\S+)\)$`)
	all := ConfirmationReading{AllLanguages: true}
	asked := 0
	for _, tmpl := range templates {
		if !strings.HasSuffix(tmpl.english, "(yes or no)") {
			continue
		}
		for _, lang := range slices.Sorted(maps.Keys(tmpl.by)) {
			m := answers.FindStringSubmatch(tmpl.by[lang])
			require.NotNil(t, m, "%s: %s names no answers", lang, tmpl.by[lang])
			require.Equal(t, Yes, ConfirmationOf(m[1], all), "%s: %q", lang, m[1])
			require.Equal(t, No, ConfirmationOf(m[2], all), "%s: %q", lang, m[2])
			asked++
		}
	}
	require.Positive(t, asked)
	for text, want := range map[string]Consent{
		"sí, adelante": Yes, "Sim, pode avançar": Yes, "ja, ga door": Yes, "oui, allez-y": Yes,
		"Ja, bitte fortfahren": Yes, "sì, procedi": Yes, "va bene, grazie": Yes, "d'accord, merci": Yes,
		"não, obrigado": No, "nee, toch niet": No, "non, attendez": No, "nein, abbrechen": No, "no, espera": No,
		"sim, mas qual é o prazo de devolução?": "",
	} {
		require.Equal(t, want, ConfirmationOf(text, all), text)
	}
	// A run that started before reads as it did then: it dropped the action.
	require.Equal(t, Consent(""), ConfirmationOf("sim", ConfirmationReading{}))
	require.Equal(t, Yes, ConfirmationOf("yes, go ahead", ConfirmationReading{}))
}
