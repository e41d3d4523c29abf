package decide

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/models"
)

// templates are set texts with parts filled in (an order's number, a date,
// an address), in English with placeholders, and their translations, which
// Localize says them in. A placeholder stands for:
//   - {order}: an order's number, said as it is;
//   - {date}: a date written "January 2", said the language's way;
//   - {status}: an order's status, said in the language's words;
//   - {field}: a contact's detail ("phone number"), said in the language's
//     words with "your" (the English has it before the placeholder);
//   - {n}: a number; {email}: an address (masked or not); {id}: a tracking
//     number; {url}: a link, which ends the text;
//   - {text}: the company's own words (a carrier, its return instructions),
//     kept as written;
//   - {time}: a time of day with its zone ("09:00 PST"), kept as written;
//     {weekday}: a day of the week, said in the language's words.
//
// A text that holds another one's whole sentence comes first.
var templates = compileTemplates([]translation{
	{"To protect your account, I need to confirm it's you first. If {email} is the address on your account, I've just sent a 6-digit code to it: please type it here. It's valid for {n} minutes.", map[string]string{
		"es": "Para proteger su cuenta, primero necesito confirmar que es usted. Si {email} es la dirección de su cuenta, le acabo de enviar un código de 6 dígitos: escríbalo aquí. Es válido durante {n} minutos.",
		"fr": "Pour protéger votre compte, je dois d'abord confirmer que c'est bien vous. Si {email} est l'adresse de votre compte, je viens d'y envoyer un code à 6 chiffres : saisissez-le ici. Il est valable {n} minutes.",
		"de": "Zum Schutz Ihres Kontos muss ich zuerst bestätigen, dass Sie es sind. Wenn {email} die Adresse Ihres Kontos ist, habe ich gerade einen 6-stelligen Code dorthin geschickt: Bitte geben Sie ihn hier ein. Er ist {n} Minuten gültig.",
		"pt": "Para proteger a sua conta, preciso primeiro de confirmar que é você. Se {email} for o endereço da sua conta, acabei de lhe enviar um código de 6 dígitos: escreva-o aqui. É válido durante {n} minutos.",
		"it": "Per proteggere il suo account devo prima confermare che è lei. Se {email} è l'indirizzo del suo account, le ho appena inviato un codice di 6 cifre: lo scriva qui. È valido per {n} minuti.",
		"nl": "Om uw account te beschermen moet ik eerst bevestigen dat u het bent. Als {email} het adres van uw account is, heb ik er zojuist een code van 6 cijfers naartoe gestuurd: typ die hier. De code is {n} minuten geldig.",
	}},
	{"That code doesn't match. Please check the email and type the 6-digit code again ({n} attempts left).", map[string]string{
		"es": "Ese código no coincide. Revise el correo y escriba de nuevo el código de 6 dígitos (quedan {n} intentos).",
		"fr": "Ce code ne correspond pas. Vérifiez l'e-mail et saisissez à nouveau le code à 6 chiffres ({n} essais restants).",
		"de": "Dieser Code stimmt nicht. Bitte prüfen Sie die E-Mail und geben Sie den 6-stelligen Code erneut ein (noch {n} Versuche).",
		"pt": "Esse código não corresponde. Verifique o email e escreva novamente o código de 6 dígitos (restam {n} tentativas).",
		"it": "Il codice non corrisponde. Controlli l'email e scriva di nuovo il codice di 6 cifre (tentativi rimasti: {n}).",
		"nl": "Die code klopt niet. Controleer de e-mail en typ de code van 6 cijfers opnieuw (nog {n} pogingen).",
	}},
	{"I couldn't find an order numbered {order}. Could you check the number?", map[string]string{
		"es": "No encuentro ningún pedido con el número {order}. ¿Podría comprobar el número?",
		"fr": "Je ne trouve aucune commande portant le numéro {order}. Pourriez-vous vérifier le numéro ?",
		"de": "Ich finde keine Bestellung mit der Nummer {order}. Könnten Sie die Nummer prüfen?",
		"pt": "Não encontro nenhuma encomenda com o número {order}. Pode verificar o número?",
		"it": "Non trovo nessun ordine con il numero {order}. Può controllare il numero?",
		"nl": "Ik kan geen bestelling met nummer {order} vinden. Kunt u het nummer controleren?",
	}},
	{"I couldn't find an order numbered {order} for your account.", map[string]string{
		"es": "No encuentro ningún pedido con el número {order} en su cuenta.",
		"fr": "Je ne trouve aucune commande portant le numéro {order} sur votre compte.",
		"de": "Ich finde in Ihrem Konto keine Bestellung mit der Nummer {order}.",
		"pt": "Não encontro nenhuma encomenda com o número {order} na sua conta.",
		"it": "Non trovo nessun ordine con il numero {order} nel suo account.",
		"nl": "Ik kan in uw account geen bestelling met nummer {order} vinden.",
	}},
	{"I couldn't find an order numbered {order}.", map[string]string{
		"es": "No encuentro ningún pedido con el número {order}.",
		"fr": "Je ne trouve aucune commande portant le numéro {order}.",
		"de": "Ich finde keine Bestellung mit der Nummer {order}.",
		"pt": "Não encontro nenhuma encomenda com o número {order}.",
		"it": "Non trovo nessun ordine con il numero {order}.",
		"nl": "Ik kan geen bestelling met nummer {order} vinden.",
	}},
	{"Order {order} has not been delivered yet (it is {status}), so it cannot be returned.", map[string]string{
		"es": "El pedido {order} aún no se ha entregado (está {status}), así que no se puede devolver.",
		"fr": "La commande {order} n'a pas encore été livrée (elle est {status}), elle ne peut donc pas être retournée.",
		"de": "Die Bestellung {order} ist noch nicht zugestellt (Status: {status}), daher kann sie nicht zurückgegeben werden.",
		"pt": "A encomenda {order} ainda não foi entregue (está {status}), por isso não pode ser devolvida.",
		"it": "L'ordine {order} non è ancora stato consegnato (è {status}), quindi non può essere reso.",
		"nl": "Bestelling {order} is nog niet bezorgd (status: {status}), dus die kan niet worden geretourneerd.",
	}},
	{"Order {order} was delivered on {date}, more than {n} days ago, which is outside our return window.", map[string]string{
		"es": "El pedido {order} se entregó el {date}, hace más de {n} días, fuera de nuestro plazo de devolución.",
		"fr": "La commande {order} a été livrée le {date}, il y a plus de {n} jours, ce qui dépasse notre délai de retour.",
		"de": "Die Bestellung {order} wurde am {date} zugestellt, vor mehr als {n} Tagen, und liegt damit außerhalb unserer Rückgabefrist.",
		"pt": "A encomenda {order} foi entregue a {date}, há mais de {n} dias, fora do nosso prazo de devolução.",
		"it": "L'ordine {order} è stato consegnato il {date}, più di {n} giorni fa, fuori dal nostro periodo di reso.",
		"nl": "Bestelling {order} is op {date} bezorgd, meer dan {n} dagen geleden, en valt daarmee buiten onze retourtermijn.",
	}},
	{"Order {order} was placed on {date} and is being prepared; it has not shipped yet.", map[string]string{
		"es": "El pedido {order} se realizó el {date} y se está preparando; aún no se ha enviado.",
		"fr": "La commande {order} a été passée le {date} et est en préparation ; elle n'a pas encore été expédiée.",
		"de": "Die Bestellung {order} wurde am {date} aufgegeben und wird vorbereitet; sie ist noch nicht versandt.",
		"pt": "A encomenda {order} foi feita a {date} e está a ser preparada; ainda não foi enviada.",
		"it": "L'ordine {order} è stato effettuato il {date} ed è in preparazione; non è ancora stato spedito.",
		"nl": "Bestelling {order} is geplaatst op {date} en wordt klaargemaakt; ze is nog niet verzonden.",
	}},
	{"Order {order} shipped on {date} and is on its way.", map[string]string{
		"es": "El pedido {order} se envió el {date} y está en camino.",
		"fr": "La commande {order} a été expédiée le {date} et est en route.",
		"de": "Die Bestellung {order} wurde am {date} versandt und ist unterwegs.",
		"pt": "A encomenda {order} foi enviada a {date} e está a caminho.",
		"it": "L'ordine {order} è stato spedito il {date} ed è in viaggio.",
		"nl": "Bestelling {order} is op {date} verzonden en is onderweg.",
	}},
	{"Order {order} shipped on {date} and is delayed in transit.", map[string]string{
		"es": "El pedido {order} se envió el {date} y lleva retraso en el transporte.",
		"fr": "La commande {order} a été expédiée le {date} et a du retard dans son acheminement.",
		"de": "Die Bestellung {order} wurde am {date} versandt und ist auf dem Transportweg verspätet.",
		"pt": "A encomenda {order} foi enviada a {date} e está atrasada no transporte.",
		"it": "L'ordine {order} è stato spedito il {date} ed è in ritardo durante il trasporto.",
		"nl": "Bestelling {order} is op {date} verzonden en heeft vertraging onderweg.",
	}},
	{"Order {order} was delivered on {date}.", map[string]string{
		"es": "El pedido {order} se entregó el {date}.",
		"fr": "La commande {order} a été livrée le {date}.",
		"de": "Die Bestellung {order} wurde am {date} zugestellt.",
		"pt": "A encomenda {order} foi entregue a {date}.",
		"it": "L'ordine {order} è stato consegnato il {date}.",
		"nl": "Bestelling {order} is op {date} bezorgd.",
	}},
	{"Order {order} was placed and is being prepared; it has not shipped yet.", map[string]string{
		"es": "El pedido {order} se ha realizado y se está preparando; aún no se ha enviado.",
		"fr": "La commande {order} a été passée et est en préparation ; elle n'a pas encore été expédiée.",
		"de": "Die Bestellung {order} wurde aufgegeben und wird vorbereitet; sie ist noch nicht versandt.",
		"pt": "A encomenda {order} foi feita e está a ser preparada; ainda não foi enviada.",
		"it": "L'ordine {order} è stato effettuato ed è in preparazione; non è ancora stato spedito.",
		"nl": "Bestelling {order} is geplaatst en wordt klaargemaakt; ze is nog niet verzonden.",
	}},
	{"Order {order} shipped and is on its way.", map[string]string{
		"es": "El pedido {order} se ha enviado y está en camino.",
		"fr": "La commande {order} a été expédiée et est en route.",
		"de": "Die Bestellung {order} wurde versandt und ist unterwegs.",
		"pt": "A encomenda {order} foi enviada e está a caminho.",
		"it": "L'ordine {order} è stato spedito ed è in viaggio.",
		"nl": "Bestelling {order} is verzonden en is onderweg.",
	}},
	{"Order {order} shipped and is delayed in transit.", map[string]string{
		"es": "El pedido {order} se ha enviado y lleva retraso en el transporte.",
		"fr": "La commande {order} a été expédiée et a du retard dans son acheminement.",
		"de": "Die Bestellung {order} wurde versandt und ist auf dem Transportweg verspätet.",
		"pt": "A encomenda {order} foi enviada e está atrasada no transporte.",
		"it": "L'ordine {order} è stato spedito ed è in ritardo durante il trasporto.",
		"nl": "Bestelling {order} is verzonden en heeft vertraging onderweg.",
	}},
	{"Order {order} was delivered.", map[string]string{
		"es": "El pedido {order} se ha entregado.",
		"fr": "La commande {order} a été livrée.",
		"de": "Die Bestellung {order} wurde zugestellt.",
		"pt": "A encomenda {order} foi entregue.",
		"it": "L'ordine {order} è stato consegnato.",
		"nl": "Bestelling {order} is bezorgd.",
	}},
	{"Order {order} is marked as lost in transit.", map[string]string{
		"es": "El pedido {order} figura como perdido durante el transporte.",
		"fr": "La commande {order} est signalée comme perdue pendant l'acheminement.",
		"de": "Die Bestellung {order} ist als auf dem Transportweg verloren gemeldet.",
		"pt": "A encomenda {order} está registada como perdida no transporte.",
		"it": "L'ordine {order} risulta smarrito durante il trasporto.",
		"nl": "Bestelling {order} staat geregistreerd als verloren tijdens het transport.",
	}},
	{"A return has already been started for order {order}.", map[string]string{
		"es": "Ya se ha iniciado una devolución del pedido {order}.",
		"fr": "Un retour a déjà été lancé pour la commande {order}.",
		"de": "Für die Bestellung {order} wurde bereits eine Rücksendung eingeleitet.",
		"pt": "Já foi iniciada uma devolução da encomenda {order}.",
		"it": "È già stato avviato un reso per l'ordine {order}.",
		"nl": "Voor bestelling {order} is al een retour gestart.",
	}},
	{"A return has been started for order {order}.", map[string]string{
		"es": "Se ha iniciado una devolución del pedido {order}.",
		"fr": "Un retour a été lancé pour la commande {order}.",
		"de": "Für die Bestellung {order} wurde eine Rücksendung eingeleitet.",
		"pt": "Foi iniciada uma devolução da encomenda {order}.",
		"it": "È stato avviato un reso per l'ordine {order}.",
		"nl": "Voor bestelling {order} is een retour gestart.",
	}},
	{"It's with {text}, tracking number {id}.", map[string]string{
		"es": "Lo transporta {text}, con el número de seguimiento {id}.",
		"fr": "Il est acheminé par {text}, numéro de suivi {id}.",
		"de": "Sie ist bei {text}, Sendungsnummer {id}.",
		"pt": "Segue com {text}, número de seguimento {id}.",
		"it": "È affidato a {text}, numero di tracciamento {id}.",
		"nl": "Het wordt bezorgd door {text}, trackingnummer {id}.",
	}},
	{"It's with {text}.", map[string]string{
		"es": "Lo transporta {text}.", "fr": "Il est acheminé par {text}.", "de": "Sie ist bei {text}.",
		"pt": "Segue com {text}.", "it": "È affidato a {text}.", "nl": "Het wordt bezorgd door {text}.",
	}},
	{"Its tracking number is {id}.", map[string]string{
		"es": "Su número de seguimiento es {id}.", "fr": "Son numéro de suivi est {id}.", "de": "Die Sendungsnummer ist {id}.",
		"pt": "O número de seguimento é {id}.", "it": "Il numero di tracciamento è {id}.", "nl": "Het trackingnummer is {id}.",
	}},
	{"Track it here: {url}", map[string]string{
		"es": "Puede seguirlo aquí: {url}", "fr": "Suivez-le ici : {url}", "de": "Sendungsverfolgung: {url}",
		"pt": "Acompanhe-a aqui: {url}", "it": "Può seguirlo qui: {url}", "nl": "Volg het hier: {url}",
	}},
	{"I've started a return for order {order}. {text} I've emailed this to {email} too.", map[string]string{
		"es": "He iniciado la devolución del pedido {order}. {text} También se lo he enviado por correo a {email}.",
		"fr": "J'ai lancé le retour de la commande {order}. {text} Je vous l'ai aussi envoyé par e-mail à {email}.",
		"de": "Ich habe die Rücksendung der Bestellung {order} eingeleitet. {text} Ich habe Ihnen das auch an {email} geschickt.",
		"pt": "Iniciei a devolução da encomenda {order}. {text} Também lhe enviei isto para {email}.",
		"it": "Ho avviato il reso dell'ordine {order}. {text} Le ho inviato queste informazioni anche a {email}.",
		"nl": "Ik heb de retour van bestelling {order} gestart. {text} Ik heb dit ook naar {email} gestuurd.",
	}},
	{"I've started a return for order {order} and emailed a confirmation to {email}.", map[string]string{
		"es": "He iniciado la devolución del pedido {order} y he enviado una confirmación a {email}.",
		"fr": "J'ai lancé le retour de la commande {order} et envoyé une confirmation à {email}.",
		"de": "Ich habe die Rücksendung der Bestellung {order} eingeleitet und eine Bestätigung an {email} geschickt.",
		"pt": "Iniciei a devolução da encomenda {order} e enviei uma confirmação para {email}.",
		"it": "Ho avviato il reso dell'ordine {order} e ho inviato una conferma a {email}.",
		"nl": "Ik heb de retour van bestelling {order} gestart en een bevestiging naar {email} gestuurd.",
	}},
	{"I've emailed a link to reset your password to {email}.", map[string]string{
		"es": "He enviado a {email} un enlace para restablecer su contraseña.",
		"fr": "J'ai envoyé à {email} un lien pour réinitialiser votre mot de passe.",
		"de": "Ich habe einen Link zum Zurücksetzen Ihres Passworts an {email} geschickt.",
		"pt": "Enviei para {email} uma ligação para redefinir a sua palavra-passe.",
		"it": "Ho inviato a {email} un link per reimpostare la password.",
		"nl": "Ik heb een link om uw wachtwoord opnieuw in te stellen naar {email} gestuurd.",
	}},
	{"{text} from {text} has joined the conversation.", map[string]string{
		"es": "{text}, del equipo {text}, se ha unido a la conversación.", "fr": "{text}, de l'équipe {text}, a rejoint la conversation.",
		"de": "{text} vom Team {text} ist dem Gespräch beigetreten.", "pt": "{text}, da equipa {text}, juntou-se à conversa.",
		"it": "{text} del team {text} partecipa ora alla conversazione.", "nl": "{text} van het team {text} neemt nu deel aan het gesprek.",
	}},
	{"{text} has joined the conversation.", map[string]string{
		"es": "{text} se ha unido a la conversación.", "fr": "{text} a rejoint la conversation.",
		"de": "{text} ist dem Gespräch beigetreten.", "pt": "{text} juntou-se à conversa.",
		"it": "{text} partecipa ora alla conversazione.", "nl": "{text} neemt nu deel aan het gesprek.",
	}},
	{"I'll email you a link to reset your password. Shall I go ahead? (yes or no)", map[string]string{
		"es": "Le enviaré por correo un enlace para restablecer la contraseña. ¿Sigo adelante? (sí o no)",
		"fr": "Je vais vous envoyer par e-mail un lien de réinitialisation du mot de passe. Je continue ? (oui ou non)",
		"de": "Ich schicke Ihnen per E-Mail einen Link zum Zurücksetzen des Passworts. Soll ich fortfahren? (ja oder nein)",
		"pt": "Vou enviar-lhe por email uma ligação para redefinir a palavra-passe. Posso avançar? (sim ou não)",
		"it": "Le invio via email un link per reimpostare la password. Procedo? (sì o no)",
		"nl": "Ik stuur u per e-mail een link om het wachtwoord opnieuw in te stellen. Zal ik doorgaan? (ja of nee)",
	}},
	{"Your verification code is {n}. It is valid for {n} minutes.", map[string]string{
		"es": "Su código de verificación es {n}. Es válido durante {n} minutos.",
		"fr": "Votre code de vérification est {n}. Il est valable {n} minutes.",
		"de": "Ihr Bestätigungscode lautet {n}. Er ist {n} Minuten gültig.",
		"pt": "O seu código de verificação é {n}. É válido durante {n} minutos.",
		"it": "Il suo codice di verifica è {n}. È valido per {n} minuti.",
		"nl": "Uw verificatiecode is {n}. De code is {n} minuten geldig.",
	}},
	{"Order {order}: your return has started", map[string]string{
		"es": "Pedido {order}: su devolución está en marcha", "fr": "Commande {order} : votre retour est lancé",
		"de": "Bestellung {order}: Ihre Rücksendung ist eingeleitet", "pt": "Encomenda {order}: a sua devolução foi iniciada",
		"it": "Ordine {order}: il suo reso è stato avviato", "nl": "Bestelling {order}: uw retour is gestart",
	}},
	{"We've started a return for order {order}.", map[string]string{
		"es": "Hemos iniciado la devolución del pedido {order}.", "fr": "Nous avons lancé le retour de la commande {order}.",
		"de": "Wir haben die Rücksendung der Bestellung {order} eingeleitet.", "pt": "Iniciámos a devolução da encomenda {order}.",
		"it": "Abbiamo avviato il reso dell'ordine {order}.", "nl": "We hebben de retour van bestelling {order} gestart.",
	}},
	{"I'll change your {field} to {text}, your {field} to {text} and your {field} to {text}. Shall I go ahead? (yes or no)", map[string]string{
		"es": "Voy a cambiar {field} por {text}, {field} por {text} y {field} por {text}. ¿Sigo adelante? (sí o no)",
		"fr": "Je vais remplacer {field} par {text}, {field} par {text} et {field} par {text}. Je continue ? (oui ou non)",
		"de": "Ich ändere {field} in {text}, {field} in {text} und {field} in {text}. Soll ich fortfahren? (ja oder nein)",
		"pt": "Vou alterar {field} para {text}, {field} para {text} e {field} para {text}. Posso avançar? (sim ou não)",
		"it": "Cambio {field} in {text}, {field} in {text} e {field} in {text}. Procedo? (sì o no)",
		"nl": "Ik wijzig {field} in {text}, {field} in {text} en {field} in {text}. Zal ik doorgaan? (ja of nee)",
	}},
	{"I'll change your {field} to {text} and your {field} to {text}. Shall I go ahead? (yes or no)", map[string]string{
		"es": "Voy a cambiar {field} por {text} y {field} por {text}. ¿Sigo adelante? (sí o no)",
		"fr": "Je vais remplacer {field} par {text} et {field} par {text}. Je continue ? (oui ou non)",
		"de": "Ich ändere {field} in {text} und {field} in {text}. Soll ich fortfahren? (ja oder nein)",
		"pt": "Vou alterar {field} para {text} e {field} para {text}. Posso avançar? (sim ou não)",
		"it": "Cambio {field} in {text} e {field} in {text}. Procedo? (sì o no)",
		"nl": "Ik wijzig {field} in {text} en {field} in {text}. Zal ik doorgaan? (ja of nee)",
	}},
	{"I'll change your {field} to {text}. Shall I go ahead? (yes or no)", map[string]string{
		"es": "Voy a cambiar {field} por {text}. ¿Sigo adelante? (sí o no)",
		"fr": "Je vais remplacer {field} par {text}. Je continue ? (oui ou non)",
		"de": "Ich ändere {field} in {text}. Soll ich fortfahren? (ja oder nein)",
		"pt": "Vou alterar {field} para {text}. Posso avançar? (sim ou não)",
		"it": "Cambio {field} in {text}. Procedo? (sì o no)",
		"nl": "Ik wijzig {field} in {text}. Zal ik doorgaan? (ja of nee)",
	}},
	{"Done: I've updated your {field}, {field} and {field}.", map[string]string{
		"es": "Hecho: he actualizado {field}, {field} y {field}.", "fr": "C'est fait : j'ai mis à jour {field}, {field} et {field}.",
		"de": "Erledigt: Ich habe {field}, {field} und {field} aktualisiert.", "pt": "Feito: atualizei {field}, {field} e {field}.",
		"it": "Fatto: ho aggiornato {field}, {field} e {field}.", "nl": "Klaar: ik heb {field}, {field} en {field} bijgewerkt.",
	}},
	{"Done: I've updated your {field} and {field}.", map[string]string{
		"es": "Hecho: he actualizado {field} y {field}.", "fr": "C'est fait : j'ai mis à jour {field} et {field}.",
		"de": "Erledigt: Ich habe {field} und {field} aktualisiert.", "pt": "Feito: atualizei {field} e {field}.",
		"it": "Fatto: ho aggiornato {field} e {field}.", "nl": "Klaar: ik heb {field} en {field} bijgewerkt.",
	}},
	{"Done: I've updated your {field}.", map[string]string{
		"es": "Hecho: he actualizado {field}.", "fr": "C'est fait : j'ai mis à jour {field}.",
		"de": "Erledigt: Ich habe {field} aktualisiert.", "pt": "Feito: atualizei {field}.",
		"it": "Fatto: ho aggiornato {field}.", "nl": "Klaar: ik heb {field} bijgewerkt.",
	}},
	{"I'll start a return for order {order} and email you the details. Shall I go ahead? (yes or no)", map[string]string{
		"es": "Voy a iniciar la devolución del pedido {order} y a enviarle los detalles por correo. ¿Sigo adelante? (sí o no)",
		"fr": "Je vais lancer le retour de la commande {order} et vous envoyer les détails par e-mail. Je continue ? (oui ou non)",
		"de": "Ich leite die Rücksendung der Bestellung {order} ein und schicke Ihnen die Details per E-Mail. Soll ich fortfahren? (ja oder nein)",
		"pt": "Vou iniciar a devolução da encomenda {order} e enviar-lhe os detalhes por email. Posso avançar? (sim ou não)",
		"it": "Avvio il reso dell'ordine {order} e le invio i dettagli via email. Procedo? (sì o no)",
		"nl": "Ik start de retour van bestelling {order} en stuur u de details per e-mail. Zal ik doorgaan? (ja of nee)",
	}},
	{"Our team is available from {time} today; a person will reply then.", map[string]string{
		"es": "Nuestro equipo está disponible hoy a partir de las {time}; una persona le responderá entonces.",
		"fr": "Notre équipe est disponible aujourd'hui à partir de {time} ; une personne vous répondra à ce moment-là.",
		"de": "Unser Team ist heute ab {time} erreichbar; dann antwortet Ihnen eine Person.",
		"pt": "A nossa equipa está disponível hoje a partir das {time}; uma pessoa responderá nessa altura.",
		"it": "Il nostro team è disponibile oggi dalle {time}; una persona le risponderà allora.",
		"nl": "Ons team is vandaag vanaf {time} bereikbaar; dan antwoordt iemand u.",
	}},
	{"Our team is available from {time} tomorrow; a person will reply then.", map[string]string{
		"es": "Nuestro equipo está disponible mañana a partir de las {time}; una persona le responderá entonces.",
		"fr": "Notre équipe est disponible demain à partir de {time} ; une personne vous répondra à ce moment-là.",
		"de": "Unser Team ist morgen ab {time} erreichbar; dann antwortet Ihnen eine Person.",
		"pt": "A nossa equipa está disponível amanhã a partir das {time}; uma pessoa responderá nessa altura.",
		"it": "Il nostro team è disponibile domani dalle {time}; una persona le risponderà allora.",
		"nl": "Ons team is morgen vanaf {time} bereikbaar; dan antwoordt iemand u.",
	}},
	{"Our team is available from {weekday} {time}; a person will reply then.", map[string]string{
		"es": "Nuestro equipo está disponible a partir del {weekday} a las {time}; una persona le responderá entonces.",
		"fr": "Notre équipe est disponible à partir de {weekday} {time} ; une personne vous répondra à ce moment-là.",
		"de": "Unser Team ist ab {weekday} {time} erreichbar; dann antwortet Ihnen eine Person.",
		"pt": "A nossa equipa está disponível a partir de {weekday} às {time}; uma pessoa responderá nessa altura.",
		"it": "Il nostro team è disponibile da {weekday} alle {time}; una persona le risponderà allora.",
		"nl": "Ons team is vanaf {weekday} {time} bereikbaar; dan antwoordt iemand u.",
	}},
	// A company's action, in its own words, and an admin's test of any
	// action: after every text above that says more.
	{"I'll {text}. Shall I go ahead? (yes or no)", map[string]string{
		"es": "Esto es lo que haré: {text}. ¿Sigo adelante? (sí o no)",
		"fr": "Voici ce que je vais faire : {text}. Je continue ? (oui ou non)",
		"de": "Das werde ich tun: {text}. Soll ich fortfahren? (ja oder nein)",
		"pt": "Vou fazer o seguinte: {text}. Posso avançar? (sim ou não)",
		"it": "Ecco cosa farò: {text}. Procedo? (sì o no)",
		"nl": "Dit ga ik doen: {text}. Zal ik doorgaan? (ja of nee)",
	}},
	{"Test conversation: I would {text}. Nothing was changed.", map[string]string{
		"es": "Conversación de prueba: esto es lo que haría: {text}. No se ha cambiado nada.",
		"fr": "Conversation de test : voici ce que je ferais : {text}. Rien n'a été modifié.",
		"de": "Testgespräch: Das würde ich tun: {text}. Es wurde nichts geändert.",
		"pt": "Conversa de teste: faria o seguinte: {text}. Nada foi alterado.",
		"it": "Conversazione di prova: ecco cosa farei: {text}. Non è stato modificato nulla.",
		"nl": "Testgesprek: dit zou ik doen: {text}. Er is niets gewijzigd.",
	}},
})

