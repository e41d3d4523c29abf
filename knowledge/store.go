package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/go-openapi/strfmt"
	"github.com/google/uuid"
	"github.com/weaviate/weaviate-go-client/v4/weaviate"
	"github.com/weaviate/weaviate-go-client/v4/weaviate/auth"
	"github.com/weaviate/weaviate-go-client/v4/weaviate/fault"
	"github.com/weaviate/weaviate-go-client/v4/weaviate/filters"
	"github.com/weaviate/weaviate-go-client/v4/weaviate/graphql"
	"github.com/weaviate/weaviate/entities/models"
)

// ClassName is the Weaviate collection holding every workspace's chunks, one
// tenant per workspace.
const ClassName = "KnowledgeChunk"

// chunkNamespace seeds the name-based UUIDs of chunk objects.
var chunkNamespace = uuid.MustParse("6f1d3c2a-8b4e-4f0a-9c7d-2e5b1a9f3d40")

// Store is the knowledge base in Weaviate.
type Store struct {
	client *weaviate.Client
}

// Hit is a chunk found by a search, with its BM25 score.
type Hit struct {
	Chunk
	Score float64
}

// NewStore connects to the Weaviate at rawURL (http://host:port), with an API
// key when apiKey is not empty. It does not wait for Weaviate to be ready.
func NewStore(rawURL, apiKey string) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("weaviate url: %w", err)
	}
	cfg := weaviate.Config{Host: u.Host, Scheme: u.Scheme, Timeout: 30 * time.Second}
	if apiKey != "" {
		cfg.AuthConfig = auth.ApiKey{Value: apiKey}
	}
	c, err := weaviate.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("weaviate client: %w", err)
	}
	return &Store{client: c}, nil
}

// Ready reports whether Weaviate answers and is ready.
func (s *Store) Ready(ctx context.Context) error {
	ok, err := s.client.Misc().ReadyChecker().Do(ctx)
	if err != nil {
		return fmt.Errorf("weaviate ready: %w", err)
	}
	if !ok {
		return errors.New("weaviate is not ready")
	}
	return nil
}

// EnsureSchema creates the chunk collection if it does not exist. Several
// processes may call it at once; losing the race is not an error.
func (s *Store) EnsureSchema(ctx context.Context) error {
	exists, err := s.client.Schema().ClassExistenceChecker().WithClassName(ClassName).Do(ctx)
	if err != nil {
		return fmt.Errorf("check weaviate class: %w", err)
	}
	if exists {
		return nil
	}
	text := func(name string, searchable bool) *models.Property {
		return &models.Property{
			Name: name, DataType: []string{"text"}, Tokenization: "word",
			IndexSearchable: &searchable,
		}
	}
	class := &models.Class{
		Class:              ClassName,
		Description:        "Chunks of a workspace's content sources",
		Vectorizer:         "none",
		MultiTenancyConfig: &models.MultiTenancyConfig{Enabled: true},
		Properties: []*models.Property{
			text("sourceId", false),
			text("title", true),
			text("url", false),
			text("heading", true),
			text("text", true),
			{Name: "chunkIndex", DataType: []string{"int"}},
		},
	}
	class.Properties[0].Tokenization = "field"
	if err := s.client.Schema().ClassCreator().WithClass(class).Do(ctx); err != nil {
		if again, checkErr := s.client.Schema().ClassExistenceChecker().WithClassName(ClassName).Do(ctx); checkErr == nil && again {
			return nil
		}
		return fmt.Errorf("create weaviate class: %w", err)
	}
	return nil
}

// EnsureTenant creates the workspace's tenant if it does not exist.
func (s *Store) EnsureTenant(ctx context.Context, workspaceID string) error {
	exists, err := s.client.Schema().TenantsExists().WithClassName(ClassName).WithTenant(workspaceID).Do(ctx)
	if err == nil && exists {
		return nil
	}
	err = s.client.Schema().TenantsCreator().WithClassName(ClassName).
		WithTenants(models.Tenant{Name: workspaceID}).Do(ctx)
	if err != nil {
		if again, checkErr := s.client.Schema().TenantsExists().WithClassName(ClassName).WithTenant(workspaceID).Do(ctx); checkErr == nil && again {
			return nil
		}
		return fmt.Errorf("create weaviate tenant: %w", err)
	}
	return nil
}

// ChunkID is the Weaviate object ID of a chunk: derived from its source, its
// position and its content, so indexing the same content again rewrites the
// same objects.
func ChunkID(c Chunk) string {
	sum := sha256.Sum256([]byte(c.Heading + "\x00" + c.Text))
	return uuid.NewSHA1(chunkNamespace, []byte(fmt.Sprintf("%s/%d/%s", c.SourceID, c.Index, hex.EncodeToString(sum[:])))).String()
}

