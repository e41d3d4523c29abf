package understand

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
