package understand

import "slices"

// Intent is the CRM action a customer message asks for, if any. Its values
// are the action names the workflows use.
type Intent string

// The intents DetectIntent recognises.
const (
	// IntentNone is a message that asks for none of the actions below.
	IntentNone Intent = ""
	// IntentOrderStatus asks where an order is: "where is my order
	// SP-1003?", "status of order SP-1003", "has my order shipped", "track
	// my package", "I still haven't received my parcel".
	IntentOrderStatus Intent = "order_status"
	// IntentStartReturn asks to return something: "I want to return order
	// SP-1002", "start a return for SP-1002", "can I send these back?".
	// Questions about the return policy are not returns.
	IntentStartReturn Intent = "start_return"
	// IntentUpdateContact asks to change the customer's phone number, name
	// or address: "change my phone number to +1 555 0100", "update my
	// address to 12 Elm St, Portland", "my new name is Ada Byron".
	IntentUpdateContact Intent = "update_contact"
	// IntentPasswordReset asks for a new password: "reset my password",
	// "forgot my password", "send me a password reset link". "I can't log
	// in" alone is not one.
	IntentPasswordReset Intent = "password_reset"
	// IntentCancel asks to cancel an order, a subscription or a booking:
	// "please cancel my order", "I want to cancel order SP-1003", "how do
	// I cancel my subscription?", "stop my order", "don't send it". No
	// built-in action does it: it is a request for a person unless the
	// company defines an action for it or the content answers it.
	IntentCancel Intent = "cancel"
	// IntentBillingProblem reports a wrong charge: "I was charged twice",
	// "you overcharged me", "there's a charge I didn't authorise". Like a
	// cancellation, only a person puts it right unless the company defines
	// an action for it or the content answers it.
	IntentBillingProblem Intent = "billing_problem"
)

// PersonOnly reports whether intent asks for something no built-in action
// does, which a person does when the company has no action of its own for
// it: a cancellation, a wrong charge.
func PersonOnly(intent Intent) bool {
	return intent == IntentCancel || intent == IntentBillingProblem
}

// billingProblemPhrases report a wrong charge.
var billingProblemPhrases = mustPhrases(
	"charged|billed|charging|billing …2 twice|double|again|wrong",
	"charged|billed …2 two times",
	"charged|billed …2 too much",
	"double|duplicate|duplicated|extra|unknown|unauthorized|unauthorised|unexpected|wrong …1 charge|charges|payment|payments|billing|invoice",
	"overcharged|overcharge|overcharging|overbilled",
	"didnt|not …2 authorize|authorise|authorized|authorised|recognize|recognise …3 charge|charges|payment|payments",
	"charge|charges|payment …3 didnt|dont|not …1 authorize|authorise|recognize|recognise|make",
	// Spanish, French, German, Portuguese, Italian, Dutch.
	"cobrado|cobraron|cargado …2 dos veces|doble",
	"cobro|cargo …1 doble|duplicado",
	"débité|facturé|prélevé …2 deux fois",
	"doppelt …3 abgebucht|berechnet|belastet",
	"cobrado|cobraram …2 duas vezes",
	"addebitato|addebitati …2 due volte",
	"dubbel …3 afgeschreven|betaald|gerekend",
)

// Nouns for what a customer orders, used by orderStatusPhrases.
const (
	orderNouns   = "order|orders|package|packages|parcel|parcels|delivery|shipment|items|item|stuff|purchase|#"
	shippedVerbs = "shipped|ship|dispatched|delivered|arrived|arrive|arriving|sent"
)

