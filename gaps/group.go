package gaps

import (
	"math"
	"slices"
	"sort"
)

// DefaultThreshold is the average cosine similarity two groups of questions
// need to be merged. It was chosen on the train and validation splits of
// CLINC150 (20 intents × 15 utterances): 0.06 gives fewer, less pure topics,
// 0.2 splits an intent into three or four. The test measures it on the test
// split.
const DefaultThreshold = 0.1

// MaxQuestions bounds one call to Group: grouping takes memory quadratic in
// the number of questions (16 MB at MaxQuestions).
const MaxQuestions = 2000

// Options tune Group.
type Options struct {
	// Threshold is the average similarity (0..1) at which two groups merge;
	// 0 means DefaultThreshold.
	Threshold float64
}

// Topic is a group of similar questions.
type Topic struct {
	// Members are indexes into the questions given to Group, ascending.
	Members []int
	// Terms are the topic's most characteristic words (at most three), as
	// they were written, for a label.
	Terms []string
}

// Group sorts questions into topics: every question is in exactly one topic,
// and a question that resembles no other is a topic of its own. Topics come
// largest first, then by their first member. The result depends only on the
// questions and options (never on map order or time). Group panics with more
// than MaxQuestions questions.
func Group(questions []string, opt Options) []Topic {
	if len(questions) > MaxQuestions {
		panic("gaps: more than MaxQuestions questions")
	}
	threshold := opt.Threshold
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	vecs, vocab := vectorize(questions)
	clusters := agglomerate(vecs, threshold)
	topics := make([]Topic, 0, len(clusters))
	for _, members := range clusters {
		topics = append(topics, Topic{Members: members, Terms: label(members, questions, vecs, vocab)})
	}
	sort.SliceStable(topics, func(i, j int) bool {
		if len(topics[i].Members) != len(topics[j].Members) {
			return len(topics[i].Members) > len(topics[j].Members)
		}
		return topics[i].Members[0] < topics[j].Members[0]
	})
	return topics
}

// vector is a sparse, L2-normalised TF-IDF vector: term indexes ascending.
type vector struct {
	terms   []int
	weights []float64
}

// vectorize turns each question into a TF-IDF vector over the collection's
// terms: sublinear term frequency (1 + ln tf) times smoothed inverse document
// frequency (ln((1+n)/(1+df)) + 1), normalised to length 1. It also returns
// the terms, by index.
func vectorize(questions []string) ([]vector, []string) {
	index := map[string]int{}
	var vocab []string
	counts := make([]map[int]int, len(questions))
	df := []int{}
	for i, q := range questions {
		counts[i] = map[int]int{}
		for _, tok := range Tokens(q) {
			id, ok := index[tok]
			if !ok {
				id = len(vocab)
				index[tok] = id
				vocab = append(vocab, tok)
				df = append(df, 0)
			}
			if counts[i][id] == 0 {
				df[id]++
			}
			counts[i][id]++
		}
	}
	n := float64(len(questions))
	vecs := make([]vector, len(questions))
	for i, c := range counts {
		v := vector{}
		for id := range c {
			v.terms = append(v.terms, id)
		}
		slices.Sort(v.terms)
		norm := 0.0
		for _, id := range v.terms {
			w := (1 + math.Log(float64(c[id]))) * (math.Log((1+n)/(1+float64(df[id]))) + 1)
			v.weights = append(v.weights, w)
			norm += w * w
		}
		norm = math.Sqrt(norm)
		for k := range v.weights {
			v.weights[k] /= norm
		}
		vecs[i] = v
	}
	return vecs, vocab
}

func dot(a, b vector) float64 {
	s := 0.0
	for i, j := 0, 0; i < len(a.terms) && j < len(b.terms); {
		switch {
		case a.terms[i] < b.terms[j]:
			i++
		case a.terms[i] > b.terms[j]:
			j++
		default:
			s += a.weights[i] * b.weights[j]
			i++
			j++
		}
	}
	return s
}

