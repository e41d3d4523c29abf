package activities

import (
	"context"
	"strings"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/rehearse"
)

// Simulator holds the activities of a rehearsal's simulated customers: a
// language model plays the customer and judges the conversation against a
// plain-language criterion. The worker registers it beside Activities.
type Simulator struct {
	// DB holds the transcripts a criterion is judged on.
	DB *gorm.DB
	// Customer is the model; nil when none is configured, and then every
	// call fails for good (NoModelError).
	Customer rehearse.Customer
}

// NoModelError is the application error type of a simulator without a
// language model.
const NoModelError = "NoModel"

func noModel() error {
	return temporal.NewNonRetryableApplicationError("no language model is configured (LLM_BASE_URL)", NoModelError, nil)
}

// SimulateCustomerInput is a simulated customer and the conversation so far.
type SimulateCustomerInput struct {
	Persona    string
	Goal       string
	Transcript []rehearse.Exchange
}

// SimulateCustomerResult is the customer's next message, or Done.
type SimulateCustomerResult struct {
	Message string
	Done    bool
}

// SimulateCustomer asks the model for the simulated customer's next message.
func (s *Simulator) SimulateCustomer(ctx context.Context, in SimulateCustomerInput) (SimulateCustomerResult, error) {
	if s.Customer == nil {
		return SimulateCustomerResult{}, noModel()
	}
	msg, done, err := s.Customer.Next(ctx, rehearse.CustomerRequest{Persona: in.Persona, Goal: in.Goal, Transcript: in.Transcript})
	if err != nil {
		return SimulateCustomerResult{}, err
	}
	msg = customerText(msg)
	return SimulateCustomerResult{Message: msg, Done: done || msg == ""}, nil
}

// customerText is a model's message as a customer's message may be (see
// decide.CheckText): valid UTF-8 without control characters, at most
// decide.MaxMessageChars.
func customerText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > decide.MaxMessageChars {
		s = string(r[:decide.MaxMessageChars])
	}
	return strings.TrimSpace(s)
}

// JudgeCriterionInput is a simulated conversation (its row ID, see
// models.ConversationRowID) and the criterion to judge it by.
type JudgeCriterionInput struct {
	Criterion         string
	ConversationRowID string
}

// JudgeCriterionResult is the model's verdict.
type JudgeCriterionResult struct {
	Met    bool
	Reason string
}

// JudgeCriterion asks the model whether the conversation meets the
// criterion.
func (s *Simulator) JudgeCriterion(ctx context.Context, in JudgeCriterionInput) (JudgeCriterionResult, error) {
	if s.Customer == nil {
		return JudgeCriterionResult{}, noModel()
	}
	turns, err := rehearse.Observe(ctx, s.DB, in.ConversationRowID)
	if err != nil {
		return JudgeCriterionResult{}, err
	}
	transcript := make([]rehearse.Exchange, 0, len(turns))
	for _, t := range turns {
		transcript = append(transcript, rehearse.Exchange{Customer: t.Message, Agent: t.Observed.Reply})
	}
	met, reason, err := s.Customer.Judge(ctx, in.Criterion, transcript)
	return JudgeCriterionResult{Met: met, Reason: reason}, err
}
