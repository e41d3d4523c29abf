package issuetypes

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/textfold"
)

// The offline classifier. A message's nearest examples (BM25 over stemmed
// words, searched in memory: exampleIndex) name the candidates. Two small
// models trained on the workspace's examples over words, word pairs and
// character 4-grams, a multinomial logistic regression and a neural network
// with one hidden layer, give each type a probability (the mean of theirs),
// and the likeliest candidate wins. Its confidence is that probability times
// its coverage: the share of the message's word weight (each word's BM25 IDF
// over the workspace's examples) found in the winner's examples, so a message
// about something no example of the type mentions is unknown even when the
// type is likelier than the others.
//
// The constants were chosen on CLINC150's validation splits (val and
// oos_val), not on its test splits; the README has the figures, and says
// what of the test splits had been seen when the threshold rule was set.
const (
	// Candidates is how many nearest examples name the candidate types.
	Candidates = 30
	// DefaultThreshold is the confidence below which a message's issue type
	// is unknown, unless the workspace sets its own: the highest threshold
	// at which in-scope accuracy on CLINC150's val split (its train split as
	// examples) still reaches 90 % (0.208, rounded down), so that as many
	// out-of-scope messages are unknown as that allows. Out-of-scope recall
	// does not place it: oos_val has only 100 utterances.
	DefaultThreshold = 0.20

	// outOfScopeRatio: a message is out of scope when the model's
	// probability of the out-of-scope examples is at least this share of
	// the likeliest issue type's. A few out-of-scope examples stand for
	// everything the business does not handle, so the model seldom makes
	// them likeliest outright. On CLINC150's val splits (with oos_train as
	// out-of-scope examples) 0.2 made twice as many oos_val messages out of
	// scope as 1 did, with the same out-of-scope recall at the default
	// threshold (83 %) and 0.2 points less in-scope accuracy; 0.1 gave 87 %
	// for 0.6 points.
	outOfScopeRatio = 0.2

	// charGramWeight is a character 4-gram's weight next to a word's: they
	// let "insurace" meet "insurance".
	charGramWeight = 0.5
	// epochs, learningRate and l2 train the linear model: stochastic
	// gradient descent, learningRate/(1+epoch) per epoch, with weight decay.
	epochs       = 10
	learningRate = 4.0
	l2           = 1e-4
	// hiddenUnits is the width of the network's hidden layer (ReLU).
	hiddenUnits = 256
	// netEpochs, netBatch, netRate and netInit train the network: Adam on
	// minibatches, its rate falling linearly to zero, the first layer's
	// weights drawn from a normal distribution of netInit standard
	// deviation. A workspace with few examples gets more epochs, so that
	// there are at least netMinSteps updates.
	netEpochs   = 5
	netBatch    = 32
	netRate     = 0.002
	netInit     = 0.1
	netMinSteps = 2000
	// maxSteps bounds training: a workspace with more examples gets fewer
	// epochs (at least one), so a model builds in seconds.
	maxSteps = 200_000
	// maxWeights bounds a model's size (features × (types + hidden units),
	// four bytes each): beyond it only the most frequent features are kept.
	maxWeights = 16_000_000
)

// example is a labelled example as the model learns from it.
type example struct {
	Text, IssueType string
}

// model is a workspace's trained classifier.
type model struct {
	types     []string // sorted
	typeIndex map[string]int
	features  map[string]int32
	// weights[f*len(types)+t] is feature f's weight for type t in the
	// linear model.
	weights []float32
	bias    []float32
	// The network: hidden[f*hiddenUnits+j] is feature f's weight for hidden
	// unit j, out[j*len(types)+t] hidden unit j's weight for type t.
	hidden     []float32
	hiddenBias []float32
	out        []float32
	outBias    []float32

	// idf is each stemmed word's BM25 IDF over the examples; unseenIDF is
	// the IDF of a word no example has.
	idf       map[string]float64
	unseenIDF float64
	// vocab[t] holds the stemmed words of type t's examples.
	vocab []map[string]bool
	// examples finds a message's nearest examples: built with a
	// workspace's model (ModelCache), nil in a rehearsal draft's, whose
	// candidates are the types sharing a word with the message.
	examples *exampleIndex
}

