package decide

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/textfold"
	"github.com/switchboardhq/switchboard/understand"
)

// Protection levels of an action (models.ActionSetting.Protection).
const (
	// ProtectionNone: the action runs for whoever asks; it never reads or
	// changes a contact on the strength of an email someone typed.
	ProtectionNone = models.ProtectionNone
	// ProtectionVerified: the action runs only for the conversation's
	// verified contact, and only on that contact's orders.
	ProtectionVerified = models.ProtectionVerified
)

// ActionRequest is an action the customer asked for and what the turn knows
// of who asks and about what.
type ActionRequest struct {
	Spec actions.Spec
	// OrderNumber is the order the message names, "" for none.
	OrderNumber string
	// VerifiedEmail is the email the customer proved (a signed token, an
	// emailed code), "" for none. ClaimedEmail is one the customer only gave
	// (typed, or in the widget's contact form): it authorizes nothing, but
	// is where a verification code can be sent.
	VerifiedEmail string
	ClaimedEmail  string
	// Contact is the verified contact (nil when not verified or not on
	// file); Order the order named (nil when not found).
	Contact *Contact
	Order   *Order
	// Now and ReturnWindows (Settings.ReturnWindows) decide whether an
	// order may still be returned.
	Now           time.Time
	ReturnWindows map[string]int
}

// Clearance is whether an action may run. When it may not, Reply says what
// the customer is told; SendCode, when set, is the address a verification
// code is to be sent to first.
type Clearance struct {
	Proceed bool
	Reply   string
	// AskOrder is set when the action waits for the order number.
	AskOrder bool
	// Verify is set when the action waits for the customer to prove who
	// they are; SendCode is then the address a code goes to, "" when the
	// customer is asked for one.
	Verify   bool
	SendCode string
	Entry    Entry
}

// Clear checks an action before it runs. An order action needs an order
// number. A protected action, and any action on the contact itself, needs a
// verified identity: without one, the customer is asked to prove it (a code
// is sent to the address they gave, or they are asked for it); with one,
// the verified contact must own the order. The order must exist.
func Clear(r ActionRequest) Clearance {
	refuse := func(reply, summary string, detail map[string]any) Clearance {
		return Clearance{Reply: reply, Entry: ActionEntry(r.Spec.Name, r.Spec.Protection, summary, detail)}
	}
	needsOrder := actions.NeedsOrder(r.Spec)
	if needsOrder && r.OrderNumber == "" {
		c := refuse(NeedOrderText, "asked for the order number", map[string]any{})
		c.AskOrder = true
		return c
	}
	if r.Spec.Protection == ProtectionVerified || actions.ChangesContact(r.Spec) {
		verified := strings.ToLower(r.VerifiedEmail)
		if verified == "" {
			if r.ClaimedEmail == "" {
				c := refuse(NeedEmailText, "identity check: asked for the email address to verify", map[string]any{"identity": "missing"})
				c.Verify = true
				return c
			}
			c := refuse(CodeSentText(r.ClaimedEmail), "identity check: a verification code is sent to the address given",
				map[string]any{"identity": "unverified"})
			c.Verify, c.SendCode = true, strings.ToLower(r.ClaimedEmail)
			return c
		}
		if r.Spec.Kind == actions.KindHTTP {
			// The company's system gets the verified contact and checks
			// what it owns.
			return Clearance{Proceed: true}
		}
		owner := ""
		if r.Contact != nil {
			owner = strings.ToLower(r.Contact.Email)
		}
		if needsOrder && r.Order != nil {
			owner = strings.ToLower(r.Order.ContactEmail)
		}
		if owner == "" || owner != verified {
			return refuse(MismatchText, "identity check failed: not the verified customer's", map[string]any{"identity": "mismatch"})
		}
	}
	if needsOrder && r.Order == nil {
		return refuse(fmt.Sprintf("I couldn't find an order numbered %s. Could you check the number?", r.OrderNumber),
			"order not found", map[string]any{"order": r.OrderNumber})
	}
	if r.Spec.Name == ActionStartReturn && r.Order != nil && r.Contact != nil && !r.Now.IsZero() {
		// Told before any confirmation: a return the policy refuses is
		// never offered.
		if text, ok := ReturnRefusal(*r.Order, ReturnWindow(r.ReturnWindows, r.Contact.Tier), r.Now); !ok {
			return refuse(text, "return refused: "+text, map[string]any{"ok": false, "order": r.Order.Number})
		}
	}
	return Clearance{Proceed: true}
}

// ReturnRefusal says why an order cannot be returned within window at now;
// ok when it can.
func ReturnRefusal(o Order, window time.Duration, now time.Time) (text string, ok bool) {
	if o.Status == models.OrderReturnRequested {
		return fmt.Sprintf("A return has already been started for order %s.", o.Number), false
	}
	if o.Status != models.OrderDelivered || o.DeliveredAt == nil {
		return fmt.Sprintf("Order %s has not been delivered yet (it is %s), so it cannot be returned.", o.Number, o.Status), false
	}
	if now.Sub(*o.DeliveredAt) > window {
		return fmt.Sprintf("Order %s was delivered on %s, more than %d days ago, which is outside our return window.",
			o.Number, o.DeliveredAt.Format("January 2"), int(window.Hours()/24)), false
	}
	return "", true
}

