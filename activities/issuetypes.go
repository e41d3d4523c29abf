package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/models"
)

// ClassifyIssueInput is a customer's message to classify.
type ClassifyIssueInput struct {
	WorkspaceID string
	Text        string
	// Rehearsal, in a rehearsal's test conversation, is the rehearsal whose
	// issue-type draft (a threshold, a set of types) replaces the
	// workspace's settings.
	Rehearsal string `json:",omitempty"`
}

// ClassifyIssueResult is the message's issue type. Unknown (IssueType
// "unknown") means no type's examples were close enough: the conversation
// records a knowledge gap.
type ClassifyIssueResult struct {
	IssueType  string
	Confidence float64
	Unknown    bool
	// OutOfScope is true when the message is Unknown because the workspace's
	// out-of-scope examples (issue type "out_of_scope") are about as likely
	// as its likeliest issue type: something the business does not handle. The conversation treats it as
	// any unknown.
	OutOfScope bool
	// BestGuess is the offline classifier's likeliest type, also when
	// Unknown ("" when no example shares a word with the message).
	BestGuess string
	// Refined is true when the configured language model made the decision
	// among the offline classifier's candidates.
	Refined bool
	// OnlyAsksForHuman is true when the message only asks for a person: it
	// says nothing of an issue (Unknown), and is no knowledge gap.
	OnlyAsksForHuman bool `json:",omitempty"`
}

// ClassifyIssue decides a message's issue type from the workspace's nearest
// labelled examples (BM25 in Weaviate, ranked by the workspace's trained
// model), with the workspace's threshold, and lets the language model
// decide among the candidates when one is configured: the same code path as
// POST /v1/issue-types/classify. A failed language model call is logged and
// the offline decision stands.
func (a *Activities) ClassifyIssue(ctx context.Context, in ClassifyIssueInput) (ClassifyIssueResult, error) {
	return a.classifyIssue(ctx, in, 0)
}

// classifyIssue is ClassifyIssue for a caller that read the workspace's
// configuration version (0 for none): see issuetypes.Service.ConfigVersion.
func (a *Activities) classifyIssue(ctx context.Context, in ClassifyIssueInput, configVersion int64) (ClassifyIssueResult, error) {
	svc := issuetypes.Service{DB: a.DB, Refiner: a.IssueRefiner, ConfigVersion: configVersion}
	var res issuetypes.Result
	var err error
	var draft *models.IssueTypesDraft
	if in.Rehearsal != "" {
		if draft, err = rehearsedIssueTypes(ctx, a.DB, in.WorkspaceID, in.Rehearsal); err != nil {
			return ClassifyIssueResult{}, err
		}
	}
	switch {
	case draft != nil && draft.Types != nil:
		res = issuetypes.ClassifyDraft(draft.Types, draft.Threshold, in.Text)
	default:
		if draft != nil {
			svc.DraftThreshold = draft.Threshold
		}
		if res, err = svc.Classify(ctx, in.WorkspaceID, in.Text); err != nil {
			return ClassifyIssueResult{}, err
		}
	}
	if res.RefineErr != nil && activity.IsActivity(ctx) {
		activity.GetLogger(ctx).Warn("issue type: the language model could not decide; the offline decision stands",
			"err", res.RefineErr)
	}
	return ClassifyIssueResult{
		IssueType: res.IssueType, Confidence: res.Confidence, Unknown: res.Unknown, OutOfScope: res.OutOfScope,
		BestGuess: res.BestGuess, Refined: res.Refined, OnlyAsksForHuman: res.OnlyAsksForHuman,
	}, nil
}
