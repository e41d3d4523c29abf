package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"unicode"
)

type hit struct {
	IssueType, Text string
	Score           float64
}
type row struct {
	Text, Label string
	Hits        []hit
}

var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with i me my you your we our can do does how what when where which who why would could should please") {
		stop[w] = true
	}
}

func toks(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

type params struct {
	k     int
	pow   float64
	mode  string
}

// returns label, share, s1, coverage
func classify(r row, p params) (string, float64, float64, float64, float64) {
	votes := map[string]float64{}
	total := 0.0
	hits := r.Hits
	if len(hits) > p.k {
		hits = hits[:p.k]
	}
	if len(hits) == 0 {
		return "", 0, 0, 0, 0
	}
	s1 := hits[0].Score
	for i, h := range hits {
		w := math.Pow(h.Score/s1, p.pow)
		if p.mode == "rank" {
			w = w / float64(i+1)
		}
		votes[h.IssueType] += w
		total += w
	}
	best, bv := "", -1.0
	for l, v := range votes {
		if v > bv || (v == bv && l < best) {
			best, bv = l, v
		}
	}
	// coverage: share of query content tokens in best label's top example
	q := toks(r.Text)
	var content []string
	for _, t := range q {
		if !stop[t] {
			content = append(content, t)
		}
	}
	var ex string
	for _, h := range hits {
		if h.IssueType == best {
			ex = h.Text
			break
		}
	}
	et := map[string]bool{}
	for _, t := range toks(ex) {
		et[t] = true
	}
	cov := 0.0
	for _, t := range content {
		if et[t] {
			cov++
		}
	}
	if len(content) > 0 {
		cov /= float64(len(content))
	}
	// coverage among all hits of the best label
	et2 := map[string]bool{}
	for _, h := range hits {
		if h.IssueType == best {
			for _, t := range toks(h.Text) {
				et2[t] = true
			}
		}
	}
	cov2 := 0.0
	for _, t := range content {
		if et2[t] {
			cov2++
		}
	}
	if len(content) > 0 {
		cov2 /= float64(len(content))
	}
	return best, bv / total, s1, cov, cov2
}

func main() {
	raw, _ := os.ReadFile("/tmp/clinc_hits.json")
	var data map[string][]row
	json.Unmarshal(raw, &data)
	for _, k := range []int{1, 3, 5, 7, 10, 15, 20, 30} {
		for _, pow := range []float64{0, 1, 2, 4} {
			for _, mode := range []string{"score", "rank"} {
				p := params{k, pow, mode}
				acc := 0
				for _, r := range data["val"] {
					l, _, _, _, _ := classify(r, p)
					if l == r.Label {
						acc++
					}
				}
				fmt.Printf("k=%d pow=%.0f %s val acc=%.4f\n", k, pow, mode, float64(acc)/float64(len(data["val"])))
			}
		}
	}
	_ = sort.Float64s
}
