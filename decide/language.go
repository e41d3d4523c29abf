package decide

import (
	"strings"

	"github.com/switchboardhq/switchboard/answer"
)

// Reply texts the agent says in set situations, by language, for the
// languages package understand recognises besides English. English, the
// key, is the constant each one translates. Content answers are not
// translated: they quote the company's content as it is written.
var translations = []translation{
	{ClarifyText, map[string]string{
		"es": "Quiero acertar: ¿podría contarme un poco más, por ejemplo de qué producto o pedido se trata?",
		"fr": "Je veux bien vous répondre : pourriez-vous m'en dire un peu plus, par exemple de quel produit ou de quelle commande il s'agit ?",
		"de": "Ich möchte Ihnen richtig helfen: Können Sie mir etwas mehr sagen, zum Beispiel um welches Produkt oder welche Bestellung es geht?",
		"pt": "Quero acertar: pode contar-me um pouco mais, por exemplo de que produto ou encomenda se trata?",
		"it": "Voglio rispondere bene: può dirmi qualcosa in più, per esempio di quale prodotto o ordine si tratta?",
		"nl": "Ik wil u goed helpen: kunt u iets meer vertellen, bijvoorbeeld over welk product of welke bestelling het gaat?",
	}},
	{answer.DontKnow, map[string]string{
		"es": "Lo siento, no encuentro eso en nuestra ayuda y no quiero adivinar. ¿Puede formular la pregunta de otra manera o pedir hablar con una persona de nuestro equipo?",
		"fr": "Désolé, je ne trouve pas cela dans notre aide et je ne veux pas deviner. Pouvez-vous reformuler la question, ou demander à parler à une personne de notre équipe ?",
		"de": "Das finde ich leider nicht in unseren Hilfeinhalten, und ich möchte nicht raten. Können Sie die Frage anders stellen oder nach einer Person aus unserem Team fragen?",
		"pt": "Desculpe, não encontro isso na nossa ajuda e não quero adivinhar. Pode reformular a pergunta ou pedir para falar com uma pessoa da nossa equipa?",
		"it": "Mi dispiace, non lo trovo nei nostri contenuti di aiuto e non voglio tirare a indovinare. Può riformulare la domanda o chiedere di parlare con una persona del nostro team?",
		"nl": "Sorry, dat kan ik niet vinden in onze hulpinformatie en ik wil niet gokken. Kunt u de vraag anders stellen, of vragen naar iemand van ons team?",
	}},
	{DontKnowAgainText, map[string]string{
		"es": "Lo siento, tampoco encuentro eso en nuestra ayuda.",
		"fr": "Désolé, je ne trouve pas cela non plus dans notre aide.",
		"de": "Das finde ich leider auch nicht in unseren Hilfeinhalten.",
		"pt": "Desculpe, também não encontro isso na nossa ajuda.",
		"it": "Mi dispiace, non trovo neanche questo nei nostri contenuti di aiuto.",
		"nl": "Sorry, dat kan ik ook niet vinden in onze hulpinformatie.",
	}},
	{TransferText, map[string]string{
		"es": "Le paso con una persona de nuestro equipo, que le responderá aquí en breve.",
		"fr": "Je fais appel à un membre de notre équipe, qui vous répondra ici sous peu.",
		"de": "Ich hole ein Mitglied unseres Teams dazu, das Ihnen hier in Kürze antwortet.",
		"pt": "Vou chamar um membro da nossa equipa, que lhe responderá aqui em breve.",
		"it": "Coinvolgo un membro del nostro team, che le risponderà qui a breve.",
		"nl": "Ik schakel iemand van ons team in, die u hier binnenkort antwoordt.",
	}},
	{AnsweredAgainText, map[string]string{
		"es": "Eso es todo lo que dice nuestra ayuda al respecto.",
		"fr": "C'est tout ce que notre aide en dit.",
		"de": "Mehr steht dazu nicht in unseren Hilfeinhalten.",
		"pt": "É tudo o que a nossa ajuda diz sobre isso.",
		"it": "È tutto ciò che dicono i nostri contenuti di aiuto al riguardo.",
		"nl": "Meer staat er niet over in onze hulpinformatie.",
	}},
	{ActionUnavailableText, map[string]string{
		"es": "Eso no puedo hacerlo por usted aquí, pero una persona de nuestro equipo sí puede.",
		"fr": "Je ne peux pas le faire pour vous ici, mais un membre de notre équipe le peut.",
		"de": "Das kann ich hier nicht für Sie erledigen, aber ein Mitglied unseres Teams kann es.",
		"pt": "Isso não consigo fazer por si aqui, mas um membro da nossa equipa consegue.",
		"it": "Questo non posso farlo per lei qui, ma un membro del nostro team sì.",
		"nl": "Dat kan ik hier niet voor u doen, maar iemand van ons team wel.",
	}},
	{TransferLaterText, map[string]string{
		"es": "Le paso su consulta a una persona de nuestro equipo, que le responderá aquí.",
		"fr": "Je transmets votre demande à un membre de notre équipe, qui vous répondra ici.",
		"de": "Ich gebe Ihr Anliegen an ein Mitglied unseres Teams weiter, das Ihnen hier antwortet.",
		"pt": "Vou passar o seu pedido a um membro da nossa equipa, que lhe responderá aqui.",
		"it": "Passo la sua richiesta a un membro del nostro team, che le risponderà qui.",
		"nl": "Ik geef dit door aan iemand van ons team, die u hier antwoordt.",
	}},
	{NeedOrderText, map[string]string{
		"es": "¿De qué pedido se trata? Indíqueme el número de pedido (lo encontrará en la confirmación del pedido).",
		"fr": "De quelle commande s'agit-il ? Indiquez-moi le numéro de commande (il figure dans votre confirmation de commande).",
		"de": "Um welche Bestellung geht es? Bitte nennen Sie mir die Bestellnummer (sie steht in Ihrer Bestellbestätigung).",
		"pt": "De que encomenda se trata? Indique-me o número da encomenda (está na confirmação da encomenda).",
		"it": "Di quale ordine si tratta? Mi indichi il numero d'ordine (lo trova nella conferma d'ordine).",
		"nl": "Om welke bestelling gaat het? Geef mij het bestelnummer (u vindt het in uw orderbevestiging).",
	}},
	{NeedEmailText, map[string]string{
		"es": "Para proteger su cuenta, primero necesito confirmar que es usted. Dígame la dirección de correo que usa con nosotros y le enviaré un código de 6 dígitos.",
		"fr": "Pour protéger votre compte, je dois d'abord confirmer que c'est bien vous. Indiquez-moi l'adresse e-mail que vous utilisez chez nous et je vous enverrai un code à 6 chiffres.",
		"de": "Zum Schutz Ihres Kontos muss ich zuerst bestätigen, dass Sie es sind. Nennen Sie mir die E-Mail-Adresse, die Sie bei uns verwenden, und ich schicke Ihnen einen 6-stelligen Code.",
		"pt": "Para proteger a sua conta, preciso primeiro de confirmar que é você. Diga-me o email que usa connosco e envio-lhe um código de 6 dígitos.",
		"it": "Per proteggere il suo account devo prima confermare che è lei. Mi indichi l'indirizzo email che usa con noi e le invierò un codice di 6 cifre.",
		"nl": "Om uw account te beschermen moet ik eerst bevestigen dat u het bent. Geef mij het e-mailadres dat u bij ons gebruikt, dan stuur ik u een code van 6 cijfers.",
	}},
	{ApologyText, map[string]string{
		"es": "Lo siento, algo ha fallado por nuestra parte y ahora no puedo responder a eso. He pasado su mensaje a nuestro equipo y una persona le responderá aquí.",
		"fr": "Désolé, un problème est survenu de notre côté et je ne peux pas répondre pour le moment. J'ai transmis votre message à notre équipe, et une personne vous répondra ici.",
		"de": "Entschuldigung, bei uns ist etwas schiefgelaufen und ich kann das gerade nicht beantworten. Ich habe Ihre Nachricht an unser Team weitergegeben; eine Person antwortet Ihnen hier.",
		"pt": "Desculpe, algo correu mal do nosso lado e não consigo responder agora. Passei a sua mensagem à nossa equipa e uma pessoa responderá aqui.",
		"it": "Mi dispiace, qualcosa non ha funzionato da parte nostra e ora non posso rispondere. Ho passato il suo messaggio al nostro team e una persona le risponderà qui.",
		"nl": "Sorry, er ging aan onze kant iets mis en ik kan daar nu niet op antwoorden. Ik heb uw bericht doorgegeven aan ons team; iemand antwoordt u hier.",
	}},
	{DeclinedText, map[string]string{
		"es": "De acuerdo, no lo haré y no ha cambiado nada. ¿Puedo ayudarle en algo más?",
		"fr": "D'accord, je ne le fais pas, et rien n'a changé. Puis-je vous aider pour autre chose ?",
		"de": "In Ordnung, ich mache das nicht, und es hat sich nichts geändert. Kann ich Ihnen sonst noch helfen?",
		"pt": "Está bem, não vou avançar e nada foi alterado. Posso ajudar em mais alguma coisa?",
		"it": "D'accordo, non procedo e non è cambiato nulla. Posso aiutarla in qualcos'altro?",
		"nl": "Goed, dat doe ik niet, en er is niets veranderd. Kan ik u ergens anders mee helpen?",
	}},
	{AvoidTopicText, map[string]string{
		"es": "Lo siento, no puedo ayudarle con eso aquí.",
		"fr": "Désolé, je ne peux pas vous aider à ce sujet ici.",
		"de": "Dabei kann ich Ihnen hier leider nicht helfen.",
		"pt": "Desculpe, não posso ajudar com isso aqui.",
		"it": "Mi dispiace, non posso aiutarla con questo qui.",
		"nl": "Sorry, daar kan ik u hier niet mee helpen.",
	}},
	{MismatchText, map[string]string{
		"es": "Solo puedo mostrar o cambiar datos de su propia cuenta y sus pedidos, y este no está vinculado a la cuenta que ha verificado.",
		"fr": "Je ne peux communiquer ou modifier que les informations de votre propre compte et de vos commandes, et celle-ci n'est pas liée au compte que vous avez vérifié.",
		"de": "Ich kann nur Angaben zu Ihrem eigenen Konto und Ihren Bestellungen zeigen oder ändern, und diese ist nicht mit dem Konto verknüpft, das Sie bestätigt haben.",
		"pt": "Só posso mostrar ou alterar dados da sua própria conta e encomendas, e esta não está associada à conta que verificou.",
		"it": "Posso mostrare o modificare solo i dati del suo account e dei suoi ordini, e questo non è collegato all'account che ha verificato.",
		"nl": "Ik kan alleen gegevens van uw eigen account en bestellingen tonen of wijzigen, en deze is niet gekoppeld aan het account dat u hebt bevestigd.",
	}},
	{CodeLockedText, map[string]string{
		"es": "Ese código no coincide y no quedan intentos. Por su seguridad no puedo continuar con esta solicitud; pídamelo de nuevo más tarde y le enviaré un código nuevo, o pida hablar con una persona.",
		"fr": "Ce code ne correspond pas et il ne reste aucun essai. Pour votre sécurité, je ne peux pas poursuivre cette demande ; redemandez-moi plus tard et je vous enverrai un nouveau code, ou demandez à parler à une personne.",
		"de": "Dieser Code stimmt nicht, und es sind keine Versuche mehr übrig. Zu Ihrer Sicherheit kann ich diese Anfrage nicht fortsetzen; fragen Sie mich später noch einmal, dann schicke ich einen neuen Code, oder fragen Sie nach einer Person.",
		"pt": "Esse código não corresponde e não restam tentativas. Para sua segurança não posso continuar com este pedido; peça-me novamente mais tarde e envio-lhe um código novo, ou peça para falar com uma pessoa.",
		"it": "Il codice non corrisponde e non restano tentativi. Per la sua sicurezza non posso proseguire con questa richiesta; me lo chieda di nuovo più tardi e le invierò un nuovo codice, oppure chieda di parlare con una persona.",
		"nl": "Die code klopt niet en er zijn geen pogingen meer over. Voor uw veiligheid kan ik niet verder met dit verzoek; vraag het me later opnieuw, dan stuur ik een nieuwe code, of vraag naar een persoon.",
	}},
	{CodeExpiredText, map[string]string{
		"es": "Ese código ha caducado. Pídamelo de nuevo y le enviaré uno nuevo.",
		"fr": "Ce code a expiré. Redemandez-moi et je vous en enverrai un nouveau.",
		"de": "Dieser Code ist abgelaufen. Fragen Sie mich noch einmal, dann schicke ich Ihnen einen neuen.",
		"pt": "Esse código expirou. Peça-me novamente e envio-lhe um novo.",
		"it": "Il codice è scaduto. Me lo chieda di nuovo e gliene invierò uno nuovo.",
		"nl": "Die code is verlopen. Vraag het me opnieuw, dan stuur ik u een nieuwe.",
	}},
	{NoLongerText, map[string]string{
		"es": "Eso ya no puedo hacerlo aquí; una persona de nuestro equipo puede ayudarle.",
		"fr": "Ce n'est plus quelque chose que je peux faire ici ; un membre de notre équipe peut vous aider.",
		"de": "Das kann ich hier nicht mehr tun; ein Mitglied unseres Teams kann Ihnen helfen.",
		"pt": "Isso já não é algo que eu possa fazer aqui; um membro da nossa equipa pode ajudar.",
		"it": "Non è più qualcosa che posso fare qui; un membro del nostro team può aiutarla.",
		"nl": "Dat kan ik hier niet meer doen; iemand van ons team kan u helpen.",
	}},
	{InputRefusedText, map[string]string{
		"es": "No he podido usar los datos indicados, así que no he hecho nada. Una persona de nuestro equipo puede ayudarle si lo necesita.",
		"fr": "Je n'ai pas pu utiliser les informations données, je n'ai donc rien fait. Un membre de notre équipe peut vous aider si besoin.",
		"de": "Ich konnte die angegebenen Daten nicht verwenden und habe deshalb nichts getan. Ein Mitglied unseres Teams hilft Ihnen bei Bedarf.",
		"pt": "Não consegui usar os dados indicados, por isso não fiz nada. Um membro da nossa equipa pode ajudar, se precisar.",
		"it": "Non ho potuto usare i dati indicati, quindi non ho fatto nulla. Un membro del nostro team può aiutarla se serve.",
		"nl": "Ik kon de opgegeven gegevens niet gebruiken, dus ik heb niets gedaan. Iemand van ons team kan u helpen als dat nodig is.",
	}},
	{ReturnUndoneText, map[string]string{
		"es": "Lo siento, ahora no he podido completar la devolución, así que la he cancelado: su pedido no ha cambiado. Inténtelo de nuevo dentro de un rato.",
		"fr": "Désolé, je n'ai pas pu finaliser le retour pour le moment, je l'ai donc annulé : rien n'a changé sur votre commande. Réessayez dans un petit moment.",
		"de": "Entschuldigung, ich konnte die Rücksendung gerade nicht abschließen und habe sie deshalb storniert – an Ihrer Bestellung hat sich nichts geändert. Bitte versuchen Sie es in Kürze noch einmal.",
		"pt": "Desculpe, não consegui concluir a devolução agora, por isso cancelei-a: nada mudou na sua encomenda. Tente novamente daqui a pouco.",
		"it": "Mi dispiace, non sono riuscito a completare il reso ora, quindi l'ho annullato: sul suo ordine non è cambiato nulla. Riprovi tra poco.",
		"nl": "Sorry, ik kon de retour nu niet afronden, dus ik heb hem geannuleerd; er is niets veranderd aan uw bestelling. Probeer het over een poosje opnieuw.",
	}},
	{DefaultFallback, map[string]string{
		"es": "Nuestro equipo está ocupado en este momento. Una persona del equipo le responderá por correo lo antes posible.",
		"fr": "Notre équipe est occupée pour le moment. Un membre de l'équipe vous répondra par e-mail dès que possible.",
		"de": "Unser Team ist gerade ausgelastet. Ein Mitglied des Teams meldet sich so bald wie möglich per E-Mail bei Ihnen.",
		"pt": "A nossa equipa está ocupada neste momento. Um membro da equipa vai responder-lhe por email o mais depressa possível.",
		"it": "Il nostro team è occupato in questo momento. Un membro del team le risponderà via email il prima possibile.",
		"nl": "Ons team is op dit moment bezet. Iemand van het team neemt zo snel mogelijk per e-mail contact met u op.",
	}},
	{VerifiedText, map[string]string{
		"es": "Gracias: su identidad está verificada. Nuestro equipo ya puede ver su cuenta.",
		"fr": "Merci : votre identité est vérifiée. Notre équipe peut maintenant voir votre compte.",
		"de": "Danke: Sie sind verifiziert. Unser Team kann Ihr Konto jetzt sehen.",
		"pt": "Obrigado: a sua identidade está verificada. A nossa equipa já pode ver a sua conta.",
		"it": "Grazie: la sua identità è verificata. Il nostro team ora può vedere il suo account.",
		"nl": "Dank u: u bent geverifieerd. Ons team kan uw account nu zien.",
	}},
	{HandedBackText, map[string]string{
		"es": "Vuelve a hablar con nuestro asistente.", "fr": "Vous êtes de nouveau avec notre assistant.",
		"de": "Sie sind wieder bei unserem Assistenten.", "pt": "Está de novo a falar com o nosso assistente.",
		"it": "È di nuovo con il nostro assistente.", "nl": "U bent weer in gesprek met onze assistent.",
	}},
	{RepJoinedText("", ""), map[string]string{
		"es": "Una persona de nuestro equipo se ha unido a la conversación.", "fr": "Un membre de notre équipe a rejoint la conversation.",
		"de": "Ein Mitglied unseres Teams ist dem Gespräch beigetreten.", "pt": "Um membro da nossa equipa juntou-se à conversa.",
		"it": "Un membro del nostro team partecipa ora alla conversazione.", "nl": "Iemand van ons team neemt nu deel aan het gesprek.",
	}},
	{codeEmailSubject, map[string]string{
		"es": "Código de verificación", "fr": "Code de vérification", "de": "Bestätigungscode",
		"pt": "Código de verificação", "it": "Codice di verifica", "nl": "Verificatiecode",
	}},
	{codeEmailIgnore, map[string]string{
		"es": "Si no lo ha pedido, puede ignorar este correo: nadie puede usar su cuenta sin el código.",
		"fr": "Si vous ne l'avez pas demandé, vous pouvez ignorer cet e-mail : personne ne peut utiliser votre compte sans le code.",
		"de": "Wenn Sie ihn nicht angefordert haben, können Sie diese E-Mail ignorieren: Ohne den Code kann niemand Ihr Konto verwenden.",
		"pt": "Se não o pediu, pode ignorar este email: ninguém pode usar a sua conta sem o código.",
		"it": "Se non l'ha richiesto, può ignorare questa email: nessuno può usare il suo account senza il codice.",
		"nl": "Als u hier niet om hebt gevraagd, kunt u deze e-mail negeren: niemand kan uw account gebruiken zonder de code.",
	}},
	{resetEmailSubject, map[string]string{
		"es": "Restablezca su contraseña", "fr": "Réinitialisez votre mot de passe", "de": "Setzen Sie Ihr Passwort zurück",
		"pt": "Redefina a sua palavra-passe", "it": "Reimposti la password", "nl": "Stel uw wachtwoord opnieuw in",
	}},
	{resetEmailAsked, map[string]string{
		"es": "Nos han pedido restablecer la contraseña de su cuenta. Elija una nueva aquí:",
		"fr": "On nous a demandé de réinitialiser le mot de passe de votre compte. Choisissez-en un nouveau ici :",
		"de": "Wir wurden gebeten, das Passwort Ihres Kontos zurückzusetzen. Legen Sie hier ein neues fest:",
		"pt": "Foi-nos pedido que redefiníssemos a palavra-passe da sua conta. Escolha uma nova aqui:",
		"it": "Ci è stato chiesto di reimpostare la password del suo account. Ne scelga una nuova qui:",
		"nl": "Er is gevraagd het wachtwoord van uw account opnieuw in te stellen. Kies hier een nieuw wachtwoord:",
	}},
	{resetEmailIgnore, map[string]string{
		"es": "Si no lo ha pedido usted, ignore este correo: su contraseña no cambia.",
		"fr": "Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail : votre mot de passe reste inchangé.",
		"de": "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.",
		"pt": "Se não foi você que pediu, ignore este email: a sua palavra-passe mantém-se.",
		"it": "Se non l'ha richiesto lei, ignori questa email: la password resta invariata.",
		"nl": "Hebt u hier niet om gevraagd, negeer deze e-mail dan: uw wachtwoord blijft zoals het is.",
	}},
	{ResetUnavailableText, map[string]string{
		"es": "Desde aquí no puedo enviar un restablecimiento de contraseña. Una persona de nuestro equipo puede ayudarle.",
		"fr": "Je ne peux pas envoyer de réinitialisation du mot de passe d'ici. Un membre de notre équipe peut vous aider.",
		"de": "Ein Zurücksetzen des Passworts kann ich von hier aus nicht senden. Ein Mitglied unseres Teams kann Ihnen helfen.",
		"pt": "Daqui não consigo enviar uma redefinição da palavra-passe. Um membro da nossa equipa pode ajudar.",
		"it": "Da qui non posso inviare una reimpostazione della password. Un membro del nostro team può aiutarla.",
		"nl": "Vanaf hier kan ik geen wachtwoordherstel sturen. Iemand van ons team kan u helpen.",
	}},
	{greetingReply, map[string]string{
		"es": "¡Hola! ¿En qué puedo ayudarle?", "fr": "Bonjour ! Comment puis-je vous aider ?",
		"de": "Hallo! Wie kann ich Ihnen helfen?", "pt": "Olá! Como posso ajudar?",
		"it": "Ciao! Come posso aiutarla?", "nl": "Hallo! Waarmee kan ik u helpen?",
	}},
	{thanksReply, map[string]string{
		"es": "¡De nada! ¿Puedo ayudarle en algo más?", "fr": "Avec plaisir ! Puis-je vous aider pour autre chose ?",
		"de": "Gern geschehen! Kann ich Ihnen sonst noch helfen?", "pt": "De nada! Posso ajudar em mais alguma coisa?",
		"it": "Prego! Posso aiutarla in qualcos'altro?", "nl": "Graag gedaan! Kan ik u ergens anders mee helpen?",
	}},
	{agreeReply, map[string]string{
		"es": "Claro. ¿En qué puedo ayudarle?", "fr": "Bien sûr. En quoi puis-je vous aider ?",
		"de": "Gern. Wobei kann ich Ihnen helfen?", "pt": "Claro. Em que posso ajudar?",
		"it": "Certo. In che cosa posso aiutarla?", "nl": "Zeker. Waarmee kan ik u helpen?",
	}},
	{declineReply, map[string]string{
		"es": "De acuerdo. Si surge algo más, escríbame aquí.", "fr": "Très bien. Si vous avez besoin d'autre chose, écrivez-moi ici.",
		"de": "In Ordnung. Wenn noch etwas ist, schreiben Sie einfach hier.", "pt": "Muito bem. Se precisar de mais alguma coisa, escreva aqui.",
		"it": "D'accordo. Se le serve altro, mi scriva qui.", "nl": "Goed. Als er nog iets is, schrijf het dan hier.",
	}},
	{preambleReply, map[string]string{
		"es": "Con gusto le ayudo. ¿Qué le gustaría saber?", "fr": "Avec plaisir. Que souhaitez-vous savoir ?",
		"de": "Gern helfe ich Ihnen. Was möchten Sie wissen?", "pt": "Com todo o gosto. O que gostaria de saber?",
		"it": "Volentieri. Che cosa vorrebbe sapere?", "nl": "Ik help u graag. Wat wilt u weten?",
	}},
	{goodbyeReply, map[string]string{
		"es": "Me alegra haber ayudado. ¡Que tenga un buen día!", "fr": "Ravi d'avoir pu vous aider. Bonne journée !",
		"de": "Schön, dass ich helfen konnte. Einen schönen Tag noch!", "pt": "Ainda bem que pude ajudar. Tenha um bom dia!",
		"it": "Felice di esserle stato utile. Buona giornata!", "nl": "Fijn dat ik kon helpen. Nog een fijne dag!",
	}},
}

// translation is a set text (in English) and its translations by language.
type translation struct {
	english string
	by      map[string]string
}

// Localize says a reply in the customer's language (a code understand
// recognises): each set text in it, alone or joined to others, is replaced
// by its translation, and so is each text of templates, its filled-in parts
// kept (an order's number) or said the language's way (a date). Anything else — the company's content, an admin's
// message — stays as written, and so does all of it for English or a
// language without translations.
func Localize(lang, reply string) string {
	if lang == "" || lang == "en" || reply == "" {
		return reply
	}
	for _, tr := range translations {
		if t, ok := tr.by[lang]; ok && strings.Contains(reply, tr.english) {
			reply = strings.Replace(reply, tr.english, t, 1)
		}
	}
	return localizeTemplates(lang, reply)
}
