package understand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseWords(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		text string
		want [][]string
	}{
		{"case accents apostrophes", "Can’t RECEIVE my Bestellung, Größe XL", [][]string{{"cant", "receive", "my", "bestellung", "grosse", "xl"}}},
		{"decomposed accent", "rembourse\u0301", [][]string{{"rembourse"}}},
		{"french elision", "J’ai oublié l'adresse", [][]string{{"j", "ai", "oublie", "l", "adresse"}}},
		{"sentences", "Hi. Where is it? Thanks!", [][]string{{"hi"}, {"where", "is", "it"}, {"thanks"}}},
		{"abbreviation keeps the sentence", "12 Elm St. Portland", [][]string{{"12", "elm", "st", "portland"}}},
		{"initial keeps the sentence", "J. Smith here", [][]string{{"j", "smith", "here"}}},
		{"full stop after a code", "Where is SP-1003. Thanks", [][]string{{"where", "is", "#"}, {"thanks"}}},
		{"full stop after a number", "It was 1003. Thanks", [][]string{{"it", "was", "1003"}, {"thanks"}}},
		{"dot inside a word", "example.com 3.5", [][]string{{"example", "com", "3", "5"}}},
		{"codes are single words", "SP-1003 or #1004, mail ada@example.com", [][]string{{"#", "or", "#", "mail", "@"}}},
		{"spaceless script", "我要退款", [][]string{{"我", "要", "退", "款"}}},
		{"invalid utf-8 separates", "ab\xffcd", [][]string{{"ab", "cd"}}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got [][]string
			for _, s := range parse(tt.text).sentences {
				var words []string
				for _, w := range s {
					words = append(words, w.text)
				}
				got = append(got, words)
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestPhraseMatch(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		pattern string
		text    string
		want    bool
	}{
		{"single word", "refund", "I want a REFUND", true},
		{"whole words only", "cancel", "cancellation policy", false},
		{"alternatives", "parcel|package", "my package", true},
		{"gap", "where …3 order", "where the heck is my order", false},
		{"gap wide enough", "where …3 order", "where is my order", true},
		{"gap of one", "still …1 received", "still not yet received", false},
		{"prefix", "fuck*", "fucking hell", true},
		{"number", "return #", "return SP-1002", true},
		{"number digits", "order #", "order 1002", true},
		{"number too short", "order #", "order 12", false},
		{"not across sentences", "return my", "I want to return. My order is fine", false},
		{"accented pattern", "contraseña", "olvide mi contrasena", true},
		{"apostrophe pattern", "can't log in", "I cant log in", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ph, err := compilePhrase(tt.pattern)
			require.NoError(t, err)
			require.Equal(t, tt.want, parse(tt.text).any(newPhraseSet(ph)))
		})
	}
}

func TestCompilePhraseErrors(t *testing.T) {
	t.Parallel()

	for _, pattern := range []string{"", "   ", "… order", "order …", "a … … b", "a …x b", "a …0 b", "two-words", "a||b"} {
		t.Run(pattern, func(t *testing.T) {
			t.Parallel()
			_, err := compilePhrase(pattern)
			require.Error(t, err)
		})
	}
}

func TestNegation(t *testing.T) {
	t.Parallel()

	tests := []struct {
		text string
		want bool
	}{
		{"not helpful", true},
		{"isn’t really that helpful", true},
		{"not at all very helpful", false},
		{"no, helpful", false},
		{"helpful", false},
	}
	ph := mustPhrases("helpful")
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			m := parse(tt.text)
			spans := m.find(ph)
			require.Len(t, spans, 1)
			require.Equal(t, tt.want, m.negated(spans[0]))
		})
	}
}
