package answer

import "context"

// Passage is a retrieved piece of content the reply may quote.
type Passage struct {
	SourceID string
	Title    string
	URL      string
	Heading  string
	Text     string
	// Score is the retrieval score (BM25); higher is better.
	Score float64
}

// Request is what a Generator answers.
type Request struct {
	Question string
	Passages []Passage
	// AgentName, Tone and Guidelines are the admin's instructions.
	AgentName  string
	Tone       string
	Guidelines string
	// History is the conversation so far, oldest first (bounded by the
	// caller), without the question.
	History []Turn
	// Language is the customer's language (an ISO 639-1 code), "" when
	// unknown.
	Language string
	// Catalog is the company's products (NewCatalog), nil when none are
	// known: the extractive answerer reads a question's word among their
	// names as the item it is about, not as what it asks, and answers a
	// product's stock or price from it.
	Catalog *Catalog
}

// Turn is one message of the conversation so far.
type Turn struct {
	// Customer is set for the customer's messages, unset for the agent's.
	Customer bool
	Text     string
}

// Citation names a source the reply used.
type Citation struct {
	SourceID string `json:"source_id"`
	Title    string `json:"title"`
	URL      string `json:"url,omitempty"`
}

// Answer is a generated reply.
type Answer struct {
	Text      string
	Citations []Citation
	// Known is false when the passages did not answer the question; Text then
	// says so plainly (DontKnow), or is empty when the question named
	// nothing to look up.
	Known bool
	// Confidence is in [0, 1]. An answer that is not Known has Confidence 0
	// when the generator found that the content does not cover the question
	// at all (see NotCovered).
	Confidence float64
}

// NotCovered reports whether the generator found that the content does not
// speak of what the question asks: not Known, DontKnow, Confidence 0.
func (a Answer) NotCovered() bool {
	return !a.Known && a.Text == DontKnow && a.Confidence == 0
}

// Generator produces replies.
type Generator interface {
	Generate(ctx context.Context, req Request) (Answer, error)
}

// DontKnow is the reply when the content does not answer the question.
const DontKnow = "I'm sorry, I couldn't find that in our help content, and I don't want to guess. Could you rephrase the question, or ask for a person from our team?"
