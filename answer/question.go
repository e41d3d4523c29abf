package answer

import (
	"regexp"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/understand"
)

// term is a word of the question with the stems that match it: its own and
// those of the words support content uses for the same thing.
type term struct {
	stems []string
}

func (t term) in(set map[string]bool) bool {
	for _, s := range t.stems {
		if set[s] {
			return true
		}
	}
	return false
}

// question is a customer's question as the extractive answerer reads it.
type question struct {
	// asked are the words of the clause that asks: a section that answers
	// holds most of them. When that clause names nothing ("How long does
	// that take?" after an answer), they are all the message's words.
	asked []term
	// context are the other words of the message ("My pen arrived faulty,
	// …"), which help choose the section.
	context []term
	// hints are what the question words point at: a duration for "how
	// long", a price for "how much", a place for "where … from", the way
	// for "how do I get there".
	hints []term
	// pairs are asked words written side by side ("gift wrapping"), which
	// content that answers has in one sentence.
	pairs [][2]term
	// predicate, when the question asks what its subject does ("What
	// payment methods do you accept?"), is that verb: a section that speaks
	// of the things asked about but not of it ("refunds go back to the
	// original payment method") does not answer. nil for other questions.
	predicate *term
	// payWith is set when the question asks whether a way to pay is taken
	// ("Do you accept PayPal?", "Can I pay with Apple Pay?"): content that
	// names none of its words but says which ways are ("We accept Visa,
	// Mastercard and American Express") answers it.
	payWith bool
	// existence is set when the question asks whether the company has a
	// thing at all ("Do you have gift cards?", "Do you sell refills?"):
	// a section that names it only in passing ("gift cards cannot be
	// returned") does not answer (question.about).
	existence bool
	// place is set when the question asks where the company is ("Where
	// are you located?", which understand.InContentWords writes "can I
	// visit you?"): it is answered where the content says where to visit
	// the company or gives its address, not the customer's ("change your
	// delivery address"), by question.placed.
	place bool
}

// visitYou is a clause that asks where the company is, as
// understand.InContentWords writes it.
var visitYou = regexp.MustCompile(`^(where )?(can|could|may) (i|we) (come and )?visit (you|us)$`)

// placeWords are the words content says where the company is with: where
// to visit it, its address, its location.
var placeWords = term{stems: stems(strings.Join(understand.Visiting("visit"), " "))}

// placed reports whether a section says where the company is: its title
// or heading is about visiting it or its address ("Visit the roastery",
// "Address"), or a sentence speaks of them and not of the customer's
// address ("change your delivery address").
func (q question) placed(p Passage) bool {
	if placeWords.in(termSet(p.Title + " " + p.Heading)) {
		return true
	}
	for _, s := range splitSentences(p.Text) {
		if set := termSet(s); placeWords.in(set) && !set["your"] {
			return true
		}
	}
	return false
}

// paying are the words content says the ways to pay with.
var paying = term{stems: stems("pay payment payments accept accepts accepted")}

// priceAsked are the stems of the words of a clause that asks only a price
// ("what does it cost?").
var priceAsked = stems("cost costs price prices fee fees")

// openDays are the stems of the days a place is open (understand.OpenDays).
var openDays = stems(strings.Join(understand.OpenDays("open"), " "))

// openNow matches a clause that asks whether a place is open (or closed)
// at some time: "is the shop open on sundays", "are you open now".
var openNow = regexp.MustCompile(`\b(open|closed)( (on|at|until|till|today|tonight|tomorrow|now|late|early)\b.*)?$`)

// availableWhen matches a clause that asks when a service is available:
// "when is support available".
var availableWhen = regexp.MustCompile(`^when (is|are) .*\bavailable$`)

// payWithQuestion matches a clause that asks whether a way to pay is
// taken: "pay with", or "accept" or "take" and a way to pay, which is a
// name ("Do you take Klarna?", capitalised in the message: payWithName) or
// a payment word ("Do you accept cash?"), not "Do you accept returns?".
var (
	payWithQuestion = regexp.MustCompile(`^(do|does|can|will) (you|they|i|we) (pay (with|by|using|via)|(accept|take) (an? )?(cash|cheques?|checks?|crypto|bitcoin|amex|paypal|klarna|invoices?|transfers?|bank|wire|debit|credit|card|cards|gift|vouchers?|apple|google|venmo|afterpay|ideal|sofort|giropay|sepa)\b)`)
	acceptOrTake    = regexp.MustCompile(`^(do|does|can|will) (you|they|i|we) (accept|take)\b`)
	payWithName     = regexp.MustCompile(`\b(accept|take) (an? )?\p{Lu}`)
)

