package textfold

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"case and accents", "REFÜND the Café", []string{"refund", "the", "cafe"}},
		{"apostrophes dropped inside a word", "can’t can't cant ʼcantʼ", []string{"cant", "cant", "cant", "cant"}},
		{"punctuation separates", "gift-wrap, please!", []string{"gift", "wrap", "please"}},
		{"spelled-out letters", "Straße Ærø Łódź", []string{"strasse", "aero", "lodz"}},
		{"spaceless scripts are one word a character", "我要退款 ok", []string{"我", "要", "退", "款", "ok"}},
		{"digits", "order 1003", []string{"order", "1003"}},
		{"no letters", "?! …", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, Words(tc.text))
		})
	}
}

func TestWriteRune(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for _, r := range "RéFÜnDß1Ø" {
		WriteRune(&b, r)
	}
	require.Equal(t, "refundss1o", b.String())
}

// TestWordsAndWriteRuneDiffer pins the rare characters that Words, which
// decomposes the text first, folds otherwise than WriteRune (see Words).
func TestWordsAndWriteRuneDiffer(t *testing.T) {
	t.Parallel()
	one := func(r rune) string {
		var b strings.Builder
		WriteRune(&b, r)
		return b.String()
	}
	require.Equal(t, []string{"o"}, Words("ǿ"))
	require.Equal(t, "ø", one('ǿ'))
	require.Equal(t, []string{"ae"}, Words("ǽ"))
	require.Equal(t, "æ", one('ǽ'))
	require.Equal(t, []string{"ஒ"}, Words("ஔ"))
	require.Equal(t, "\u0B92\u0BD7", one('ஔ'), "ஒ and its mark ௗ (Mc)")
	require.Equal(t, []string{"க", "ல"}, Words("க\u0BBEல"), "a spacing mark (Mc) separates words")
	require.Equal(t, []string{"ab"}, Words("a\u1FEFb"), "U+1FEF decomposes to an apostrophe")
}

func TestLowerWords(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"where", "is", "my", "café", "s", "parcels"}, LowerWords("Where is my Café’s PARCELS?"))
	require.Empty(t, LowerWords("?! …"))
}