// Candidate is a candidate issue type for a message.
type Candidate struct {
	Type string
	// Probability is the model's probability of the type (over all types).
	Probability float64
	// Coverage is the share of the message's word weight that the type's
	// examples contain.
	Coverage float64
	// Confidence is Probability × Coverage.
	Confidence float64
}

// featureVector is a text's features: ids ascending, values L2-normalised.
type featureVector struct {
	ids  []int32
	vals []float32
}

// textFeatures counts text's features: its stemmed words ("w:"), pairs of
// adjacent stemmed words ("b:") and the character 4-grams of its words,
// padded with a space on each side ("c:"), at charGramWeight each.
func textFeatures(text string) map[string]float64 {
	f := map[string]float64{}
	words := textfold.LowerWords(text)
	stems := make([]string, len(words))
	for i, w := range words {
		stems[i] = knowledge.Stem(w)
		f["w:"+stems[i]]++
		if i > 0 {
			f["b:"+stems[i-1]+" "+stems[i]]++
		}
		r := []rune(" " + w + " ")
		for j := 0; j+4 <= len(r); j++ {
			f["c:"+string(r[j:j+4])] += charGramWeight
		}
	}
	return f
}

// vector maps text's features to the model's, with sublinear counts
// (1 + ln n), normalised to unit length. Features the model does not know
// are left out.
func (m *model) vector(text string) featureVector {
	return vectorOf(textFeatures(text), m.features)
}

func vectorOf(f map[string]float64, index map[string]int32) featureVector {
	var v featureVector
	for name, n := range f {
		id, ok := index[name]
		if !ok {
			continue
		}
		v.ids = append(v.ids, id)
		v.vals = append(v.vals, float32(sublinear(n)))
	}
	sort.Sort(byID(v))
	norm := 0.0
	for _, x := range v.vals {
		norm += float64(x) * float64(x)
	}
	norm = math.Sqrt(norm)
	for i := range v.vals {
		v.vals[i] = float32(float64(v.vals[i]) / norm)
	}
	return v
}

type byID featureVector

func (v byID) Len() int           { return len(v.ids) }
func (v byID) Less(i, j int) bool { return v.ids[i] < v.ids[j] }
func (v byID) Swap(i, j int) {
	v.ids[i], v.ids[j] = v.ids[j], v.ids[i]
	v.vals[i], v.vals[j] = v.vals[j], v.vals[i]
}

func sublinear(n float64) float64 {
	if n < 1 {
		return n
	}
	return 1 + math.Log(n)
}

// train builds a workspace's model from its examples. The same examples
// give the same model, whatever their order, so every server and worker
// decides alike.
func train(examples []example) *model {
	examples = slices.Clone(examples)
	slices.SortFunc(examples, func(a, b example) int {
		return cmp.Or(cmp.Compare(a.IssueType, b.IssueType), cmp.Compare(a.Text, b.Text))
	})
	m := &model{typeIndex: map[string]int{}, idf: map[string]float64{}}
	for _, e := range examples {
		if _, ok := m.typeIndex[e.IssueType]; !ok {
			m.typeIndex[e.IssueType] = len(m.types)
			m.types = append(m.types, e.IssueType)
		}
	}
	m.coverageStats(examples)
	if len(m.types) == 0 {
		return m
	}

	counts := make([]map[string]float64, len(examples))
	df := map[string]int{}
	for i, e := range examples {
		counts[i] = textFeatures(e.Text)
		for name := range counts[i] {
			df[name]++
		}
	}
	m.features = selectFeatures(df, len(m.types)+hiddenUnits)
	vectors := make([]featureVector, len(examples))
	labels := make([]int, len(examples))
	for i, e := range examples {
		vectors[i] = vectorOf(counts[i], m.features)
		labels[i] = m.typeIndex[e.IssueType]
	}
	m.fit(vectors, labels)
	m.fitNetwork(vectors, labels)
	return m
}

