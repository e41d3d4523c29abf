package issuetypes

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/switchboardhq/switchboard/knowledge"
)

// BM25's parameters, Weaviate's defaults, which the examples' search used
// when it ran there.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// ExampleHit is an issue-type example found near a message, with its BM25
// score.
type ExampleHit struct {
	IssueType string
	Text      string
	Score     float64
}

// exampleIndex finds a message's nearest examples in the worker's memory:
// BM25 over the examples' stemmed words, as Weaviate scored them, without a
// search's round trip on every turn. It is built with the model, from the
// same examples.
type exampleIndex struct {
	examples []example
	// postings[term] lists the examples holding term, with its count.
	postings map[string][]posting
	// length[i] is example i's number of terms; avgLength their mean.
	length    []int32
	avgLength float64
}

type posting struct {
	example int32
	count   int32
}

// searchTokens splits text as BM25 over the "stems" property did: stemmed
// words without stop words, then split at anything but a letter or a digit
// (Weaviate's word tokenization).
func searchTokens(text string) []string {
	var out []string
	for _, w := range knowledge.StemmedWords(text) {
		out = append(out, strings.FieldsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })...)
	}
	return out
}

func newExampleIndex(examples []example) *exampleIndex {
	x := &exampleIndex{examples: examples, postings: map[string][]posting{}, length: make([]int32, len(examples))}
	total := 0
	for i, e := range examples {
		tokens := searchTokens(e.Text)
		x.length[i] = int32(len(tokens))
		total += len(tokens)
		counts := map[string]int32{}
		for _, t := range tokens {
			counts[t]++
		}
		for t, n := range counts {
			x.postings[t] = append(x.postings[t], posting{example: int32(i), count: n})
		}
	}
	if len(examples) > 0 {
		x.avgLength = float64(total) / float64(len(examples))
	}
	return x
}

// nearest returns the limit examples that score highest for text, best
// first (ties in the examples' order); none when no example shares a term
// with it. A term the text repeats counts as many times.
func (x *exampleIndex) nearest(text string, limit int) []ExampleHit {
	if x == nil || limit <= 0 {
		return nil
	}
	terms := map[string]int{}
	for _, t := range searchTokens(text) {
		terms[t]++
	}
	n := float64(len(x.examples))
	scores := map[int32]float64{}
	for t, times := range terms {
		ps := x.postings[t]
		if len(ps) == 0 {
			continue
		}
		df := float64(len(ps))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, p := range ps {
			tf := float64(p.count)
			norm := bm25K1 * (1 - bm25B + bm25B*float64(x.length[p.example])/x.avgLength)
			scores[p.example] += float64(times) * idf * tf * (bm25K1 + 1) / (tf + norm)
		}
	}
	ranked := make([]int32, 0, len(scores))
	for i := range scores {
		ranked = append(ranked, i)
	}
	slices.SortFunc(ranked, func(a, b int32) int {
		return cmp.Or(cmp.Compare(scores[b], scores[a]), cmp.Compare(a, b))
	})
	hits := make([]ExampleHit, 0, min(limit, len(ranked)))
	for _, i := range ranked[:min(limit, len(ranked))] {
		e := x.examples[i]
		hits = append(hits, ExampleHit{IssueType: e.IssueType, Text: e.Text, Score: scores[i]})
	}
	return hits
}

// size is the index's approximate size in bytes, for the cache's budget.
func (x *exampleIndex) size() int {
	if x == nil {
		return 0
	}
	n := 4 * len(x.length)
	for t, ps := range x.postings {
		n += 16 + len(t) + 8*len(ps)
	}
	for _, e := range x.examples {
		n += 32 + len(e.Text) + len(e.IssueType)
	}
	return n
}
