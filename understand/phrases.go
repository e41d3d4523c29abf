package understand

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A phrase is a pattern of words matched inside one sentence. It is written
// as words separated by spaces:
//
//   - "a|b|c" matches any one of the words a, b or c;
//   - a word ending in "*" matches any word starting with the rest ("fuck*");
//   - "#" matches an order number: the word "#" that parse makes of
//     "SP-1003" or "#1003", or a word of at least three digits, or letters
//     followed by digits ("sp1003");
//   - "…" lets up to three other words come before the next word, "…1" up to
//     one, "…2" up to two, and so on.
//
// Words in a phrase are folded like message words, so "contraseña" and
// "can't" may be written as they are spelled.
type phrase []step

// step is one word of a phrase and how far it may be from the previous one.
type step struct {
	words    map[string]bool
	prefixes []string
	number   bool
	maxGap   int
}

// defaultGap is how many words "…" skips at most.
const defaultGap = 3

// phraseSet is a list of phrases indexed by their first word, so that
// matching a long message only tries the phrases that can start at each
// word.
type phraseSet struct {
	phrases []phrase
	// byWord lists, for each word, the phrases whose first step names it.
	byWord map[string][]int
	// always lists the phrases whose first step is a prefix or a number.
	always []int
}

// newPhraseSet indexes phrases.
func newPhraseSet(phrases ...phrase) phraseSet {
	set := phraseSet{phrases: phrases, byWord: map[string][]int{}}
	for i, ph := range phrases {
		for w := range ph[0].words {
			set.byWord[w] = append(set.byWord[w], i)
		}
		if len(ph[0].prefixes) > 0 || ph[0].number {
			set.always = append(set.always, i)
		}
	}
	return set
}