// coverageStats records each stemmed word's IDF and each type's words.
func (m *model) coverageStats(examples []example) {
	m.vocab = make([]map[string]bool, len(m.types))
	for t := range m.vocab {
		m.vocab[t] = map[string]bool{}
	}
	df := map[string]int{}
	for _, e := range examples {
		seen := map[string]bool{}
		for _, w := range knowledge.StemmedWords(e.Text) {
			if !seen[w] {
				seen[w] = true
				df[w]++
			}
			m.vocab[m.typeIndex[e.IssueType]][w] = true
		}
	}
	n := float64(len(examples))
	for w, k := range df {
		m.idf[w] = bm25IDF(n, float64(k))
	}
	m.unseenIDF = bm25IDF(n, 0)
}

func bm25IDF(n, df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }

// selectFeatures numbers the features the model learns: every word and
// character 4-gram, and the word pairs found in at least two examples (one
// seen once says little its two words do not). If there are more than
// maxWeights allows (with width weights each), the most frequent are kept.
func selectFeatures(df map[string]int, width int) map[string]int32 {
	names := make([]string, 0, len(df))
	for name, n := range df {
		if n >= 2 || !strings.HasPrefix(name, "b:") {
			names = append(names, name)
		}
	}
	if limit := maxWeights / width; len(names) > limit {
		slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(df[b], df[a]), cmp.Compare(a, b)) })
		names = names[:limit]
	}
	slices.Sort(names)
	index := make(map[string]int32, len(names))
	for i, name := range names {
		index[name] = int32(i)
	}
	return index
}

// fit trains the weights by stochastic gradient descent on the softmax
// loss. Each type's examples weigh as much as the median type's together at
// most, so a type with thousands of examples does not drown one with ten.
func (m *model) fit(vectors []featureVector, labels []int) {
	nt := len(m.types)
	m.weights = make([]float32, len(m.features)*nt)
	m.bias = make([]float32, nt)
	weight := typeWeights(labels, nt)

	rounds := min(epochs, max(1, maxSteps/len(vectors)))
	order := make([]int, len(vectors))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(1, 2))
	p := make([]float64, nt)
	step := make([]float32, nt)
	for epoch := range rounds {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := learningRate / float64(1+epoch)
		for _, i := range order {
			x, y, w := vectors[i], labels[i], weight[labels[i]]
			m.linear(x, p)
			for t := range p {
				g := p[t]
				if t == y {
					g--
				}
				if math.Abs(g) < 1e-4 {
					g = 0
				}
				step[t] = float32(rate * g * w)
				m.bias[t] -= step[t]
			}
			decay := float32(1 - rate*l2*w)
			for k, f := range x.ids {
				v := x.vals[k]
				row := m.weights[int(f)*nt : int(f+1)*nt]
				for t := range row {
					row[t] = (row[t] - step[t]*v) * decay
				}
			}
		}
	}
}

// typeWeights is each type's examples' weight: as much as the median type's
// together at most.
func typeWeights(labels []int, nt int) []float64 {
	perType := make([]int, nt)
	for _, y := range labels {
		perType[y]++
	}
	sizes := slices.Clone(perType)
	slices.Sort(sizes)
	median := float64(sizes[len(sizes)/2])
	weight := make([]float64, nt)
	for t, n := range perType {
		weight[t] = min(1, median/float64(n))
	}
	return weight
}

// probabilities sets p to the model's probability of each type for x: the
// mean of the linear model's and the network's.
func (m *model) probabilities(x featureVector, p []float64) {
	m.linear(x, p)
	q := make([]float64, len(p))
	h := make([]float32, hiddenUnits)
	m.activations(x, h)
	m.output(h, q)
	for t := range p {
		p[t] = (p[t] + q[t]) / 2
	}
}

