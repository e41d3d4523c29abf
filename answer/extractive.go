package answer

import (
	"context"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/switchboardhq/switchboard/understand"
)

// Extractive answers by quoting the sentences of the retrieved passage
// section that answers the question. It never writes anything the content
// does not say, and it answers only when one section covers what the
// question asks.
//
// The question is read as English help content words it (understand.Gloss
// turns the support words of six other languages into English ones). Its
// clause that asks ("can I still send it back after two months?") holds the
// words a section must cover; the rest of the message ("My pen arrived
// faulty") and the question words ("how long", "how much", "where … from")
// help choose among the sections that do. Words of the same meaning in
// support questions ("delivery" and "shipping", "send back" and "return",
// "UK" and "United Kingdom") match each other, and a country matches its
// region ("Germany" the content's "European Union", understand.Region).
//
// When no section covers enough of the question, the answer is not Known:
// Text is DontKnow with Confidence 0 when a word the question asks about is
// in none of the passages, or two words it asks about together ("gift
// wrapping") are in no sentence together — the content does not say;
// otherwise (each word is there, but in different sections) Text is DontKnow
// with the best section's coverage as Confidence. A question that names
// nothing to look up ("I have a question") gets an empty Text.
type Extractive struct {
	// MinCoverage is the share of the asking clause's words the chosen
	// section must hold to count as an answer (default 0.6).
	MinCoverage float64
	// MaxSentences bounds the quote (default 3).
	MaxSentences int
}

// Generate implements Generator. A question in another language is read
// twice: as English help content words it (understand.Gloss), and in its own
// words (understand.Unglossed), for content the company wrote in the
// customer's language. The reading in its own words answers when it covers
// the question as well as the English one or better.
func (e Extractive) Generate(_ context.Context, req Request) (Answer, error) {
	glossed, own, other := understand.Readings(req.Question)
	a := e.read(req, glossed)
	if other {
		if o := e.read(req, own); o.Known && (!a.Known || o.Confidence >= a.Confidence) {
			a = o
		}
	}
	return req.Catalog.answer(a, req.Question), nil
}

// read answers one reading of the question. Unless a section covers every
// word it asks, a question that names the company's items beside what it
// asks ("how long does shipping take for notebooks?") is answered where
// what it asks is, the items helping to choose (question.aboutItems), when
// that answers.
func (e Extractive) read(req Request, text string) Answer {
	q := readQuestion(text)
	a := e.answer(req, q)
	if a.Known && a.Confidence == 1 {
		return a
	}
	if about, ok := q.aboutItems(req.Catalog); ok {
		if b := e.answer(req, about); b.Known {
			return b
		}
	}
	return a
}

