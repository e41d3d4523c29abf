package knowledge

import (
	"context"
	"fmt"

	"github.com/go-openapi/strfmt"
	"github.com/google/uuid"
	"github.com/weaviate/weaviate-go-client/v4/weaviate/filters"
	"github.com/weaviate/weaviate/entities/models"
	pb "github.com/weaviate/weaviate/grpc/generated/protocol/v1"
)

// ExampleClassName is the Weaviate collection holding every workspace's
// labelled issue-type examples, one tenant per workspace.
const ExampleClassName = "IssueExample"

// exampleNamespace seeds the name-based UUIDs of examples.
var exampleNamespace = uuid.MustParse("0b8f3f7e-5a43-4c1e-9d2a-7c6f0e4b9a11")

func exampleClass() *models.Class {
	yes := true
	return &models.Class{
		Class:              ExampleClassName,
		Description:        "Labelled example phrases of a workspace's issue types",
		Vectorizer:         "none",
		MultiTenancyConfig: &models.MultiTenancyConfig{Enabled: true},
		Properties: []*models.Property{
			{Name: "issueType", DataType: []string{"text"}, Tokenization: "field", IndexSearchable: new(bool), IndexFilterable: &yes},
			// text is the example as written; stems is what BM25 searches:
			// its words lower-cased, stop words dropped and stemmed.
			{Name: "text", DataType: []string{"text"}, Tokenization: "word", IndexSearchable: new(bool), IndexFilterable: new(bool)},
			textProperty("stems", true),
		},
	}
}

// Example is one labelled example phrase.
type Example struct {
	// ID is ExampleID(workspace, issue type, text).
	ID        string
	IssueType string
	Text      string
}

// ExampleHit is an example found by a search, with its BM25 score.
type ExampleHit struct {
	IssueType string
	Text      string
	Score     float64
}

// ExampleID is the ID of an example, in the database and in Weaviate: the
// same text labelled with the same type in the same workspace is one example.
func ExampleID(workspaceID, issueType, text string) string {
	return uuid.NewSHA1(exampleNamespace, []byte(workspaceID+"\x00"+issueType+"\x00"+text)).String()
}

// IndexExamples writes examples to the workspace's tenant (an example that
// is there already is rewritten, unchanged).
func (s *Store) IndexExamples(ctx context.Context, workspaceID string, examples []Example) error {
	if len(examples) == 0 {
		return nil
	}
	if err := s.ensureTenant(ctx, ExampleClassName, workspaceID); err != nil {
		return err
	}
	const batchSize = 500
	for start := 0; start < len(examples); start += batchSize {
		batch := s.client.Batch().ObjectsBatcher()
		for _, e := range examples[start:min(start+batchSize, len(examples))] {
			batch.WithObjects(&models.Object{
				Class: ExampleClassName, ID: strfmt.UUID(e.ID), Tenant: workspaceID,
				Properties: map[string]any{"issueType": e.IssueType, "text": e.Text, "stems": stems(e.Text)},
			})
		}
		resp, err := batch.Do(ctx)
		if err != nil {
			return fmt.Errorf("index examples: %w", describe(err))
		}
		for _, r := range resp {
			if r.Result != nil && r.Result.Errors != nil && len(r.Result.Errors.Error) > 0 {
				return fmt.Errorf("index example %s: %s", r.ID, r.Result.Errors.Error[0].Message)
			}
		}
	}
	return nil
}

// DeleteExamples deletes examples by ID.
func (s *Store) DeleteExamples(ctx context.Context, workspaceID string, ids []string) error {
	const batchSize = 200
	for start := 0; start < len(ids); start += batchSize {
		where := filters.Where().WithPath([]string{"id"}).WithOperator(filters.ContainsAny).
			WithValueText(ids[start:min(start+batchSize, len(ids))]...)
		if err := s.deleteExamplesWhere(ctx, workspaceID, where); err != nil {
			return err
		}
	}
	return nil
}

// DeleteIssueType deletes every example of an issue type.
func (s *Store) DeleteIssueType(ctx context.Context, workspaceID, issueType string) error {
	where := filters.Where().WithPath([]string{"issueType"}).WithOperator(filters.Equal).WithValueText(issueType)
	return s.deleteExamplesWhere(ctx, workspaceID, where)
}

func (s *Store) deleteExamplesWhere(ctx context.Context, workspaceID string, where *filters.WhereBuilder) error {
	exists, err := s.client.Schema().TenantsExists().WithClassName(ExampleClassName).WithTenant(workspaceID).Do(ctx)
	if err != nil {
		return fmt.Errorf("check examples tenant: %w", describe(err))
	}
	if !exists {
		return nil
	}
	return s.deleteWhere(ctx, ExampleClassName, workspaceID, where)
}

// SearchExamples returns the workspace's examples nearest to text by BM25
// over stemmed words, best first.
func (s *Store) SearchExamples(ctx context.Context, workspaceID, text string, limit int) ([]ExampleHit, error) {
	q := searchTerms(stems(text))
	if q == "" {
		return nil, nil
	}
	search := &pb.SearchRequest{
		Collection: ExampleClassName, Tenant: workspaceID, Limit: uint32(limit),
		Bm25Search: &pb.BM25{Query: q, Properties: []string{"stems"}},
	}
	search.Properties, search.Metadata = properties("issueType", "text")
	results, err := s.search.run(ctx, search)
	if err != nil {
		return nil, fmt.Errorf("search examples: %w", err)
	}
	hits := make([]ExampleHit, len(results))
	for i, r := range results {
		hits[i] = ExampleHit{IssueType: textProp(r, "issueType"), Text: textProp(r, "text"), Score: float64(r.GetMetadata().GetScore())}
	}
	return hits, nil
}