// placeholders are what each placeholder of a template matches.
var placeholders = map[string]string{
	"order":   `(\S+?)`,
	"date":    `((?:January|February|March|April|May|June|July|August|September|October|November|December) [0-9]{1,2})`,
	"status":  `([a-z_]+)`,
	"field":   `(name|phone number|phone|address)`,
	"n":       `([0-9]+)`,
	"email":   `(\S+@[\w.-]*\w)`,
	"id":      `(\S+?)`,
	"url":     `(\S+)`,
	"text":    `(.+?)`,
	"time":    `([0-9]{2}:[0-9]{2} \S+?)`,
	"weekday": `(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`,
}

var placeholderRE = regexp.MustCompile(`\{(\w+)\}`)

// template is a set text with parts filled in, ready to find in a reply.
type template struct {
	english string
	re      *regexp.Regexp
	names   []string // the placeholders, in the English text's order
	by      map[string]string
}

func compileTemplates(ts []translation) []template {
	out := make([]template, len(ts))
	for i, t := range ts {
		var pattern strings.Builder
		last := 0
		for _, m := range placeholderRE.FindAllStringSubmatchIndex(t.english, -1) {
			name := t.english[m[2]:m[3]]
			group, ok := placeholders[name]
			if !ok {
				panic("decide: template placeholder {" + name + "} is unknown")
			}
			pattern.WriteString(regexp.QuoteMeta(t.english[last:m[0]]))
			pattern.WriteString(group)
			out[i].names = append(out[i].names, name)
			last = m[1]
		}
		pattern.WriteString(regexp.QuoteMeta(t.english[last:]))
		out[i].english, out[i].re, out[i].by = t.english, regexp.MustCompile(pattern.String()), t.by
	}
	return out
}

