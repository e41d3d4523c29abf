package decide

import (
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/textfold"
)

// Shortcut is how a message is handled before the knowledge is searched:
// by an enabled action, a reusable response, or by declining a topic to
// avoid. The zero Shortcut means none applies.
type Shortcut struct {
	// Action is the enabled action the message asks for (Name "" for
	// none); Matched says what matched a company-defined one, offline.
	Action  actions.Spec
	Matched string
	// Reply is a reusable response's text or the decline of a topic to
	// avoid; Answered is set for the former, which counts as an answer.
	Reply    string
	Answered bool
	Entry    *Entry
}

// Shortcuts decides whether the message (text, with the action the
// customer's words ask for, "" for none) is handled without searching: an
// enabled action first, then the first reusable response one of whose
// triggers the text contains, then the first topic to avoid it mentions.
func Shortcuts(text, intent string, s Settings) Shortcut {
	if intent != "" {
		if spec, enabled := s.Actions[intent]; enabled {
			return Shortcut{Action: spec}
		}
	}
	if name, matched := MatchAction(text, s.Actions); name != "" {
		return Shortcut{Action: s.Actions[name], Matched: matched}
	}
	lower := strings.ToLower(text)
	for _, r := range s.ReusableResponses {
		if trig := firstTrigger(r, lower); trig != "" {
			return Shortcut{Reply: r.Response, Answered: true, Entry: &Entry{Kind: KindReusableResponse,
				Summary: "reusable response: " + r.Name, Detail: map[string]any{"trigger": trig}}}
		}
	}
	for _, topic := range s.TopicsToAvoid {
		if topic != "" && strings.Contains(lower, strings.ToLower(topic)) {
			return Shortcut{Reply: AvoidTopicText, Entry: &Entry{Kind: KindAvoidedTopic,
				Summary: "declined a topic to avoid", Detail: map[string]any{"topic": topic}}}
		}
	}
	return Shortcut{}
}

func firstTrigger(r models.ReusableResponse, lower string) string {
	for _, trig := range r.Triggers {
		if trig != "" && strings.Contains(lower, strings.ToLower(trig)) {
			return trig
		}
	}
	return ""
}

// Outcome is how the agent replies to a question it searched the knowledge
// for.
type Outcome string

// The outcomes of a searched question.
const (
	// Answered: the reply answers from the content, with citations.
	Answered Outcome = "answered"
	// Clarify: the agent asks a clarifying question.
	Clarify Outcome = "clarify"
	// DontKnow: the agent says it does not know.
	DontKnow Outcome = "dont_know"
)

// Reply is the agent's reply to a searched question.
type Reply struct {
	Outcome   Outcome
	Text      string
	Citations []answer.Citation
	// Gap is why the question is a knowledge gap, "" when answered.
	Gap   string
	Entry Entry
}

// AnswerInput is a generated answer and what decides whether it is given.
type AnswerInput struct {
	Generated answer.Answer
	Threshold float64
	// Sources are the retrieved passages' sources, best first.
	Sources []string
	// ClarifyAsked is set when the agent asked a clarifying question since
	// its last answer.
	ClarifyAsked bool
}

// Answer decides between the generated answer, a clarifying question and
// saying "I don't know": an answer the generator knew, at or above the
// confidence threshold, is given; a question the generator found the
// content does not cover (answer.Answer.NotCovered) gets "I don't know" at
// once, as asking the customer to say more would not make the content say
// it; otherwise the agent asks one clarifying question per run of
// unanswered messages, then is honest.
func Answer(in AnswerInput) Reply {
	g := in.Generated
	detail := map[string]any{"confidence": g.Confidence, "threshold": in.Threshold, "known": g.Known, "retrieved": in.Sources}
	switch {
	case g.Known && g.Confidence >= in.Threshold:
		return Reply{Outcome: Answered, Text: g.Text, Citations: g.Citations,
			Entry: Entry{Kind: KindAnswer, Summary: "answered from content", Detail: detail}}
	case g.NotCovered():
		return Reply{Outcome: DontKnow, Text: answer.DontKnow, Gap: GapUnanswered,
			Entry: Entry{Kind: KindUnknown, Summary: "the content does not cover it: knowledge gap recorded", Detail: detail}}
	case !in.ClarifyAsked:
		return Reply{Outcome: Clarify, Text: ClarifyText, Gap: GapLowConfidence,
			Entry: Entry{Kind: KindClarify, Summary: "low confidence: asked a clarifying question", Detail: detail}}
	}
	return Reply{Outcome: DontKnow, Text: answer.DontKnow, Gap: GapUnanswered,
		Entry: Entry{Kind: KindUnknown, Summary: "could not answer: knowledge gap recorded", Detail: detail}}
}

// Gap is the knowledge-gap reason of a turn: the reply's, turned into
// GapHandoff when the agent's not knowing handed the conversation to a
// person, or GapUnknownIssueType when the message matched no issue type.
func Gap(replyGap string, handedOffForIt, unknownIssue bool) string {
	switch {
	case replyGap == GapUnanswered && handedOffForIt:
		return GapHandoff
	case replyGap == "" && unknownIssue:
		return GapUnknownIssueType
	}
	return replyGap
}

// followUpMarkers make a short message lean on what came before: "that",
// "it", "and for …?", "what about …?".
var followUpMarkers = map[string]bool{
	"that": true, "it": true, "this": true, "those": true, "these": true, "them": true, "there": true, "one": true,
	"eso": true, "esto": true, "das": true, "ca": true, "cela": true,
}

// Pronouns are the pronouns that make a short message lean on the question
// before, beside "it", "that" and their kind (followUpMarkers); workflow
// revisions added them one at a time.
type Pronouns int

const (
	// PronounsIt: "it", "that", "this", "those", "there" and the like.
	PronounsIt Pronouns = iota
	// PronounsThey adds "they" and "their": "How much do they cost?" after
	// "Do you do tours?".
	PronounsThey
	// PronounsPerson adds "he", "she", "him", "her" and "his", of a pet or
	// a person named before: "Can he come in the restaurant?" after "Can I
	// bring my dog?".
	PronounsPerson
)

// pronounMarkers are the markers each Pronouns adds.
var pronounMarkers = map[Pronouns][]string{
	PronounsThey:   {"they", "their"},
	PronounsPerson: {"he", "she", "him", "her", "his"},
}

// FollowUpQuery is what the knowledge is searched for: the message, or —
// when it is a short follow-up ("How long does that take?", "and for
// wholesale orders?", "what about express?", and with pronouns "how much do
// they cost?") to a question the agent answered — that question and the
// message together. followUp reports the latter.
func FollowUpQuery(text, lastTopic string, pronouns Pronouns) (query string, followUp bool) {
	if lastTopic == "" {
		return text, false
	}
	words := textfold.Words(text)
	if len(words) == 0 || len(words) > 8 {
		return text, false
	}
	lean := words[0] == "and" || words[0] == "y" || words[0] == "und" || words[0] == "et" ||
		(len(words) > 1 && (words[0] == "what" || words[0] == "how") && words[1] == "about")
	for _, w := range words {
		lean = lean || followUpMarkers[w]
		for p := PronounsThey; p <= pronouns; p++ {
			lean = lean || slices.Contains(pronounMarkers[p], w)
		}
	}
	if !lean {
		return text, false
	}
	return lastTopic + "\n" + text, true
}
