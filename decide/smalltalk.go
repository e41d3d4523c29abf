package decide

import (
	"strings"

	"github.com/switchboardhq/switchboard/textfold"
)

// SmallTalk is a message that is only a greeting, thanks, a goodbye, or a
// bare yes or no when the agent asked nothing that waits for one.
type SmallTalk string

// The kinds of small talk.
const (
	Greeting SmallTalk = "greeting"
	Thanks   SmallTalk = "thanks"
	Goodbye  SmallTalk = "goodbye"
	// Agree is a bare yes or ok; Decline a bare no ("no thanks").
	Agree   SmallTalk = "agree"
	Decline SmallTalk = "decline"
	// Preamble opens the customer's business without asking anything yet
	// ("I have a question about my order", "I ordered a notebook last
	// week"): understand.Preamble, never a SmallTalkOf kind.
	Preamble SmallTalk = "preamble"
)

// YesOrNo reports whether k is a bare yes or no, which only the agent's
// own question gives a meaning (a confirmation, a lead question, a
// model's question).
func (k SmallTalk) YesOrNo() bool { return k == Agree || k == Decline }

// smallTalkWords are the words a small-talk message may be made of, by the
// kind each word makes it (folded: lower case, no accents), in the languages
// the agent understands; words that carry no kind ("you", "very", "that's")
// may fill in between.
var smallTalkWords = map[string]SmallTalk{
	"hi": Greeting, "hello": Greeting, "hey": Greeting, "hiya": Greeting, "morning": Greeting, "afternoon": Greeting,
	"evening": Greeting, "hola": Greeting, "buenos": Greeting, "buenas": Greeting, "hallo": Greeting, "guten": Greeting,
	"tag": Greeting, "morgen": Greeting, "bonjour": Greeting, "salut": Greeting, "ciao": Greeting, "ola": Greeting,
	"thanks": Thanks, "thank": Thanks, "thx": Thanks, "ty": Thanks, "cheers": Thanks, "gracias": Thanks,
	"danke": Thanks, "dank": Thanks, "merci": Thanks, "grazie": Thanks, "obrigado": Thanks, "obrigada": Thanks, "appreciate": Thanks,
	"bye": Goodbye, "goodbye": Goodbye, "adios": Goodbye, "tschuss": Goodbye, "revoir": Goodbye,
	"yes": Agree, "yeah": Agree, "yep": Agree, "yup": Agree, "sure": Agree, "ok": Agree, "okay": Agree, "alright": Agree,
	"si": Agree, "oui": Agree, "ja": Agree, "sim": Agree, "vale": Agree, "claro": Agree, "certo": Agree,
	"no": Decline, "nope": Decline, "nah": Decline, "non": Decline, "nein": Decline, "nee": Decline, "nao": Decline,
}

// moreSmallTalkWords are the words SmallTalkReading.MoreWords adds: the
// greetings, thanks and goodbyes of Italian, Portuguese, Dutch and French
// that smallTalkWords lacked ("Buongiorno!", "bom dia", "dank je wel").
var moreSmallTalkWords = map[string]SmallTalk{
	"buongiorno": Greeting, "buonasera": Greeting, "salve": Greeting, "bonsoir": Greeting, "bom": Greeting,
	"boa": Greeting, "goedemorgen": Greeting, "goedemiddag": Greeting, "goedenavond": Greeting, "hoi": Greeting,
	"bedankt": Thanks, "dankjewel": Thanks, "dankuwel": Thanks,
	"arrivederci": Goodbye, "tchau": Goodbye, "doei": Goodbye,
}

// moreFillers are the fillers SmallTalkReading.MoreWords adds: how a
// customer addresses the agent ("cheers mate"), and the days and times of
// the greetings above.
var moreFillers = map[string]bool{
	"mate": true, "buddy": true, "pal": true, "folks": true, "dia": true, "tarde": true, "noite": true,
	"je": true, "wel": true, "u": true,
}

// fillers may stand between small-talk words.
var fillers = map[string]bool{
	"good": true, "you": true, "so": true, "very": true, "much": true, "a": true, "lot": true, "there": true,
	"that": true, "s": true, "thats": true, "it": true, "is": true, "for": true, "now": true, "please": true,
	"great": true, "perfect": true, "the": true, "help": true, "your": true, "again": true, "and": true, "oh": true,
	"dias": true, "tardes": true, "noches": true, "au": true, "vielen": true, "muchas": true, "mil": true,
	"de": true, "nada": true, "schon": true, "beaucoup": true, "mille": true, "mas": true, "everyone": true, "team": true, "guys": true, "well": true, "see": true, "later": true,
}

// SmallTalkReading is how SmallTalkOf reads a message. The agent's reading
// grew, and a conversation's run keeps the one it started with, so that
// its history replays.
type SmallTalkReading struct {
	// YesNo: a bare yes or no is small talk. Without it, the message is
	// read as before that: "ok" and "okay" are fillers, and any other yes or
	// no word, or "please", makes the message more than small talk.
	YesNo bool
	// MoreWords: the words of moreSmallTalkWords and moreFillers count too.
	MoreWords bool
	// OtherLanguages: "that's all" in the agent's other languages
	// (thatsAll) is a goodbye too, and their "please" (politeFillers) may
	// stand beside a yes or a no ("ja bitte", "sí, por favor").
	OtherLanguages bool
}

// politeFillers are the other languages' ways of saying please, folded.
var politeFillers = map[string]bool{
	"bitte": true, "por": true, "favor": true, "sil": true, "vous": true, "plait": true, "svp": true,
	"per": true, "favore": true, "graag": true, "alstublieft": true, "alsjeblieft": true,
}

