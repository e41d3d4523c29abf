package understand

import "strings"

// euCountries are the member states of the European Union, as a customer
// names them in English, and, folded (no accents), the larger ones as a
// customer names them in Spanish, French, German, Portuguese, Italian or
// Dutch ("Alemania", "Italia", "España").
var euCountries = func() map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(`austria belgium bulgaria croatia cyprus czechia czech denmark estonia finland
		france germany greece hungary ireland italy latvia lithuania luxembourg malta netherlands holland poland
		portugal romania slovakia slovenia spain sweden
		alemania deutschland allemagne alemanha germania duitsland
		francia frankreich franca frankrijk
		espana espagne spanien espanha spagna spanje
		italia italie italien
		holanda hollande niederlande olanda nederland
		irlanda irlande irland ierland
		autriche osterreich oostenrijk
		belgica belgique belgien belgio belgie
		suecia suede schweden svezia zweden
		polonia pologne polen`) {
		out[w] = true
	}
	return out
}()

// euWords are the words help content names the European Union by.
var euWords = []string{"europe", "european", "eu"}

// Region returns the words help content uses for the region a country is
// in, for a lower-case word naming the country ("germany" → "europe",
// "european", "eu"), and nil for any other word. A question about a country
// may be answered by content about its region ("We ship to the European
// Union"); not the other way round.
func Region(word string) []string {
	if euCountries[word] {
		return euWords
	}
	return nil
}