// existenceQuestion matches a clause that asks whether the company has,
// sells or offers a thing.
var existenceQuestion = regexp.MustCompile(`^(do|does) (you|we|they) (have|sell|carry|stock|offer)\b`)

// offered are the words content uses to say a thing is sold, offered or
// there ("We have a car park", "A lift serves every floor").
var offered = term{stems: stems("sell sells sold offer offers offered available availability stock stocks carry carries buy purchase range include includes included add adds have has serve serves served provide provides provided")}

// about reports whether a section answers a question whether the company
// has the asked thing: an asked word is in its article's title or its
// heading, or one of its sentences holds every asked word and says the
// thing is sold or offered.
func (q question) about(p Passage) bool {
	titled := termSet(p.Title + " " + p.Heading)
	if slices.ContainsFunc(q.asked, func(t term) bool { return t.in(titled) }) {
		return true
	}
	for _, s := range splitSentences(p.Text) {
		set := termSet(s)
		there := strings.HasPrefix(strings.ToLower(s), "there ") // "There are two chargers"
		if (there || offered.in(set)) && !slices.ContainsFunc(q.asked, func(t term) bool { return !t.in(set) }) {
			return true
		}
	}
	return false
}

// uncovered reports whether the passages do not speak of what the question
// asks: an asked word is in none of them, two asked words written side by
// side are in no sentence together, or none is about the thing a question
// asks the company has.
func (q question) uncovered(passages []Passage, covers []map[string]bool) bool {
	if q.predicate != nil && !slices.ContainsFunc(covers, q.predicate.in) {
		return true
	}
	if q.existence && !slices.ContainsFunc(passages, q.about) {
		return true
	}
	if q.place && !slices.ContainsFunc(passages, q.placed) {
		return true
	}
	for _, t := range q.asked {
		if !slices.ContainsFunc(covers, t.in) {
			return true
		}
	}
	for _, pair := range q.pairs {
		together := false
		for _, p := range passages {
			for _, s := range splitSentences(p.Heading + ". " + p.Text) {
				set := termSet(s)
				together = together || (pair[0].in(set) && pair[1].in(set))
			}
		}
		if !together {
			return true
		}
	}
	return false
}

// phrases counts the question's pairs (asked words it writes side by side)
// that text writes side by side too, in the same order and in the
// question's own words (not their synonyms): "express shipping" in "Express
// shipping takes 1–2 business days".
func (q question) phrases(text string) int {
	ws := words(text)
	for i, w := range ws {
		ws[i] = stem(w)
	}
	n := 0
	for _, pair := range q.pairs {
		for i := 0; i+1 < len(ws); i++ {
			if ws[i] == pair[0].stems[0] && ws[i+1] == pair[1].stems[0] {
				n++
				break
			}
		}
	}
	return n
}

var (
	// showUp: "show up", "turn up" are arrivals, except of money ("when
	// will my refund show up?"), which appears on a statement: they then
	// say nothing of what is asked.
	showUp  = regexp.MustCompile(`\b(show|shows|turn|turns) up\b`)
	moneyUp = regexp.MustCompile(`\b(refund|refunds|money|credit|payment|charge|charges)\b`)
	// goUp is a rise: "will my price go up?" is answered by "prices rise
	// each April", not by "up to date".
	goUp = regexp.MustCompile(`\b(go|goes|going|gone|went) up\b`)
)

