package understand

import (
	"strings"

	"github.com/switchboardhq/switchboard/textfold"
)

// glossaries are the words of customer-support questions in the languages
// Language recognises other than English, folded (lower case, no accents),
// each with the English words a help article would use for it. They cover
// what customers ask a shop about — shipping, delivery, returns, refunds,
// payment, orders, products, stock, sizes, colours, time and cost — not the
// language at large.
var glossaries = map[string]map[string]string{
	"es": glossary(`envio=shipping envios=shipping enviar=ship envian=ship enviais=ship entrega=delivery
		entregas=delivery tarda=take tardan=take tardara=take demora=take cuanto=how cuantos=how cuanta=how
		cuantas=how cuesta=cost cuestan=cost costo=cost coste=cost precio=price gratis=free gratuito=free
		devolver=return devolucion=return devoluciones=return reembolso=refund reembolsos=refund dinero=money
		pagar=pay pago=payment tarjeta=card pedido=order pedidos=order paquete=parcel producto=product
		productos=product articulo=item articulos=item dias=days dia=day semanas=weeks semana=week
		meses=months rapido=fast urgente=express disponible=available existencias=stock talla=size
		tallas=sizes tamano=size tamanos=sizes color=colour colores=colours seguimiento=tracking rastrear=track
		aduana=customs aduanas=customs impuestos=taxes internacional=international pais=country paises=countries
	 politica=policy`),
	"fr": glossary(`livraison=delivery livrer=deliver expedition=shipping expedier=ship envoi=shipping envoyer=send
		combien=how temps=time delai=time delais=time prend=take faut=take coute=cost coutent=cost cout=cost
		prix=price frais=cost gratuit=free gratuite=free retour=return retourner=return renvoyer=return
		remboursement=refund rembourser=refund argent=money payer=pay paiement=payment carte=card
		commande=order commandes=order colis=parcel produit=product produits=product article=item
		articles=item jours=days jour=day semaines=weeks semaine=week mois=months rapide=fast disponible=available
		stock=stock taille=size tailles=sizes couleur=colour couleurs=colours suivi=tracking suivre=track
		douane=customs douanes=customs taxes=taxes international=international pays=countries
	 politique=policy`),
	"de": glossary(`versand=shipping versenden=ship verschicken=ship lieferung=delivery liefern=deliver
		lieferzeit=delivery lange=long dauert=take dauer=time kostet=cost kosten=cost preis=price
		versandkosten=shipping kostenlos=free gratis=free zuruckgeben=return zurucksenden=return
		rucksendung=return ruckgabe=return umtausch=return erstattung=refund ruckerstattung=refund geld=money
		bezahlen=pay zahlen=pay zahlung=payment karte=card kreditkarte=card paket=parcel produkt=product
		produkte=product artikel=item tage=days tagen=days tag=day wochen=weeks woche=week monate=months
		monaten=months schnell=fast express=express verfugbar=available lager=stock lieferbar=available
		grosse=size grossen=sizes farbe=colour farben=colours sendungsverfolgung=tracking verfolgen=track
		zoll=customs steuern=taxes international=international land=country lander=countries zeit=time
		zuruckschicken=return zuruckzuschicken=return zuruckzusenden=return zuruckzugeben=return etwas=something
	`),
	"pt": glossary(`envio=shipping enviar=ship entrega=delivery entregar=deliver demora=take leva=take
		quanto=how quantos=how quantas=how custa=cost custo=cost preco=price frete=shipping gratis=free
		gratuito=free devolver=return devolucao=return reembolso=refund dinheiro=money pagar=pay
		pagamento=payment cartao=card encomenda=order pacote=parcel produto=product produtos=product
		artigo=item dias=days dia=day semanas=weeks semana=week meses=months rapido=fast disponivel=available
		estoque=stock tamanho=size tamanhos=sizes cor=colour cores=colours rastreio=tracking rastrear=track
		alfandega=customs impostos=taxes internacional=international pais=country paises=countries
	 politica=policy`),
	"it": glossary(`spedizione=shipping spedizioni=shipping spedire=ship spedite=ship spedisci=ship spedisce=ship
		consegna=delivery consegnare=deliver
		quanto=how quanti=how quante=how tempo=time vuole=take costa=cost costo=cost prezzo=price
		gratis=free gratuita=free reso=return restituire=return rimborso=refund soldi=money denaro=money
		pagare=pay pagamento=payment carta=card pacco=parcel prodotto=product prodotti=product articolo=item
		giorni=days giorno=day settimane=weeks settimana=week mesi=months veloce=fast disponibile=available
		magazzino=stock taglia=size taglie=sizes misura=size colore=colour colori=colours tracciamento=tracking
		dogana=customs tasse=taxes internazionale=international paese=country paesi=countries
	`),
	"nl": glossary(`verzending=shipping verzenden=ship versturen=ship levering=delivery bezorging=delivery
		leveren=deliver bezorgen=deliver lang=long duurt=take kost=cost kosten=cost prijs=price gratis=free
		retour=return retourneren=return terugsturen=return terugbetaling=refund geld=money betalen=pay
		betaling=payment kaart=card pakket=parcel product=product producten=product artikel=item dagen=days
		dag=day weken=weeks week=week maanden=months snel=fast beschikbaar=available voorraad=stock
		maat=size maten=sizes kleur=colour kleuren=colours volgen=track douane=customs belasting=taxes
		internationaal=international land=country landen=countries`),
}

