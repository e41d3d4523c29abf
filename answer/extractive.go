package answer

import (
	"context"
	"sort"
	"strings"
	"unicode"
)

// Extractive answers by quoting the sentences of the retrieved passages that
// share the most words with the question. It never writes anything the
// content does not say.
type Extractive struct {
	// MinCoverage is the share of the question's content words the best
	// passage must contain to count as an answer (default 0.5).
	MinCoverage float64
	// MaxSentences bounds the quote (default 3).
	MaxSentences int
}

// Generate implements Generator.
func (e Extractive) Generate(_ context.Context, req Request) (Answer, error) {
	minCoverage := e.MinCoverage
	if minCoverage == 0 {
		minCoverage = 0.5
	}
	maxSentences := e.MaxSentences
	if maxSentences == 0 {
		maxSentences = 3
	}
	terms := contentTerms(req.Question)
	if len(terms) == 0 || len(req.Passages) == 0 {
		return Answer{Text: DontKnow}, nil
	}

	// Pick the passage covering most question terms, ties to retrieval rank.
	best, bestCoverage := -1, 0.0
	for i, p := range req.Passages {
		have := termSet(p.Title + " " + p.Heading + " " + p.Text)
		matched := 0
		for _, t := range terms {
			if have[t] {
				matched++
			}
		}
		coverage := float64(matched) / float64(len(terms))
		if coverage > bestCoverage {
			best, bestCoverage = i, coverage
		}
	}
	if best < 0 || bestCoverage < minCoverage {
		return Answer{Text: DontKnow, Confidence: bestCoverage}, nil
	}
	p := req.Passages[best]

	// Quote its best sentences, in the order the article has them.
	sentences := splitSentences(p.Text)
	type scored struct {
		index int
		score int
	}
	var ranked []scored
	for i, s := range sentences {
		have := termSet(s)
		n := 0
		for _, t := range terms {
			if have[t] {
				n++
			}
		}
		ranked = append(ranked, scored{i, n})
	}
	sort.SliceStable(ranked, func(a, b int) bool { return ranked[a].score > ranked[b].score })
	// A heading that matches the question makes the whole section the answer;
	// otherwise keep only sentences sharing a word with the question.
	headingMatches := false
	headingTerms := termSet(p.Heading)
	for _, t := range terms {
		if headingTerms[t] {
			headingMatches = true
		}
	}
	var picked []int
	for _, r := range ranked {
		if len(picked) == maxSentences {
			break
		}
		if r.score == 0 && !(headingMatches && len(picked) < maxSentences) {
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
		Confidence: bestCoverage,
	}, nil
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

// contentTerms returns the question's stemmed words, without stop words,
// each once.
func contentTerms(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range words(s) {
		if stopWords[w] {
			continue
		}
		t := stem(w)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func termSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range words(s) {
		set[stem(w)] = true
	}
	return set
}

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

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
	// "shipp" → "ship"; "tak" and "take" both end at "tak".
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiou", rune(w[n-1])) {
		w = w[:n-1]
	}
	if n := len(w); n > 3 && w[n-1] == 'e' {
		w = w[:n-1]
	}
	return w
}

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about am an and any are as at be been but by can could
		did do does doing for from get got had has have hello hi how i i'm if in into is it its
		me my of on or our please should so than that the their them then there these they this
		to too us was we what when where which who why will with would you your yours hey thanks
		thank tell know want need like just much many`) {
		m[w] = true
	}
	return m
}()
