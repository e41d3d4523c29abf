package decide_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

func TestShortcuts(t *testing.T) {
	t.Parallel()
	settings := decide.Settings{
		Actions:           map[string]actions.Spec{decide.ActionOrderStatus: spec(decide.ActionOrderStatus, decide.ProtectionVerified)},
		ReusableResponses: []models.ReusableResponse{{Name: "Hours", Triggers: []string{"", "Opening Hours"}, Response: "9 to 5."}},
		TopicsToAvoid:     []string{"", "Politics"},
	}
	cases := []struct {
		name, text, intent string
		want               decide.Shortcut
		kind               decide.Kind
	}{
		{"an enabled action", "where is my order", decide.ActionOrderStatus,
			decide.Shortcut{Action: spec(decide.ActionOrderStatus, decide.ProtectionVerified)}, ""},
		{"a disabled action falls through to search", "reset my password", decide.ActionPasswordReset, decide.Shortcut{}, ""},
		{"a reusable response, any case", "what are your opening hours?", "",
			decide.Shortcut{Reply: "9 to 5.", Answered: true}, decide.KindReusableResponse},
		{"a topic to avoid", "what do you think of politics", "",
			decide.Shortcut{Reply: decide.AvoidTopicText}, decide.KindAvoidedTopic},
		{"nothing applies", "do you ship to Canada?", "", decide.Shortcut{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := decide.Shortcuts(tc.text, tc.intent, settings)
			if tc.kind == "" {
				require.Nil(t, got.Entry)
			} else {
				require.Equal(t, tc.kind, got.Entry.Kind)
			}
			got.Entry = nil
			require.Equal(t, tc.want, got)
		})
	}
}

func TestAnswer(t *testing.T) {
	t.Parallel()
	cites := []answer.Citation{{SourceID: "s1", Title: "Shipping"}}
	known := answer.Answer{Text: "We ship in 3 days.", Citations: cites, Known: true, Confidence: 0.8}
	cases := []struct {
		name    string
		in      decide.AnswerInput
		outcome decide.Outcome
		kind    decide.Kind
		gap     string
		text    string
	}{
		{"known and confident", decide.AnswerInput{Generated: known, Threshold: 0.5}, decide.Answered, decide.KindAnswer, "", known.Text},
		{"confident exactly at the threshold", decide.AnswerInput{Generated: known, Threshold: 0.8}, decide.Answered, decide.KindAnswer, "", known.Text},
		{"below the threshold: clarify once", decide.AnswerInput{Generated: known, Threshold: 0.9},
			decide.Clarify, decide.KindClarify, decide.GapLowConfidence, decide.ClarifyText},
		{"not covered by the content: I don't know at once", decide.AnswerInput{Generated: answer.Answer{Text: answer.DontKnow}, Threshold: 0.5},
			decide.DontKnow, decide.KindUnknown, decide.GapUnanswered, answer.DontKnow},
		{"nothing to look up: clarify", decide.AnswerInput{Generated: answer.Answer{}, Threshold: 0.5},
			decide.Clarify, decide.KindClarify, decide.GapLowConfidence, decide.ClarifyText},
		{"unknown after a clarifying question", decide.AnswerInput{Generated: answer.Answer{Text: "?", Confidence: 0.9}, Threshold: 0.5, ClarifyAsked: true},
			decide.DontKnow, decide.KindUnknown, decide.GapUnanswered, answer.DontKnow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := decide.Answer(tc.in)
			require.Equal(t, tc.outcome, r.Outcome)
			require.Equal(t, tc.kind, r.Entry.Kind)
			require.Equal(t, tc.gap, r.Gap)
			require.Equal(t, tc.text, r.Text)
			if tc.outcome == decide.Answered {
				require.Equal(t, cites, r.Citations)
			} else {
				require.Empty(t, r.Citations)
			}
		})
	}
}

func TestGap(t *testing.T) {
	t.Parallel()
	require.Equal(t, "", decide.Gap("", false, false))
	require.Equal(t, decide.GapUnknownIssueType, decide.Gap("", false, true))
	require.Equal(t, decide.GapLowConfidence, decide.Gap(decide.GapLowConfidence, false, true), "the reply's reason comes first")
	require.Equal(t, decide.GapUnanswered, decide.Gap(decide.GapUnanswered, false, false))
	require.Equal(t, decide.GapHandoff, decide.Gap(decide.GapUnanswered, true, false))
}

