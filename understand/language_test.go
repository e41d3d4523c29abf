package understand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLanguage(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		text string
		want string
	}{
		{"english", "Hi, where is my order? It was supposed to arrive on Monday.", "en"},
		{"english short ascii", "order SP-1003 please", "en"},
		{"spanish", "Hola, ¿dónde está mi pedido? Lo compré hace una semana.", "es"},
		{"spanish without accents", "hola donde esta mi pedido", "es"},
		{"french", "Bonjour, je n'ai toujours pas reçu ma commande.", "fr"},
		{"french elisions", "J’ai un problème avec l’adresse de livraison", "fr"},
		{"german", "Hallo, ich habe meine Bestellung noch nicht erhalten.", "de"},
		{"portuguese", "Olá, meu pedido ainda não chegou, obrigado", "pt"},
		{"italian", "Ciao, il mio ordine non è ancora arrivato", "it"},
		{"dutch", "Hallo, mijn bestelling is nog niet aangekomen", "nl"},
		{"dutch polite", "Ik wil graag weten waar mijn pakket is", "nl"},
		{"italian short, a support word", "Mi spedite in Italia?", "it"},
		{"dutch short, support words", "Verzenden jullie naar België?", "nl"},
		{"english with a word of another's glossary", "Is there an article on returns?", "en"},

		// Unsure.
		{"one word", "Hello", ""},
		{"two words", "thanks!", ""},
		{"code only", "SP-1003", ""},
		{"empty", "", ""},
		{"mixed english and french", "Hello, je voudrais parler à un humain please", ""},
		{"non-latin script", "Где мой заказ?", ""},
		{"short non-ascii", "Merci!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, Language(tt.text), tt.text)
		})
	}
}

func TestSpoken(t *testing.T) {
	t.Parallel()
	for tag, want := range map[string]string{"en": "en", "de-AT": "de", "pt-BR": "pt", "NL": "nl", "ja": "", "": "", "fil": ""} {
		require.Equal(t, want, Spoken(tag), tag)
	}
}
