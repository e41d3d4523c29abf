package understand

import (
	"strings"
	"unicode/utf8"
)

// languages lists the languages Language recognises with their most frequent
// function words, plus a few words every support message uses ("order",
// "please", "thanks"). Words are written folded: lower case, no accents, no
// apostrophes; French and Italian elisions are split off ("j’ai" is "j" and
// "ai").
var languages = []struct {
	code  string
	words string
}{
	{"en", `the a an and or but is are was were be been have has had do does did i im ive my me you your we
		our it its this that to of in on for with at from not dont cant can will would what where when
		how why please thanks thank hello hi still there just any about`},
	{"es", `el la los las un una unos a de del al y o que en es por para con sin no si mi mis tu su se
		lo le me como pero muy ya esta estoy estan este hola gracias quiero puedo tengo hay donde
		cuando porque todavia aun pedido nada favor ayuda necesito hace fue son ha han`},
	{"fr", `le la les un une des a de du au aux et ou est sont je j ai tu il elle nous vous votre vos mon
		ma mes ce c cette que qu qui ne n pas pour dans sur avec mais bonjour merci commande colis
		toujours rien suis avez pouvez voudrais veux sil plait quand deja tres l d`},
	{"de", `der die das den dem des ein eine einen einem einer und oder aber ist sind war bin hat habe
		haben ich mein meine meinen meiner mir mich sie es wir ihr ihre nicht kein keine noch schon
		auch zu mit auf fur von bei nach wie was wo warum wann bitte danke hallo bestellung paket immer
		kann konnen mochte`},
	{"pt", `o os a as um uma de do da dos das e em no na nos nas ao que nao sim meu minha meus minhas
		seu sua eu voce com para por se mas como onde quando ja ainda muito esta estou tenho foi ola
		obrigado obrigada pedido encomenda isso pelo pela ate tambem favor preciso quero chegou`},
	{"it", `il lo la gli le un una uno a di del della dei e ed che non per con su mi mio mia miei ti ci si
		sono ho ha hanno come dove quando perche ma anche ancora gia grazie ciao buongiorno questo
		questa ordine pacco nel nella al alla da dal vorrei posso sempre niente molto arrivato l d`},
	{"nl", `de het een en van ik is niet dat die op te voor met mijn zijn er maar om heb heeft hebben
		wat waar wanneer nog ook je jullie u uw bij naar kan kunt wil graag bedankt dank hallo
		goedemiddag bestelling pakket geen hoe dit deze wordt nu al wel mij wij zou alstublieft`},
}

// languageWords maps each listed word to the languages that list it.
var languageWords = func() map[string][]string {
	out := map[string][]string{}
	for _, l := range languages {
		for _, w := range strings.Fields(l.words) {
			out[w] = append(out[w], l.code)
		}
	}
	return out
}()

// supportLanguages maps each word a glossary turns into another, English
// one ("spedite", "envío") to the languages whose glossary holds it. A
// message's word that is on no list of function words counts for them.
var supportLanguages = func() map[string][]string {
	out := map[string][]string{}
	for _, l := range languages { // fixed order
		for w, english := range glossaries[l.code] {
			if english != w && len(languageWords[w]) == 0 {
				out[w] = append(out[w], l.code)
			}
		}
	}
	return out
}()

// Thresholds for Language.
const (
	// minLanguageHits is how many listed words of the winning language a
	// message needs.
	minLanguageHits = 2
	// languageLead is how many times the runner-up's score the winner needs.
	languageLead = 1.5
	// minEnglishWords is how long an all-ASCII message must be to count as
	// English on a single English word.
	minEnglishWords = 3
)

// Language guesses the ISO 639-1 code of the language text is written in:
// "en", "es", "fr", "de", "pt", "it" or "nl", or "" when unsure. It is a
// stop-word count, not a model.
//
// Each word of the message that is on a language's list of 55 to 60 frequent
// function words scores for that language; a word on several lists ("de",
// "la", "in") splits its point between them. The best language needs at
// least two listed words and a score at least 1.5 times the runner-up's;
// otherwise the answer is "" (short, mixed or unlisted-language text). One
// exception: an all-ASCII message of three or more words where English is
// that clear a winner on a single word ("order SP-1003 please") is "en".
// Accents are ignored, so accent-less typing still counts.
func Language(text string) string {
	return parse(text).language()
}

// Spoken is the code Language would give for a BCP 47 language tag ("de"
// for "de-AT", "pt" for "pt-BR"), or "" for a language it does not
// recognise.
func Spoken(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	for _, l := range languages {
		if l.code == base {
			return base
		}
	}
	return ""
}

// language implements [Language].
func (m message) language() string {
	score := map[string]float64{}
	hits := map[string]int{}
	words := 0
	for _, s := range m.sentences {
		for _, w := range s {
			if w.text == "#" || w.text == "@" {
				words++ // an order number or email address is a word, in no language
				continue
			}
			if !hasLetter(w.text) {
				continue
			}
			words++
			langs := languageWords[w.text]
			if len(langs) == 0 {
				langs = supportLanguages[w.text]
			}
			for _, l := range langs {
				score[l] += 1 / float64(len(langs))
				hits[l]++
			}
		}
	}
	best, second := "", 0.0
	for _, l := range languages { // fixed order: ties resolve the same way every time
		switch s := score[l.code]; {
		case best == "" || s > score[best]:
			if best != "" {
				second = score[best]
			}
			best = l.code
		case s > second:
			second = s
		}
	}
	if score[best] == 0 || score[best] < languageLead*second {
		return ""
	}
	if hits[best] >= minLanguageHits {
		return best
	}
	if best == "en" && words >= minEnglishWords && isASCII(m.text) {
		return "en"
	}
	return ""
}

// isASCII reports whether s has only ASCII characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