// candidates returns, in list order, the phrases that may start at w.
func (set phraseSet) candidates(w string) []int {
	byWord := set.byWord[w]
	if len(set.always) == 0 {
		return byWord
	}
	out := make([]int, 0, len(byWord)+len(set.always))
	out = append(out, byWord...)
	for _, i := range set.always {
		if !slices.Contains(byWord, i) {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

// mustPhrases compiles patterns into a set; it panics on a malformed one,
// which is a programming error caught by the package's tests.
func mustPhrases(patterns ...string) phraseSet {
	out := make([]phrase, 0, len(patterns))
	for _, p := range patterns {
		ph, err := compilePhrase(p)
		if err != nil {
			panic(err)
		}
		out = append(out, ph)
	}
	return newPhraseSet(out...)
}

// compilePhrase compiles one pattern (see phrase).
func compilePhrase(pattern string) (phrase, error) {
	var ph phrase
	gap := 0
	for _, tok := range strings.Fields(pattern) {
		if rest, ok := strings.CutPrefix(tok, "…"); ok {
			if len(ph) == 0 || gap != 0 {
				return nil, fmt.Errorf("phrase %q: a gap must come between words", pattern)
			}
			gap = defaultGap
			if rest != "" {
				n, err := strconv.Atoi(rest)
				if err != nil || n < 1 {
					return nil, fmt.Errorf("phrase %q: bad gap %q", pattern, tok)
				}
				gap = n
			}
			continue
		}
		st := step{words: map[string]bool{}, maxGap: gap}
		gap = 0
		for _, alt := range strings.Split(tok, "|") {
			switch {
			case alt == "#":
				st.number = true
			case strings.HasSuffix(alt, "*") && len(alt) > 1:
				folded, err := foldOne(strings.TrimSuffix(alt, "*"))
				if err != nil {
					return nil, fmt.Errorf("phrase %q: %w", pattern, err)
				}
				st.prefixes = append(st.prefixes, folded)
			default:
				folded, err := foldOne(alt)
				if err != nil {
					return nil, fmt.Errorf("phrase %q: %w", pattern, err)
				}
				st.words[folded] = true
			}
		}
		ph = append(ph, st)
	}
	if len(ph) == 0 || gap != 0 {
		return nil, fmt.Errorf("phrase %q: empty, or ends with a gap", pattern)
	}
	return ph, nil
}

// foldOne folds s as parse would and requires it to be a single word.
func foldOne(s string) (string, error) {
	m := parse(s)
	if len(m.sentences) != 1 || len(m.sentences[0]) != 1 {
		return "", fmt.Errorf("%q is not one word", s)
	}
	return m.sentences[0][0].text, nil
}

// matches reports whether w fits this step.
func (st step) matches(w string) bool {
	if st.words[w] {
		return true
	}
	for _, p := range st.prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return st.number && isOrderWord(w)
}

// isOrderWord reports whether w looks like an order number: "#" (what parse
// makes of "SP-1003" or "#1003"), three or more digits, or two to four
// letters followed by three or more digits ("sp1003").
func isOrderWord(w string) bool {
	if w == "#" || len(w) >= 3 && isDigits(w) {
		return true
	}
	letters := 0
	for letters < len(w) && w[letters] >= 'a' && w[letters] <= 'z' {
		letters++
	}
	return letters >= 2 && letters <= 4 && len(w)-letters >= 3 && isDigits(w[letters:])
}

// span is where a phrase matched: words [start, end) of a sentence.
type span struct {
	sentence, start, end int
}

// find returns every place in m where one of set's phrases matches, in
// order of sentence and start word. At each start word only the first
// phrase of the set that matches is reported.
func (m message) find(set phraseSet) []span {
	var out []span
	for si, s := range m.sentences {
		for i, w := range s {
			for _, k := range set.candidates(w.text) {
				if end, ok := set.phrases[k].matchAt(s, 0, i); ok {
					out = append(out, span{sentence: si, start: i, end: end})
					break
				}
			}
		}
	}
	return out
}

// matchAt reports whether steps k… of ph match s starting at word i, and
// where the match ends. Earlier places are tried first.
func (ph phrase) matchAt(s []word, k, i int) (int, bool) {
	if k == len(ph) {
		return i, true
	}
	st := ph[k]
	for j := i; j < len(s) && j <= i+st.maxGap; j++ {
		if st.matches(s[j].text) {
			if end, ok := ph.matchAt(s, k+1, j+1); ok {
				return end, true
			}
		}
	}
	return 0, false
}

// negators are words that negate what follows them.
var negators = map[string]bool{
	// English; "can't" is left out: "I can't return my order" still asks.
	"not": true, "no": true, "never": true, "dont": true, "doesnt": true, "didnt": true,
	"isnt": true, "wasnt": true, "arent": true, "werent": true, "wont": true, "hardly": true,
	"nothing": true, "without": true, "neither": true, "nor": true,
	// Spanish, French, German, Portuguese, Italian, Dutch.
	"nunca": true, "ne": true, "n": true, "pas": true, "jamais": true, "non": true,
	"nicht": true, "kein": true, "keine": true, "nie": true, "nao": true, "niet": true, "geen": true,
}

// negationReach is how many words before a match a negator may be.
const negationReach = 3

// negated reports whether a negator comes at most negationReach words before
// sp, in the same clause: "not helpful", "I don't want to return it", but not
// "No, it arrived broken".
func (m message) negated(sp span) bool {
	return m.preceded(sp, negators)
}

// preceded reports whether one of words comes at most negationReach words
// before sp, in the same clause.
func (m message) preceded(sp span, words map[string]bool) bool {
	s := m.sentences[sp.sentence]
	clause := s[sp.start].clause
	for i := sp.start - 1; i >= 0 && i >= sp.start-negationReach; i-- {
		if s[i].clause != clause {
			return false
		}
		if words[s[i].text] {
			return true
		}
	}
	return false
}

// anyNotNegated reports whether one of set's phrases matches m somewhere without
// a negator before it.
func (m message) anyNotNegated(set phraseSet) bool {
	for _, sp := range m.find(set) {
		if !m.negated(sp) {
			return true
		}
	}
	return false
}

// any reports whether one of set's phrases matches m somewhere.
func (m message) any(set phraseSet) bool {
	for si, s := range m.sentences {
		for i, w := range s {
			for _, k := range set.candidates(w.text) {
				if _, ok := set.phrases[k].matchAt(m.sentences[si], 0, i); ok {
					return true
				}
			}
		}
	}
	return false
}
