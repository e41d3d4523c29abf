package decide

import (
	"fmt"
	"strings"
)

// ProtectionMatchEmail is the protection level of an action that runs only
// for the contact whose email the conversation gave, and only on that
// contact's orders.
const ProtectionMatchEmail = "match_email"

// NeedsOrder reports whether an action works on an order.
func NeedsOrder(action string) bool {
	return action == ActionOrderStatus || action == ActionStartReturn
}

// ActionRequest is an action the customer asked for and what the turn knows
// of who asks and about what.
type ActionRequest struct {
	Action     string
	Protection string
	// OrderNumber is the order the message names, "" for none.
	OrderNumber string
	// ClaimedEmail is the email the conversation gave.
	ClaimedEmail string
	// Contact is the contact of ClaimedEmail, Order the order named; nil
	// when not found.
	Contact *Contact
	Order   *Order
}

// Clearance is whether an action may run. When it may not, Reply says what
// the customer is told.
type Clearance struct {
	Proceed bool
	Reply   string
	Entry   Entry
}

// Clear checks an action before it runs: an order action needs an order
// number; a protected action needs the conversation's email, and that email
// must own the contact (and the order); the order must exist.
func Clear(r ActionRequest) Clearance {
	refuse := func(reply, summary string, detail map[string]any) Clearance {
		return Clearance{Reply: reply, Entry: ActionEntry(r.Action, r.Protection, summary, detail)}
	}
	needsOrder := NeedsOrder(r.Action)
	if needsOrder && r.OrderNumber == "" {
		return refuse(NeedOrderText, "asked for the order number", map[string]any{})
	}
	if r.Protection == ProtectionMatchEmail {
		claimed := strings.ToLower(r.ClaimedEmail)
		if claimed == "" {
			return refuse(NeedEmailText, "identity check: asked for the email address", map[string]any{"identity": "missing"})
		}
		owner := ""
		if r.Contact != nil {
			owner = strings.ToLower(r.Contact.Email)
		}
		if needsOrder && r.Order != nil {
			owner = strings.ToLower(r.Order.ContactEmail)
		}
		if owner == "" || owner != claimed {
			return refuse(MismatchText, "identity check failed: the email does not match", map[string]any{"identity": "mismatch"})
		}
	}
	if needsOrder && r.Order == nil {
		return refuse(fmt.Sprintf("I couldn't find an order numbered %s. Could you check the number?", r.OrderNumber),
			"order not found", map[string]any{"order": r.OrderNumber})
	}
	return Clearance{Proceed: true}
}

// ActsForContact reports whether an action that may run is done for the
// conversation's contact: a protected action always is; an unprotected one
// only when it changes the contact itself (its details, its password).
func ActsForContact(action, protection string) bool {
	return protection == ProtectionMatchEmail || action == ActionUpdateContact || action == ActionPasswordReset
}

// ActionEntry is the journal entry of an action that ran, or that could not
// (ok false; the detail says why).
func ActionEntry(action, protection, summary string, detail map[string]any) Entry {
	detail["action"], detail["protection"] = action, protection
	return Entry{Kind: KindAction, Summary: summary, Detail: detail}
}