// orderStatusPhrases ask where an order is.
var orderStatusPhrases = mustPhrases(
	"where|wheres …3 "+orderNouns,
	// "Where is it now?", "the status of it": the order the conversation
	// is about.
	"where|wheres …1 it", "status …1 it",
	"order|package|parcel|delivery|shipping|shipment|tracking status",
	"update|updates|news on|about|regarding|for …2 "+orderNouns,
	"track|trace …2 it|"+orderNouns,
	"tracking",
	"has|did|will|when|whens|is|was …3 it|"+orderNouns+" …3 "+shippedVerbs,
	"it|its|they|"+orderNouns+" …3 not|hasnt|havent|didnt|isnt|arent|never|yet|still …2 "+shippedVerbs+"|come|here",
	"ship|shipped|dispatch|dispatched|deliver …2 "+orderNouns,
	"havent|hasnt|didnt|not|never|still …2 received|receive|got|get|gotten …3 it|anything|"+orderNouns,
	"when …3 get|receive …2 it|"+orderNouns,
	// "Is my order going to be late?", "why is my parcel delayed?" (not
	// "what if an order is delayed?", which the content answers, nor "my
	// other order is late too", said in passing).
	"is|will|why …2 my|our …1 "+orderNouns+" …3 late|delayed|overdue|stuck",
	// "How long until it arrives?", "how long till my order ships".
	"until|till …3 it|"+orderNouns+" …3 "+shippedVerbs+"|arrives|ships|comes|gets",
	"eta", "estimated|expected delivery|arrival", "delivery date|estimate", "on its way", "out for delivery", "in transit",
	// Spanish.
	"dónde …3 pedido|paquete|envío|compra|#", "estado …3 pedido|paquete|envío|#", "seguimiento",
	"no …2 recibido|llegado|llegó …3 pedido|paquete|envío|#",
	"pedido|paquete|envío|# …3 no …2 llegado|llegó|llega|enviado",
	"cuándo …3 pedido|paquete|envío|# …3 llega|llegará|llegue",
	"cuándo …2 llega|llegará|llegue|recibiré …3 pedido|paquete|envío|#",
	// French.
	"où …3 commande|colis|livraison|#", "suivi …3 commande|colis|livraison|#",
	"commande|colis|# …3 pas …2 arrivé|arrivée|reçu|reçue|livré|livrée|expédié|expédiée",
	"quand …3 recevoir|arrivera|livré|livrée|expédié|expédiée …3 commande|colis|#",
	"quand …3 commande|colis|# …3 arriver|arrivera|livrée|expédiée",
	// German.
	"wo …3 bestellung|paket|lieferung|sendung|#", "status …3 bestellung|paket|lieferung|sendung|#",
	"sendungsverfolgung|sendungsnummer",
	"bestellung|paket|lieferung|sendung|# …3 nicht|noch …2 angekommen|geliefert|versendet|verschickt|zugestellt|da",
	"wann …3 bestellung|paket|lieferung|sendung|# …3 kommt|ankommen|geliefert|versendet|verschickt|zugestellt",
	// Portuguese.
	"onde …3 pedido|encomenda|pacote|#", "rastreio|rastreamento",
	"pedido|encomenda|pacote|# …3 não …2 chegou|entregue|enviado|enviada",
	"quando …3 pedido|encomenda|pacote|# …3 chega|chegar|chegará",
	// Italian.
	"dove …3 ordine|pacco|spedizione|#", "stato …3 ordine|pacco|spedizione|#",
	"ordine|pacco|# …3 non …2 arrivato|arrivata|consegnato|spedito",
	"quando …3 ordine|pacco|# …3 arriva|arriverà|consegnato|spedito",
	// Dutch.
	"waar …3 bestelling|pakket|zending|#", "status …3 bestelling|pakket|zending|#", "track en trace",
	"bestelling|pakket|zending|# …3 niet|nog …2 aangekomen|bezorgd|geleverd|verzonden",
	"wanneer …3 bestelling|pakket|zending|# …3 komt|bezorgd|geleverd|verzonden",
)

// returnWords are the verbs for returning an item.
const returnWords = "return|returning"

// returnWishPhrases wish to return something: "I want to return", "I'd
// like to return", "I need to send it back". After "do", "does", "did" or
// "should" they are a question about the policy ("Do I need to return the
// charger?").
var returnWishPhrases = mustPhrases(
	"want|wanna|need|wish|prefer|hoping|trying|planning|going …2 "+returnWords,
	"would|id|wed|should …1 like|love …2 "+returnWords,
	"want|wanna|need|wish|prefer|hoping|trying|planning|going …2 send|ship|mail …3 back",
	"would|id|wed|should …1 like|love …2 send|ship|mail …3 back",
	// Spanish, French, German, Portuguese, Italian, Dutch (the verb comes
	// last in German and Dutch).
	"quiero|quisiera|necesito|deseo|gustaría …2 devolver|devolverlo|devolverla|devolverlos|devolverlas",
	"veux|voudrais|souhaite|souhaiterais|dois|aimerais …2 retourner|renvoyer|rendre",
	"möchte|will|muss|würde|gerne …5 zurückschicken|zurücksenden|zurückgeben|retournieren",
	"quero|gostaria|preciso …2 devolver",
	"vorrei|voglio|devo …2 restituire|rendere",
	"wil|zou|moet …3 terugsturen|retourneren",
)

