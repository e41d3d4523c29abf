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

// europeNames are the countries of Europe a company in it commonly
// delivers to, as help content in English names them (the United Kingdom by
// "kingdom" and "uk"), and europeOthers the words a customer names those
// outside the European Union by.
var (
	europeNames = strings.Fields(`austria belgium bulgaria croatia cyprus czechia denmark estonia finland france
		germany greece hungary ireland italy latvia lithuania luxembourg malta netherlands poland portugal romania
		slovakia slovenia spain sweden switzerland norway iceland liechtenstein kingdom uk`)
	europeOthers = wordSet(`switzerland schweiz suisse svizzera norway norge iceland liechtenstein uk britain
		england scotland wales`)
)

// Neighbours returns the countries of Europe, as help content in English
// names them, for a lower-case word naming a country there ("italy" →
// "austria", "belgium", …), and nil for any other word. Content that lists
// the countries a company delivers to ("We deliver to Germany, Austria and
// France") answers a question about another of them: it is not among them.
func Neighbours(word string) []string {
	if euCountries[word] || europeOthers[word] {
		return europeNames
	}
	return nil
}

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