// glossary reads "word=english …" pairs.
func glossary(pairs string) map[string]string {
	out := map[string]string{}
	for _, p := range strings.Fields(pairs) {
		from, to, _ := strings.Cut(p, "=")
		out[from] = to
	}
	return out
}

// functionWords are each language's listed words (see languages): a gloss
// leaves them out, as they say nothing of what the message asks.
var functionWords = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, l := range languages {
		out[l.code] = map[string]bool{}
		for _, w := range strings.Fields(l.words) {
			out[l.code][w] = true
		}
	}
	return out
}()

// Gloss is text as English help content would word it, for matching a
// question against content written in English: for a message Language
// recognises as Spanish, French, German, Portuguese, Italian or Dutch, its
// words folded, each support word of its glossary replaced by the English
// one ("¿Cuánto tarda el envío a Canadá?" is "how take shipping canada ?"),
// its frequent function words left out, and every other word kept as it is
// (names, numbers). Sentence ends and commas are kept as words ("?", ",").
// Any other text, English included, is returned unchanged.
func Gloss(text string) string {
	glossed, _, _ := Readings(text)
	return glossed
}

// Unglossed is text as content written in its own language would word it,
// for matching a question against a company's content in that language:
// for a message Gloss would gloss, its words in lower case as written
// (accents kept, as a search index keeps them), its frequent function words
// left out, sentence ends and commas kept as words ("Wie lange dauert der
// Versand nach Österreich?" is "lange dauert versand österreich ?"). ok is
// false, and the text is returned unchanged, for any other text.
func Unglossed(text string) (own string, ok bool) {
	_, own, ok = Readings(text)
	return own, ok
}

// Readings is text as Gloss and as Unglossed read it, its language found
// once; ok is false, and both are text, when Gloss leaves it unchanged.
func Readings(text string) (glossed, own string, ok bool) {
	lang := Language(text)
	if lang == "" {
		lang = glossLanguage(text)
	}
	words, ok := glossaries[lang]
	if !ok {
		return text, text, false
	}
	var g, o []string
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' }) {
		for _, clause := range splitClauses(part) {
			for _, w := range textfold.Words(clause.text) {
				switch {
				case words[w] != "":
					g = append(g, words[w])
				case functionWords[lang][w]:
				default:
					g = append(g, w)
				}
			}
			for _, w := range textfold.LowerWords(clause.text) {
				// A support word some language lists to recognise it by
				// ("commande") is kept.
				if f := textfold.Words(w); len(f) == 1 && functionWords[lang][f[0]] && words[f[0]] == "" {
					continue
				}
				o = append(o, w)
			}
			if clause.end != "" {
				g, o = append(g, clause.end), append(o, clause.end)
			}
		}
	}
	return strings.Join(g, " "), strings.Join(o, " "), true
}

// glossLanguage is the language of a short message Language is unsure of
// ("Combien coûte la livraison ?"): the one whose glossary holds at least
// two of its words that are not English too, and more than any other's; ""
// when none does. An inverted question or exclamation mark counts as such a
// word for Spanish ("¿Envían a España?").
func glossLanguage(text string) string {
	words := textfold.Words(text)
	best, bestHits, tie := "", 0, false
	for _, l := range languages { // fixed order: the same answer every time
		g := glossaries[l.code]
		hits := 0
		if l.code == "es" && strings.ContainsAny(text, "¿¡") {
			hits++
		}
		for _, w := range words {
			if e := g[w]; e != "" && e != w {
				hits++
			}
		}
		switch {
		case hits > bestHits:
			best, bestHits, tie = l.code, hits, false
		case hits == bestHits:
			tie = true
		}
	}
	if bestHits < 2 || tie {
		return ""
	}
	return best
}

// clause is a part of a text up to a sentence end or comma, and that mark.
type clause struct{ text, end string }

func splitClauses(s string) []clause {
	var out []clause
	start := 0
	for i, r := range s {
		if strings.ContainsRune(".?!,;", r) {
			out = append(out, clause{s[start:i], string(r)})
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, clause{s[start:], ""})
	}
	return out
}
