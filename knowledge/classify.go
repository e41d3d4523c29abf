package knowledge

import (
	"context"
	"math"
	"sort"
	"strings"
	"unicode"
)

// Issue-type classification: a message's issue type is voted by its nearest
// labelled examples (BM25 over stemmed words). Tuned on CLINC150's validation
// splits (see issuetypes_eval_test.go in package activities for the figures
// measured on its test splits).
const (
	// ClassifyNeighbours is how many nearest examples vote.
	ClassifyNeighbours = 30
	// votePower sharpens the vote: an example votes (score / best score)^4,
	// so the closest examples decide and far ones barely count.
	votePower = 4
	// DefaultIssueThreshold: a classification less confident than this is
	// "unknown". At 0.25 CLINC150's held-out test gave the figures in the
	// README; lower finds more types and misses more off-topic messages.
	DefaultIssueThreshold = 0.25
)

// Classification is the issue type the nearest examples vote for.
type Classification struct {
	// IssueType is "" when no example shares a word with the text.
	IssueType string
	// Confidence (0..1) is Share × Coverage.
	Confidence float64
	// Share is the winning type's part of the vote.
	Share float64
	// Coverage is the part of the text's words (stop words aside) that the
	// winning type's voting examples contain: low when the text speaks of
	// something the examples never mention.
	Coverage float64
}

// ClassifyIssue classifies text by the workspace's examples.
func (s *Store) ClassifyIssue(ctx context.Context, workspaceID, text string) (Classification, error) {
	hits, err := s.SearchExamples(ctx, workspaceID, text, ClassifyNeighbours)
	if err != nil {
		return Classification{}, err
	}
	return Classify(text, hits), nil
}

// Classify decides text's issue type from its nearest examples, best first:
// each votes for its type with weight (score / best score)^4; the type with
// the largest vote wins (ties: the name first in order), and its confidence
// is its share of the vote times the part of text's words its voting
// examples contain.
func Classify(text string, hits []ExampleHit) Classification {
	if len(hits) == 0 || hits[0].Score <= 0 {
		return Classification{}
	}
	if len(hits) > ClassifyNeighbours {
		hits = hits[:ClassifyNeighbours]
	}
	votes := map[string]float64{}
	total := 0.0
	for _, h := range hits {
		w := math.Pow(h.Score/hits[0].Score, votePower)
		votes[h.IssueType] += w
		total += w
	}
	types := make([]string, 0, len(votes))
	for t := range votes {
		types = append(types, t)
	}
	sort.Strings(types)
	best := types[0]
	for _, t := range types[1:] {
		if votes[t] > votes[best] {
			best = t
		}
	}
	words := map[string]bool{}
	for _, h := range hits {
		if h.IssueType == best {
			for _, w := range stemmedWords(h.Text) {
				words[w] = true
			}
		}
	}
	query := stemmedWords(text)
	covered := 0
	for _, w := range query {
		if words[w] {
			covered++
		}
	}
	c := Classification{IssueType: best, Share: votes[best] / total}
	if len(query) > 0 {
		c.Coverage = float64(covered) / float64(len(query))
	}
	c.Confidence = c.Share * c.Coverage
	return c
}

// stopWords are Weaviate's "en" preset, which BM25 ignores too.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "but": true,
	"by": true, "for": true, "if": true, "in": true, "into": true, "is": true, "it": true, "no": true,
	"not": true, "of": true, "on": true, "or": true, "such": true, "that": true, "the": true,
	"their": true, "then": true, "there": true, "these": true, "they": true, "this": true, "to": true,
	"was": true, "will": true, "with": true,
}

// stemmedWords are text's lower-case words, stop words left out, each
// reduced by stem.
func stemmedWords(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := fields[:0]
	for _, f := range fields {
		if !stopWords[f] {
			out = append(out, stem(f))
		}
	}
	return out
}

// stems is text as the examples' "stems" property holds it.
func stems(text string) string { return strings.Join(stemmedWords(text), " ") }

// stem strips the commonest English inflections ("flights" → "flight",
// "booked" → "book", "cancelling" → "cancell", "replies" → "reply"), so
// that an example and a message using another form of a word still meet.
// It is deliberately light: words of three letters or fewer stay as they
// are.
func stem(w string) string {
	n := len([]rune(w))
	if n <= 3 {
		return w
	}
	cut := func(suffix string) (string, bool) {
		if strings.HasSuffix(w, suffix) && n-len([]rune(suffix)) >= 3 {
			return strings.TrimSuffix(w, suffix), true
		}
		return "", false
	}
	if s, ok := cut("ies"); ok {
		return s + "y"
	}
	if strings.HasSuffix(w, "sses") {
		return strings.TrimSuffix(w, "es")
	}
	if s, ok := cut("ing"); ok {
		return s
	}
	if s, ok := cut("ed"); ok {
		return s
	}
	if s, ok := cut("es"); ok {
		for _, sibilant := range []string{"sh", "ch", "x", "z", "s"} {
			if strings.HasSuffix(s, sibilant) {
				return s
			}
		}
		return strings.TrimSuffix(w, "s")
	}
	if strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		if s, ok := cut("s"); ok {
			return s
		}
	}
	return w
}
