package knowledge

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// legacyExampleClass is the Weaviate collection that held every workspace's
// labelled issue-type examples before they were searched in memory
// (issuetypes). The database holds every example, so EnsureSchema deletes
// it.
const legacyExampleClass = "IssueExample"

// exampleNamespace seeds the name-based UUIDs of examples.
var exampleNamespace = uuid.MustParse("0b8f3f7e-5a43-4c1e-9d2a-7c6f0e4b9a11")

// ExampleHit is an issue-type example found near a message, with its BM25
// score.
type ExampleHit struct {
	IssueType string
	Text      string
	Score     float64
}

// ExampleID is the database ID of an example: the same text labelled with
// the same type in the same workspace is one example.
func ExampleID(workspaceID, issueType, text string) string {
	return uuid.NewSHA1(exampleNamespace, []byte(workspaceID+"\x00"+issueType+"\x00"+text)).String()
}

// dropLegacyExamples deletes the collection issue-type examples were once
// searched in, if it is there.
func (s *Store) dropLegacyExamples(ctx context.Context) error {
	exists, err := s.client.Schema().ClassExistenceChecker().WithClassName(legacyExampleClass).Do(ctx)
	if err != nil {
		return fmt.Errorf("check weaviate class %s: %w", legacyExampleClass, describe(err))
	}
	if !exists {
		return nil
	}
	if err := s.client.Schema().ClassDeleter().WithClassName(legacyExampleClass).Do(ctx); err != nil {
		if again, checkErr := s.client.Schema().ClassExistenceChecker().WithClassName(legacyExampleClass).Do(ctx); checkErr == nil && !again {
			return nil // deleted by another process meanwhile
		}
		return fmt.Errorf("delete weaviate class %s: %w", legacyExampleClass, describe(err))
	}
	return nil
}
