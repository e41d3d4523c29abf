package activities

import (
	"context"

	"github.com/switchboardhq/switchboard/issuetypes"
)

// ClassifyIssueInput is a customer's message to classify.
type ClassifyIssueInput struct {
	WorkspaceID string
	Text        string
}

// ClassifyIssueResult is the message's issue type. Unknown (IssueType
// "unknown") means no type's examples were close enough: the conversation
// records a knowledge gap.
type ClassifyIssueResult struct {
	IssueType  string
	Confidence float64
	Unknown    bool
}

// ClassifyIssue decides a message's issue type from the workspace's nearest
// labelled examples (BM25 in Weaviate), with the workspace's threshold: the
// same code path as POST /v1/issue-types/classify.
func (a *Activities) ClassifyIssue(ctx context.Context, in ClassifyIssueInput) (ClassifyIssueResult, error) {
	svc := issuetypes.Service{DB: a.DB, Knowledge: a.Knowledge}
	res, err := svc.Classify(ctx, in.WorkspaceID, in.Text)
	if err != nil {
		return ClassifyIssueResult{}, err
	}
	return ClassifyIssueResult{IssueType: res.IssueType, Confidence: res.Confidence, Unknown: res.Unknown}, nil
}
