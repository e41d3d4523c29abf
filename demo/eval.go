package demo

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchboardhq/switchboard/knowledge"
)

// ArticleURLPrefix is where the demo store's help articles live: an
// article's URL is the prefix followed by its slug.
const ArticleURLPrefix = "https://help.sprocketsupply.example/articles/"

// ArticleSlug is the slug of a demo article's URL ("shipping" for
// https://help.sprocketsupply.example/articles/shipping), or "" for
// another URL.
func ArticleSlug(url string) string {
	slug, ok := strings.CutPrefix(url, ArticleURLPrefix)
	if !ok {
		return ""
	}
	return slug
}

//go:embed retrieval_eval.json
var retrievalEvalJSON []byte

// Section names a part of a demo article: the article's slug and the
// section's heading ("" for the text before the first heading).
type Section struct {
	Article string `json:"article"`
	Section string `json:"section"`
}

// String is "shipping › Shipping times" ("shipping › (lead)" for the text
// before the first heading).
func (s Section) String() string {
	heading := s.Section
	if heading == "" {
		heading = "(lead)"
	}
	return s.Article + " › " + heading
}

// RetrievalQuestion is a customer question over the demo knowledge base
// with the article sections that answer it.
type RetrievalQuestion struct {
	Question string    `json:"question"`
	Answers  []Section `json:"answers"`
}

// RetrievalQuestions are the labelled questions the retrieval evaluation
// asks of the demo knowledge base (retrieval_eval.json): written the way
// customers ask, not copied from the articles.
func RetrievalQuestions() ([]RetrievalQuestion, error) {
	var file struct {
		Questions []RetrievalQuestion `json:"questions"`
	}
	if err := json.Unmarshal(retrievalEvalJSON, &file); err != nil {
		return nil, fmt.Errorf("retrieval_eval.json: %w", err)
	}
	return file.Questions, nil
}

// ArticleSections lists the sections of the demo articles, as the chunker
// splits them, by article slug.
func ArticleSections() map[string][]string {
	out := map[string][]string{}
	for _, a := range articles {
		seen := map[string]bool{}
		for _, c := range knowledge.SplitMarkdown("", a.Title, "", a.Body) {
			if !seen[c.Heading] {
				seen[c.Heading] = true
				out[a.Slug] = append(out[a.Slug], c.Heading)
			}
		}
	}
	return out
}