// readQuestion reads a question's words as understand.Readings gives them
// (a message, or a follow-up after the question it follows, one per line),
// its clauses ended by the marks they keep.
func readQuestion(text string) question {
	original := text
	// "money back", "stopped working", "send it back", "the US" (before
	// lower case, which makes "US" the pronoun).
	text = strings.ToLower(understand.InContentWords(text))
	if moneyUp.MatchString(text) {
		text = showUp.ReplaceAllString(text, "")
	} else {
		text = showUp.ReplaceAllString(text, "arrive")
	}
	text = goUp.ReplaceAllString(text, "rise")

	// The clause that asks: the last one that ends with a question mark,
	// else the last that starts with a question word, else all of it.
	clauses := splitAt(text)
	asking := -1
	for i, c := range clauses {
		if c.end == "?" {
			asking = i
		}
	}
	if asking < 0 {
		for i, c := range clauses {
			if w := words(c.text); len(w) > 0 && questionWords[w[0]] {
				asking = i
			}
		}
	}
	var q question
	seenHint := map[string]bool{}
	hint := func(name string) {
		if !seenHint[name] {
			seenHint[name] = true
			q.hints = append(q.hints, hints[name])
		}
	}
	for i, c := range clauses {
		ws := words(c.text)
		var prev term
		hasPrev := false
		// described is set from where the clause describes a thing it
		// named ("a notebook I bought three weeks ago"): those words say
		// which thing, not what is asked.
		described := false
		for j, w := range ws {
			if (w == "i" || w == "we") && j > 0 && contentWord(ws[j-1]) {
				described = true
			} else if described && j > 0 && describedEnds[w] && !subjects[ws[j-1]] {
				// "the pen I bought is broken": what is said of the
				// thing after its description is what is asked.
				described = false
			}
			next := ""
			if j+1 < len(ws) {
				next = ws[j+1]
			}
			switch {
			case w == "how" && (next == "long" || next == "fast" || next == "quickly" || next == "quick" || next == "soon" || next == "many"):
				hint("time")
			case w == "how" && (next == "much" || next == "expensive"):
				hint("cost")
			case w == "how" && next == "often":
				hint("often")
			case w == "how" && next == "far":
				hint("way")
			case w == "what" && next == "time":
				hint("clock")
			case w == "how" && (next == "do" || next == "does" || next == "can" || next == "to" || next == "should" || next == "would"):
				hint("how")
			case w == "when" || w == "until":
				hint("time")
			case w == "where" && slices.Contains(ws, "from"):
				hint("origin")
			case (w == "pay" || w == "pays" || w == "paying") && next == "for":
				hint("cost")
			case w == "policy" || w == "policies" || w == "rules" || w == "terms":
				hint("policy")
			case (w == "get" || w == "go") && (next == "there" || next == "here" || next == "to") && seenHint["how"]:
				hint("way")
			}
			switch {
			// A number before a unit is a quantity ("a 250 g bag"), what
			// is asked, not a time.
			case timeWords[w] || (isNumber(w) && !understand.Unit(next)):
				hint("time")
				hasPrev = false
				continue
			case stopWords[w] || genericWords[w] || len(w) < 2:
				hasPrev = false
				continue
			case (w == "number" || w == "numbers") && j > 0 && phoneWords[ws[j-1]]:
				// "What's your phone number?" asks the phone, and its
				// digits: "call us on 0800 …", not "dial 0 from your room
				// phone".
				hint("digits")
				continue
			}
			t := termOf(w)
			if w == "pay" && next != "for" && seenHint["how"] {
				// "How can I pay?" asks the ways to, not a price.
				t = paying
			}
			if slices.Contains(t.stems, stem("faulty")) {
				// "My internet is not working" (faulty) is answered where
				// content says how to fix its problems.
				t.stems = slices.Concat(t.stems, fixing)
			}
			if w == "free" || w == "complimentary" {
				// "Is parking free?" asks its price: "Parking costs £12
				// a night" answers.
				t = term{stems: slices.Concat([]string{stem(w)}, hints["cost"].stems)}
			}
			// "a torn cover", "a broken cap": what is damaged says which
			// part of the thing, not what is asked.
			part := hasPrev && slices.Contains(damage.stems, prev.stems[0])
			// "Is the hotel accessible?" asks of the company, as "Are you
			// accessible?" does: content seldom names itself.
			company := venueWords[w] && j > 0 && (ws[j-1] == "the" || ws[j-1] == "your")
			if (asking < 0 || i == asking) && !described && !part && !company {
				q.asked = append(q.asked, t)
				if hasPrev {
					q.pairs = append(q.pairs, [2]term{prev, t})
				}
				prev, hasPrev = t, true
			} else {
				q.context = append(q.context, t)
			}
		}
	}
	if seenHint["clock"] {
		// "What time is dinner?" asks a time of day ("from 6pm"), not a
		// duration ("valid for 12 months").
		q.hints = slices.DeleteFunc(q.hints, func(h term) bool { return h.stems[0] == hints["time"].stems[0] })
	}
	// "What does it cost?" after "Can I return a bike?": a clause that
	// asks only a price asks it of the rest of the message.
	// ("How do I pay?" asks how, not how much.)
	priceOnly := len(q.asked) > 0 && len(q.context) > 0 &&
		!slices.ContainsFunc(q.asked, func(t term) bool { return !slices.Contains(priceAsked, t.stems[0]) })
	if priceOnly {
		hint("cost")
		q.asked, q.pairs = nil, nil
	}
	unnamed := len(q.asked) == 0 // "My pen leaks, what can I do?"
	if unnamed {
		q.asked, q.context, q.pairs = q.context, nil, nil
	}
	q.asked = distinct(q.asked)
	if asking < 0 || unnamed {
		// A message that says a thing is damaged ("My notebook's spine
		// is broken") and asks nothing else is about the damage.
		var hurt, rest []term
		for _, t := range q.asked {
			if slices.Contains(damage.stems, t.stems[0]) {
				hurt = append(hurt, t)
			} else {
				rest = append(rest, t)
			}
		}
		if len(hurt) > 0 && len(rest) > 0 {
			q.asked, q.context, q.pairs = hurt, append(rest, q.context...), nil
		}
	}
	if asking >= 0 {
		ws := words(clauses[asking].text)
		if !priceOnly { // "what does it cost?" asks no verb of a subject
			q.predicate = predicateOf(ws)
		}
		asked := strings.Join(ws, " ")
		if visitYou.MatchString(asked) {
			q.asked, q.pairs, q.predicate, q.place = []term{placeWords}, nil, nil, true
		}
		q.existence = existenceQuestion.MatchString(asked)
		q.payWith = payWithQuestion.MatchString(asked) || (acceptOrTake.MatchString(asked) && payWithName.MatchString(original))
	}
	// "When is the showroom open?" is answered by the days it is: "Monday
	// to Saturday from 10:00 to 18:00".
	if seenHint["time"] || (asking >= 0 && openNow.MatchString(strings.Join(words(clauses[asking].text), " "))) {
		// "When is support available?" asks when it is open too (but
		// "when will it be available?" when it is back in stock).
		whenAvailable := asking >= 0 && availableWhen.MatchString(strings.Join(words(clauses[asking].text), " "))
		for i, t := range q.asked {
			if whenAvailable && t.stems[0] == stem("available") {
				q.asked[i].stems = slices.Concat(t.stems, []string{stem("open"), stem("closed")}, openDays)
			}
		}
		opening := whenAvailable || slices.ContainsFunc(q.asked, func(t term) bool { return t.stems[0] == stem("open") || t.stems[0] == stem("closed") })
		for i, t := range q.asked {
			// "Are you open on Sundays?": the days content names say.
			// "When does the spa close?": when it is open says.
			if s := t.stems[0]; opening && (s == stem("open") || s == stem("closed") || slices.Contains(openDays, s)) {
				q.asked[i].stems = slices.Concat(t.stems, []string{stem("open"), stem("closed")}, openDays)
			}
		}
		if opening && !strings.Contains(text, "how long") {
			// The time asked is the days: "What are your opening hours?"
			// is not answered by "within two weeks of opening" (but "how
			// long … after opening?" asks a duration).
			q.hints = slices.DeleteFunc(q.hints, func(h term) bool { return h.stems[0] == hints["time"].stems[0] })
			q.hints = append(q.hints, term{stems: openDays})
		}
	}
	// A follow-up's own question words say what it asks now: "how much is
	// shipping?" then "and how long does it take?" asks a time, not a price.
	if at := strings.LastIndex(text, "\n"); at >= 0 {
		if now := readQuestion(text[at+1:]).hints; len(now) > 0 {
			q.hints = now
		}
	}
	return q
}