// answer answers q from req's passages.
func (e Extractive) answer(req Request, q question) Answer {
	minCoverage := e.MinCoverage
	if minCoverage == 0 {
		minCoverage = 0.6
	}
	maxSentences := e.MaxSentences
	if maxSentences == 0 {
		maxSentences = 3
	}
	if len(q.asked) == 0 {
		return Answer{}
	}
	if len(req.Passages) == 0 {
		return Answer{Text: DontKnow}
	}

	// The words of each passage: its section (heading and text), and with
	// its article's title, which covers every section of the article.
	sections := make([]map[string]bool, len(req.Passages))
	headings := make([]map[string]bool, len(req.Passages))
	covers := make([]map[string]bool, len(req.Passages))
	for i, p := range req.Passages {
		sections[i] = termSet(p.Heading + " " + p.Text)
		headings[i] = termSet(p.Heading)
		covers[i] = termSet(p.Title + " " + p.Heading + " " + p.Text)
	}
	// A word few sections hold says more about which one answers.
	weight := func(t term) float64 {
		df := 0
		for _, s := range sections {
			if t.in(s) {
				df++
			}
		}
		return 1 + math.Log(float64(len(sections)+1)/float64(df+1))
	}
	coverage := func(i int) float64 {
		n := 0
		for _, t := range q.asked {
			if t.in(covers[i]) {
				n++
			}
		}
		return float64(n) / float64(len(q.asked))
	}
	// How much of the question a set of words holds: the asked words by
	// their weight, the context's by half of it, each hint by one.
	match := func(have map[string]bool) float64 {
		n := 0.0
		// A word of the content stands for one asked word: "payment"
		// is not both "pay" and "card" of "Can I pay by card?".
		used := map[string]bool{}
		for _, t := range q.asked {
			if have[t.stems[0]] {
				n += weight(t)
				used[t.stems[0]] = true
			}
		}
		for _, t := range q.asked {
			if have[t.stems[0]] {
				continue
			}
			for _, s := range t.stems[1:] {
				if have[s] && !used[s] {
					// Another word for it ("Mondays" for "open") says
					// less than the word itself.
					n += 0.9 * weight(t)
					used[s] = true
					break
				}
			}
		}
		for _, t := range q.context {
			if t.in(have) {
				n += 0.5 * weight(t)
			}
		}
		for _, h := range q.hints {
			if h.in(have) {
				n++
			}
		}
		return n
	}
	// A section scores by all its words, by its sentence that holds most
	// of the question, and by its heading.
	// A section that does not hold the verb the question asks about
	// answers none of it, nor one that names the thing a question asks
	// the company has only in passing.
	answering := func(i int) float64 {
		if q.predicate != nil && !q.predicate.in(covers[i]) {
			return 0
		}
		if q.existence && !q.about(req.Passages[i]) {
			return 0
		}
		if q.place && !q.placed(req.Passages[i]) {
			return 0
		}
		return coverage(i)
	}
	// Between sections that cover as much, the one that writes more of the
	// question's side-by-side words side by side ("express shipping")
	// speaks of what it asks; then the higher score.
	best, bestScore, bestCoverage, bestPhrases := 0, -1.0, -1.0, -1
	for i, p := range req.Passages {
		score := match(sections[i]) + match(headings[i])/2
		top := 0.0
		for _, s := range splitSentences(p.Text) {
			top = max(top, match(termSet(mainClause(s))))
		}
		score += top
		c, ph := answering(i), q.phrases(p.Heading+". "+p.Text)
		if c > bestCoverage || (c == bestCoverage && (ph > bestPhrases || (ph == bestPhrases && score > bestScore))) { // ties go to the retrieval rank
			best, bestScore, bestCoverage, bestPhrases = i, score, c, ph
		}
	}
	if bestCoverage < minCoverage {
		if q.payWith {
			if a, ok := waysToPay(req.Passages); ok {
				return a
			}
		}
		if q.uncovered(req.Passages, covers) {
			return Answer{Text: DontKnow}
		}
		most := 0.0
		for i := range req.Passages {
			most = max(most, coverage(i))
		}
		return Answer{Text: DontKnow, Confidence: most}
	}
	p := req.Passages[best]

	// Quote its sentences that share most with the question, in the order
	// the article has them.
	sentences := splitSentences(p.Text)
	type scored struct {
		index int
		score float64
	}
	var ranked []scored
	for i, s := range sentences {
		ranked = append(ranked, scored{i, match(termSet(s))})
	}
	sort.SliceStable(ranked, func(a, b int) bool { return ranked[a].score > ranked[b].score })
	// A heading that matches the question makes the whole section the
	// answer, but for a sentence that shares nothing with the question
	// while another does ("Desk organisers are made from bamboo" in "Desk
	// organisers and pens", asked what colours the pens come in);
	// otherwise keep the sentences that share the most with it.
	headingMatches := false
	for _, t := range append(append([]term{}, q.asked...), q.context...) {
		headingMatches = headingMatches || t.in(headings[best])
	}
	var picked []int
	// A section headed "How to …" that the question names, asked how, is
	// its steps: quoted from its start ("Send us your order number …"
	// under "How to make a claim").
	if headingMatches && q.asksHow() && strings.HasPrefix(strings.ToLower(p.Heading), "how ") {
		for i := range min(maxSentences, len(sentences)) {
			picked = append(picked, i)
		}
	}
	for _, r := range ranked {
		if len(picked) == maxSentences {
			break
		}
		if slices.Contains(picked, r.index) || (headingMatches && r.score == 0 && ranked[0].score > 0) {
			continue
		}
		if !headingMatches && (r.score == 0 || r.score < ranked[0].score/2) {
			continue
		}
		picked = append(picked, r.index)
	}
	if len(picked) == 0 {
		picked = []int{0}
	}
	sort.Ints(picked)
	quote := make([]string, len(picked))
	for i, idx := range picked {
		quote[i] = sentences[idx]
	}
	return Answer{
		Text:       strings.Join(quote, " "),
		Citations:  []Citation{{SourceID: p.SourceID, Title: p.Title, URL: p.URL}},
		Known:      true,
		Confidence: coverage(best),
	}
}

// acceptWords say which ways to pay a company takes.
var acceptWords = term{stems: stems("accept accepts accepted take takes")}

// waysToPay answers a question whether a way to pay the content does not
// name is taken with the first sentence that says which ways are ("We
// accept Visa, Mastercard and American Express"): the way asked about is
// not among them. Its confidence, 0.6, is above the default threshold
// (0.5) but lower than an answer that names the way asked about: the
// customer reads the answer off the list. ok is false when
// no passage has such a sentence.
func waysToPay(passages []Passage) (Answer, bool) {
	for _, p := range passages {
		for _, s := range splitSentences(p.Text) {
			if set := termSet(s); acceptWords.in(set) && paying.in(termSet(p.Title+" "+p.Heading+" "+s)) {
				return Answer{Text: s, Citations: []Citation{{SourceID: p.SourceID, Title: p.Title, URL: p.URL}},
					Known: true, Confidence: 0.6}, true
			}
		}
	}
	return Answer{}, false
}

