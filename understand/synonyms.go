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
		"faulty broken defective defect damaged damage torn cracked leaks leaking leaky dented scratched split ripped smashed shattered",
		"refund refunds money reimburse reimbursement",
		"pay paid payment cost costs price prices fee fees charge",
		"card payment",
		"available availability unavailable stock",
		"colour colours color colors",
		"size sizes sized",
		"return returns returned returning",
		"service support helpdesk",
		"contact support helpdesk",
		"user users member members teammate teammates colleague colleagues seat seats",
		"invite invites invited inviting add",
		"stored hosted hosting",
		"2fa mfa factor",
		"token tokens key keys",
		"subscription subscriptions plan plans membership",
		"bring allowed allow permitted welcome come",
		"charger chargers charging",
		"house home",
		"sign signature",
		"broadband internet",
		"cancel cancels cancelled cancelling cancellation leave leaving terminate",
		"discount discounts off reduction",
		"luggage baggage bag bags suitcase suitcases",
		"kid kids child children",
		"pickup pickups transfer transfers shuttle",
		"phone call telephone",
		"wheelchair wheelchairs accessible accessibility disabled disability",
		"book booking bookings booked reserve reserved reservation reservations",
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
// stopped working", "the zip doesn't work", "the internet is down") written
// as content says it: "is faulty".
func Faulty(text string) string {
	return down.ReplaceAllString(notWorking.ReplaceAllString(text, "is faulty"), "is faulty")
}

// down says a service does not work: "the internet is down", "my wifi keeps
// dropping".
var down = regexp.MustCompile(`(?i)\b(is|are|was|went|goes|keeps going) down\b|\bkeeps? (dropping|cutting|disconnecting)( out)?\b`)

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

// countryNames are the names customers give the United States and the
// United Kingdom.
var countryNames = regexp.MustCompile(`(?i)\b(united states of america|united states|u\.s\.a\.?|u\.s\.?|usa|us|the states|america|united kingdom|uk|u\.k\.?|great britain|britain)`)

// continentParts before "America" name a part of the continent, not the
// United States.
var continentParts = wordSet(`south latin central north northern southern`)