// contentWord reports whether w says what a message is about: not a word
// that only holds a sentence together, a time or a number.
func contentWord(w string) bool {
	return len(w) >= 2 && !stopWords[w] && !genericWords[w] && !timeWords[w] && !questionWords[w] && !isNumber(w)
}

// aboutItems is the question with its asked words that name the company's
// items read as context: "can I return a notebook?" asks about returns, of
// a notebook, and is answered where returns are. ok is false when no asked
// word names an item, when every one does, or when the others only ask how
// much or how long (the price of the item itself).
func (q question) aboutItems(catalog *Catalog) (question, bool) {
	if catalog == nil {
		return q, false
	}
	items := catalog.named
	// A word written just before an item's word says which one, as part
	// of its name: "printer paper", "spiral notebook".
	modifiers := map[string]bool{}
	for _, pair := range q.pairs {
		if items[pair[1].stems[0]] && !items[pair[0].stems[0]] {
			modifiers[pair[0].stems[0]] = true
		}
	}
	var asked, named []term
	onlyHints := true
	for _, t := range q.asked {
		if items[t.stems[0]] || modifiers[t.stems[0]] {
			named = append(named, t)
			continue
		}
		asked = append(asked, t)
		onlyHints = onlyHints && hinted(t)
	}
	if len(named) == 0 || len(asked) == 0 || onlyHints {
		return q, false
	}
	out := q
	out.asked = asked
	out.context = append(named, q.context...)
	out.pairs = nil
	for _, pair := range q.pairs {
		if !items[pair[0].stems[0]] && !items[pair[1].stems[0]] && !modifiers[pair[0].stems[0]] && !modifiers[pair[1].stems[0]] {
			out.pairs = append(out.pairs, pair)
		}
	}
	return out, true
}

