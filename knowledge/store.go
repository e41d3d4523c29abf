package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/go-openapi/strfmt"
	"github.com/google/uuid"
	"github.com/weaviate/weaviate-go-client/v4/weaviate"
	"github.com/weaviate/weaviate-go-client/v4/weaviate/fault"
	"github.com/weaviate/weaviate-go-client/v4/weaviate/filters"
	"github.com/weaviate/weaviate/entities/models"
	pb "github.com/weaviate/weaviate/grpc/generated/protocol/v1"

	"github.com/switchboardhq/switchboard/metrics"
)

// ClassName is the Weaviate collection holding every workspace's chunks, one
// tenant per workspace.
const ClassName = "KnowledgeChunk"

// chunkNamespace seeds the name-based UUIDs of chunk objects.
var chunkNamespace = uuid.MustParse("6f1d3c2a-8b4e-4f0a-9c7d-2e5b1a9f3d40")

// Store is the knowledge base in Weaviate.
type Store struct {
	client *weaviate.Client
	// search runs searches over gRPC (see search.go).
	search *searchClient
	// embedder, when set, gives chunks and queries vectors, and searches
	// are hybrid with weight alpha on the vectors.
	embedder Embedder
	alpha    float32
	// baseURL, apiKey and http read what the client's models lack (see
	// settle.go).
	baseURL string
	apiKey  string
	http    *http.Client
	// blockMax caches, per class, whether Weaviate searches it with
	// BlockMax WAND.
	blockMax sync.Map
}

// Hit is a chunk found by a search, with its score (BM25, or hybrid when the
// store has an embedder).
type Hit struct {
	Chunk
	Score float64
}

// maxIdleConns is how many connections to Weaviate stay open while idle.
const maxIdleConns = 32

// indexBatchSize is how many chunks one batch request writes.
const indexBatchSize = 100

// Config says how to reach Weaviate.
type Config struct {
	// URL is Weaviate's HTTP base URL (http://host:port): schema, writes and
	// deletes.
	URL string
	// GRPCAddress is Weaviate's gRPC host:port, which searches use; empty
	// means URL's host on Weaviate's default gRPC port, 50051.
	GRPCAddress string
	// APIKey authenticates to Weaviate when not empty.
	APIKey string
}

// DefaultGRPCPort is Weaviate's gRPC port unless configured otherwise.
const DefaultGRPCPort = "50051"

// NewStore connects to Weaviate. It does not wait for Weaviate to be ready.
func NewStore(cfg Config) (*Store, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("weaviate url: %w", err)
	}
	// Go's default transport keeps two idle connections per host: turns
	// searching at the same time would open a new one for nearly every
	// search.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = maxIdleConns
	transport.MaxIdleConnsPerHost = maxIdleConns
	hc := &http.Client{Timeout: 30 * time.Second, Transport: transport}
	wcfg := weaviate.Config{Host: u.Host, Scheme: u.Scheme, Timeout: 30 * time.Second, ConnectionClient: hc}
	if cfg.APIKey != "" {
		// What the client's auth.ApiKey sends, on our own connections.
		wcfg.Headers = map[string]string{"authorization": "Bearer " + cfg.APIKey}
	}
	c, err := weaviate.NewClient(wcfg)
	if err != nil {
		return nil, fmt.Errorf("weaviate client: %w", err)
	}
	addr := cfg.GRPCAddress
	if addr == "" {
		addr = net.JoinHostPort(u.Hostname(), DefaultGRPCPort)
	}
	search, err := newSearchClient(addr, u.Scheme == "https", cfg.APIKey)
	if err != nil {
		return nil, err
	}
	return &Store{client: c, search: search, baseURL: strings.TrimRight(cfg.URL, "/"), apiKey: cfg.APIKey, http: hc}, nil
}

// Close closes the store's gRPC connection; its HTTP connections close
// when idle.
func (s *Store) Close() error { return s.search.conn.Close() }

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

// EnsureSchema creates the chunk and issue-example collections if they do
// not exist, and adds the chunk properties later versions introduced to a
// collection created before them. Several processes may call it at once;
// losing the race is not an error.
func (s *Store) EnsureSchema(ctx context.Context) error {
	if err := s.ensureClass(ctx, chunkClass()); err != nil {
		return err
	}
	return s.dropLegacyExamples(ctx)
}

func textProperty(name string, searchable bool) *models.Property {
	tokenization := "word"
	if !searchable {
		tokenization = "field"
	}
	return &models.Property{
		Name: name, DataType: []string{"text"}, Tokenization: tokenization,
		IndexSearchable: &searchable,
	}
}