// agglomerate is average-linkage agglomerative clustering: start with one
// cluster per vector and merge the two most similar clusters while their
// average pairwise similarity is at least threshold. Ties go to the lowest
// indexes, so the result is deterministic. Each cluster's members are
// ascending; clusters are returned in the order of their first member.
func agglomerate(vecs []vector, threshold float64) [][]int {
	n := len(vecs)
	sim := make([][]float32, n)
	for i := range sim {
		sim[i] = make([]float32, n)
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			s := float32(dot(vecs[i], vecs[j]))
			sim[i][j], sim[j][i] = s, s
		}
	}
	members := make([][]int, n)
	active := make([]bool, n)
	for i := range members {
		members[i] = []int{i}
		active[i] = true
	}
	// best[i] is the active cluster most similar to i (-1: none).
	best := make([]int, n)
	nearest := func(i int) int {
		b := -1
		for j := 0; j < n; j++ {
			if j != i && active[j] && (b < 0 || sim[i][j] > sim[i][b]) {
				b = j
			}
		}
		return b
	}
	for i := range best {
		best[i] = nearest(i)
	}
	for {
		a := -1
		for i := 0; i < n; i++ {
			if active[i] && best[i] >= 0 && (a < 0 || sim[i][best[i]] > sim[a][best[a]]) {
				a = i
			}
		}
		if a < 0 || float64(sim[a][best[a]]) < threshold {
			break
		}
		b := best[a]
		if b < a {
			a, b = b, a
		}
		// Merge b into a; the merged cluster's similarity to k is the
		// size-weighted mean of a's and b's (Lance–Williams, average linkage).
		na, nb := float32(len(members[a])), float32(len(members[b]))
		for k := 0; k < n; k++ {
			if active[k] && k != a && k != b {
				s := (na*sim[a][k] + nb*sim[b][k]) / (na + nb)
				sim[a][k], sim[k][a] = s, s
			}
		}
		members[a] = append(members[a], members[b]...)
		members[b] = nil
		active[b] = false
		for k := 0; k < n; k++ {
			if !active[k] {
				continue
			}
			switch {
			case k == a || best[k] == a || best[k] == b:
				best[k] = nearest(k)
			case sim[k][a] > sim[k][best[k]] || (sim[k][a] == sim[k][best[k]] && a < best[k]):
				best[k] = a
			}
		}
	}
	var out [][]int
	for i := 0; i < n; i++ {
		if active[i] {
			slices.Sort(members[i])
			out = append(out, members[i])
		}
	}
	return out
}

// label picks the topic's three heaviest terms (summed TF-IDF weight over its
// questions, ties alphabetical) and shows each as the word most often written
// for it.
func label(members []int, questions []string, vecs []vector, vocab []string) []string {
	weight := map[int]float64{}
	for _, m := range members {
		for k, id := range vecs[m].terms {
			weight[id] += vecs[m].weights[k]
		}
	}
	ids := make([]int, 0, len(weight))
	for id := range weight {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if weight[ids[i]] != weight[ids[j]] {
			return weight[ids[i]] > weight[ids[j]]
		}
		return vocab[ids[i]] < vocab[ids[j]]
	})
	if len(ids) > 3 {
		ids = ids[:3]
	}
	surface := surfaceForms(members, questions)
	terms := make([]string, 0, len(ids))
	for _, id := range ids {
		terms = append(terms, surface(vocab[id]))
	}
	return terms
}

// surfaceForms returns a function from a stem to the word the questions
// most often wrote for it (ties: the shortest, then alphabetical).
func surfaceForms(members []int, questions []string) func(string) string {
	seen := map[string]map[string]int{}
	for _, m := range members {
		for _, w := range words(questions[m]) {
			s := Stem(w)
			if seen[s] == nil {
				seen[s] = map[string]int{}
			}
			seen[s][w]++
		}
	}
	return func(stem string) string {
		best, n := stem, 0
		for w, c := range seen[stem] {
			if c > n || c == n && (len(w) < len(best) || len(w) == len(best) && w < best) {
				best, n = w, c
			}
		}
		return best
	}
}