// asksHow reports whether the question asks how to do something ("how do
// I …", "how can I …").
func (q question) asksHow() bool {
	return slices.ContainsFunc(q.hints, func(h term) bool { return slices.Equal(h.stems, hints["how"].stems) })
}

// hinted reports whether t is a word a question word points at (see hints):
// a price, a duration.
func hinted(t term) bool {
	for _, h := range hints {
		if slices.Contains(h.stems, t.stems[0]) {
			return true
		}
	}
	return false
}

// predicateOf is the verb of a clause that asks "what (which) … do you
// (we, I, they, it) <verb>", nil for another clause or a verb that says
// nothing of the subject ("have", "sell", "get"). "Take" there is
// "accept" (content says "takes" of time).
func predicateOf(ws []string) *term {
	if len(ws) < 4 || (ws[0] != "what" && ws[0] != "which") {
		return nil
	}
	for k := 1; k+2 < len(ws); k++ {
		if !auxiliaries[ws[k]] || !subjects[ws[k+1]] {
			continue
		}
		verb := ws[k+2]
		if verb == "take" {
			return &term{stems: stems("accept accepts accepted")}
		}
		if stopWords[verb] || genericWords[verb] || timeWords[verb] || len(verb) < 2 {
			return nil
		}
		t := termOf(verb)
		return &t
	}
	return nil
}

// fixing are the words content says how to put a fault right with. They
// are one way: "I have a problem with my order" does not say a thing is
// damaged.
var fixing = stems("problem problems fix fixing troubleshoot troubleshooting")

// damage is a word that says a thing arrived damaged or faulty.
var damage = termOf("faulty")

// describedEnds are the verbs that, after a thing's description ("the
// notebook I got"), say what the message says of it: "has a torn cover",
// "is broken", "arrived damaged", "doesn't write".
var describedEnds = wordSet(`is was are were has had have arrived came come keeps stopped broke leaks leaked
	doesn didn won isn wasn`)

// venueWords name the company by its place ("the hotel", "your shop").
var venueWords = wordSet(`company business shop store hotel`)

// phoneWords name a phone number before "number".
var phoneWords = wordSet(`phone telephone contact mobile cell whatsapp fax`)

var (
	auxiliaries = wordSet(`do does did can could will would`)
	subjects    = wordSet(`you we i they it`)
)

