package rules

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// containsRun reports whether needle occurs as a contiguous run in haystack.
// An empty needle never matches.
func containsRun(haystack, needle []string) bool {
	if len(needle) == 0 {
		return false
	}
	for i := 0; i+len(needle) <= len(haystack); i++ {
		match := true
		for j, w := range needle {
			if haystack[i+j] != w {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// foldWords splits s into lowercase words without accents, for
// containsAny. containsAny matches when a phrase's words occur as a
// contiguous run of the text's words, so matching ignores case, accents and
// apostrophes, and punctuation and spaces only separate words. Words are
// matched whole: "cancel" does not match "cancellation" and "refund" does not
// match "refunded". In scripts written without spaces (Chinese, Japanese,
// Thai, ...) every character is a word of its own, so a phrase there matches
// as a substring. A phrase with no letters or digits never matches.
//
// Letters and digits make up words; apostrophes (' ’ ‘ ʼ ` ´) are dropped
// inside a word, so "can’t", "can't" and "cant" are all the word "cant";
// every other character separates words.
func foldWords(s string) []string {
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
		case isApostrophe(r):
			// Part of a word, but not compared: "can't" is "cant".
		case isSpacelessScript(r):
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

// letterFolds spells out lowercase letters that Unicode does not decompose
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

// isApostrophe reports whether r is one of the characters people type as an
// apostrophe.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', '`', '´':
		return true
	}
	return false
}

// isSpacelessScript reports whether r belongs to a script usually written
// without spaces between words.
func isSpacelessScript(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}