// linear sets p to the linear model's probability of each type for x.
func (m *model) linear(x featureVector, p []float64) {
	nt := len(m.types)
	for t := range p {
		p[t] = float64(m.bias[t])
	}
	for k, f := range x.ids {
		v := float64(x.vals[k])
		row := m.weights[int(f)*nt : int(f+1)*nt]
		for t, w := range row {
			p[t] += float64(w) * v
		}
	}
	softmax(p)
}

// fitNetwork trains the network on the softmax loss by minibatch Adam; the first
// layer's moments are updated lazily, only for the features a batch has.
// Examples are weighed as in fit.
func (m *model) fitNetwork(vectors []featureVector, labels []int) {
	nt, nh, nf := len(m.types), hiddenUnits, len(m.features)
	rng := rand.New(rand.NewPCG(1, 2))
	m.hidden = make([]float32, nf*nh)
	for i := range m.hidden {
		m.hidden[i] = float32(rng.NormFloat64() * netInit)
	}
	m.hiddenBias = make([]float32, nh)
	m.out = make([]float32, nh*nt)
	outScale := math.Sqrt(1 / float64(nh))
	for i := range m.out {
		m.out[i] = float32(rng.NormFloat64() * outScale)
	}
	m.outBias = make([]float32, nt)
	weight := typeWeights(labels, nt)

	batch := min(netBatch, len(vectors))
	perEpoch := (len(vectors) + batch - 1) / batch
	rounds := max(netEpochs, (netMinSteps+perEpoch-1)/perEpoch)
	rounds = min(rounds, max(1, maxSteps/len(vectors)))
	total := rounds * perEpoch

	// Adam's moments; the first layer's rows, and the gradients of the rows
	// a batch touches (slot[f] is row f's place in grad, or -1).
	m1, v1 := make([]float32, nf*nh), make([]float32, nf*nh)
	slot := make([]int32, nf)
	for i := range slot {
		slot[i] = -1
	}
	var rows []int32
	var grad []float32
	gHidden, mHidden, vHidden := make([]float32, nh), make([]float32, nh), make([]float32, nh)
	gOut, mOut, vOut := make([]float32, nh*nt), make([]float32, nh*nt), make([]float32, nh*nt)
	gBias, mBias, vBias := make([]float32, nt), make([]float32, nt), make([]float32, nt)

	order := make([]int, len(vectors))
	for i := range order {
		order[i] = i
	}
	h := make([]float32, nh)
	dh := make([]float32, nh)
	p := make([]float64, nt)
	dz := make([]float32, nt)
	step := 0
	for range rounds {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for b := 0; b < len(order); b += batch {
			idx := order[b:min(b+batch, len(order))]
			scale := 1 / float32(len(idx))
			for _, i := range idx {
				x, y := vectors[i], labels[i]
				m.activations(x, h)
				m.output(h, p)
				w := float32(weight[y]) * scale
				for t := range p {
					g := p[t]
					if t == y {
						g--
					}
					dz[t] = float32(g) * w
					gBias[t] += dz[t]
				}
				for j, hj := range h {
					if hj == 0 {
						dh[j] = 0
						continue
					}
					row := m.out[j*nt : (j+1)*nt]
					grow := gOut[j*nt : (j+1)*nt]
					s := float32(0)
					for t, wt := range row {
						s += wt * dz[t]
						grow[t] += dz[t] * hj
					}
					dh[j] = s
					gHidden[j] += s
				}
				for k, f := range x.ids {
					if slot[f] < 0 {
						slot[f] = int32(len(rows))
						rows = append(rows, f)
						grad = append(grad, make([]float32, nh)...)
					}
					v := x.vals[k]
					grow := grad[int(slot[f])*nh : int(slot[f]+1)*nh]
					for j := range grow {
						grow[j] += dh[j] * v
					}
				}
			}
			step++
			a := adamStep{rate: float32(netRate * (1 - float64(step-1)/float64(total))),
				c1: float32(1 - math.Pow(adamBeta1, float64(step))),
				c2: float32(1 - math.Pow(adamBeta2, float64(step)))}
			a.apply(m.out, gOut, mOut, vOut)
			a.apply(m.outBias, gBias, mBias, vBias)
			a.apply(m.hiddenBias, gHidden, mHidden, vHidden)
			for k, f := range rows {
				r := int(f) * nh
				a.apply(m.hidden[r:r+nh], grad[k*nh:(k+1)*nh], m1[r:r+nh], v1[r:r+nh])
				slot[f] = -1
			}
			rows, grad = rows[:0], grad[:0]
		}
	}
}