// localizeTemplates says each template's text in reply in lang.
func localizeTemplates(lang, reply string) string {
	for _, t := range templates {
		tr, ok := t.by[lang]
		if !ok {
			continue
		}
		reply = t.re.ReplaceAllStringFunc(reply, func(match string) string {
			values := t.re.FindStringSubmatch(match)[1:]
			out := tr
			for i, name := range t.names {
				out = strings.Replace(out, "{"+name+"}", localizeValue(lang, name, values[i]), 1)
			}
			return out
		})
	}
	return reply
}

// localizeValue says a template's filled-in part in lang: a date and a
// status in its words, anything else as it is.
func localizeValue(lang, name, v string) string {
	switch name {
	case "date":
		d, err := time.Parse("January 2", v)
		if err != nil {
			return v
		}
		return localDate(lang, d.Month(), d.Day())
	case "status":
		if s, ok := statusWords[v][lang]; ok {
			return s
		}
	case "field":
		if s, ok := fieldWords[strings.TrimSuffix(v, " number")][lang]; ok {
			return s
		}
	case "weekday":
		for d := time.Sunday; d <= time.Saturday; d++ {
			if d.String() == v {
				return weekdayNames[lang][d]
			}
		}
	}
	return v
}

// monthNames are the months in each language, January first.
var monthNames = map[string][12]string{
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	"pt": {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
	"it": {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
}

// weekdayNames are the days of the week in each language, Sunday first
// (time.Weekday's order).
var weekdayNames = map[string][7]string{
	"es": {"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
	"fr": {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
	"de": {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
	"pt": {"domingo", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado"},
	"it": {"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"},
	"nl": {"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
}

// localDate writes a day of a month as lang does: "2 de enero", "2. Januar".
func localDate(lang string, m time.Month, day int) string {
	months, ok := monthNames[lang]
	if !ok {
		return time.Date(2000, m, day, 0, 0, 0, 0, time.UTC).Format("January 2")
	}
	month := months[m-1]
	switch lang {
	case "es", "pt":
		return strconv.Itoa(day) + " de " + month
	case "de":
		return strconv.Itoa(day) + ". " + month
	case "fr":
		if day == 1 {
			return "1er " + month
		}
	}
	return strconv.Itoa(day) + " " + month
}

// statusWords are the order statuses in each language's words.
var statusWords = map[string]map[string]string{
	models.OrderProcessing: {"es": "en preparación", "fr": "en préparation", "de": "in Bearbeitung", "pt": "em preparação", "it": "in preparazione", "nl": "in behandeling"},
	models.OrderShipped:    {"es": "enviado", "fr": "expédiée", "de": "versandt", "pt": "enviada", "it": "spedito", "nl": "verzonden"},
	models.OrderDelayed:    {"es": "retrasado", "fr": "retardée", "de": "verspätet", "pt": "atrasada", "it": "in ritardo", "nl": "vertraagd"},
	models.OrderLost:       {"es": "perdido", "fr": "perdue", "de": "verloren", "pt": "perdida", "it": "smarrito", "nl": "verloren"},
	models.OrderReturnRequested: {"es": "con una devolución en curso", "fr": "en cours de retour", "de": "Rücksendung angefragt",
		"pt": "com devolução pedida", "it": "con un reso richiesto", "nl": "retour aangevraagd"},
}

// fieldWords are a contact's details with "your", in each language's words.
var fieldWords = map[string]map[string]string{
	"name":    {"es": "su nombre", "fr": "votre nom", "de": "Ihren Namen", "pt": "o seu nome", "it": "il suo nome", "nl": "uw naam"},
	"phone":   {"es": "su número de teléfono", "fr": "votre numéro de téléphone", "de": "Ihre Telefonnummer", "pt": "o seu número de telefone", "it": "il suo numero di telefono", "nl": "uw telefoonnummer"},
	"address": {"es": "su dirección", "fr": "votre adresse", "de": "Ihre Adresse", "pt": "a sua morada", "it": "il suo indirizzo", "nl": "uw adres"},
}