// exception starts the part of a sentence that speaks of an exception to it.
var exception = regexp.MustCompile(`(?i)\b(unless|except)\b`)

// mainClause is a sentence up to an exception it makes: "return shipping
// costs $5, unless the item was faulty" speaks of the cost of a return,
// not of faulty items.
func mainClause(s string) string {
	if at := exception.FindStringIndex(s); at != nil {
		return s[:at[0]]
	}
	return s
}

// splitSentences splits text at sentence ends and paragraph breaks.
func splitSentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		para = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(para), "-*•"))
		start := 0
		runes := []rune(para)
		for i, r := range runes {
			if (r == '.' || r == '?' || r == '!') && (i+1 == len(runes) || unicode.IsSpace(runes[i+1])) {
				// Do not cut after "e.g." or a single capital ("U.S.").
				word := lastWord(string(runes[start : i+1]))
				if word == "e.g." || word == "i.e." || (len(word) == 2 && unicode.IsUpper(rune(word[0]))) {
					continue
				}
				if s := strings.TrimSpace(string(runes[start : i+1])); s != "" {
					out = append(out, s)
				}
				start = i + 1
			}
		}
		if s := strings.TrimSpace(string(runes[start:])); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return strings.ToLower(f[len(f)-1])
}

func termSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range words(s) {
		set[stem(w)] = true
		if len(w) >= 3 && isNumber(w) {
			set[digits] = true
		}
		if clock.MatchString(w) {
			set[clockTime] = true
		}
	}
	return set
}

// digits stands in a section's words for a number of three digits or more
// (a phone number's part): no word is written so.
const digits = "#digits"

// clockTime stands in a section's words for a time of day ("6pm",
// "10.30am"), clock matching the word it ends.
const clockTime = "#clock"

var clock = regexp.MustCompile(`^\d{1,2}(am|pm)$`)

func words(s string) []string {
	s = understand.Quantities(currencies.Replace(strings.ToLower(s)))
	if strings.Contains(s, "log") || strings.Contains(s, "sign") {
		s = signIn.ReplaceAllString(s, "signin")
	}
	if strings.Contains(s, "check") {
		s = checkInOut.ReplaceAllString(s, "check$2")
	}
	if strings.Contains(s, "-") {
		s = boundPrefix.ReplaceAllString(s, "$1$2")
		s = spelledApart.Replace(s)
	}
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// currencies are read as the words a price is written with: "$8 per
// user" is a price, as "8 dollars per user" is.
var currencies = strings.NewReplacer("$", " dollar ", "€", " euro ", "£", " pound ")

// signIn is signing or logging in, in any of its forms, which one word
// stands for on both sides: "I can't log in" is answered by "Sign in at
// …", and not by "audit logs".
var signIn = regexp.MustCompile(`\b(log|logs|logging|logged|sign|signs|signing|signed)[ -]?(in|on)\b|\b(logins?|signins?|logons?)\b`)

// checkInOut is checking in or out, which one word stands for on both
// sides: "checkin time" is answered by "Check-in is from 3pm".
var checkInOut = regexp.MustCompile(`\bcheck(s|ing|ed)?[ -]?(in|out)\b`)

// boundPrefix is a prefix joined to its word by a hyphen ("post-consumer",
// "pre-owned"): part of that word, not the word it is spelt like ("post",
// which content about shipping uses).
var boundPrefix = regexp.MustCompile(`\b(post|pre|non|anti|semi|multi|self)-(\pL)`)

// spelledApart are words content writes with a hyphen and customers
// without: "Wi-Fi" is "wifi".
var spelledApart = strings.NewReplacer("wi-fi", "wifi", "e-mail", "email")

// stem strips common English suffixes so "shipping", "ships" and "shipped"
// meet at "ship". It is crude on purpose: both sides get the same treatment.
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		w = w[:len(w)-3] + "y"
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		w = w[:len(w)-3]
	case len(w) > 4 && strings.HasSuffix(w, "ed"):
		w = w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		w = w[:len(w)-1]
	}
	// "cancellation" is "cancel", "reservation" "reserve", "confirmation"
	// "confirm" (but "station", "location" stay whole).
	if len(w) >= 10 && strings.HasSuffix(w, "ation") {
		w = w[:len(w)-5]
	}
	// "shipp" → "ship"; "tak" and "take" both end at "tak".
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiou", rune(w[n-1])) {
		w = w[:n-1]
	}
	if n := len(w); n > 3 && w[n-1] == 'e' {
		w = w[:n-1]
	}
	return w
}
