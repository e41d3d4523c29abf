package decide

import (
	"fmt"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/models"
)

// Texts the agent says in set situations.
const (
	TransferText = "I'm bringing in a member of our team, who will reply here shortly."
	// ActionUnavailableText answers a request for an action the agent may
	// not do here (ActionUnavailable), before the hand-off's message.
	ActionUnavailableText = "That's something I can't do for you here, but a member of our team can."
	// TransferLaterText stands for TransferText outside the team's working
	// hours, which the reply then gives: not "shortly".
	TransferLaterText = "I'm passing this to a member of our team, who will reply here."
	ClarifyText       = "I want to get this right: could you tell me a little more — for example which product or order it is about?"
	AvoidTopicText    = "I'm sorry, that's not something I can help with here."
	NeedOrderText     = "Which order is it? Please give me the order number (you'll find it in your order confirmation)."
	NeedEmailText     = "To protect your account, I need to confirm it's you first. Please tell me the email address you use with us, and I'll send a 6-digit code to it."
	MismatchText      = "I can only share or change details of your own account and orders, and this one isn't linked to the account you verified."
	// WrongCodeText asks again after a wrong code (%d: attempts left).
	WrongCodeText = "That code doesn't match. Please check the email and type the 6-digit code again (%d attempts left)."
	// CodeLockedText ends a verification after too many wrong codes.
	CodeLockedText = "That code doesn't match, and there are no attempts left. For your security I can't continue with this request; ask me again later and I'll send a new code, or ask for a person."
	// CodeExpiredText: the code is more than ten minutes old.
	CodeExpiredText = "That code has expired. Ask me again and I'll send a new one."
	// DefaultFallback is told to the customer when no rep accepted in time
	// and the team has no message of its own.
	DefaultFallback = "Our team is busy right now. A member of the team will follow up with you by email as soon as possible."
	// ApologyText answers a message the agent could not handle because
	// something it depends on failed: a person takes over.
	ApologyText = "I'm sorry — something went wrong on our side and I can't answer that right now. I've passed your message to our team, and a person will reply here."
	// VerifiedText thanks a customer who proved their email when a person
	// from the team asked them to (no action waited for it).
	VerifiedText = "Thank you: you're verified. Our team can now see your account."
	// HandedBackText tells the customer the agent has the conversation again.
	HandedBackText = "You're back with our assistant."
	// DontKnowAgainText is the second "I don't know" in a row, which a
	// person's joining follows: the customer is not asked to rephrase or
	// to ask for a person (answer.DontKnow), since one is coming.
	DontKnowAgainText = "I'm sorry, I couldn't find that in our help content either."
	// AnsweredAgainText stands for an answer the agent gave before in the
	// conversation (AnsweredAgain), before the hand-off's message.
	AnsweredAgainText = "That's all our help content says about it."
	// ReturnUndoneText: a return whose label could not be sent was cancelled.
	ReturnUndoneText = "I'm sorry, I couldn't complete the return just now, so I've cancelled it — nothing has changed on your order. Please try again in a little while."
)

// CodeSentText says where a verification code went, without confirming
// whether the address is on file.
func CodeSentText(email string) string {
	return fmt.Sprintf("To protect your account, I need to confirm it's you first. If %s is the address on your account, "+
		"I've just sent a 6-digit code to it: please type it here. It's valid for %d minutes.",
		MaskEmail(strings.ToLower(email)), int(CodeLifetime.Minutes()))
}

// RepJoinedText announces a rep who joined the conversation, with the
// team's name when it is known: "Ada from Support has joined the
// conversation."
func RepJoinedText(repName, teamName string) string {
	if repName != "" && teamName != "" {
		return repName + " from " + teamName + " has joined the conversation."
	}
	return RepName(repName) + " has joined the conversation."
}

// RepName is how the customer sees a rep's name.
func RepName(name string) string {
	if name == "" {
		return "A member of our team"
	}
	return name
}

