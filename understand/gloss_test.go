package understand_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/understand"
)

func TestGloss(t *testing.T) {
	t.Parallel()
	cases := []struct{ text, want string }{
		{"¿Cuánto tarda el envío a Canadá?", "how take shipping canada ?"},
		{"Wie lange dauert der Versand?", "long take shipping ?"},
		{"¿Cuántos días tengo para devolver un producto?", "how days return product ?"},
		{"Combien coûte la livraison ?", "how cost delivery ?"},
		{"¿Envían a España?", "ship espana ?"},
		{"How long does shipping take?", "How long does shipping take?"},
		{"SP-1003", "SP-1003"},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, understand.Gloss(tc.text), tc.text)
	}
}