// returnRequestPhrases start a return or name what goes back.
var returnRequestPhrases = mustPhrases(
	// Starting one: "start a return", "open a return request".
	"start|initiate|open|begin|request|file|submit|arrange|make|do|create|book …2 return|returns",
	// Naming what goes back: "return my order", "return SP-1002", "send these back".
	returnWords+" my|our|this|these|those|it|them|#",
	returnWords+" order|orders|item|items|package|parcel|purchase …2 #",
	"send|ship|mail back my|our|this|these|those|it|them|the|#",
	"send|ship|mail it|them|this|these|those|my|our|the …2 back",
	"help me|with …1 "+returnWords,
	// Spanish, French, German, Portuguese, Italian, Dutch.
	"devolver mi|mis|este|esta|estos|estas|pedido|#",
	"iniciar|hacer|solicitar|tramitar …2 devolución",
	"retourner|renvoyer ma|mon|mes|ce|cet|cette|ces|commande|#",
	"faire|demander|lancer|effectuer …2 retour",
	"retoure|rücksendung …3 anmelden|starten|beantragen|veranlassen",
	"devolver meu|minha|meus|minhas|pedido|encomenda|#",
	"fare|richiedere|avviare …2 reso",
	"retour …2 aanmelden|aanvragen",
	// Naming it by a pronoun, as "return it" does: "¿Puedo devolverlo?",
	// "Puis-je la retourner ?", "Kann ich sie zurückschicken?", "Posso
	// devolvê-la?", "Posso restituirlo?", "Kan ik het terugsturen?".
	"puedo|podría|podria|quiero …1 devolverlo|devolverla|devolverlos|devolverlas",
	"la|le|les retourner|renvoyer|rendre",
	"sie|es|ihn|die|den|das|diese|diesen|dieses …1 zurückschicken|zurücksenden|zurückgeben|retournieren",
	"devolve lo|la|los|las",
	"devolver …1 pedido|encomenda|#",
	"restituirlo|restituirla|restituirli|restituirle",
	"het|de|ze|hem|dit|deze …1 terugsturen|retourneren|terugbrengen",
)

// conditionals before a return request make it hypothetical, a question
// about the policy: "If I return my order, do I pay shipping?".
var conditionals = map[string]bool{
	"if": true, "whether": true, "when": true, "si": true, "cuando": true, "quand": true,
	"wenn": true, "falls": true, "ob": true, "se": true, "quando": true, "als": true, "wanneer": true,
}

// costWords before a return request turn it into a question about what a
// return costs: "do I have to pay to send it back?", "is it free to return
// it?".
var costWords = map[string]bool{
	"pay": true, "pays": true, "paying": true, "paid": true, "cost": true, "costs": true, "charge": true,
	"charged": true, "fee": true, "free": true,
}

// policyQuestions before a wish to return turn it into a question about
// the policy: "Do I need to return the charger?".
var policyQuestions = map[string]bool{
	"do": true, "does": true, "did": true, "should": true, "must": true,
}

// notReturnObjects are words that, right after a return word, show it is
// about returns in general rather than a request ("return policy", "return
// window", "return to the homepage").
var notReturnObjects = map[string]bool{
	"policy": true, "policies": true, "window": true, "period": true, "rules": true, "conditions": true,
	"terms": true, "deadline": true, "process": true, "procedure": true, "fee": true, "fees": true,
	"cost": true, "costs": true, "options": true, "time": true, "limit": true, "info": true,
	"information": true, "to": true, "home": true, "politique": true, "richtlinie": true,
	"politica": true, "frist": true, "delai": true, "plazo": true,
}

