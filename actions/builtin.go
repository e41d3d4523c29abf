package actions

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/apperr"
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
		Description: "Start a return of a delivered order within the return window, and email the customer how to send it back.",
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

// CheckOptions checks a built-in action's options (models.BuiltinOptions)
// as an admin sets them: each belongs to one action, a status note to a
// status an order may have, and the password reset is enabled only with the
// page it sends the customer to.
func CheckOptions(name string, enabled bool, o models.BuiltinOptions) error {
	only := func(field, action string) error {
		return apperr.Invalid(field, "only "+action+" takes it")
	}
	switch {
	case len(o.StatusNotes) > 0 && name != OrderStatus:
		return only("status_notes", OrderStatus)
	case o.ReturnInstructions != "" && name != StartReturn:
		return only("return_instructions", StartReturn)
	case o.ResetURL != "" && name != PasswordReset:
		return only("reset_url", PasswordReset)
	}
	for _, status := range slices.Sorted(maps.Keys(o.StatusNotes)) {
		field := "status_notes." + status
		if !slices.Contains(models.OrderStatuses, status) {
			return apperr.Invalid(field, fmt.Sprintf("not an order status (%s)", strings.Join(models.OrderStatuses, ", ")))
		}
		if err := checkText(field, o.StatusNotes[status]); err != nil {
			return err
		}
	}
	if o.ReturnInstructions != "" {
		if err := checkText("return_instructions", o.ReturnInstructions); err != nil {
			return err
		}
	}
	if name == PasswordReset && enabled && o.ResetURL == "" {
		return apperr.Invalid("reset_url", "is required to enable password_reset: the page of your site where a customer sets a new password, which the email links to")
	}
	if o.ResetURL != "" {
		u, err := url.Parse(o.ResetURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return apperr.Invalid("reset_url", fmt.Sprintf("%q is not an http or https URL without credentials", o.ResetURL))
		}
	}
	return nil
}

func checkText(field, text string) error {
	if strings.TrimSpace(text) == "" || len(text) > maxTextChars {
		return apperr.Invalid(field, fmt.Sprintf("must be 1 to %d characters", maxTextChars))
	}
	return nil
}
