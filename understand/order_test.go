package understand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOrderNumber(t *testing.T) {
	t.Parallel()

	sp := []string{"SP"}
	tests := []struct {
		name     string
		text     string
		prefixes []string
		want     string
	}{
		// With the workspace prefix.
		{"dash", "Where is my order SP-1003?", sp, "SP-1003"},
		{"lower case", "where is sp-1003", sp, "SP-1003"},
		{"space", "order sp 1003 please", sp, "SP-1003"},
		{"no separator", "SP1003 hasn't arrived", sp, "SP-1003"},
		{"en dash", "SP–1003", sp, "SP-1003"},
		{"leading zeros kept", "SP-0042 is late", sp, "SP-0042"},
		{"bare order", "Where is order 1003?", sp, "SP-1003"},
		{"hash", "#1003 never arrived", sp, "SP-1003"},
		{"order number words", "my order no. 1003", sp, "SP-1003"},
		{"order hash", "order #1003", sp, "SP-1003"},
		{"spanish bare", "mi pedido 1003 no llegó", sp, "SP-1003"},
		{"german bare", "Bestellung Nr. 1003", sp, "SP-1003"},
		{"order nr is not a prefix", "order nr 1003", sp, "SP-1003"},
		{"code after a bare number with another prefix", "AB-999 and #1003", sp, "SP-1003"},
		{"prefix configured with dash and case", "sp 1003", []string{" sp- "}, "SP-1003"},
		{"configured prefix wins over earlier other code", "AB-999 is not mine, SP-1003 is", sp, "SP-1003"},
		{"configured prefix wins over bare", "order 1002, I mean SP-1003", sp, "SP-1003"},
		{"bare needs three digits", "order 12", sp, ""},
		{"number alone is not an order", "I paid 1003 dollars", sp, ""},
		{"phone number", "call me at 555-0100", sp, ""},

		// Without prefixes.
		{"no prefixes dash", "Where is SP-1003?", nil, "SP-1003"},
		{"no prefixes bare", "Where is order 1003?", nil, ""},
		{"no prefixes hash", "#1003", nil, ""},
		{"no prefixes upper space", "AB 12345 is missing", nil, "AB-12345"},
		{"no prefixes lower space", "it was ab 12345", nil, ""},
		{"common word", "MY 1003 ORDER", nil, ""},
		{"currency", "USD 1500 was charged", nil, ""},
		{"inside email", "write to sp-1003@example.com", nil, ""},

		// Several prefixes: bare numbers are ambiguous.
		{"two prefixes bare", "order 1003", []string{"SP", "EU"}, ""},
		{"two prefixes second", "eu-2001 please", []string{"SP", "EU"}, "EU-2001"},
		{"empty prefixes ignored", "order 1003", []string{"", "SP", "sp"}, "SP-1003"},

		{"empty", "", sp, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, OrderNumber(tt.text, tt.prefixes), tt.text)
		})
	}
}

func TestEmail(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		text string
		want string
	}{
		{"lower-cased", "my email is Ada@Example.com", "ada@example.com"},
		{"trailing full stop", "It's ada.lovelace@example.co.uk.", "ada.lovelace@example.co.uk"},
		{"plus and dash", "use ada+shop@mail-host.io, thanks", "ada+shop@mail-host.io"},
		{"first of two", "old: a@b.com new: c@d.org", "a@b.com"},
		{"in brackets", "<ada@example.com>", "ada@example.com"},
		{"leading dots trimmed", "...ada@example.com", "ada@example.com"},
		{"no top-level domain", "ada@localhost", ""},
		{"no at sign", "ada at example dot com", ""},
		{"bare at", "meet @ 5pm", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, Email(tt.text), tt.text)
		})
	}
}
