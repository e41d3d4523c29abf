package textfold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Words splits s into lower-case words without accents. Letters and digits
// make up words; apostrophes (' ’ ‘ ʼ ` ´) are dropped inside a word, so
// "can’t", "can't" and "cant" are all the word "cant"; in scripts written
// without spaces (Chinese, Japanese, Thai, ...) every character is a word of
// its own; every other character separates words.
//
// Words decomposes the whole text (NFD) before it classifies a character;
// understand's tokenizer, which keeps each word's byte offsets, classifies
// each character as written and folds it with [WriteRune]. The two agree
// except in rare cases, kept as they are so that neither rules nor
// understand changes what it matches (TestWordsAndWriteRuneDiffer pins them):
//   - a spacing or enclosing combining mark (Unicode categories Mc and Me,
//     such as the Indic vowel signs) separates words here, while understand
//     keeps it inside the word and drops it from the word's text;
//   - a letter whose decomposition holds such a mark (Tamil "ஔ", some
//     Balinese vowels) loses the mark here and keeps it in WriteRune;
//   - an accented form of a spelled-out letter ("ǿ", "ǽ") is spelled out
//     here ("o", "ae") and only loses its accent in WriteRune ("ø", "æ");
//   - the Greek accents U+1FEF and U+1FFD decompose to apostrophes here,
//     while understand separates words at them.
func Words(s string) []string {
	var words []string
	var current strings.Builder
	flush := func() {
		if current.Len() > 0 {
			words = append(words, current.String())
			current.Reset()
		}
	}
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining mark left by decomposition: "é" is "e" + U+0301.
		case IsApostrophe(r):
			// Part of a word, but not compared: "can't" is "cant".
		case IsSpacelessScript(r):
			flush()
			words = append(words, string(unicode.ToLower(r)))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if folded, ok := letterFolds[unicode.ToLower(r)]; ok {
				current.WriteString(folded)
			} else {
				current.WriteRune(unicode.ToLower(r))
			}
		default:
			flush()
		}
	}
	flush()
	return words
}

// WriteRune writes r to b lower-cased and without accents, with the letters
// Unicode does not decompose spelled out (ß is "ss"). It is the folding of
// one letter or digit of a word, for a tokenizer that decides itself where
// words begin and end (see [Words] for where the two differ).
func WriteRune(b *strings.Builder, r rune) {
	r = unicode.ToLower(r)
	if folded, ok := letterFolds[r]; ok {
		b.WriteString(folded)
		return
	}
	if r < utf8.RuneSelf {
		b.WriteRune(r)
		return
	}
	for _, d := range norm.NFD.String(string(r)) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(unicode.ToLower(d))
		}
	}
}

// letterFolds spells out lower-case letters that Unicode does not decompose
// into a base letter and an accent.
var letterFolds = map[rune]string{
	'ß': "ss",
	'æ': "ae",
	'œ': "oe",
	'ø': "o",
	'đ': "d",
	'ð': "d",
	'ł': "l",
	'ı': "i",
	'þ': "th",
}

// IsApostrophe reports whether r is one of the characters people type as an
// apostrophe: ' ’ ‘ ʼ ` ´.
func IsApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', '`', '´':
		return true
	}
	return false
}

// IsSpacelessScript reports whether r belongs to a script usually written
// without spaces between words: Han, Hiragana, Katakana, Thai, Lao, Khmer
// and Myanmar.
func IsSpacelessScript(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// LowerWords are s's runs of letters and digits, lower-cased; everything
// else separates words, and nothing else is folded: "Café’s" is "café" and
// "s". It is how knowledge and gaps split text, close to Weaviate's "word"
// tokenization (see the package comment for why it does not fold accents).
func LowerWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
