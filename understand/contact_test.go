package understand

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestContactUpdate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		text string
		want map[string]string
	}{
		{"phone", "Please change my phone number to +1 555 0100", map[string]string{"phone": "+1 555 0100"}},
		{"phone with brackets", "update my phone number to (555) 010-0199.", map[string]string{"phone": "(555) 010-0199"}},
		{"phone too short", "change my phone number to 555", nil},
		{"phone stops at words", "change my number to 555 010 0199 asap", map[string]string{"phone": "555 010 0199"}},
		{"number has changed", "My number has changed, it is now 555 010 0199", map[string]string{"phone": "555 010 0199"}},
		{"value needs a connector", "My number has changed, it's 555 010 0199", nil},
		{"number changed to", "my number has changed to 06 12 34 56 78", map[string]string{"phone": "06 12 34 56 78"}},
		{"address", "update my address to 12 Elm St, Portland", map[string]string{"address": "12 Elm St, Portland"}},
		{"address abbreviation", "Change my address to 12 Elm St. Portland, OR 97201.", map[string]string{"address": "12 Elm St. Portland, OR 97201"}},
		{"address colon", "Please update my address: 42 Rue de Rivoli, 75001 Paris", map[string]string{"address": "42 Rue de Rivoli, 75001 Paris"}},
		{"address ends before thanks", "new address is 99 Oak Ave, Apt 4, Seattle, thanks!", map[string]string{"address": "99 Oak Ave, Apt 4, Seattle"}},
		{"name", "My new name is Ada Lovelace.", map[string]string{"name": "Ada Lovelace"}},
		{"name with accents", "Change my name to Zoë Müller-Lüdenscheidt", map[string]string{"name": "Zoë Müller-Lüdenscheidt"}},
		{"name on the account", "Can you change the name on my account to Ada Byron?", map[string]string{"name": "Ada Byron"}},
		{"two fields", "change my name to Ada please and my phone to 555-010-0199",
			map[string]string{"name": "Ada", "phone": "555-010-0199"}},
		{"two fields joined by and", "change my phone number to +1 (555) 010-0100 and my address to 12 Elm St, Portland",
			map[string]string{"phone": "+1 (555) 010-0100", "address": "12 Elm St, Portland"}},
		{"first value wins", "change my name to Ada. Change my name to Grace.", map[string]string{"name": "Ada"}},
		{"spanish", "Quiero cambiar mi dirección a Calle Mayor 5, Madrid", map[string]string{"address": "Calle Mayor 5, Madrid"}},
		{"french", "Ma nouvelle adresse est 3 rue Victor Hugo, Lyon", map[string]string{"address": "3 rue Victor Hugo, Lyon"}},
		{"german", "Bitte ändern Sie meine Adresse auf Hauptstraße 5, 10115 Berlin", map[string]string{"address": "Hauptstraße 5, 10115 Berlin"}},
		{"no value", "I need to update my phone number", nil},
		{"introduction is not a change", "Hi, my name is Ada", nil},
		{"negated", "I don't want to change my name to Ada", nil},
		{"email address is not a field", "change my email address to ada@example.com", nil},
		{"user name is not a field", "change my user name to ada99", nil},
		{"name too long", "change my name to " + strings.Repeat("Ada ", 60), nil},
		{"phone before a long story", "change my phone to 555 010 0199 because " + strings.Repeat("my old one was stolen ", 60),
			map[string]string{"phone": "555 010 0199"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, ContactUpdate(tt.text), tt.text)
		})
	}
}
