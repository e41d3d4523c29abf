package understand

import "strings"

// Preamble reports whether a message only opens the conversation's business
// without asking anything yet: it says the customer has a question ("I
// have a question about my order"), wants help ("Can you help me?"), or
// tells of a purchase ("Hi, I ordered a notebook last week"). Such a message
// is not a question the help content answers, nor one it fails to: the
// agent asks what the customer wants to know.
//
// It is an English word heuristic, strict on purpose: every word must be
// one a preamble is made of, but for a few that name the thing (at most one
// beside a question or help, two beside a purchase, none when the message
// has a question mark). A question word ("how", "when", …), a problem
// ("broken", "never", "wrong") or a request ("return", "cancel") makes it
// more than a preamble.
func Preamble(text string) bool {
	return parse(text).preamble()
}

func (m message) preamble() bool {
	var purchase, ask bool
	others := 0
	for _, s := range m.sentences {
		for _, w := range s {
			switch {
			case purchaseWords[w.text]:
				purchase = true
			case askWords[w.text]:
				ask = true
			case preambleWords[w.text] || isDigits(w.text):
			case w.text == "#" || w.text == "@" || notPreambleWords[w.text]:
				return false
			default:
				others++
			}
		}
	}
	switch {
	case strings.Contains(m.text, "?"):
		return (ask || purchase) && others == 0
	case ask:
		return others <= 1
	case purchase:
		return others <= 2
	}
	return false
}

// purchaseWords tell of an order the customer placed.
var purchaseWords = wordSet(`ordered bought purchased placed`)

// askWords say the customer has something to ask or wants help.
var askWords = wordSet(`question questions query queries enquiry inquiry help assist assistance`)

// preambleWords may stand in a preamble around those: greetings, the
// customer and the company, an order, when it was.
var preambleWords = wordSet(`hi hello hey hiya good morning afternoon evening there dear team folks
	thanks thank please so just well ok okay um uh yes
	i im ive id we weve me my our us you your a an the some this that it one
	from with about regarding concerning on for of in at to by and or
	have has had got get made make
	order orders purchase purchases item items product products something stuff few couple
	quick small little simple
	can could would will need needs like want wanted wondering
	today yesterday last week weeks month months ago day days recently earlier
	monday tuesday wednesday thursday friday saturday sunday
	two three four five six seven eight nine ten`)

// notPreambleWords make a message more than a preamble: a question it asks
// already, a problem, or what it wants done.
var notPreambleWords = wordSet(`how what whats when where wheres which who why whether
	not no never nothing none dont didnt doesnt havent hasnt hadnt isnt wasnt arent werent wont cant cannot couldnt
	still yet again twice wrong broken damaged missing late lost stolen faulty defective leak leaks leaking leaked
	problem problems issue issues complaint refund refunds return returns returned cancel cancelled canceled change
	charged charge overcharged error mistake instead but though however unfortunately sadly`)

// wordSet is the set of s's words.
func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