// passwordRequestPhrases ask for a new password with the verb first; a
// negated one does not count ("I didn't forget my password").
var passwordRequestPhrases = mustPhrases(
	"reset|resetting|forgot|forget|forgotten|change|changing|recover|lost|new|update …2 password|passwort|passcode|pw|pwd",
	"restablecer|reestablecer|cambiar|recuperar|olvidé|olvidó|resetear|nueva …2 contraseña|clave",
	"réinitialiser|changer|oublié|récupérer|perdu|nouveau …3 mot de passe",
	"vergessen|zurücksetzen|ändern|neues …3 passwort|kennwort",
	"esqueci|redefinir|recuperar|mudar|alterar|trocar|nova …2 senha",
	"reimpostare|recuperare|dimenticato|cambiare|nuova …2 password",
	"vergeten|resetten|wijzigen|nieuw …3 wachtwoord",
)

// passwordNounPhrases ask for a new password with the password first:
// "password reset link", "my password needs to be reset", "Passwort
// vergessen". They are not checked for negation: "I haven't received the
// password reset email" still asks for one.
var passwordNounPhrases = mustPhrases(
	"password|passwort|kennwort|contraseña|senha|wachtwoord …3 reset|resetting|recovery|recover|forgot|forgotten|vergessen|zurücksetzen|ändern|vergeten|resetten|wijzigen|olvidada|esquecida|dimenticata",
	"mot de passe …2 oublié|réinitialiser|réinitialisation|perdu",
)

// cancelObjects are what a customer cancels.
const cancelObjects = "order|orders|purchase|subscription|subscriptions|sub|membership|plan|booking|reservation|delivery|shipment|#"

// cancelPhrases ask to cancel something; a negated, conditional one does
// not count, nor one about the policy ("cancellation policy").
var cancelPhrases = mustPhrases(
	"cancel|cancelling|canceling|cancellation|cancelation …3 it|this|that|them|"+cancelObjects,
	"cancel|cancelling|canceling …1 my|our|the|this",
	"stop|halt …2 my|our|the|this …1 "+cancelObjects,
	"call off …2 my|our|the|this …1 "+cancelObjects,
	"call it off",
	// Spanish, French, German, Portuguese, Italian, Dutch (the verb comes
	// last in German and Dutch).
	"cancelar|anular|cancelarlo|cancelarla …3 pedido|compra|suscripción|suscripcion|reserva|#",
	"cancelarlo|cancelarla|anularlo|anularla",
	"annuler|résilier|resilier …3 commande|abonnement|réservation|reservation|#",
	"l annuler",
	"stornieren|storniert|kündigen|stornierung|storno",
	"cancelar|anular …3 encomenda|assinatura",
	"annullare|cancellare|disdire|annullarlo|annullarla …3 ordine|abbonamento|prenotazione|#",
	"annuleren|opzeggen|annulering",
)

// notCancelObjects, right after a cancel word, make it a question about
// cancelling in general: "cancellation policy", "cancellation fee".
var notCancelObjects = map[string]bool{
	"policy": true, "policies": true, "fee": true, "fees": true, "charge": true, "charges": true, "terms": true,
	"period": true, "window": true, "deadline": true, "conditions": true, "rules": true,
}

// dontSendPhrases ask to stop an order in the negative: "don't send it",
// "please do not ship my order".
var dontSendPhrases = mustPhrases(
	"dont|not send|ship|dispatch|deliver …1 it|them|my|our|the|this …1 order|orders|parcel|package|yet",
	"dont|not send|ship|dispatch|deliver it|them",
)

// asksToCancel reports whether m asks to cancel something: a cancel
// phrase that is not negated, not hypothetical ("if I cancel my order…")
// and not about the policy, or a wish that something not be sent.
func (m message) asksToCancel() bool {
	for _, sp := range m.find(cancelPhrases) {
		s := m.sentences[sp.sentence]
		next := min(sp.start+1, len(s)-1)
		if m.negated(sp) || m.preceded(sp, conditionals) || notCancelObjects[s[next].text] ||
			(sp.end < len(s) && notCancelObjects[s[sp.end].text]) {
			continue
		}
		return true
	}
	for _, sp := range m.find(dontSendPhrases) {
		if m.bidding(sp) {
			return true
		}
	}
	return false
}

