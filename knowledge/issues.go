package knowledge

import (
	"context"
	"fmt"
)

// legacyExampleClass is the Weaviate collection that held every workspace's
// labelled issue-type examples before they were searched in memory
// (issuetypes). The database holds every example, so EnsureSchema deletes
// it.
const legacyExampleClass = "IssueExample"

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