// JoinSentences joins two texts with a space, either of which may be empty.
func JoinSentences(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// NoLongerText answers a pending action that was disabled meanwhile.
const NoLongerText = "That is something I can no longer do here; a member of our team can help."

// ResetUnavailableText answers a password reset the workspace enabled
// without the page it links to (before the page was required).
const ResetUnavailableText = "I can't send a password reset from here. A member of our team can help."

// InputRefusedText ends the gathering of an action's input after values the
// action refused.
const InputRefusedText = "I couldn't use the details given for that, so I haven't done anything. A member of our team can help if you need it."

// OrderStatusText says an order's status as the company's records have it,
// then the company's note for that status ("" for none:
// models.BuiltinOptions.StatusNotes), then, for a parcel on its way, where
// it can be followed. A date the records lack is left out.
func OrderStatusText(o models.Order, note string) string {
	on := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return " on " + t.Format("January 2")
	}
	var text, track string
	switch o.Status {
	case models.OrderProcessing:
		text = fmt.Sprintf("Order %s was placed%s and is being prepared; it has not shipped yet.", o.Number, on(&o.PlacedAt))
	case models.OrderShipped:
		text, track = fmt.Sprintf("Order %s shipped%s and is on its way.", o.Number, on(o.ShippedAt)), trackingText(o.Tracking.V)
	case models.OrderDelivered:
		text = fmt.Sprintf("Order %s was delivered%s.", o.Number, on(o.DeliveredAt))
	case models.OrderDelayed:
		text, track = fmt.Sprintf("Order %s shipped%s and is delayed in transit.", o.Number, on(o.ShippedAt)), trackingText(o.Tracking.V)
	case models.OrderLost:
		text = fmt.Sprintf("Order %s is marked as lost in transit.", o.Number)
	case models.OrderReturnRequested:
		text = fmt.Sprintf("A return has been started for order %s.", o.Number)
	default:
		text = fmt.Sprintf("Order %s is %s.", o.Number, o.Status)
	}
	return JoinSentences(JoinSentences(text, note), track)
}

// trackingText says where a parcel can be followed, as far as the order's
// tracking says: "It's with UPS, tracking number 1Z999. Track it here:
// https://…".
func trackingText(t *models.OrderTracking) string {
	if t == nil {
		return ""
	}
	var s string
	switch {
	case t.Carrier != "" && t.Number != "":
		s = "It's with " + t.Carrier + ", tracking number " + t.Number + "."
	case t.Carrier != "":
		s = "It's with " + t.Carrier + "."
	case t.Number != "":
		s = "Its tracking number is " + t.Number + "."
	}
	if t.URL != "" {
		s = JoinSentences(s, "Track it here: "+t.URL)
	}
	return s
}

// ReturnStartedText confirms a return started for an order, with the
// company's instructions for sending the items back ("" for none:
// models.BuiltinOptions.ReturnInstructions), which were emailed to email.
func ReturnStartedText(orderNumber, email, instructions string) string {
	if instructions == "" {
		return fmt.Sprintf("I've started a return for order %s and emailed a confirmation to %s.", orderNumber, MaskEmail(email))
	}
	return fmt.Sprintf("I've started a return for order %s. %s I've emailed this to %s too.", orderNumber, instructions, MaskEmail(email))
}

// ContactUpdatedText confirms the contact's details that changed ("name",
// "phone", "address").
func ContactUpdatedText(fields []string) string {
	return "Done: I've updated your " + listWords(fields) + "."
}

// listWords joins words as English lists them: "a", "a and b", "a, b and c".
func listWords(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// Email is an email the agent sends the customer, in lang (a code
// understand recognises; "" or "en" for English).
type Email struct{ Subject, Body string }

// Texts of the emails the agent sends.
const (
	codeEmailSubject  = "Verification code"
	codeEmailIgnore   = "If you did not ask for it, you can ignore this email: nobody can use your account without the code."
	resetEmailSubject = "Reset your password"
	resetEmailAsked   = "We were asked to reset the password of your account. Set a new password here:"
	resetEmailIgnore  = "If you did not ask for this, ignore this email: your password stays as it is."
)

// CodeEmail carries a verification code.
func CodeEmail(lang, code string) Email {
	body := fmt.Sprintf("Your verification code is %s. It is valid for %d minutes.\n\n%s", code, int(CodeLifetime.Minutes()), codeEmailIgnore)
	return localEmail(lang, codeEmailSubject, body)
}

// ReturnEmail confirms a return started for an order, with the company's
// instructions for sending the items back ("" for none), as written.
func ReturnEmail(lang, orderNumber, instructions string) Email {
	body := fmt.Sprintf("We've started a return for order %s.", orderNumber)
	if instructions != "" {
		body += "\n\n" + instructions
	}
	return localEmail(lang, fmt.Sprintf("Order %s: your return has started", orderNumber), body)
}

// ResetEmail links to the company's page where a password is reset.
func ResetEmail(lang, url string) Email {
	return localEmail(lang, resetEmailSubject, resetEmailAsked+"\n\n"+url+"\n\n"+resetEmailIgnore)
}

func localEmail(lang, subject, body string) Email {
	return Email{Subject: Localize(lang, subject), Body: Localize(lang, body)}
}

// PasswordResetSentText says where the password-reset link went.
func PasswordResetSentText(email string) string {
	return "I've emailed a link to reset your password to " + MaskEmail(email) + "."
}