// biddingWords may come before an imperative in its clause: "please do
// not send it", "so don't ship it".
var biddingWords = map[string]bool{"please": true, "do": true, "just": true, "so": true, "and": true, "but": true, "then": true}

// bidding reports whether sp starts its clause but for biddingWords: "don't
// send it" bids, "you did not send my order" tells.
func (m message) bidding(sp span) bool {
	s := m.sentences[sp.sentence]
	for i := sp.start - 1; i >= 0 && s[i].clause == s[sp.start].clause; i-- {
		if !biddingWords[s[i].text] {
			return false
		}
	}
	return true
}

// DetectIntent returns the CRM action text asks for, or IntentNone. It is a
// phrase heuristic: whole words within one sentence, ignoring case, accents
// and the kind of apostrophe; each intent is documented on its constant.
// When a message asks for several, the first of these wins:
//
//  1. IntentStartReturn — a first-person request to return something (the
//     rule is below). Return wins over order status: "I want to return
//     order SP-1002 which was delivered" is a return.
//  2. IntentPasswordReset — "reset/forgot/change/new … password" (and
//     Spanish, French, German, Portuguese, Italian, Dutch forms), or
//     "password reset/recovery". "I can't log in" alone is not a password
//     reset. A negated verb does not count ("I didn't forget my password").
//  3. IntentUpdateContact — a change to the phone number, name or address
//     (see [ContactUpdate] for the exact rule). "Change my email address"
//     is not one: email is not a contact field here.
//  4. IntentCancel — "cancel/stop/call off … my order, subscription,
//     booking", "cancellation of order SP-1003", "don't send it", and
//     "cancelar", "annuler", "stornieren", "kündigen", "annullare",
//     "annuleren". A negated or conditional one does not count ("I don't
//     want to cancel", "if I cancel my order…"), nor the policy
//     ("cancellation fee"), nor a "not sent" that tells rather than bids
//     ("you did not send my order").
//  5. IntentBillingProblem — a wrong charge: "charged twice", "double
//     charge", "overcharged", "a charge I didn't authorise" (and
//     "cobrado dos veces", "débité deux fois", "doppelt abgebucht", …).
//  6. IntentOrderStatus — where an order is: "where is my order/package",
//     "status of order SP-1003", "order status", "any update on my order",
//     "track my package", "tracking number", "has my order shipped", "when
//     will my package arrive", "I haven't received my order", "ETA", plus a
//     few phrases in each other language.
//
// Changes come before order status because they are the more specific
// request; the order number is extracted either way. A cancellation comes
// before order status too: "cancel my order, it hasn't shipped" cancels.
//
// A return must be a request, not a question about returns in general. The
// message asks for one when it has:
//
//   - a wish followed within three words by a return verb: "I want/need to
//     return", "I would like to return", "I'd like to send it back";
//   - a verb that starts one: "start/open/request/make a return";
//   - a return verb followed by what goes back: "return my order", "return
//     these", "return it", "return SP-1002", "return order #1002", "send
//     these back", "send the blender back";
//   - one of a few equivalents in the other languages: "quiero devolver",
//     "je voudrais retourner ma commande", "möchte … zurückschicken".
//
// None of these counts when the return word is followed by "policy",
// "window", "period", "fee", "to" or the like ("I'd like the return
// policy"), when negated ("I don't want to return it"), when it follows
// "if", "whether" or "when" ("If I return my order, do I pay shipping?"),
// or, for a wish, when it follows "do", "does", "did", "should" or "must"
// ("Do I need to return the charger?"). So "What is your return policy?"
// and "Can I return opened items?" are not returns, while "Can I return
// it?" is. Nor does a clause that asks whether the policy still allows it
// ("can I still send it back after two months?": "can", "could" or "may"
// first, and "still", "after", "within", "later" or "anymore").
//
// A sentence that asks how to do something ("How do I track my package?")
// or how long something takes without saying "my" ("How quickly will an
// express parcel arrive?") is a question the help content answers, not an
// order-status request, unless the message names an order.
func DetectIntent(text string) Intent {
	return parse(text).intent()
}