// thatsAll are the ways the agent's other languages say "that's all",
// folded and between spaces.
var thatsAll = []string{
	" eso es todo ", " es todo ", " nada mas ", " cest tout ", " ce sera tout ", " das ist alles ", " das wars ",
	" das war alles ", " e tudo ", " so isso ", " e tutto ", " nientaltro ", " dat is alles ", " dat was het ",
	" dat was alles ",
}

// SmallTalkOf returns what small talk a message is, "" when it says
// anything more. A goodbye wins over a no, a no over thanks, thanks over a
// yes and a yes over a greeting: "thanks, that's all!" ends the
// conversation's business, and "no thanks" declines.
func SmallTalkOf(text string, r SmallTalkReading) SmallTalk {
	words := textfold.Words(text)
	if len(words) == 0 || len(words) > 8 {
		return ""
	}
	var kind SmallTalk
	joined := " " + strings.Join(words, " ") + " "
	if strings.Contains(joined, " thats all ") || strings.Contains(joined, " that is all ") {
		kind = Goodbye // "that's all": the customer's business is done
		joined = strings.Replace(joined, " all ", " ", 1)
	}
	for _, p := range thatsAll {
		if r.OtherLanguages && strings.Contains(joined, p) {
			kind = Goodbye
			joined = strings.Replace(joined, p, " ", 1)
		}
	}
	words = strings.Fields(joined)
	for _, w := range words {
		k, ok := smallTalkWords[w]
		if !ok && r.MoreWords {
			k, ok = moreSmallTalkWords[w]
		}
		if !r.YesNo && (k.YesOrNo() || w == "please") {
			if w != "ok" && w != "okay" {
				return ""
			}
			continue
		}
		switch {
		case ok && rank(k) > rank(kind):
			kind = k
		case ok || fillers[w] || r.MoreWords && moreFillers[w] || r.OtherLanguages && politeFillers[w]:
		default:
			return ""
		}
	}
	return kind
}

func rank(k SmallTalk) int {
	switch k {
	case Greeting:
		return 1
	case Agree:
		return 2
	case Thanks:
		return 3
	case Decline:
		return 4
	case Goodbye:
		return 5
	}
	return 0
}

// The replies to small talk.
const (
	greetingReply = "Hi! How can I help you today?"
	thanksReply   = "You're welcome! Is there anything else I can help you with?"
	goodbyeReply  = "Glad I could help. Have a great day!"
	agreeReply    = "Sure. What can I help you with?"
	declineReply  = "All right. If anything else comes up, just write here."
	preambleReply = "Happy to help. What would you like to know?"
)

// SmallTalkReply is the agent's answer to small talk. It is no answer to a
// question: it never counts towards a resolution (or a credit). After an
// answer, thanks or a goodbye confirm that the customer was helped.
func SmallTalkReply(kind SmallTalk, afterAnswer bool) (reply string, entry Entry) {
	detail := map[string]any{"kind": string(kind), "after_answer": afterAnswer}
	switch kind {
	case Greeting:
		return greetingReply, Entry{Kind: KindSmallTalk, Summary: "greeting", Detail: detail}
	case Thanks:
		summary := "thanks"
		if afterAnswer {
			summary = "thanks after an answer: the customer confirmed it helped"
		}
		return thanksReply, Entry{Kind: KindSmallTalk, Summary: summary, Detail: detail}
	case Agree:
		return agreeReply, Entry{Kind: KindSmallTalk, Summary: "a yes with no question waiting for one", Detail: detail}
	case Decline:
		return declineReply, Entry{Kind: KindSmallTalk, Summary: "a no with no question waiting for one", Detail: detail}
	case Preamble:
		return preambleReply, Entry{Kind: KindSmallTalk, Summary: "an opening that asks nothing yet: asked what the customer wants to know", Detail: detail}
	}
	summary := "goodbye"
	if afterAnswer {
		summary = "goodbye after an answer: the customer confirmed it helped"
	}
	return goodbyeReply, Entry{Kind: KindSmallTalk, Summary: summary, Detail: detail}
}

// smallTalkLanguage is the language a small-talk word gives away; a greeting
// is too short for understand to recognise its language otherwise.
var smallTalkLanguage = map[string]string{
	"hola": "es", "buenos": "es", "buenas": "es", "gracias": "es", "adios": "es",
	"guten": "de", "danke": "de", "dank": "de", "tschuss": "de",
	"bonjour": "fr", "salut": "fr", "merci": "fr", "revoir": "fr",
	"obrigado": "pt", "obrigada": "pt", "ola": "pt",
	"grazie": "it", "ciao": "it", "buongiorno": "it", "buonasera": "it", "salve": "it", "arrivederci": "it",
	"bonsoir": "fr", "bom": "pt", "boa": "pt", "tchau": "pt",
	"goedemorgen": "nl", "goedemiddag": "nl", "goedenavond": "nl", "hoi": "nl", "bedankt": "nl", "dankjewel": "nl",
	"dankuwel": "nl", "doei": "nl",
	"oui": "fr", "nein": "de", "nee": "nl", "sim": "pt", "nao": "pt",
}

// SmallTalkLanguage is the language of a small-talk message's words (a code
// of package understand), "" when they do not say.
func SmallTalkLanguage(text string) string {
	for _, w := range textfold.Words(text) {
		if l, ok := smallTalkLanguage[w]; ok {
			return l
		}
	}
	return ""
}