// ActsForContact reports whether an action that may run is done for the
// conversation's verified contact: a protected one always is, and so is one
// that changes the contact.
func ActsForContact(s actions.Spec) bool {
	return s.Protection == ProtectionVerified || actions.ChangesContact(s)
}

// DryRunText says what an action that changes data would have done in a
// real conversation (an admin's test conversation changes nothing).
func DryRunText(s actions.Spec, inputs map[string]string) string {
	return "Test conversation: I would " + actionWords(s, inputs) + ". Nothing was changed."
}

// actionWords says what an action does, to complete "I'll …".
func actionWords(s actions.Spec, inputs map[string]string) string {
	if s.Kind == actions.KindHTTP {
		words := lowerFirst(strings.TrimSuffix(s.Description, "."))
		if given := InputsText(s, inputs); given != "" {
			words += " (" + given + ")"
		}
		return words
	}
	orderNumber := inputs[InputOrderNumber]
	switch s.Name {
	case ActionStartReturn:
		return "start a return for order " + orderNumber + " and email you the details"
	case ActionUpdateContact:
		var changes []string
		for _, f := range []string{understand.FieldName, understand.FieldPhone, understand.FieldAddress} {
			if v, ok := inputs[f]; ok {
				changes = append(changes, "your "+strings.Replace(f, understand.FieldPhone, "phone number", 1)+" to "+v)
			}
		}
		if len(changes) == 0 {
			return "update your details"
		}
		return "change " + listWords(changes)
	case ActionPasswordReset:
		return "email you a link to reset your password"
	}
	return "run the action " + s.Name
}

// ActionEntry is the journal entry of an action that ran, or that could not
// (ok false; the detail says why).
func ActionEntry(action, protection, summary string, detail map[string]any) Entry {
	detail["action"], detail["protection"] = action, protection
	return Entry{Kind: KindAction, Summary: summary, Detail: detail}
}

// Email verification by a code the agent sends to the address on file.
const (
	// CodeDigits is the length of a verification code.
	CodeDigits = 6
	// CodeAttempts is how many wrong codes end a verification.
	CodeAttempts = 3
	// CodeLifetime is how long a verification code is valid.
	CodeLifetime = 10 * time.Minute
)

var codePattern = regexp.MustCompile(`(?:^|[^0-9])([0-9]{3})[ -]?([0-9]{3})(?:$|[^0-9])`)

// FindCode returns the 6-digit code a message gives ("123456", "123 456",
// "123-456"), "" when it gives none.
func FindCode(text string) string {
	m := codePattern.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

// Verification outcomes of a code the customer typed.
const (
	CodeVerified = "verified"
	CodeWrong    = "wrong"
	CodeExpired  = "expired"
	CodeLocked   = "locked"
)

// CodeChecked is what the agent says and does about a code the customer
// typed: outcome is one of the Code constants, attemptsLeft counts what is
// left after a wrong one. Proceed is set when the pending action can now run.
type CodeChecked struct {
	Proceed bool
	Reply   string
	// Keep is set while the verification stays open (a wrong code with
	// attempts left).
	Keep  bool
	Entry Entry
}

// CheckedCode decides on the outcome of a typed code.
func CheckedCode(outcome string, attemptsLeft int) CodeChecked {
	entry := func(summary string) Entry {
		return Entry{Kind: KindVerification, Summary: summary, Detail: map[string]any{"outcome": outcome, "attempts_left": attemptsLeft}}
	}
	switch outcome {
	case CodeVerified:
		return CodeChecked{Proceed: true, Entry: entry("email verified by code")}
	case CodeWrong:
		if attemptsLeft > 0 {
			return CodeChecked{Keep: true, Reply: fmt.Sprintf(WrongCodeText, attemptsLeft), Entry: entry("wrong verification code")}
		}
		return CodeChecked{Reply: CodeLockedText, Entry: entry("wrong verification code: no attempts left")}
	case CodeLocked:
		return CodeChecked{Reply: CodeLockedText, Entry: entry("verification locked after too many attempts")}
	}
	return CodeChecked{Reply: CodeExpiredText, Entry: entry("verification code expired")}
}

// MaskEmail shows enough of an address for its owner to recognise it.
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || len(local) < 2 {
		return email
	}
	return local[:1] + strings.Repeat("•", min(len(local)-1, 5)) + "@" + domain
}

// ConfirmText is what the agent asks before an action that changes data: it
// says exactly what it will do.
func ConfirmText(s actions.Spec, inputs map[string]string) string {
	return "I'll " + actionWords(s, inputs) + ". Shall I go ahead? (yes or no)"
}