func chunkClass() *models.Class {
	yes := true
	return &models.Class{
		Class:       ClassName,
		Description: "Chunks of a workspace's content sources",
		Vectorizer:  "none",
		// A tenant made inactive (a content snapshot no rehearsal is
		// using) is activated by the search that needs it.
		MultiTenancyConfig: &models.MultiTenancyConfig{Enabled: true, AutoTenantActivation: true},
		Properties: []*models.Property{
			textProperty("sourceId", false),
			textProperty("title", true),
			{Name: "url", DataType: []string{"text"}, Tokenization: "word", IndexSearchable: new(bool)},
			textProperty("heading", true),
			textProperty("text", true),
			{Name: "chunkIndex", DataType: []string{"int"}},
			// Added after the first release: EnsureSchema adds them to an
			// existing collection. Chunks written before lack them, which the
			// audience filter treats as "everyone".
			{Name: "audienceChannels", DataType: []string{"text[]"}, Tokenization: "field", IndexSearchable: new(bool), IndexFilterable: &yes},
			{Name: "audienceTiers", DataType: []string{"text[]"}, Tokenization: "field", IndexSearchable: new(bool), IndexFilterable: &yes},
			{Name: "channelsRestricted", DataType: []string{"boolean"}, IndexFilterable: &yes},
			{Name: "tiersRestricted", DataType: []string{"boolean"}, IndexFilterable: &yes},
			textProperty("syncId", false),
			// Added later still: the chunk's words reduced by Stem, which
			// searches match ("orders" finds "order"). Chunks written before
			// lack them and are found by their words as written.
			textProperty("titleStems", true),
			textProperty("headingStems", true),
			textProperty("textStems", true),
		},
	}
}

// ensureClass creates class, or adds the properties it lacks.
func (s *Store) ensureClass(ctx context.Context, class *models.Class) error {
	exists, err := s.client.Schema().ClassExistenceChecker().WithClassName(class.Class).Do(ctx)
	if err != nil {
		return fmt.Errorf("check weaviate class %s: %w", class.Class, describe(err))
	}
	if !exists {
		err := s.client.Schema().ClassCreator().WithClass(class).Do(ctx)
		if err == nil {
			return nil
		}
		again, checkErr := s.client.Schema().ClassExistenceChecker().WithClassName(class.Class).Do(ctx)
		if checkErr != nil || !again {
			return fmt.Errorf("create weaviate class %s: %w", class.Class, describe(err))
		}
	}
	have, err := s.client.Schema().ClassGetter().WithClassName(class.Class).Do(ctx)
	if err != nil {
		return fmt.Errorf("read weaviate class %s: %w", class.Class, describe(err))
	}
	if want := class.MultiTenancyConfig; want != nil && want.AutoTenantActivation &&
		have.MultiTenancyConfig != nil && !have.MultiTenancyConfig.AutoTenantActivation {
		// A collection created before it activated tenants when searched.
		have.MultiTenancyConfig.AutoTenantActivation = true
		if err := s.client.Schema().ClassUpdater().WithClass(have).Do(ctx); err != nil {
			return fmt.Errorf("update weaviate class %s: %w", class.Class, describe(err))
		}
	}
	names := map[string]bool{}
	for _, p := range have.Properties {
		names[strings.ToLower(p.Name)] = true
	}
	for _, p := range class.Properties {
		if names[strings.ToLower(p.Name)] {
			continue
		}
		if err := s.client.Schema().PropertyCreator().WithClassName(class.Class).WithProperty(p).Do(ctx); err != nil {
			// Another process may have added it meanwhile.
			again, getErr := s.client.Schema().ClassGetter().WithClassName(class.Class).Do(ctx)
			if getErr == nil && hasProperty(again, p.Name) {
				continue
			}
			return fmt.Errorf("add property %s to weaviate class %s: %w", p.Name, class.Class, describe(err))
		}
	}
	return nil
}

func hasProperty(c *models.Class, name string) bool {
	for _, p := range c.Properties {
		if strings.EqualFold(p.Name, name) {
			return true
		}
	}
	return false
}

// EnsureTenant creates the workspace's tenant in the chunk collection if it
// does not exist.
func (s *Store) EnsureTenant(ctx context.Context, workspaceID string) error {
	return s.ensureTenant(ctx, ClassName, workspaceID)
}