func TestClear(t *testing.T) {
	t.Parallel()
	ada := &decide.Contact{ID: "c1", Email: "Ada@example.com"}
	adasOrder := &decide.Order{Number: "A-7", ContactEmail: "ada@example.com"}
	bobsOrder := &decide.Order{Number: "B-9", ContactEmail: "bob@example.com"}
	verified := decide.ProtectionVerified
	cases := []struct {
		name     string
		req      decide.ActionRequest
		proceed  bool
		reply    string
		sendCode string
	}{
		{"order action without a number", decide.ActionRequest{Spec: spec(decide.ActionOrderStatus, "")}, false, decide.NeedOrderText, ""},
		{"protected, nothing given", decide.ActionRequest{Spec: spec(decide.ActionOrderStatus, verified),
			OrderNumber: "A-7", Order: adasOrder}, false, decide.NeedEmailText, ""},
		{"protected, an email typed: a code goes to it, nothing runs", decide.ActionRequest{Spec: spec(decide.ActionOrderStatus, verified), OrderNumber: "A-7", Order: adasOrder, ClaimedEmail: "Ada@Example.com"},
			false, decide.CodeSentText("ada@example.com"), "ada@example.com"},
		{"a contact change with protection none still needs a verified customer", decide.ActionRequest{Spec: spec(decide.ActionUpdateContact, decide.ProtectionNone), ClaimedEmail: "bram@example.com"}, false, decide.CodeSentText("bram@example.com"), "bram@example.com"},
		{"verified, someone else's order", decide.ActionRequest{Spec: spec(decide.ActionOrderStatus, verified),
			OrderNumber: "B-9", VerifiedEmail: "ada@example.com", Contact: ada, Order: bobsOrder}, false, decide.MismatchText, ""},
		{"verified, but no contact on file", decide.ActionRequest{Spec: spec(decide.ActionUpdateContact, verified),
			VerifiedEmail: "eve@example.com"}, false, decide.MismatchText, ""},
		{"verified owner (any case)", decide.ActionRequest{Spec: spec(decide.ActionOrderStatus, verified),
			OrderNumber: "A-7", VerifiedEmail: "ADA@example.com", Contact: ada, Order: adasOrder}, true, "", ""},
		{"verified contact changes its details", decide.ActionRequest{Spec: spec(decide.ActionUpdateContact, verified),
			VerifiedEmail: "ada@example.com", Contact: ada}, true, "", ""},
		{"order not found", decide.ActionRequest{Spec: spec(decide.ActionStartReturn, ""), OrderNumber: "Z-1"}, false,
			"I couldn't find an order numbered Z-1. Could you check the number?", ""},
		{"unprotected order status by number", decide.ActionRequest{Spec: spec(decide.ActionOrderStatus, decide.ProtectionNone),
			OrderNumber: "B-9", Order: bobsOrder}, true, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cl := decide.Clear(tc.req)
			require.Equal(t, tc.proceed, cl.Proceed)
			require.Equal(t, tc.reply, cl.Reply)
			require.Equal(t, tc.sendCode, cl.SendCode)
			if !tc.proceed {
				require.Equal(t, decide.KindAction, cl.Entry.Kind)
				require.Equal(t, tc.req.Spec.Name, cl.Entry.Detail["action"])
			}
		})
	}
}

func TestActsForContact(t *testing.T) {
	t.Parallel()
	require.True(t, decide.ActsForContact(spec(decide.ActionOrderStatus, decide.ProtectionVerified)))
	require.False(t, decide.ActsForContact(spec(decide.ActionOrderStatus, decide.ProtectionNone)))
	require.True(t, decide.ActsForContact(spec(decide.ActionUpdateContact, decide.ProtectionNone)))
	require.True(t, decide.ActsForContact(spec(decide.ActionPasswordReset, decide.ProtectionNone)))
}

func TestFindCode(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"123456": "123456", "my code is 123 456.": "123456", "123-456": "123456", "code: 012345!": "012345",
		"1234567": "", "12345": "", "order SP-1002": "", "": "",
	}
	for text, want := range cases {
		require.Equal(t, want, decide.FindCode(text), text)
	}
}

