package understand

import "unicode"

// The values of [Analysis.Sentiment], strongest first.
const (
	// SentimentFrustrated is an angry or exasperated customer.
	SentimentFrustrated = "frustrated"
	// SentimentNegative is a customer reporting a problem or unhappy with
	// something, without strong signals.
	SentimentNegative = "negative"
	// SentimentNeutral is a message with no sentiment words.
	SentimentNeutral = "neutral"
	// SentimentPositive is a thankful or pleased customer.
	SentimentPositive = "positive"
)

// frustrationPhrases are strong signals; any one not negated makes a message
// frustrated ("I'm not angry, just disappointed" is only negative).
var frustrationPhrases = mustPhrases(
	"ridiculous", "ridicule", "ridiculo", "absurd", "absurdo",
	"worst", "fed up", "sick of", "sick and tired", "had enough", "marre", "harto", "harta",
	"still …1 not|havent|hasnt|didnt|never …2 received|receive|arrived|arrive|got|get|gotten|heard",
	"third|3rd|fourth|4th|fifth|5th time", "how many times",
	"unacceptable", "inacceptable", "inaceptable", "inakzeptabel", "inaccettabile", "inaceitavel", "onacceptabel",
	"not|isnt|arent|wasnt acceptable",
	"waste of time", "waste of my time", "wasting my time", "wasted my time",
	"useless", "inutil", "inutile", "nutzlos", "nutteloos",
	"furious", "angry", "livid", "furieux", "furieuse", "furioso", "furiosa", "wütend",
	"what a joke", "is a joke", "such a joke",
	"pathetic", "disgraceful", "disgusting", "outrageous", "incompetent", "scam", "rip off", "ripoff",
	"never again", "frustrated", "frustrating", "frustrant", "frustrante", "frustriert",
	"vergüenza", "honte", "honteux", "unverschämt",
)

// profanity is a short list of swear words; any one makes a message
// frustrated, negated or not.
var profanity = mustPhrases(
	"fuck*", "shit", "shitty", "bullshit", "crap", "crappy", "wtf", "ffs", "pissed", "asshole",
	"bastard", "bastards", "merde", "putain", "mierda", "joder", "scheiße", "cazzo", "porra", "caralho",
)

// negativeWords are milder signals of an unhappy customer. A negated one
// does not count ("no problem", "nothing wrong").
var negativeWords = mustPhrases(
	"disappointed", "disappointing", "problem", "problems", "issue", "issues", "broken", "wrong",
	"late", "damaged", "annoyed", "annoying", "unhappy", "upset", "bad", "poor", "terrible", "awful",
	"horrible", "missing", "delayed", "delay", "defective", "faulty",
	"not|isnt|doesnt|dont|stopped working|work",
	"never arrived|received", "no reply|response|answer",
	// Spanish, French, German, Portuguese, Italian, Dutch.
	"problema", "problemas", "roto", "rota", "dañado", "dañada", "retraso", "retrasado", "decepcionado",
	"problème", "cassé", "cassée", "endommagé", "endommagée", "retard", "déçu", "déçue",
	"kaputt", "beschädigt", "defekt", "verspätet", "verspätung", "enttäuscht", "falsch",
	"quebrado", "danificado", "atrasado", "atraso", "rotto", "danneggiato", "ritardo", "deluso",
	"kapot", "beschadigd", "vertraging", "teleurgesteld",
)

// positiveWords are signals of a pleased customer. A negated one counts as
// negative instead ("not helpful", "not great", "not happy").
var positiveWords = mustPhrases(
	"great", "perfect", "love", "awesome", "helpful", "excellent", "amazing", "appreciate",
	"appreciated", "wonderful", "fantastic", "brilliant", "glad", "happy", "satisfied", "pleased",
	"fixed", "solved", "resolved", "works now", "working now",
	"genial", "perfecto", "perfecta", "excelente", "parfait", "parfaite", "génial", "super", "toll",
	"prima", "perfeito", "ótimo", "perfetto", "ottimo", "geweldig",
)

// thanks are positive and never negated ("No thanks" is polite, not
// negative).
var thanks = mustPhrases(
	"thanks", "thank", "thx", "cheers", "gracias", "merci", "danke", "obrigado", "obrigada", "grazie",
	"bedankt", "dank",
)

// Sentiment classifies the customer's mood in text as "frustrated",
// "negative", "neutral" or "positive". It is a word-list heuristic, not a
// model; matching ignores case, accents and the kind of apostrophe.
//
// A message is frustrated when it has any of:
//
//   - a frustration phrase not negated ("this is ridiculous", "worst
//     service", "fed up", "still haven't received", "third time",
//     "unacceptable", "waste of time", "useless", "furious", "angry", "what
//     a joke", and a few in the other supported languages);
//   - a word from a short list of profanity;
//   - a run of two or more ! or ? ("!!", "??", "?!");
//   - mostly capitals: at least 8 letters, at least 70 % of them upper case
//     (order numbers and email addresses are not counted).
//
// Frustration wins over everything else. Otherwise the message's negative
// words ("disappointed", "problem", "broken", "wrong", "late", "damaged",
// "annoyed", …) are weighed against its positive words ("thanks", "great",
// "perfect", "love", "awesome", "helpful", …): a positive word with a
// negator up to three words before it in the same clause ("not helpful",
// "wasn't great", "not happy") counts as negative, and a negated negative
// word does not count ("no problem"). Thanks are never negated. With no
// sentiment words the message is neutral; when negative words are at least
// as many as positive ones it is negative ("Thanks, but it arrived
// damaged"); otherwise positive.
func Sentiment(text string) string {
	return parse(text).sentiment()
}

// sentiment implements [Sentiment].
func (m message) sentiment() string {
	if m.anyNotNegated(frustrationPhrases) || m.any(profanity) || repeatedMarks(m.text) || m.mostlyCapitals() {
		return SentimentFrustrated
	}
	positive, negative := len(m.find(thanks)), 0
	for _, sp := range m.find(positiveWords) {
		if m.negated(sp) {
			negative++
		} else {
			positive++
		}
	}
	for _, sp := range m.find(negativeWords) {
		if !m.negated(sp) {
			negative++
		}
	}
	switch {
	case positive == 0 && negative == 0:
		return SentimentNeutral
	case negative >= positive:
		return SentimentNegative
	default:
		return SentimentPositive
	}
}

// repeatedMarks reports whether text has two or more ! or ? in a row.
func repeatedMarks(text string) bool {
	run := 0
	for _, r := range text {
		switch r {
		case '!', '?', '！', '？':
			run++
			if run >= 2 {
				return true
			}
		default:
			run = 0
		}
	}
	return false
}

// minCapitalLetters and capitalShare define a message written mostly in
// capitals.
const (
	minCapitalLetters = 8
	capitalShare      = 0.7
)

// mostlyCapitals reports whether the message, outside order numbers and
// email addresses, has at least minCapitalLetters cased letters of which at
// least capitalShare are upper case.
func (m message) mostlyCapitals() bool {
	upper, cased := 0, 0
	next := 0
	for i, r := range m.text {
		for next < len(m.codes) && m.codes[next][1] <= i {
			next++
		}
		if next < len(m.codes) && m.codes[next][0] <= i {
			continue
		}
		switch {
		case unicode.IsUpper(r):
			upper++
			cased++
		case unicode.IsLower(r):
			cased++
		}
	}
	return cased >= minCapitalLetters && float64(upper) >= capitalShare*float64(cased)
}