func (s *Store) ensureTenant(ctx context.Context, class, workspaceID string) error {
	exists, err := s.client.Schema().TenantsExists().WithClassName(class).WithTenant(workspaceID).Do(ctx)
	if err == nil && exists {
		return nil
	}
	err = s.client.Schema().TenantsCreator().WithClassName(class).
		WithTenants(models.Tenant{Name: workspaceID}).Do(ctx)
	if err != nil {
		if again, checkErr := s.client.Schema().TenantsExists().WithClassName(class).WithTenant(workspaceID).Do(ctx); checkErr == nil && again {
			return nil
		}
		return fmt.Errorf("create weaviate tenant: %w", describe(err))
	}
	return nil
}

// DeleteTenant deletes the workspace's tenant, with every chunk in it, from
// the chunk collection. A tenant that does not exist is no error.
func (s *Store) DeleteTenant(ctx context.Context, workspaceID string) error {
	exists, err := s.client.Schema().TenantsExists().WithClassName(ClassName).WithTenant(workspaceID).Do(ctx)
	if err != nil {
		return fmt.Errorf("check weaviate tenant: %w", describe(err))
	}
	if !exists {
		return nil
	}
	if err := s.client.Schema().TenantsDeleter().WithClassName(ClassName).WithTenants(workspaceID).Do(ctx); err != nil {
		return fmt.Errorf("delete weaviate tenant: %w", describe(err))
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
	return s.IndexSource(ctx, workspaceID, sourceID, chunks, nil)
}

// DeleteSource deletes every chunk of the source.
func (s *Store) DeleteSource(ctx context.Context, workspaceID, sourceID string) error {
	return s.IndexSource(ctx, workspaceID, sourceID, nil, nil)
}

// IndexSource is ReplaceSource in batches: progress (may be nil) is called
// after each batch with the number of chunks written so far, and its error
// stops the indexing. Each call marks the chunks it writes with a new sync
// ID; once all are written, the source's chunks with another sync ID (or
// none: chunks written by older versions) are deleted. Until then searches
// find the old chunks, so a sync that fails half way loses nothing.
func (s *Store) IndexSource(ctx context.Context, workspaceID, sourceID string, chunks []Chunk, progress func(done int) error) error {
	if err := s.EnsureTenant(ctx, workspaceID); err != nil {
		return err
	}
	syncID := uuid.NewString()
	for start := 0; start < len(chunks); start += indexBatchSize {
		batch := chunks[start:min(start+indexBatchSize, len(chunks))]
		if err := s.writeChunks(ctx, workspaceID, sourceID, syncID, batch); err != nil {
			return err
		}
		if progress != nil {
			if err := progress(start + len(batch)); err != nil {
				return err
			}
		}
	}
	stale := filters.Where().WithOperator(filters.And).WithOperands([]*filters.WhereBuilder{
		filters.Where().WithPath([]string{"sourceId"}).WithOperator(filters.Equal).WithValueText(sourceID),
		filters.Where().WithOperator(filters.Not).WithOperands([]*filters.WhereBuilder{
			filters.Where().WithPath([]string{"syncId"}).WithOperator(filters.Equal).WithValueText(syncID),
		}),
	})
	if err := s.deleteWhere(ctx, ClassName, workspaceID, stale); err != nil {
		return err
	}
	return s.settle(ctx, ClassName, workspaceID)
}

func (s *Store) writeChunks(ctx context.Context, workspaceID, sourceID, syncID string, chunks []Chunk) error {
	var vectors [][]float32
	if s.embedder != nil {
		texts := make([]string, len(chunks))
		for i, c := range chunks {
			texts[i] = strings.TrimSpace(c.Title + "\n" + c.Heading + "\n" + c.Text)
		}
		var err error
		if vectors, err = s.embedder.Embed(ctx, texts); err != nil {
			return fmt.Errorf("embed chunks: %w", err)
		}
		if len(vectors) != len(chunks) {
			return fmt.Errorf("embed chunks: %d vectors for %d texts", len(vectors), len(chunks))
		}
	}
	batch := s.client.Batch().ObjectsBatcher()
	for i, c := range chunks {
		channels, tiers := normalizeAll(c.Audience.Channels), normalizeAll(c.Audience.Tiers)
		obj := &models.Object{
			Class:  ClassName,
			ID:     strfmt.UUID(ChunkID(c)),
			Tenant: workspaceID,
			Properties: map[string]any{
				"sourceId": sourceID, "title": c.Title, "url": c.URL,
				"heading": c.Heading, "text": c.Text, "chunkIndex": c.Index,
				"audienceChannels": channels, "audienceTiers": tiers,
				"channelsRestricted": len(channels) > 0, "tiersRestricted": len(tiers) > 0,
				"titleStems": chunkStems(c.Title), "headingStems": chunkStems(c.Heading), "textStems": chunkStems(c.Text),
				"syncId": syncID,
			},
		}
		if vectors != nil {
			obj.Vector = vectors[i]
		}
		batch.WithObjects(obj)
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
	return nil
}

// deleteWhere deletes the tenant's objects of class matching where, in as
// many rounds as Weaviate's per-request limit needs.
func (s *Store) deleteWhere(ctx context.Context, class, workspaceID string, where *filters.WhereBuilder) error {
	for round := 0; round < 1000; round++ {
		resp, err := s.client.Batch().ObjectsBatchDeleter().WithClassName(class).WithTenant(workspaceID).
			WithWhere(where).Do(ctx)
		if err != nil {
			return fmt.Errorf("delete %s objects: %w", class, describe(err))
		}
		r := resp.Results
		if r == nil || r.Failed > 0 {
			if r != nil && len(r.Objects) > 0 && r.Objects[0].Errors != nil && len(r.Objects[0].Errors.Error) > 0 {
				return fmt.Errorf("delete %s objects: %s", class, r.Objects[0].Errors.Error[0].Message)
			}
			return fmt.Errorf("delete %s objects: some failed", class)
		}
		if r.Limit == 0 || r.Matches < r.Limit || r.Successful == 0 {
			return nil
		}
	}
	return fmt.Errorf("delete %s objects: too many rounds", class)
}

// Search runs a BM25 search (hybrid with an embedder) over every chunk of
// the workspace, whatever its audience.
func (s *Store) Search(ctx context.Context, workspaceID, query string, limit int) ([]Hit, error) {
	return s.SearchWith(ctx, SearchRequest{WorkspaceID: workspaceID, Query: query, Limit: limit})
}

// SearchRequest is a search of a workspace's chunks.
type SearchRequest struct {
	WorkspaceID string
	Query       string
	Limit       int
	// Reader, when set, keeps only the chunks of sources whose audience
	// includes the reader's channel and tier.
	Reader *Reader
	// ReaderFrom, set instead of Reader, waits for who the answer is for
	// while it is being found out (a customer's tier read from the
	// database). A BM25 search runs meanwhile and keeps its hits when that
	// reader may read them all; a hybrid search waits for it.
	ReaderFrom func() (Reader, error)
	// Snapshot, when set, is the ID of the content snapshot searched
	// instead of the workspace's current chunks (a rehearsal's).
	Snapshot string
}

// Reader is who an answer is for: the conversation's channel type ("chat",
// "email", …) and the contact's tier; "" when unknown. A source restricted
// to some channels (tiers) is never shown to a reader whose channel (tier)
// is unknown.
type Reader struct {
	Channel string
	Tier    string
}

// SearchWith runs a search: BM25 over titles, headings and text, or hybrid
// (BM25 and vectors) when the store has an embedder.
//
// A BM25 search for a reader first runs without the audience filter and
// reads each hit's audience: when the reader may see every hit, they are
// the filtered search's hits too, since a BM25 score does not depend on the
// filter (term statistics are the whole tenant's). Only otherwise does the
// filtered search run. Most knowledge bases restrict little or nothing, and
// Weaviate spends about a fifth of a search on the filter. A hybrid search
// always filters: its fused scores are normalised over the candidates the
// filter leaves. With ReaderFrom, the unfiltered BM25 search runs while the
// reader is found out, and only its check waits for it.
func (s *Store) SearchWith(ctx context.Context, req SearchRequest) ([]Hit, error) {
	start := time.Now()
	hits, err := s.searchWith(ctx, req)
	metrics.Retrieval(err, time.Since(start))
	return hits, err
}

func (s *Store) searchWith(ctx context.Context, req SearchRequest) ([]Hit, error) {
	search, err := s.searchRequest(ctx, req)
	if search == nil || err != nil {
		return nil, err
	}
	reader := req.Reader
	readerFound := func() error {
		if req.ReaderFrom == nil {
			return nil
		}
		r, err := req.ReaderFrom()
		reader = &r
		return err
	}
	if search.HybridSearch != nil || (reader == nil && req.ReaderFrom == nil) {
		if err := readerFound(); err != nil {
			return nil, err
		}
		return s.searchFiltered(ctx, search, reader)
	}
	search.Properties, _ = properties(slices.Concat(hitProperties, audienceProperties)...)
	results, err := s.runWidened(ctx, search)
	if err != nil {
		return nil, err
	}
	if err := readerFound(); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(results, func(r *pb.SearchResult) bool { return !reader.mayRead(r) }) {
		return toHits(results), nil
	}
	search.Properties, _ = properties(hitProperties...)
	return s.searchFiltered(ctx, search, reader)
}

// hitProperties are the chunk properties a Hit carries.
var hitProperties = []string{"sourceId", "title", "url", "heading", "text", "chunkIndex"}

// searchRequest is the search for req, without the audience filter; nil
// when the query has nothing to search for.
func (s *Store) searchRequest(ctx context.Context, req SearchRequest) (*pb.SearchRequest, error) {
	q := searchTerms(queryTerms(req.Query))
	if q == "" {
		return nil, nil
	}
	limit := req.Limit
	if limit <= 0 {
		limit = 5
	}
	tenant := req.WorkspaceID
	if req.Snapshot != "" {
		tenant = SnapshotTenant(req.Snapshot)
	}
	search := &pb.SearchRequest{Collection: ClassName, Tenant: tenant, Limit: uint32(limit)}
	search.Properties, search.Metadata = properties(hitProperties...)
	if s.embedder != nil {
		vectors, err := s.embedder.Embed(ctx, []string{req.Query})
		if err != nil {
			return nil, fmt.Errorf("embed query: %w", err)
		}
		if len(vectors) != 1 {
			return nil, fmt.Errorf("embed query: %d vectors for 1 text", len(vectors))
		}
		//lint:ignore SA1019 Vector is what every server version reads for one unnamed vector
		search.HybridSearch = &pb.Hybrid{Query: q, Vector: vectors[0], Alpha: s.alpha, Properties: searchProperties}
	} else {
		search.Bm25Search = &pb.BM25{Query: q, Properties: searchProperties}
	}
	return search, nil
}

// searchFiltered runs search keeping only the chunks reader may read (all
// of them for a nil reader).
func (s *Store) searchFiltered(ctx context.Context, search *pb.SearchRequest, reader *Reader) ([]Hit, error) {
	if reader != nil {
		search.Filters = audienceFilter(*reader)
	}
	results, err := s.runWidened(ctx, search)
	if err != nil {
		return nil, err
	}
	return toHits(results), nil
}

// runWidened runs search, and a BM25 search once more with the synonyms of
// the words its hits do not hold (widen), when there are any; search is
// left widened, for a filtered search after it.
func (s *Store) runWidened(ctx context.Context, search *pb.SearchRequest) ([]*pb.SearchResult, error) {
	results, err := s.search.run(ctx, search)
	if err == nil && widen(search, results) {
		results, err = s.search.run(ctx, search)
	}
	if err != nil {
		return nil, fmt.Errorf("search chunks: %w", err)
	}
	return results, nil
}

func toHits(results []*pb.SearchResult) []Hit {
	hits := make([]Hit, len(results))
	for i, r := range results {
		hits[i] = Hit{Chunk: Chunk{
			SourceID: textProp(r, "sourceId"), Title: textProp(r, "title"), URL: textProp(r, "url"),
			Heading: textProp(r, "heading"), Text: textProp(r, "text"), Index: intProp(r, "chunkIndex"),
		}, Score: float64(r.GetMetadata().GetScore())}
	}
	return hits
}

// normalize is how audience values are stored and compared: lower case,
// letters, digits, "-" and "_" only.
func normalize(v string) string {
	return strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return -1
	}, v)
}

func normalizeAll(vs []string) []string {
	out := []string{}
	for _, v := range vs {
		if n := normalize(v); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// noTenant reports the errors of a search in a tenant that does not exist
// yet: nothing was indexed for the workspace.
func noTenant(msg string) bool {
	return strings.Contains(msg, "tenant not found") || strings.Contains(msg, "has multi-tenancy enabled, but request was without tenant")
}

// searchTerms keeps the letters and digits of a query: what BM25 matches.
func searchTerms(q string) string {
	f := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// describe unwraps a Weaviate client error into its status and message.
func describe(err error) error {
	var w *fault.WeaviateClientError
	if errors.As(err, &w) {
		return fmt.Errorf("weaviate status %d: %s", w.StatusCode, w.Msg)
	}
	return err
}
