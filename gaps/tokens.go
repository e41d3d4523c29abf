package gaps

import (
	"strings"

	"github.com/switchboardhq/switchboard/textfold"
)

// Tokens returns the words of text that carry its topic: lower-cased, split
// on anything that is not a letter or digit, without stop words and
// one-letter words, and stemmed, so "Shipping", "shipped" and "ships" are
// one term.
func Tokens(text string) []string {
	kept := words(text)
	out := make([]string, 0, len(kept))
	for _, w := range kept {
		out = append(out, Stem(w))
	}
	return out
}

// words are text's lower-case words (textfold.LowerWords: accents are kept,
// as search keeps them) without stop words and one-letter words.
func words(text string) []string {
	all := textfold.LowerWords(text)
	out := all[:0]
	for _, w := range all {
		if len([]rune(w)) >= 2 && !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// Stem strips common English inflections and derivations from a lower-case
// word. It is deliberately light: words that share a stem should be about the
// same thing, so it leaves alone suffixes that change the meaning ("-er",
// "-less"). It stems harder than knowledge.Stem, stripping derivations
// ("-ment", "-ation", "-ness") too, so that questions about one topic group
// together; knowledge.Stem is lighter and cannot change without indexing
// again, since the search index holds its stems. A final "e" is always dropped, so "rate" and "rating" meet at
// "rat"; a final "ll" after four letters becomes "l".
func Stem(w string) string {
	if len(w) <= 3 || !isASCII(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	for _, suffix := range []string{"ational", "ation", "ingly", "edly", "ment", "ness", "ing", "ed", "ly"} {
		stem, ok := strings.CutSuffix(w, suffix)
		if !ok || len(stem) < 3 || !hasVowel(stem) {
			continue
		}
		w = undouble(stem)
		break
	}
	if len(w) > 3 {
		w = strings.TrimSuffix(w, "e")
	}
	// "cancel" and "cancell(ed)", "install" and "instal(ment)" meet.
	if len(w) > 4 && strings.HasSuffix(w, "ll") {
		w = w[:len(w)-1]
	}
	return w
}

// undouble turns "stopp" (from "stopped") into "stop"; "ll", "ss" and "zz"
// are kept ("bill", "press").
func undouble(w string) string {
	n := len(w)
	if n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func hasVowel(w string) bool { return strings.ContainsAny(w, "aeiouy") }

func isASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			return false
		}
	}
	return true
}

// stopWords are English function words, and words every support question
// uses ("please", "help", "know"), which say nothing about the topic.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
a about above after again against all am an and any are aren as at be because been before being below between
both but by can cannot could couldn did didn do does doesn doing don down during each few for from further had
hadn has hasn have haven having he her here hers herself him himself his how i if in into is isn it its itself
just let ll me more most my myself no nor not now of off on once only or other ought our ours ourselves out over
own re same shan she should shouldn so some such than that the their theirs them themselves then there these
they this those through to too under until up ve very was wasn we were weren what when where which while who
whom why will with won would wouldn you your yours yourself yourselves
also anyone anything back get got hello hey hi im it's know like maybe much need please tell thank thanks want
way well yes okay ok give go going one really something still sure thing things us via wanna gonna`) {
		m[w] = true
	}
	return m
}()
