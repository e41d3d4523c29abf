package decide_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/decide"
)

func httpSpec(t *testing.T, name, schema string, triggers, examples []string) actions.Spec {
	t.Helper()
	d := actions.Definition{Name: name, Description: "Does " + name, Inputs: json.RawMessage(schema), Triggers: triggers,
		Examples: examples, Method: "POST", URL: "https://shop.example/x", ChangesData: true}
	require.NoError(t, d.Check())
	row, err := d.Row("ws", nil, nil)
	require.NoError(t, err)
	s, err := actions.SpecOf(row)
	require.NoError(t, err)
	return s
}

func TestMatchAction(t *testing.T) {
	t.Parallel()
	specs := map[string]actions.Spec{
		"change_size": httpSpec(t, "change_size", `{"type":"object","properties":{}}`, []string{"change the size", "exchange size"}, nil),
		"gift_card": httpSpec(t, "gift_card", `{"type":"object","properties":{}}`, nil,
			[]string{"What is the balance of my gift card?"}),
		decide.ActionOrderStatus: spec(decide.ActionOrderStatus, "verified"),
	}
	for _, c := range []struct{ text, want string }{
		{"Can I change the size of my jacket?", "change_size"},
		{"I'd like to CHANGE THE SIZE please", "change_size"},
		{"how much balance is left on this gift card", "gift_card"},
		{"do you sell gift cards?", ""},
		{"where is my order", ""},
		{"I want to change the sizes of things", ""},
	} {
		got, matched := decide.MatchAction(c.text, specs)
		require.Equal(t, c.want, got, c.text)
		require.Equal(t, got == "", matched == "", c.text)
	}
}

func TestExtractInputs(t *testing.T) {
	t.Parallel()
	s := httpSpec(t, "change_size", `{"type":"object","properties":{
		"order_ref":{"type":"string","description":"The order reference","pattern":"^[0-9]{4,8}$"},
		"size":{"type":"string","description":"The new size","enum":["Small","Medium","Large"]},
		"email":{"type":"string","description":"Where to send the receipt","format":"email"},
		"quantity":{"type":"integer","description":"How many"},
		"note":{"type":"string","description":"A note for the warehouse"}},"required":["order_ref","size"]}`,
		[]string{"change the size"}, nil)
	got := decide.ExtractInputs("Please change the size on order 104233 to medium, receipt to Ada@Example.com", s, "")
	require.Equal(t, map[string]string{"order_ref": "104233", "size": "Medium", "email": "ada@example.com"}, got,
		"the only number is the order's, not a quantity")
	got = decide.ExtractInputs("change the size on order 104233 to large, 2 of them", s, "")
	require.Equal(t, "2", got["quantity"])
	require.Equal(t, map[string]string{}, decide.ExtractInputs("change the size", s, ""))

	note, _ := s.Input("note")
	require.Equal(t, "leave it at the back door", decide.InputAnswer(" leave it at the back door ", note, ""), "a free-text input takes the reply")
	size, _ := s.Input("size")
	require.Equal(t, "Large", decide.InputAnswer("large please", size, ""))
	require.Equal(t, "", decide.InputAnswer("what sizes are there?", size, ""), "a reply without a value fills nothing")
	require.Contains(t, decide.AskInputText(size), "Small, Medium, Large")
}

func TestConfirmTextOfACompanyAction(t *testing.T) {
	t.Parallel()
	s := httpSpec(t, "change_size", `{"type":"object","properties":{"size":{"type":"string","description":"The new size"}}}`,
		[]string{"change the size"}, nil)
	require.Equal(t, "I'll does change_size (size: M). Shall I go ahead? (yes or no)", decide.ConfirmText(s, map[string]string{"size": "M"}))
	require.Equal(t, "Test conversation: I would does change_size (size: M). Nothing was changed.", decide.DryRunText(s, map[string]string{"size": "M"}))
	// In the customer's language, the company's words as written.
	require.Equal(t, "Vou fazer o seguinte: does change_size (size: M). Posso avançar? (sim ou não)",
		decide.Localize("pt", decide.ConfirmText(s, map[string]string{"size": "M"})))
	require.Equal(t, "Conversación de prueba: esto es lo que haría: does change_size (size: M). No se ha cambiado nada.",
		decide.Localize("es", decide.DryRunText(s, map[string]string{"size": "M"})))
}
