package understand

import (
	"strings"

	"github.com/switchboardhq/switchboard/textfold"
)

// Words for people the customer may ask for, used by humanPhrases.
const (
	// contactVerbs come before the person in a request ("talk to a
	// human", "hablar con una persona", "parler à un humain", "I need
	// someone").
	contactVerbs = "talk|speak|chat|connect|transfer|escalate|reach|get|need|want" +
		"|hablar|hablarle|comunicarme|quiero|necesito" +
		"|parler|discuter|joindre|veux|voudrais|besoin" +
		"|falar|quero|preciso|parlare|vorrei|voglio|spreken|praten|wil"
	// verbFinalVerbs come after the person in German and Dutch ("mit einem
	// Menschen sprechen", "met een medewerker spreken").
	verbFinalVerbs = "sprechen|reden|verbinden|telefonieren|spreken|praten"
	// people are the persons a customer asks for.
	people = "human|humans|person|agent|representative|rep|someone|somebody|operator|manager|supervisor" +
		"|humano|persona|alguien|agente|representante|operador|asesor|asesora" +
		"|humain|personne|quelquun|conseiller|conseillère|opérateur" +
		"|mensch|menschen|mitarbeiter|mitarbeiterin|jemand|jemandem|berater|beraterin" +
		"|pessoa|atendente|alguém|umano|operatore|qualcuno|mens|medewerker|iemand|persoon"
)

// humanPhrases are the ways a customer asks for a person.
var humanPhrases = mustPhrases(
	contactVerbs+" … "+people,
	people+" … "+verbFinalVerbs,
	"real|actual|live person|human|agent|people", "human agent|being", "representative",
	"agent|human|person please|pls|plz", "agente|humano por favor",
	"persona real|humana", "ser humano", "vrai|vraie humain|personne", "echten|echter|echte mensch|menschen|person",
	"pessoa real", "persona vera", "echt|echte persoon|mens|medewerker",
)

// lonePeople are the words that, alone in a message (with "please" or a
// greeting at most), ask for a person: "Human!", "agent", "Representative
// please".
var lonePeople = map[string]bool{
	"human": true, "agent": true, "representative": true, "person": true, "operator": true,
	"humano": true, "agente": true, "humain": true, "mensch": true, "mitarbeiter": true,
}

// loneFillers may stand next to a lone person word.
var loneFillers = map[string]bool{
	"please": true, "pls": true, "plz": true, "now": true, "hi": true, "hello": true, "hey": true,
	"a": true, "an": true, "por": true, "favor": true, "bitte": true,
}

// AsksForHuman reports whether the customer asks to talk to a person. It is
// a phrase heuristic; matching ignores case, accents and the kind of
// apostrophe. It is true when, in one sentence:
//
//   - a contact verb ("talk", "speak", "chat", "connect", "transfer",
//     "reach", "get", "need", "want", and their es/fr/pt/it/nl
//     counterparts) is followed within four words by a person word ("human",
//     "person", "agent", "representative", "someone", "operator",
//     "manager", …): "talk to a human", "speak to someone", "can I get a
//     real person", "hablar con una persona", "parler à un humain";
//   - a person word is followed within four words by a German or Dutch
//     verb: "mit einem Menschen sprechen";
//   - a set phrase appears: "real person", "live agent", "human being",
//     "representative", "agent please", "persona real", "vrai humain",
//     "echter Mensch";
//   - the whole message is a person word, maybe with "please" or a greeting:
//     "Agent!", "human please".
//
// A match with a negator up to three words before it in the same clause
// does not count ("I don't need a human", "no need to speak to someone").
// Past tenses are not contact verbs, so "I spoke to someone yesterday" is
// not a request. "Am I talking to a real person?" is (through "real
// person"): a customer who asks is usually hoping for one.
func AsksForHuman(text string) bool {
	return parse(text).asksForHuman()
}

// asksForHuman implements [AsksForHuman].
func (m message) asksForHuman() bool {
	if m.anyNotNegated(humanPhrases) {
		return true
	}
	person := false
	for _, s := range m.sentences {
		for _, w := range s {
			switch {
			case lonePeople[w.text]:
				person = true
			case !loneFillers[w.text]:
				return false
			}
		}
	}
	return person
}

// WithoutHumanRequest is what text says besides asking for a person (see
// AsksForHuman), for reading what it is about: its words outside its
// requests for a person, less those that only hold such a request together
// (function words, greetings, courtesies, "need", "want"): "I need to speak
// to someone about my refund" says "refund". only reports that nothing is
// left ("Can I talk to a person please?", "Quiero hablar con una persona"):
// a message that only asks for a person says nothing of the customer's
// issue. A text that asks for no person is returned as it is.
func WithoutHumanRequest(text string) (rest string, only bool) {
	m := parse(text)
	if !m.asksForHuman() {
		return text, false
	}
	type at struct{ sentence, word int }
	request := map[at]bool{}
	for _, sp := range m.find(humanPhrases) {
		if m.negated(sp) {
			continue
		}
		for i := sp.start; i < sp.end; i++ {
			request[at{sp.sentence, i}] = true
		}
	}
	var left []string
	for si, s := range m.sentences {
		for i, w := range s {
			if !request[at{si, i}] && !requestWords[w.text] {
				left = append(left, text[w.start:w.end])
			}
		}
	}
	return strings.Join(left, " "), len(left) == 0
}

// requestWords may stand beside a request for a person in a message that
// asks nothing else: the languages' function words (less the few nouns
// listed among them: "pedido", "commande", …), greetings, courtesies, and
// the words of the requests themselves.
var requestWords = func() map[string]bool {
	out := map[string]bool{}
	nouns := map[string]bool{"pedido": true, "ayuda": true, "commande": true, "colis": true, "bestellung": true,
		"paket": true, "encomenda": true, "chegou": true, "ordine": true, "pacco": true, "arrivato": true,
		"bestelling": true, "pakket": true}
	for _, l := range languages {
		for _, w := range strings.Fields(l.words) {
			if !nouns[w] {
				out[w] = true
			}
		}
	}
	for _, list := range []string{contactVerbs, verbFinalVerbs, people} {
		for _, w := range strings.Split(list, "|") {
			for _, f := range textfold.Words(w) {
				out[f] = true
			}
		}
	}
	for w := range loneFillers {
		out[w] = true
	}
	for _, w := range strings.Fields(`could may might let like id real actual live right away now asap immediately
		urgently soon possible someone somebody else another good morning afternoon evening hey yes ok okay`) {
		out[w] = true
	}
	return out
}()