// distinct is terms without repeats, in order.
func distinct(terms []term) []term {
	var out []term
	for _, t := range terms {
		if !slices.ContainsFunc(out, func(o term) bool { return slices.Equal(o.stems, t.stems) }) {
			out = append(out, t)
		}
	}
	return out
}

// clause is a part of a text up to a sentence end, comma or line break,
// and that mark.
type clause struct{ text, end string }

func splitAt(s string) []clause {
	var out []clause
	start := 0
	for i, r := range s {
		if strings.ContainsRune(".?!,;\n", r) {
			out = append(out, clause{s[start:i], string(r)})
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, clause{s[start:], ""})
	}
	return out
}

func isNumber(w string) bool {
	return strings.Trim(w, "0123456789") == ""
}

// termOf is the term of a question word: its stem, and those of the words
// its synonym groups hold; for a country, those of its other names, of its
// region's words and of the countries near it (understand.CountryNames,
// understand.Region, understand.Neighbours).
func termOf(w string) term {
	s := stem(w)
	t := term{stems: []string{s}}
	for _, g := range synonymGroups {
		if slices.Contains(g, s) {
			for _, o := range g {
				if !slices.Contains(t.stems, o) {
					t.stems = append(t.stems, o)
				}
			}
		}
	}
	for _, r := range slices.Concat(understand.CountryNames(w), understand.Region(w), understand.Neighbours(w)) {
		if r = stem(r); !slices.Contains(t.stems, r) {
			t.stems = append(t.stems, r)
		}
	}
	return t
}

// stems are the stems of the words of s.
func stems(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		out = append(out, stem(w))
	}
	return out
}

// synonymGroups are understand.SynonymGroups stemmed: a question's word
// matches content holding any word of its groups.
var synonymGroups = func() [][]string {
	var out [][]string
	for _, g := range understand.SynonymGroups() {
		out = append(out, stems(strings.Join(g, " ")))
	}
	return out
}()

// hints are what question words point at in an answer.
var hints = map[string]term{
	"time":   {stems: stems("take takes day days week weeks month months year years hour hours time times immediately same")},
	"cost":   {stems: stems("cost costs price fee fees free pay paid charge euro euros eur dollar dollars usd pound pounds gbp cent cents")},
	"origin": {stems: stems("from warehouse")},
	"how":    {stems: stems("how start")},
	"policy": {stems: stems("window within condition conditions must cannot")},
	"digits": {stems: []string{digits}},
	"often":  {stems: stems("every each daily weekly monthly yearly once twice")},
	"clock":  {stems: []string{clockTime}},
	"way":    {stems: stems("walk drive minute minutes follow signs taxi taxis bus train road exit turn")},
}

// questionWords start a clause that asks.
var questionWords = wordSet(`how what when where which who why whom whose can could do does did is are
	will would should may might shall have has`)

// timeWords are durations and amounts of time, and the words of "how far",
// "how often" and "next week": they say what kind of answer the question
// asks (see hints), not what it is about.
var timeWords = wordSet(`day days week weeks month months year years hour hours minute minutes time times
	long often far fast quick quickly take takes took taking after before since ago later already yet until till next one two three four five six seven eight nine ten
	eleven twelve fifteen twenty thirty forty sixty`)

// genericWords say nothing of what a question is about ("question",
// "policy", "process", "sell"): a section need not hold them to answer.
var genericWords = wordSet(`question questions help policy policies process procedure work works working
	info information detail details thing things something anything everything sell sells offer offers
	provide provides give gives carry possible instead still actually usually normally generally typically right now
	currently really also else way mean means meaning kind sort somebody someone anyone tell explain
	wondering wonder ask asking know product products item items article articles difference differences
	compare comparison happen happens happened`)

// stopWords are the words of a question that say nothing of what it asks.
var stopWords = wordSet(`a about am an and any are as at be been but by can could did do does doing for
	from get got had has have hello hi how i i'm im if in into is it its me my of on or our please should
	so than that the their them then there these they this to too us was we what when where which who why
	will would with you your yours hey thanks thank want need like just much many s t d ll m re ve let
	may might shall whats there's theres whom whose one ones some via per he she him her his hers`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
