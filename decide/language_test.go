package decide_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

func TestLocalize(t *testing.T) {
	t.Parallel()
	require.Equal(t, decide.ClarifyText, decide.Localize("en", decide.ClarifyText))
	require.Equal(t, decide.ClarifyText, decide.Localize("", decide.ClarifyText))
	require.Equal(t, decide.ClarifyText, decide.Localize("ja", decide.ClarifyText), "no translation: as written")
	require.Contains(t, decide.Localize("es", decide.ClarifyText), "¿podría contarme un poco más")
	require.Contains(t, decide.Localize("de", answer.DontKnow), "nicht raten")
	// A set text joined to the company's content: only the set text changes.
	joined := decide.JoinSentences("We ship to Canada.", decide.TransferText)
	require.Equal(t, "We ship to Canada. Ich hole ein Mitglied unseres Teams dazu, das Ihnen hier in Kürze antwortet.", decide.Localize("de", joined))
	require.Equal(t, "Our own words.", decide.Localize("fr", "Our own words."))
	for _, lang := range []string{"es", "fr", "de", "pt", "it", "nl"} {
		for _, text := range []string{decide.ClarifyText, answer.DontKnow, decide.TransferText, decide.NeedOrderText,
			decide.NeedEmailText, decide.ApologyText, decide.DeclinedText, decide.AvoidTopicText, decide.DontKnowAgainText} {
			require.NotEqual(t, text, decide.Localize(lang, text), "%s: %q", lang, text)
		}
		for _, kind := range []decide.SmallTalk{decide.Greeting, decide.Thanks, decide.Goodbye, decide.Preamble} {
			reply, _ := decide.SmallTalkReply(kind, false)
			require.NotEqual(t, reply, decide.Localize(lang, reply), "%s: %q", lang, reply)
		}
	}
}