// ReplaceSource makes the source's chunks in the workspace's tenant exactly
// chunks: it upserts them and deletes the source's chunks that are gone.
func (s *Store) ReplaceSource(ctx context.Context, workspaceID, sourceID string, chunks []Chunk) error {
	if err := s.EnsureTenant(ctx, workspaceID); err != nil {
		return err
	}
	keep := make([]string, 0, len(chunks))
	if len(chunks) > 0 {
		batch := s.client.Batch().ObjectsBatcher()
		for _, c := range chunks {
			id := ChunkID(c)
			keep = append(keep, id)
			batch.WithObjects(&models.Object{
				Class:  ClassName,
				ID:     strfmt.UUID(id),
				Tenant: workspaceID,
				Properties: map[string]any{
					"sourceId": sourceID, "title": c.Title, "url": c.URL,
					"heading": c.Heading, "text": c.Text, "chunkIndex": c.Index,
				},
			})
		}
		resp, err := batch.Do(ctx)
		if err != nil {
			return fmt.Errorf("index chunks: %w", describe(err))
		}
		for _, r := range resp {
			if r.Result != nil && r.Result.Errors != nil && len(r.Result.Errors.Error) > 0 {
				return fmt.Errorf("index chunk %s: %s", r.ID, r.Result.Errors.Error[0].Message)
			}
		}
	}
	// Delete what belongs to the source and is not among the chunks just written.
	ops := []*filters.WhereBuilder{filters.Where().WithPath([]string{"sourceId"}).WithOperator(filters.Equal).WithValueText(sourceID)}
	for _, id := range keep {
		ops = append(ops, filters.Where().WithPath([]string{"id"}).WithOperator(filters.NotEqual).WithValueText(id))
	}
	where := ops[0]
	if len(ops) > 1 {
		where = filters.Where().WithOperator(filters.And).WithOperands(ops)
	}
	_, err := s.client.Batch().ObjectsBatchDeleter().WithClassName(ClassName).WithTenant(workspaceID).
		WithWhere(where).Do(ctx)
	if err != nil {
		return fmt.Errorf("delete stale chunks: %w", describe(err))
	}
	return nil
}

// Search runs a BM25 search over the workspace's chunks.
func (s *Store) Search(ctx context.Context, workspaceID, query string, limit int) ([]Hit, error) {
	q := searchTerms(query)
	if q == "" {
		return nil, nil
	}
	fields := []graphql.Field{
		{Name: "sourceId"}, {Name: "title"}, {Name: "url"}, {Name: "heading"},
		{Name: "text"}, {Name: "chunkIndex"},
		{Name: "_additional", Fields: []graphql.Field{{Name: "score"}}},
	}
	bm25 := s.client.GraphQL().Bm25ArgBuilder().WithQuery(q).WithProperties("title^2", "heading^2", "text")
	resp, err := s.client.GraphQL().Get().WithClassName(ClassName).WithTenant(workspaceID).
		WithBM25(bm25).WithFields(fields...).WithLimit(limit).Do(ctx)
	if err != nil {
		return nil, fmt.Errorf("search chunks: %w", describe(err))
	}
	if len(resp.Errors) > 0 {
		msg := resp.Errors[0].Message
		if strings.Contains(msg, "tenant not found") || strings.Contains(msg, "has multi-tenancy enabled, but request was without tenant") {
			return nil, nil
		}
		return nil, fmt.Errorf("search chunks: %s", msg)
	}
	get, _ := resp.Data["Get"].(map[string]any)
	rows, _ := get[ClassName].([]any)
	hits := make([]Hit, 0, len(rows))
	for _, row := range rows {
		m, _ := row.(map[string]any)
		h := Hit{Chunk: Chunk{
			SourceID: str(m["sourceId"]), Title: str(m["title"]), URL: str(m["url"]),
			Heading: str(m["heading"]), Text: str(m["text"]),
		}}
		if n, ok := m["chunkIndex"].(float64); ok {
			h.Index = int(n)
		}
		if add, ok := m["_additional"].(map[string]any); ok {
			h.Score = number(add["score"])
		}
		hits = append(hits, h)
	}
	return hits, nil
}

// searchTerms keeps the letters and digits of a query, so no user text can
// break out of the GraphQL string it is sent in.
func searchTerms(q string) string {
	f := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case string:
		var f float64
		_, _ = fmt.Sscanf(n, "%g", &f)
		return f
	}
	return 0
}

// describe unwraps a Weaviate client error into its status and message.
func describe(err error) error {
	var w *fault.WeaviateClientError
	if errors.As(err, &w) {
		return fmt.Errorf("weaviate status %d: %s", w.StatusCode, w.Msg)
	}
	return err
}
