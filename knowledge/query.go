package knowledge

import (
	"slices"
	"strings"

	pb "github.com/weaviate/weaviate/grpc/generated/protocol/v1"

	"github.com/switchboardhq/switchboard/textfold"
	"github.com/switchboardhq/switchboard/understand"
)

// searchProperties are the chunk properties a search matches, with their
// weights: a chunk's heading says what all of it is about. Its article's
// title, which every chunk of the article shares, counts as its text does:
// Weaviate's BM25F divides a word's weighted count by the lengths of the
// properties it is found in, so a word of a doubled title alone outscored
// the section that has it in its heading and text too ("cost": every
// chunk of "Shipping times and costs" above its "Shipping costs"). Each is
// searched as written and stemmed, so that a word in the form the chunk
// uses counts more than another form of it; chunks written before the
// stemmed properties existed are still found by their words as written.
var searchProperties = []string{"title", "heading^2", "text", "titleStems", "headingStems^2", "textStems"}

// queryStopWords are the words of customers' questions that say nothing of
// what they ask ("how", "can", "my", "you"): a search leaves them out, so
// that chunks are not ranked on them. Weaviate's own list (see stopWords)
// is much shorter. These are NLTK's English stop words, without its
// negations and their contractions.
var queryStopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`i me my myself we our ours ourselves you your yours yourself yourselves
	he him his himself she her hers herself it its itself they them their theirs themselves what which who
	whom this that these those am is are was were be been being have has had having do does did doing a an
	the and but if or because as until while of at by for with about against between into through during
	before after above below to from up down in out on off over under again further then once here there
	when where why how all any both each few more most other some such only own same so than too very s t
	can will just should now d ll m o re ve y`) {
		queryStopWords[w] = true
	}
}

// queryTerms are the words a search looks for: the query's words (a thing
// that stopped working read as faulty, one sent back as returned:
// understand.InContentWords), its stop words
// left out (unless nothing else is left), and the other names and the words
// of the region of a country it names (understand.CountryNames,
// understand.Region), where the company is, for a question to visit it
// (understand.Visiting), and a word written as one that content writes as
// two ("checkin", joined), each followed by its stem when
// that differs, so that the stemmed properties match too.
func queryTerms(query string) string {
	glossed, own, other := understand.Readings(query)
	// "My pen stopped working" is found where content says "faulty", "send
	// it back" where it says "return".
	words := textfold.LowerWords(understand.InContentWords(glossed))
	if other {
		// Content the company wrote in the customer's language is found by
		// the customer's own words.
		for _, w := range textfold.LowerWords(own) {
			if !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
	}
	var kept []string
	for _, w := range words {
		if !queryStopWords[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = words
	}
	// A country is looked for by its other names and its region's words
	// too: content that answers may name it otherwise ("the United
	// States") or name the region ("the European Union").
	added := map[string]bool{}
	for _, w := range kept {
		added[w] = true
	}
	for _, w := range kept { // the words as they were: range reads kept once
		for _, r := range slices.Concat(understand.CountryNames(w), understand.Region(w), understand.Visiting(w), joined[w]) {
			if !added[r] {
				added[r] = true
				kept = append(kept, r)
			}
		}
	}
	out := make([]string, 0, 2*len(kept))
	for _, w := range kept {
		out = append(out, w)
		if s := Stem(w); s != w {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// joined are words customers write as one that content writes as two:
// "checkin" is found where content says "check-in".
var joined = map[string][]string{"checkin": {"check"}, "checkout": {"check"}, "wifi": {"wi", "fi"}}

// chunkStems is text as a chunk's stemmed properties hold it: its words,
// each reduced by Stem and followed by the stems of its other forms
// (Variants). A query's words are searched as Stem leaves them, each once.
func chunkStems(text string) string {
	words := textfold.LowerWords(text)
	out := make([]string, 0, len(words))
	for _, w := range words {
		out = append(out, Stem(w))
		out = append(out, Variants(w)...)
	}
	return strings.Join(out, " ")
}

// widen adds to a BM25 search the synonyms (understand.Synonyms) of its
// words that none of its first hits holds, and the days a place is open
// for a word asking when it is (understand.OpenDays), and reports whether
// it added any. A word the content never uses ("money", "charge", "open")
// finds nothing; the content's word for the same thing ("refund", "cost")
// or its answer ("Monday to Saturday") would. A word
// the hits hold, in any form ("shipped" of "ships"), is the content's own,
// and its synonyms are not searched, so that they do not pull in sections
// about something else.
func widen(search *pb.SearchRequest, results []*pb.SearchResult) bool {
	bm25 := search.GetBm25Search()
	if bm25 == nil {
		return false
	}
	held := map[string]bool{}
	for _, r := range results {
		// As the chunk's stemmed properties hold them: with the variants.
		for _, w := range strings.Fields(chunkStems(textProp(r, "title") + " " + textProp(r, "heading") + " " + textProp(r, "text"))) {
			held[w] = true
		}
	}
	terms := strings.Fields(bm25.Query)
	added := false
	for _, w := range terms {
		if held[Stem(w)] {
			continue
		}
		for _, syn := range append(understand.Synonyms(w), understand.OpenDays(w)...) {
			for _, t := range []string{syn, Stem(syn)} {
				if !slices.Contains(terms, t) {
					terms = append(terms, t)
					added = true
				}
			}
		}
	}
	if added {
		bm25.Query = strings.Join(terms, " ")
	}
	return added
}
