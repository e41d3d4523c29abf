package knowledge

import (
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/textfold"
)

// stopWords are Weaviate's "en" preset, which BM25 ignores too.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "but": true,
	"by": true, "for": true, "if": true, "in": true, "into": true, "is": true, "it": true, "no": true,
	"not": true, "of": true, "on": true, "or": true, "such": true, "that": true, "the": true,
	"their": true, "then": true, "there": true, "these": true, "they": true, "this": true, "to": true,
	"was": true, "will": true, "with": true,
}

// StemmedWords are the words BM25 matches examples on: text's lower-case
// words (textfold.LowerWords, which folds no accents, as Weaviate's "word"
// tokenization does not), stop words left out, each reduced by Stem.
func StemmedWords(text string) []string {
	words := textfold.LowerWords(text)
	out := words[:0]
	for _, w := range words {
		if !stopWords[w] {
			out = append(out, Stem(w))
		}
	}
	return out
}

// Stem strips the commonest English inflections from a lower-case word
// ("flights" → "flight", "booked" → "book", "cancelling" → "cancell",
// "replies" → "reply"), so that an example and a message using another form
// of a word still meet. It is deliberately light: words of three letters or
// fewer stay as they are.
func Stem(w string) string {
	n := len([]rune(w))
	if n <= 3 {
		return w
	}
	cut := func(suffix string) (string, bool) {
		if strings.HasSuffix(w, suffix) && n-len([]rune(suffix)) >= 3 {
			return strings.TrimSuffix(w, suffix), true
		}
		return "", false
	}
	if s, ok := cut("ies"); ok {
		return s + "y"
	}
	if strings.HasSuffix(w, "sses") {
		return strings.TrimSuffix(w, "es")
	}
	if s, ok := cut("ing"); ok {
		return s
	}
	if s, ok := cut("ed"); ok {
		return s
	}
	if s, ok := cut("es"); ok {
		for _, sibilant := range []string{"sh", "ch", "x", "z", "s"} {
			if strings.HasSuffix(s, sibilant) {
				return s
			}
		}
		return strings.TrimSuffix(w, "s")
	}
	if strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		if s, ok := cut("s"); ok {
			return s
		}
	}
	return w
}

// Variants are the stems Stem gives other forms of w's word than w, beside
// Stem(w). Stem, light on purpose, leaves "assemble" whole but cuts
// "assembled" to "assembl", and "shipped" to "shipp" but "ships" to "ship";
// a chunk's stemmed properties hold each of its words' variants too, so
// that "Do I need to assemble it?" finds "Bikes ship fully assembled".
// Some are no word ("tak" of "take", from "taking"; "franc" of "France"),
// which questions seldom use.
func Variants(w string) []string {
	s := Stem(w)
	n := len(s)
	if n < 3 || strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return nil
	}
	var out []string
	add := func(v string) {
		if v != s && v != w && len(v) >= 3 && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	last := s[n-1]
	// Stem cut "-ed" or "-ing" from w: its base form may end in "e" or
	// double no consonant.
	cut := len(s) < len(w) && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing"))
	switch {
	case last == 'e':
		add(s[:n-1]) // "assemble": "assembl(ed)"
	case cut && n >= 4 && s[n-2] == last && consonant(last) && last != 's' && last != 'z':
		add(s[:n-1]) // "shipp(ed)": "ship(s)"; "cancell(ed)": "cancel"
	case cut && consonant(last):
		add(s + "e") // "assembl(ed)": "assemble"
	case !cut && consonant(last) && last != 'w' && last != 'x' && last != 'y' && !consonant(s[n-2]) && consonant(s[n-3]) &&
		(n <= 4 || strings.HasSuffix(s, "el")):
		// A final consonant doubled before "-ed" and "-ing": "ship",
		// "shipped"; "cancel", "cancelled".
		add(s + string(last))
	}
	return out
}

func consonant(b byte) bool {
	return b >= 'a' && b <= 'z' && !strings.ContainsRune("aeiou", rune(b))
}