const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// adamStep is one Adam update: its rate and bias corrections.
type adamStep struct{ rate, c1, c2 float32 }

// apply updates w by its gradient g and moments m and v, and clears g.
func (a adamStep) apply(w, g, m, v []float32) {
	for i, gi := range g {
		m[i] = adamBeta1*m[i] + (1-adamBeta1)*gi
		v[i] = adamBeta2*v[i] + (1-adamBeta2)*gi*gi
		w[i] -= a.rate * (m[i] / a.c1) / (float32(math.Sqrt(float64(v[i]/a.c2))) + adamEps)
		g[i] = 0
	}
}

// activations sets h to the network's hidden layer's activations for x.
func (m *model) activations(x featureVector, h []float32) {
	copy(h, m.hiddenBias)
	for k, f := range x.ids {
		v := x.vals[k]
		row := m.hidden[int(f)*hiddenUnits : int(f+1)*hiddenUnits]
		for j, w := range row {
			h[j] += w * v
		}
	}
	for j := range h {
		h[j] = max(h[j], 0)
	}
}

// output sets p to the network's probability of each type for the
// activations h.
func (m *model) output(h []float32, p []float64) {
	nt := len(m.types)
	for t := range p {
		p[t] = float64(m.outBias[t])
	}
	for j, hj := range h {
		if hj == 0 {
			continue
		}
		row := m.out[j*nt : (j+1)*nt]
		for t, w := range row {
			p[t] += float64(w * hj)
		}
	}
	softmax(p)
}

// softmax turns the scores in p into probabilities, in place.
func softmax(p []float64) {
	top := math.Inf(-1)
	for _, z := range p {
		top = max(top, z)
	}
	sum := 0.0
	for t, z := range p {
		p[t] = math.Exp(z - top)
		sum += p[t]
	}
	for t := range p {
		p[t] /= sum
	}
}

// rank scores the candidate types for text, likeliest first (ties by name).
// Types the model does not know (examples added since it was trained) are
// left out.
func (m *model) rank(text string, types []string) []Candidate {
	if len(m.types) == 0 {
		return nil
	}
	p := make([]float64, len(m.types))
	m.probabilities(m.vector(text), p)
	words := knowledge.StemmedWords(text)
	var out []Candidate
	for _, name := range types {
		t, ok := m.typeIndex[name]
		if !ok || slices.ContainsFunc(out, func(c Candidate) bool { return c.Type == name }) {
			continue
		}
		c := Candidate{Type: name, Probability: p[t], Coverage: m.coverage(words, t)}
		c.Confidence = c.Probability * c.Coverage
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(b.Probability, a.Probability), cmp.Compare(a.Type, b.Type))
	})
	return out
}

// coverage is the share of words' IDF that type t's examples contain (0
// when words is empty).
func (m *model) coverage(words []string, t int) float64 {
	found, total := 0.0, 0.0
	for _, w := range words {
		idf, ok := m.idf[w]
		if !ok {
			idf = m.unseenIDF
		}
		total += idf
		if m.vocab[t][w] {
			found += idf
		}
	}
	if total == 0 {
		return 0
	}
	return found / total
}

// size is the model's approximate size in bytes, for the cache's budget.
func (m *model) size() int {
	return 4*(len(m.weights)+len(m.bias)+len(m.hidden)+len(m.hiddenBias)+len(m.out)+len(m.outBias)) +
		48*len(m.features) + 48*len(m.idf) + m.examples.size()
}
