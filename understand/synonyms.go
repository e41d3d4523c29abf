package understand

import (
	"regexp"
	"slices"
	"strings"
)

// synonymGroups are words support questions and help content use for the
// same thing, in their common forms: "delivery" and "shipping", "money"
// (back) and "refund", "charge" and "cost".
var synonymGroups = func() [][]string {
	var out [][]string
	for _, g := range []string{
		"ship shipping shipped ships deliver delivery delivered send sent dispatch dispatched post postage arrive arrives arrival",
		"parcel package packages order orders",
		"track tracking trace",
		"uk britain british england kingdom",
		"europe eu european",
		"country countries abroad overseas worldwide international internationally",
		"faulty broken defective defect damaged damage torn cracked leaks leaking leaky dented scratched",
		"refund refunds money reimburse reimbursement",
		"pay paid payment cost costs price prices fee fees charge",
		"card payment",
		"available availability unavailable stock",
		"colour colours color colors",
		"size sizes sized",
		"return returns returned returning",
	} {
		out = append(out, strings.Fields(g))
	}
	return out
}()

// SynonymGroups are the groups of words support questions and help content
// use for the same thing, each word in the forms content writes it; a word
// may be in more than one ("payment": a way to pay, a card). The caller
// must not change them.
func SynonymGroups() [][]string { return synonymGroups }

// Synonyms are the other words of the groups a lower-case word is in, as
// written there; nil for a word in none.
func Synonyms(word string) []string {
	var out []string
	for _, g := range synonymGroups {
		if !slices.Contains(g, word) {
			continue
		}
		for _, w := range g {
			if w != word && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// notWorking says a thing does not work: "stopped working", "doesn't work",
// "no longer works".
var notWorking = regexp.MustCompile(`(?i)\b(stopped|stops|not|never|no longer|doesn['’]?t|does not|won['’]?t|will not|isn['’]?t|is not|barely|hardly) (working|works|work)\b`)

// Faulty is text with each phrase that says a thing does not work ("my pen
// stopped working", "the zip doesn't work") written as content says it:
// "is faulty".
func Faulty(text string) string {
	return notWorking.ReplaceAllString(text, "is faulty")
}

// openDays are the words content says when a place is open with.
var openDays = strings.Fields(`monday mondays tuesday tuesdays wednesday wednesdays thursday thursdays friday fridays
	saturday saturdays sunday sundays weekday weekdays weekend weekends daily`)

// OpenDays are the words content answers a question when a place opens or
// closes with, though they do not mean "open": the days it is ("Monday to
// Saturday from 10:00 to 18:00"), for a lower-case word that asks it
// ("open", "opening", "closed"); nil for another word. They are one way
// only: a question about Mondays does not ask when a place is open.
func OpenDays(word string) []string {
	switch word {
	case "open", "opens", "opening", "close", "closes", "closed", "closing":
		return openDays
	}
	return nil
}

var (
	// sendBack and moneyBack are phrases that ask for a return and a
	// refund: "send it back", "ship the lamp back", "send a bike back", "get
	// my money back".
	sendBack  = regexp.MustCompile(`(?i)\b(send|give|bring|take|ship|post|mail|get)( it| them| this| that| these| those| the \w+| my \w+| a \w+| an \w+| stuff| something)? back\b`)
	moneyBack = regexp.MustCompile(`(?i)\b(money|cash) back\b`)
)

// InContentWords is text with the phrases customers use where help content
// uses one word written as content writes them: money back as "refunds" (the
// plural, whose stem is the singular: a search finds either), a thing that
// does not work as "is faulty" (Faulty), sending a thing back as "return".
func InContentWords(text string) string {
	text = moneyBack.ReplaceAllString(text, "refunds")
	text = Faulty(text)
	return sendBack.ReplaceAllString(text, "return")
}
