package knowledge

import (
	"context"

	"github.com/weaviate/weaviate/entities/models"
)

// SearchFiltered runs req's search with the audience filter, as SearchWith
// does when a hit is not for the reader.
func (s *Store) SearchFiltered(ctx context.Context, req SearchRequest) ([]Hit, error) {
	search, err := s.searchRequest(ctx, req)
	if search == nil || err != nil {
		return nil, err
	}
	return s.searchFiltered(ctx, search, req.Reader)
}

// AutoActivatesTenants creates a multi-tenant collection as the chunk
// collection was before it activated tenants when searched, ensures it as
// EnsureSchema does now, and reports whether it then activates them.
func (s *Store) AutoActivatesTenants(ctx context.Context, className string) (bool, error) {
	old := chunkClass()
	old.Class, old.MultiTenancyConfig = className, &models.MultiTenancyConfig{Enabled: true}
	if err := s.client.Schema().ClassCreator().WithClass(old).Do(ctx); err != nil {
		return false, err
	}
	defer s.client.Schema().ClassDeleter().WithClassName(className).Do(context.WithoutCancel(ctx))
	now := chunkClass()
	now.Class = className
	if err := s.ensureClass(ctx, now); err != nil {
		return false, err
	}
	have, err := s.client.Schema().ClassGetter().WithClassName(className).Do(ctx)
	if err != nil {
		return false, err
	}
	return have.MultiTenancyConfig.AutoTenantActivation, nil
}

// CreateLegacyExamples creates the collection issue-type examples were once
// searched in, as it was then, unless it is there.
func (s *Store) CreateLegacyExamples(ctx context.Context) error {
	class := &models.Class{
		Class: legacyExampleClass, Vectorizer: "none",
		MultiTenancyConfig: &models.MultiTenancyConfig{Enabled: true},
		Properties:         []*models.Property{textProperty("issueType", false), textProperty("stems", true)},
	}
	err := s.client.Schema().ClassCreator().WithClass(class).Do(ctx)
	if exists, _ := s.LegacyExamplesExist(ctx); err != nil && !exists {
		return err
	}
	return nil
}

// LegacyExamplesExist reports whether that collection is there.
func (s *Store) LegacyExamplesExist(ctx context.Context) (bool, error) {
	return s.client.Schema().ClassExistenceChecker().WithClassName(legacyExampleClass).Do(ctx)
}