// intent implements [DetectIntent].
func (m message) intent() Intent {
	switch {
	case m.asksToReturn():
		return IntentStartReturn
	case m.anyNotNegated(passwordRequestPhrases) || m.any(passwordNounPhrases):
		return IntentPasswordReset
	case len(m.contactTriggers()) > 0:
		return IntentUpdateContact
	case m.asksToCancel():
		return IntentCancel
	case m.anyNotNegated(billingProblemPhrases):
		return IntentBillingProblem
	case slices.ContainsFunc(m.find(orderStatusPhrases), func(sp span) bool { return !m.asksHowTo(sp) }):
		return IntentOrderStatus
	}
	return IntentNone
}

// howToAuxiliaries follow "how" in a question about the way to do
// something: "how do I", "how can I", "how to".
var howToAuxiliaries = map[string]bool{
	"do": true, "does": true, "can": true, "could": true, "should": true, "would": true, "to": true,
}

// asksHowTo reports whether sp is in a sentence that asks how to do
// something ("How do I track my package?") or how long something takes in
// general ("How quickly will an express parcel arrive?", but not "how long
// until my order arrives?"), in a message that names no order: a question
// help content answers, not a request to act on an order.
func (m message) asksHowTo(sp span) bool {
	s := m.sentences[sp.sentence]
	if len(m.orders) > 0 || len(s) < 2 || s[0].text != "how" {
		return false
	}
	if howToAuxiliaries[s[1].text] {
		return true
	}
	// "How quickly will an express parcel arrive?" asks about shipping in
	// general; "how long until my order arrives?" about the customer's.
	if howSoonWords[s[1].text] {
		for i, w := range s {
			if w.text == "my" || w.text == "our" {
				return false
			}
			// "until it arrives": it is the customer's order (but not in
			// "how long does it take to arrive?").
			if w.text == "it" && i+1 < len(s) && itArrives[s[i+1].text] {
				return false
			}
		}
		return true
	}
	return false
}

// itArrives are the verbs that, after "it", make a question how soon
// something comes about an order the customer is waiting for.
var itArrives = map[string]bool{
	"arrive": true, "arrives": true, "ship": true, "ships": true, "comes": true, "come": true, "gets": true,
	"is": true, "will": true, "should": true, "would": true,
}

// howSoonWords follow "how" in a question about how long something takes.
var howSoonWords = map[string]bool{"long": true, "quickly": true, "fast": true, "soon": true}

// stillAllowedWords in a "can I …" clause ask whether something is still
// allowed: "can I still send it back after two months?".
var stillAllowedWords = map[string]bool{
	"still": true, "after": true, "within": true, "later": true, "anymore": true,
}

// asksIfAllowed reports whether sp is in a clause that asks whether the
// policy allows it ("can I still send it back after two months?") rather
// than asking for it: the clause starts with "can", "could" or "may" and
// holds "still", "after", "within", "later" or "anymore".
func (m message) asksIfAllowed(sp span) bool {
	s := m.sentences[sp.sentence]
	clause := s[sp.start].clause
	first := sp.start
	for first > 0 && s[first-1].clause == clause {
		first--
	}
	if w := s[first].text; w != "can" && w != "could" && w != "may" {
		return false
	}
	for i := first; i < len(s) && s[i].clause == clause; i++ {
		if stillAllowedWords[s[i].text] {
			return true
		}
	}
	return false
}

// asksToReturn reports whether m has a return request that is not negated,
// not hypothetical, not about its cost and not followed by a word such as
// "policy".
func (m message) asksToReturn() bool {
	ok := func(sp span) bool {
		s := m.sentences[sp.sentence]
		return !m.negated(sp) && !m.preceded(sp, conditionals) && !m.preceded(sp, costWords) && !m.asksIfAllowed(sp) &&
			(sp.end == len(s) || !notReturnObjects[s[sp.end].text])
	}
	for _, sp := range m.find(returnWishPhrases) {
		if ok(sp) && !m.preceded(sp, policyQuestions) {
			return true
		}
	}
	for _, sp := range m.find(returnRequestPhrases) {
		if ok(sp) {
			return true
		}
	}
	return false
}
