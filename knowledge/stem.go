package knowledge

import (
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
