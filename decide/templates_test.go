package decide

import (
	"maps"
	"slices"
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
	}
	require.ElementsMatch(t, slices.Collect(maps.Keys(placeholders)), slices.Collect(maps.Keys(samples)))
	kept := []string{"order", "email", "id", "url", "text"}
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