func TestCheckedCode(t *testing.T) {
	t.Parallel()
	ok := decide.CheckedCode(decide.CodeVerified, 2)
	require.True(t, ok.Proceed)
	require.Equal(t, decide.KindVerification, ok.Entry.Kind)

	wrong := decide.CheckedCode(decide.CodeWrong, 2)
	require.False(t, wrong.Proceed)
	require.True(t, wrong.Keep)
	require.Contains(t, wrong.Reply, "2 attempts left")

	last := decide.CheckedCode(decide.CodeWrong, 0)
	require.False(t, last.Keep)
	require.Equal(t, decide.CodeLockedText, last.Reply)
	require.Equal(t, decide.CodeLockedText, decide.CheckedCode(decide.CodeLocked, 0).Reply)
	require.Equal(t, decide.CodeExpiredText, decide.CheckedCode(decide.CodeExpired, 0).Reply)
}

func TestMaskEmail(t *testing.T) {
	t.Parallel()
	require.Equal(t, "a••@example.com", decide.MaskEmail("ada@example.com"))
	require.Equal(t, "b•••••@example.com", decide.MaskEmail("bramwell@example.com"))
	require.Equal(t, "x@example.com", decide.MaskEmail("x@example.com"))
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text, reason string
	}{
		{"plain", "Where is my order?", ""},
		{"line breaks and tabs", "line one\r\n\tline two", ""},
		{"empty", "  \n", "must not be empty"},
		{"NUL", "hi\x00there", "contains the control character U+0000"},
		{"escape", "hi\x1bthere", "contains the control character U+001B"},
		{"invalid UTF-8", "hi \xff", "is not valid UTF-8"},
		{"replacement character", "hi \uFFFD", "is not valid UTF-8"},
		{"too long", strings.Repeat("é", decide.MaxMessageChars+1), "4001 characters, more than the 4000 allowed"},
		{"just long enough", strings.Repeat("é", decide.MaxMessageChars), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := decide.CheckText(tc.text)
			if tc.reason == "" {
				require.Nil(t, err)
				return
			}
			require.NotNil(t, err)
			require.Equal(t, "text", err.Field)
			require.Equal(t, tc.reason, err.Reason)
		})
	}
}

func TestFollowUpQuery(t *testing.T) {
	t.Parallel()
	const topic = "Do you ship to Canada?"
	cases := []struct {
		text, topic string
		followUp    bool
	}{
		{"How long does that take?", topic, true},
		{"and for wholesale orders?", "What is your return policy?", true},
		{"What about express?", "How long does shipping take?", true},
		{"How long does that take?", "", false},
		{"What is your return policy?", topic, false},
		{"Is it true that you ship worldwide, and how long does delivery usually take from your warehouse?", topic, false},
		{"How much do they cost?", "Do you do tours?", true},
		{"Can he come in the restaurant?", "Can I bring my dog?", true},
		{"Is she allowed in the pool?", "Can I bring my daughter?", true},
	}
	for _, tc := range cases {
		q, followUp := decide.FollowUpQuery(tc.text, tc.topic, decide.PronounsPerson)
		require.Equal(t, tc.followUp, followUp, tc.text)
		if followUp {
			require.Equal(t, tc.topic+"\n"+tc.text, q)
		} else {
			require.Equal(t, tc.text, q)
		}
	}
	_, followUp := decide.FollowUpQuery("How much do they cost?", "Do you do tours?", decide.PronounsIt)
	require.False(t, followUp, "runs before RevisionTheyFollowUp")
	_, followUp = decide.FollowUpQuery("Can he come in the restaurant?", "Can I bring my dog?", decide.PronounsThey)
	require.False(t, followUp, "runs before RevisionPersonFollowUp")
	_, followUp = decide.FollowUpQuery("How much do they cost?", "Do you do tours?", decide.PronounsPerson)
	require.True(t, followUp, "they, since RevisionTheyFollowUp")
}

// spec is a built-in action with a protection level.
func spec(name, protection string) actions.Spec {
	s, ok := actions.Builtin(name)
	if !ok {
		panic("no built-in " + name)
	}
	s.Protection = protection
	return s
}
