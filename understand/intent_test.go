package understand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDetectIntent(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		text string
		want Intent
	}{
		// Order status.
		{"where is my order", "Where is my order SP-1003?", IntentOrderStatus},
		{"where's, typographic apostrophe", "Hi! Where’s my package? It's been a week", IntentOrderStatus},
		{"status of order", "Can you tell me the status of order SP-1003", IntentOrderStatus},
		{"order status words", "order status pls", IntentOrderStatus},
		{"has it shipped", "Has my order shipped yet?", IntentOrderStatus},
		{"where is it", "Where is it now?", IntentOrderStatus},
		{"status of it", "What's the status of it?", IntentOrderStatus},
		{"where to find it: not an order", "Where do I find it on your site?", IntentNone},
		{"track my package", "Can you track my package?", IntentOrderStatus},
		{"how to track: a question the help content answers", "How do I track my package?", IntentNone},
		{"how to track an order named", "How do I track order SP-1003?", IntentOrderStatus},
		{"how quickly in general", "How quickly does an express parcel arrive?", IntentNone},
		{"how soon for my order", "How soon will my parcel arrive?", IntentOrderStatus},
		{"they haven't shipped", "I ordered some pens yesterday and they haven't shipped", IntentOrderStatus},
		{"my order late", "Is my order going to be late?", IntentOrderStatus},
		{"my parcel delayed", "Why is my parcel delayed?", IntentOrderStatus},
		{"an order delayed: in general", "What happens when an order is delayed?", IntentNone},
		{"another order late, in passing", "My other order is late too", IntentNone},
		{"how long until it arrives", "How long until it arrives?", IntentOrderStatus},
		{"how long until my order arrives", "How long until my order arrives?", IntentOrderStatus},
		{"how long does it take: in general", "How long does it take to arrive?", IntentNone},
		{"how long until express arrives: in general", "How long until an express parcel arrives?", IntentNone},
		{"tracking number", "Could you send me the tracking number", IntentOrderStatus},
		{"not received", "I still haven't received my parcel", IntentOrderStatus},
		{"not arrived", "My order hasn't arrived", IntentOrderStatus},
		{"when will it arrive", "When will my package arrive?", IntentOrderStatus},
		{"update on order", "Any update on my order #1003?", IntentOrderStatus},
		{"bare number", "where is SP-1003", IntentOrderStatus},
		{"spanish", "¿Dónde está mi pedido?", IntentOrderStatus},
		{"french", "Où est ma commande ?", IntentOrderStatus},
		{"german", "Wo ist meine Bestellung?", IntentOrderStatus},
		{"german not arrived", "Mein Paket ist noch nicht angekommen", IntentOrderStatus},

		// Cancellations.
		{"cancel my order", "Please cancel my order", IntentCancel},
		{"cancel an order named", "I want to cancel order SP-1003", IntentCancel},
		{"cancel wins over status", "Cancel my order, it hasn't shipped yet", IntentCancel},
		{"how to cancel a subscription", "How do I cancel my subscription?", IntentCancel},
		{"cancellation of an order", "I'd like a cancellation of order #1003", IntentCancel},
		{"stop my order", "Can you stop my order?", IntentCancel},
		{"call off the order", "Call off the order I placed earlier", IntentCancel},
		{"don't send it", "I ordered by mistake, don't send it", IntentCancel},
		{"please do not ship", "Please do not ship my order yet", IntentCancel},
		{"not sent, told: a complaint", "You did not send my order", IntentNone},
		{"negated cancel", "I don't want to cancel my order", IntentNone},
		{"conditional cancel", "If I cancel my order, do I get a refund?", IntentNone},
		{"cancellation policy", "What is your cancellation policy for orders?", IntentNone},
		{"cancellation fee", "Is there a cancellation fee?", IntentNone},
		{"cancelled, past: no request", "I got charged for an order I cancelled", IntentNone},
		{"spanish cancel", "Quiero cancelar mi pedido", IntentCancel},
		{"french cancel", "Je voudrais annuler ma commande", IntentCancel},
		{"german cancel", "Ich möchte meine Bestellung stornieren", IntentCancel},
		{"german subscription", "Ich will mein Abo kündigen", IntentCancel},
		{"italian cancel", "Vorrei annullare il mio ordine", IntentCancel},
		{"dutch cancel", "Ik wil mijn bestelling annuleren", IntentCancel},

		// Wrong charges.
		{"charged twice", "I was charged twice this month", IntentBillingProblem},
		{"double charge", "There's a double charge on my card", IntentBillingProblem},
		{"overcharged", "You overcharged me", IntentBillingProblem},
		{"not authorised", "There is a charge I didn't authorise", IntentBillingProblem},
		{"charged again after cancelling", "I cancelled but you charged me again", IntentBillingProblem},
		{"when am I charged: a question", "When will I be charged?", IntentNone},
		{"german double", "Ich wurde doppelt abgebucht", IntentBillingProblem},

		// Returns.
		{"want to return", "I want to return order SP-1002", IntentStartReturn},
		{"return wins over status", "I want to return order SP-1002 which was delivered", IntentStartReturn},
		{"would like to return", "I would like to return these shoes, they are too small", IntentStartReturn},
		{"i'd like, typographic", "I’d like to return the jacket", IntentStartReturn},
		{"start a return", "start a return for SP-1002", IntentStartReturn},
		{"how to start a return", "How do I start a return?", IntentStartReturn},
		{"whether the policy still allows a return", "My pen arrived faulty, can I still send it back after two months?", IntentNone},
		{"can I return it", "It arrived broken, can I return it?", IntentStartReturn},
		{"return my order", "Please return my order and refund me", IntentStartReturn},
		{"return code", "return SP-1002 please", IntentStartReturn},
		{"send back", "Can I send these back? They don't fit", IntentStartReturn},
		{"send the thing back", "I need to send the blender back", IntentStartReturn},
		{"can't return still asks", "I can't return my order through the website", IntentStartReturn},
		{"spanish return", "Quiero devolver mi pedido", IntentStartReturn},
		{"french return", "Je voudrais retourner ma commande", IntentStartReturn},
		{"german return", "Ich möchte die Bestellung SP-1002 zurückschicken", IntentStartReturn},
		{"german return it", "Kann ich sie zurückschicken?", IntentStartReturn},
		{"german return that one", "Und BG-2002? Kann ich die zurückschicken?", IntentStartReturn},
		{"german return the jacket", "Ich will die Jacke zurückschicken", IntentStartReturn},
		{"spanish return it", "¿Puedo devolverlo?", IntentStartReturn},
		{"french return it", "Puis-je la retourner ?", IntentStartReturn},
		{"portuguese return it", "Posso devolvê-la?", IntentStartReturn},
		{"portuguese return the order", "Quero devolver a encomenda SP-1002", IntentStartReturn},
		{"italian return it", "Posso restituirlo?", IntentStartReturn},
		{"dutch return it", "Kan ik het terugsturen?", IntentStartReturn},

		// Not returns.
		{"return policy", "What is your return policy?", IntentNone},
		{"can I return opened items", "Can I return opened items?", IntentNone},
		{"would like the policy", "I would like to know the return window", IntentNone},
		{"wish for the policy", "I'd like the return policy please", IntentNone},
		{"do I need to return", "Do I need to return the charger too?", IntentNone},
		{"hypothetical", "If I return my order, do I pay for shipping?", IntentNone},
		{"what a return costs", "If my pen is faulty, do I have to pay to send it back?", IntentNone},
		{"is it free", "Is it free to send it back?", IntentNone},
		{"negated return", "I don't want to return it, I want a replacement", IntentNone},
		{"past return", "I returned my order last week", IntentNone},
		{"return to homepage", "I want to return to the homepage", IntentNone},
		{"german policy question", "Kann ich geöffnete Artikel zurückschicken?", IntentNone},
		{"german how long", "Wie lange habe ich Zeit, etwas zurückzuschicken?", IntentNone},
		{"spanish how long", "¿Cuánto tiempo tengo para devolver un artículo?", IntentNone},

		// Password.
		{"reset my password", "Please reset my password", IntentPasswordReset},
		{"forgot my password", "I forgot my password", IntentPasswordReset},
		{"reset link", "Send me a password reset link", IntentPasswordReset},
		{"change password", "How can I change my password?", IntentPasswordReset},
		{"reset email not received", "I haven't received the password reset email", IntentPasswordReset},
		{"can't log in and forgot", "I can’t log in, I think I forgot my password", IntentPasswordReset},
		{"german password", "Ich habe mein Passwort vergessen", IntentPasswordReset},
		{"spanish password", "Olvidé mi contraseña", IntentPasswordReset},
		{"french password", "J'ai oublié mon mot de passe", IntentPasswordReset},
		{"can't log in alone", "I can't log in", IntentNone},
		{"cannot login", "cannot login to my account since yesterday", IntentNone},
		{"negated password", "I didn't forget my password, the site is down", IntentNone},

		// Contact updates.
		{"change phone", "Please change my phone number to +1 555 0100", IntentUpdateContact},
		{"update address", "update my address to 12 Elm St, Portland", IntentUpdateContact},
		{"new name", "My new name is Ada Byron", IntentUpdateContact},
		{"number changed", "My number has changed, it's now 555 010 0199", IntentUpdateContact},
		{"no value yet", "I need to update my phone number", IntentUpdateContact},
		{"german address", "Ich möchte meine Adresse ändern", IntentUpdateContact},
		{"my name is, introduction", "Hi, my name is Ada and I have a question", IntentNone},
		{"email address is not a field", "Can you change my email address to ada@example.com", IntentNone},
		{"number of items", "Can I update the number of items in my cart?", IntentNone},
		{"username", "How do I change my username?", IntentNone},

		// Nothing.
		{"greeting", "Hello there", IntentNone},
		{"refund", "Where is my refund?", IntentNone},
		{"empty", "", IntentNone},
		{"shipping question", "Do you ship to Canada?", IntentNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, DetectIntent(tt.text), tt.text)
		})
	}
}