// Countries is text with the names customers give the United States and
// the United Kingdom written as one word each, "USA" and "UK", which
// CountryNames reads: "Do you ship to the US?" → "Do you ship to the
// USA?", "the United Kingdom" → "the UK". "US" is the country in capitals or after
// "the"; "us" alone is the pronoun. "America" is the United States unless
// the word before it names a part of the continent ("South America").
func Countries(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range countryNames.FindAllStringIndex(text, -1) {
		name := text[m[0]:m[1]]
		if m[1] < len(text) && isWordByte(text[m[1]]) {
			continue // "usage", "ukulele"
		}
		before := strings.Fields(strings.ToLower(text[:m[0]]))
		prev := ""
		if len(before) > 0 {
			prev = before[len(before)-1]
		}
		one := "USA"
		switch lower := strings.ToLower(name); {
		case lower == "us" && name != "US" && prev != "the":
			continue
		case lower == "america" && continentParts[prev]:
			continue
		case strings.Contains(lower, "k") || strings.Contains(lower, "britain"):
			one = "UK"
		}
		b.WriteString(text[last:m[0]])
		b.WriteString(one)
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// CountryNames returns the words help content names a country by, for a
// lower-case word Countries writes ("usa" → "usa", "america", "states";
// "uk" → "uk", "kingdom", "britain"), and nil for any other word.
func CountryNames(word string) []string {
	switch word {
	case "usa":
		return []string{"usa", "america", "states"}
	case "uk":
		return []string{"uk", "kingdom", "britain"}
	}
	return nil
}

// isWordByte reports whether c is an ASCII letter or digit.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Quantities is text with each number written against its unit apart
// from it, as content mostly writes it: "1kg" → "1 kg", "500ml" → "500 ml".
func Quantities(text string) string {
	if !strings.ContainsAny(text, "0123456789") {
		return text
	}
	return quantity.ReplaceAllString(text, "$1 $2")
}

// units are the units Quantities writes apart from their numbers.
var units = strings.Fields("kg g mg ml cl l cm mm km m oz lb lbs gb mb tb")

var quantity = regexp.MustCompile(`(?i)\b(\d+(?:[.,]\d+)?)(` + strings.Join(units, "|") + `)\b`)

// Unit reports whether a lower-case word is a unit of a quantity ("kg",
// "ml"), as Quantities writes it after its number.
func Unit(word string) bool {
	return slices.Contains(units, word)
}

// logIn is signing in by its other names: "log in", "login", "log on",
// "logging in".
var logIn = regexp.MustCompile(`(?i)\b(log(ging|ged)?[ -]?(in|on)|logins?)\b`)

// wherePlace asks where the company is, or whether it has a place to
// visit: "where are you located?", "what's your address?", "do you have a
// shop I can visit?", "how do I find you?".
var wherePlace = regexp.MustCompile(`(?i)\b(where (are|r) (you|u) (located|based)|where (is|are) (your|the) (` + venues + `)( located| based)?|what(['’]s| is) your (company['’]?s? |business |office |shop |store |postal |street )?address|do you have an? (physical |real |local |bricks and mortar |brick and mortar )?(shop|store|showroom|office|location)( (i|we) (can|could) visit| to visit)?|how (do|can|would) (i|we) (get to|find) (you|your (` + venues + `)))\b`)

// venues are the words a company's place is named by, in "where is your
// …?": "where is the hotel?" asks where the company is.
const venues = `company|business|office|offices|shop|store|showroom|warehouse|hotel|restaurant|cafe|café|salon|clinic|studio|roastery|bakery|workshop|garage|branch|premises`

// whereAreYou asks where the company is in three words, at the end of a
// sentence: "Where are you?", "where r u guys".
var whereAreYou = regexp.MustCompile(`(?i)\bwhere (are|r) (you|u)( guys| folks)?(\s*[?.!]|\s*$)`)

// customerService is the company's support by its other names: "customer
// service", "customer care" (and not "room service").
var customerService = regexp.MustCompile(`(?i)\b(customer |client )(service|care)\b`)

// electricVehicle is an electric car by its short name: "EV charging".
var electricVehicle = regexp.MustCompile(`(?i)\bevs?\b`)

// friendly is who a place welcomes: "dog friendly", "pet-friendly" (but not
// "eco-friendly").
var friendly = regexp.MustCompile(`(?i)\b(dogs?|pets?|child|children|kids?|family|families|baby|babies|wheelchair)[- ]friendly\b`)

// Visiting are the words content says where the company is with, for a
// lower-case word that asks to visit it ("visit", as InContentWords writes
// "where are you located?"): its address and location; nil for another
// word. They are one way only: "How do I change my address?" does not ask
// to visit.
func Visiting(word string) []string {
	switch word {
	case "visit", "visiting":
		return []string{"visit", "address", "location", "located"}
	}
	return nil
}

// InContentWords is text with the phrases customers use where help content
// uses one word written as content writes them: money back as "refunds" (the
// plural, whose stem is the singular: a search finds either), a thing that
// does not work as "is faulty" (Faulty), sending a thing back as "return",
// the United States and the United Kingdom as one word (Countries), and
// asking where the company is as visiting it ("where are you located?",
// "where are you?", "do you have a shop?"), logging in as logging or
// signing in, customer service or care as customer support, an EV as an
// electric vehicle, a place friendly to dogs as one dogs are allowed in, and
// quantities apart from their units (Quantities).
func InContentWords(text string) string {
	text = moneyBack.ReplaceAllString(text, "refunds")
	text = Faulty(text)
	text = Countries(text)
	text = wherePlace.ReplaceAllString(text, "can I visit you")
	text = whereAreYou.ReplaceAllString(text, "can I visit you$4")
	text = logIn.ReplaceAllString(text, "log in or sign in")
	text = customerService.ReplaceAllString(text, "${1}support")
	text = electricVehicle.ReplaceAllString(text, "electric vehicle")
	text = friendly.ReplaceAllString(text, "$1 allowed")
	text = Quantities(text)
	return sendBack.ReplaceAllString(text, "return")
}