// DeclinedText answers a "no" to a confirmation question.
const DeclinedText = "OK, I won't go ahead with that, and nothing has changed. Is there anything else I can help you with?"

// Consent is the customer's answer to a confirmation question.
type Consent string

// The answers to a confirmation question.
const (
	Yes Consent = "yes"
	No  Consent = "no"
)

var yesWords = map[string]bool{
	"yes": true, "y": true, "yeah": true, "yep": true, "yup": true, "sure": true, "ok": true, "okay": true,
	"confirm": true, "confirmed": true, "correct": true, "si": true, "ja": true, "oui": true, "claro": true,
	"absolutely": true, "definitely": true, "proceed": true,
}

var noWords = map[string]bool{
	"no": true, "n": true, "nope": true, "nah": true, "cancel": true, "stop": true, "dont": true, "nein": true,
	"non": true, "never": true, "not": true, "wait": true,
}

var confirmFillers = map[string]bool{
	"please": true, "do": true, "it": true, "go": true, "ahead": true, "thanks": true, "thank": true, "you": true,
	"that": true, "thats": true, "right": true, "fine": true, "now": true, "then": true, "for": true, "me": true,
	"por": true, "favor": true, "bitte": true, "merci": true, "gracias": true, "danke": true, "the": true, "return": true,
}

// ConfirmationReading is how ConfirmationOf reads an answer. The agent's
// reading grew, and a conversation's run keeps the one it started with, so
// that its history replays.
type ConfirmationReading struct {
	// AllLanguages: the yes and no words of every language the agent asks in
	// ("sim", "nee"), and how each says go ahead to the question it was asked
	// ("pode avançar", "ga door", "allez-y"), count too.
	AllLanguages bool
}

// moreYesWords, moreNoWords and moreConfirmFillers are the words
// ConfirmationReading.AllLanguages adds (folded: lower case, no accents).
var moreYesWords = map[string]bool{
	"sim": true, "vale": true, "certo": true, "adelante": true, "hazlo": true, "procede": true, "sigue": true,
	"daccord": true, "entendu": true, "bon": true, "continuez": true, "continue": true, "allez": true, "vas": true,
	"klar": true, "gerne": true, "gern": true, "fortfahren": true, "naturlich": true, "genau": true,
	"pode": true, "avancar": true, "avance": true, "avanca": true, "prossiga": true,
	"procedi": true, "proceda": true, "vai": true, "bene": true, "esatto": true,
	"graag": true, "akkoord": true, "prima": true, "doorgaan": true, "oke": true,
}

var moreNoWords = map[string]bool{
	"nao": true, "nee": true, "niet": true, "nicht": true, "pas": true, "nunca": true, "jamais": true,
	"cancelar": true, "cancela": true, "annuler": true, "annulez": true, "abbrechen": true, "annulla": true,
	"annuleren": true, "espera": true, "espere": true, "attendez": true, "attends": true, "warte": true,
	"warten": true, "aspetta": true, "aspetti": true, "wacht": true,
}

var moreConfirmFillers = map[string]bool{
	"obrigado": true, "obrigada": true, "grazie": true, "dank": true, "bedankt": true, "je": true, "wel": true,
	"u": true, "alstublieft": true, "svp": true, "s": true, "il": true, "vous": true, "plait": true, "te": true,
	"per": true, "favore": true, "y": true, "va": true, "ga": true, "door": true, "doe": true, "maar": true,
	"gang": true, "hoor": true, "toch": true, "das": true, "sehr": true, "gut": true, "tres": true, "bien": true,
	"mach": true, "weiter": true, "mais": true, "muy": true, "muito": true, "bem": true, "beaucoup": true,
	"vielen": true, "muchas": true, "e": true, "cest": true,
}

// ConfirmationOf reads the customer's answer to a confirmation question:
// Yes, No, or "" when the message says something else (a change of subject).
// A message both agrees and refuses ("yes, no wait") is No.
func ConfirmationOf(text string, r ConfirmationReading) Consent {
	words := textfold.Words(text)
	if len(words) == 0 || len(words) > 8 {
		return ""
	}
	var yes, no bool
	for _, w := range words {
		switch {
		case yesWords[w] || r.AllLanguages && moreYesWords[w]:
			yes = true
		case noWords[w] || r.AllLanguages && moreNoWords[w]:
			no = true
		case confirmFillers[w] || r.AllLanguages && moreConfirmFillers[w]:
		default:
			return ""
		}
	}
	switch {
	case no:
		return No
	case yes:
		return Yes
	}
	// "go ahead", "do it", "please do": agreement without a yes word.
	joined := " " + strings.Join(words, " ") + " "
	if strings.Contains(joined, " go ahead ") || strings.Contains(joined, " do it ") || joined == " please do " {
		return Yes
	}
	if r.AllLanguages {
		for _, p := range []string{" ga door ", " ga je gang ", " doe maar ", " va bene ", " mach weiter ", " mach das "} {
			if strings.Contains(joined, p) {
				return Yes
			}
		}
	}
	return ""
}
