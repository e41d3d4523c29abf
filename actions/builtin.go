package actions

import (
	"encoding/json"
	"slices"

	"github.com/switchboardhq/switchboard/models"
)

// builtins are the agent's own actions over the CRM tables, in the order
// they are listed.
var builtins = []Spec{
	{
		Name: OrderStatus, Description: "Look up the status of one of the customer's orders: placed, shipped, delivered, delayed or lost.",
		Schema: json.RawMessage(`{"type":"object","properties":{"order_number":{"type":"string","description":"The order number, as the customer's confirmation email shows it."}},"required":["order_number"]}`),
	},
	{
		Name: StartReturn, ChangesData: true,
		Description: "Start a return of a delivered order within the return window, and email the customer a prepaid return label.",
		Schema:      json.RawMessage(`{"type":"object","properties":{"order_number":{"type":"string","description":"The number of the delivered order to return."}},"required":["order_number"]}`),
	},
	{
		Name: UpdateContact, ChangesData: true,
		Description: "Change the customer's own name, phone number or postal address on file.",
		Schema:      json.RawMessage(`{"type":"object","properties":{"name":{"type":"string","description":"The customer's new full name."},"phone":{"type":"string","description":"The customer's new phone number."},"address":{"type":"string","description":"The customer's new postal address."}}}`),
	},
	{
		Name: PasswordReset, ChangesData: true,
		Description: "Email the customer a link to reset the password of their account.",
		Schema:      json.RawMessage(`{"type":"object","properties":{}}`),
	},
}

func init() {
	for i := range builtins {
		inputs, err := ParseInputs(builtins[i].Schema)
		if err != nil {
			panic("actions: built-in " + builtins[i].Name + ": " + err.Error())
		}
		builtins[i].Kind, builtins[i].Inputs = KindBuiltin, inputs
		builtins[i].Protection = models.ProtectionVerified
	}
}

// Builtins returns the built-in actions, each with the default protection
// (verified).
func Builtins() []Spec {
	out := make([]Spec, len(builtins))
	for i, s := range builtins {
		out[i] = s
		out[i].Inputs = slices.Clone(s.Inputs)
	}
	return out
}

// Builtin returns the named built-in action.
func Builtin(name string) (Spec, bool) {
	for _, s := range Builtins() {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// NeedsOrder reports whether an action works on one of the CRM's orders (a
// built-in whose identity check includes the order's owner).
func NeedsOrder(s Spec) bool {
	return s.Kind == KindBuiltin && (s.Name == OrderStatus || s.Name == StartReturn)
}

// ChangesContact reports whether an action reads or changes the contact
// itself (its details, its password): whatever its protection level, it
// runs only for a verified contact.
func ChangesContact(s Spec) bool {
	return s.Kind == KindBuiltin && (s.Name == UpdateContact || s.Name == PasswordReset)
}