// The texts with parts filled in — the code request, an order's status, a
// refused or started return, a confirmation — are said in the customer's
// language too, dates the language's way; the company's own words and the
// order's tracking stay as written.
func TestLocalizeFilledInTexts(t *testing.T) {
	t.Parallel()
	shipped := time.Date(2026, time.March, 3, 10, 0, 0, 0, time.UTC)
	delayed := models.Order{Number: "A-7", Status: models.OrderDelayed, ShippedAt: &shipped,
		Tracking: models.NewJSON(&models.OrderTracking{Carrier: "DHL", Number: "JJD1", URL: "https://t.example/JJD1"})}
	status := decide.OrderStatusText(delayed, "We look into it.")
	require.Equal(t, "Order A-7 shipped on March 3 and is delayed in transit. We look into it. It's with DHL, tracking number JJD1. Track it here: https://t.example/JJD1", status)
	require.Equal(t, "Die Bestellung A-7 wurde am 3. März versandt und ist auf dem Transportweg verspätet. We look into it. "+
		"Sie ist bei DHL, Sendungsnummer JJD1. Sendungsverfolgung: https://t.example/JJD1", decide.Localize("de", status))
	delayed.ShippedAt = nil
	require.Equal(t, "El pedido A-7 se ha enviado y lleva retraso en el transporte. Lo transporta DHL, con el número de seguimiento JJD1. Puede seguirlo aquí: https://t.example/JJD1",
		decide.Localize("es", decide.OrderStatusText(delayed, "")), "a date the records lack is left out")

	delivered := time.Date(2026, time.October, 1, 0, 0, 0, 0, time.UTC)
	refusal, ok := decide.ReturnRefusal(decide.Order{Number: "A-8", Status: models.OrderDelivered, DeliveredAt: &delivered},
		30*24*time.Hour, delivered.AddDate(0, 2, 0))
	require.False(t, ok)
	require.Equal(t, "La commande A-8 a été livrée le 1er octobre, il y a plus de 30 jours, ce qui dépasse notre délai de retour.", decide.Localize("fr", refusal))
	refusal, _ = decide.ReturnRefusal(decide.Order{Number: "A-9", Status: models.OrderProcessing}, 30*24*time.Hour, delivered)
	require.Contains(t, decide.Localize("pt", refusal), "(está em preparação)")
	// An order whose return was started is not "not delivered yet".
	refusal, ok = decide.ReturnRefusal(decide.Order{Number: "A-8", Status: models.OrderReturnRequested, DeliveredAt: &delivered}, 30*24*time.Hour, delivered)
	require.False(t, ok)
	require.Equal(t, "A return has already been started for order A-8.", refusal)
	require.Equal(t, "Für die Bestellung A-8 wurde bereits eine Rücksendung eingeleitet.", decide.Localize("de", refusal))

	require.Equal(t, "Ho avviato il reso dell'ordine A-8. Bring it to a shop. Le ho inviato queste informazioni anche a "+decide.MaskEmail("grace@shop.example")+".",
		decide.Localize("it", decide.ReturnStartedText("A-8", "grace@shop.example", "Bring it to a shop.")))
	require.Contains(t, decide.Localize("nl", decide.CodeSentText("Grace@Shop.example")), "Als "+decide.MaskEmail("grace@shop.example")+" het adres van uw account is")
	require.Contains(t, decide.Localize("es", fmt.Sprintf(decide.WrongCodeText, 2)), "(quedan 2 intentos)")
	ret, _ := actions.Builtin(actions.StartReturn)
	require.Equal(t, "Voy a iniciar la devolución del pedido A-8 y a enviarle los detalles por correo. ¿Sigo adelante? (sí o no)",
		decide.Localize("es", decide.ConfirmText(ret, map[string]string{decide.InputOrderNumber: "A-8"})))
	// Every status, with its dates and without, and both confirmations of
	// a return leave no English sentence behind.
	var produced []string
	for _, st := range models.OrderStatuses {
		for _, at := range []*time.Time{&shipped, nil} {
			o := models.Order{Number: "A-7", Status: st, ShippedAt: at, DeliveredAt: at,
				Tracking: models.NewJSON(&models.OrderTracking{Carrier: "DHL", Number: "JJD1", URL: "https://t.example/JJD1"})}
			if at != nil {
				o.PlacedAt = *at
			}
			produced = append(produced, decide.OrderStatusText(o, ""))
		}
	}
	produced = append(produced, decide.ReturnStartedText("A-7", "g@shop.example", ""), decide.ReturnStartedText("A-7", "g@shop.example", "Words."),
		decide.ConfirmText(ret, map[string]string{decide.InputOrderNumber: "A-8"}), decide.ContactUpdatedText([]string{"phone"}))
	if reset, ok := actions.Builtin(actions.PasswordReset); ok {
		produced = append(produced, decide.ConfirmText(reset, nil))
	}
	// The emails too, the code and the company's words kept.
	require.Equal(t, decide.Email{Subject: "Code de vérification", Body: "Votre code de vérification est 012345. Il est valable 10 minutes.\n\n" +
		"Si vous ne l'avez pas demandé, vous pouvez ignorer cet e-mail : personne ne peut utiliser votre compte sans le code."}, decide.CodeEmail("fr", "012345"))
	require.Equal(t, decide.Email{Subject: "Bestellung A-8: Ihre Rücksendung ist eingeleitet",
		Body: "Wir haben die Rücksendung der Bestellung A-8 eingeleitet.\n\nBring it to a shop."}, decide.ReturnEmail("de", "A-8", "Bring it to a shop."))
	reset := decide.ResetEmail("nl", "https://shop.example/reset")
	require.Equal(t, "Stel uw wachtwoord opnieuw in", reset.Subject)
	require.Contains(t, reset.Body, "\n\nhttps://shop.example/reset\n\nHebt u hier niet om gevraagd")
	require.Equal(t, decide.Email{Subject: "Order A-8: your return has started", Body: "We've started a return for order A-8."}, decide.ReturnEmail("", "A-8", ""))
	for _, lang := range []string{"es", "fr", "de", "pt", "it", "nl"} {
		for _, e := range []decide.Email{decide.CodeEmail(lang, "123456"), decide.ReturnEmail(lang, "A-8", ""), decide.ResetEmail(lang, "https://shop.example/r")} {
			for _, english := range []string{"Your ", "your ", "We've", "We were", "If you"} {
				require.NotContains(t, e.Subject+e.Body, english, lang)
			}
		}
	}
	contact, _ := actions.Builtin(actions.UpdateContact)
	require.Equal(t, "Ich ändere Ihre Telefonnummer in +1 555 0100. Soll ich fortfahren? (ja oder nein)",
		decide.Localize("de", decide.ConfirmText(contact, map[string]string{"phone": "+1 555 0100"})))
	require.Equal(t, "Hecho: he actualizado su nombre y su dirección.", decide.Localize("es", decide.ContactUpdatedText([]string{"name", "address"})))
	require.Equal(t, "Ik wijzig uw naam in Ada King en uw adres in Hoofdstraat 1, Utrecht. Zal ik doorgaan? (ja of nee)",
		decide.Localize("nl", decide.ConfirmText(contact, map[string]string{"name": "Ada King", "address": "Hoofdstraat 1, Utrecht"})))
	all := map[string]string{"name": "Ada King", "phone": "+1 555 0100", "address": "1 Main St, Springfield"}
	require.Equal(t, "I'll change your name to Ada King, your phone number to +1 555 0100 and your address to 1 Main St, Springfield. Shall I go ahead? (yes or no)",
		decide.ConfirmText(contact, all))
	require.Equal(t, "Cambio il suo nome in Ada King, il suo numero di telefono in +1 555 0100 e il suo indirizzo in 1 Main St, Springfield. Procedo? (sì o no)",
		decide.Localize("it", decide.ConfirmText(contact, all)))
	produced = append(produced, decide.ConfirmText(contact, all), decide.ContactUpdatedText([]string{"name", "phone", "address"}))
	for _, lang := range []string{"es", "fr", "de", "pt", "it", "nl"} {
		for _, text := range produced {
			said := decide.Localize(lang, text)
			for _, english := range []string{"Order ", "order ", "It's with", "Track it", "I've", "I'll", "return", "placed", "your ", " to ", " phone"} {
				require.NotContains(t, said, english, "%s: %q", lang, text)
			}
		}
		require.NotContains(t, decide.Localize(lang, decide.RepJoinedText("", "")), "A member", lang)
		require.Contains(t, decide.Localize(lang, decide.RepJoinedText("Ada", "Billing")), "Ada", lang)
		require.NotContains(t, decide.Localize(lang, decide.RepJoinedText("Ada", "Billing")), "joined", lang)
		for _, text := range []string{decide.ResetUnavailableText, decide.DefaultFallback, decide.HandedBackText, decide.VerifiedText, decide.MismatchText, decide.CodeLockedText, decide.CodeExpiredText, decide.NoLongerText,
			decide.InputRefusedText, decide.ReturnUndoneText, decide.PasswordResetSentText("g@shop.example")} {
			require.NotEqual(t, text, decide.Localize(lang, text), "%s: %q", lang, text)
		}
	}
}
