package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/embedding"
	"github.com/switchboardhq/switchboard/fetch"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/workflows"
)

// Logger returns the process's logger at the configured level.
func Logger(cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// deps are the connections every command shares.
type deps struct {
	cfg       config.Config
	log       *slog.Logger
	db        *gorm.DB
	temporal  client.Client
	knowledge *knowledge.Store
}

func (d *deps) close() {
	if d.temporal != nil {
		d.temporal.Close()
	}
	if d.knowledge != nil {
		d.knowledge.Close()
	}
	if d.db != nil {
		if sqlDB, err := d.db.DB(); err == nil {
			sqlDB.Close()
		}
	}
}

// connect opens the database, Temporal and Weaviate. Temporal is dialled
// lazily: the server starts even while Temporal is down, and /healthz says so.
func connect(cfg config.Config, log *slog.Logger) (*deps, error) {
	d := &deps{cfg: cfg, log: log}
	var err error
	if d.db, err = models.Open(cfg.EffectiveDatabaseURL()); err != nil {
		return nil, err
	}
	d.temporal, err = client.NewLazyClient(client.Options{
		HostPort:  cfg.TemporalAddress,
		Namespace: cfg.TemporalNamespace,
		Logger:    tlog.NewStructuredLogger(log.With("component", "temporal")),
	})
	if err != nil {
		d.close()
		return nil, fmt.Errorf("temporal client: %w", err)
	}
	if d.knowledge, err = knowledgeStore(cfg); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// knowledgeStore connects to Weaviate, with the embedder when one is
// configured.
func knowledgeStore(cfg config.Config) (*knowledge.Store, error) {
	store, err := knowledge.NewStore(knowledge.Config{
		URL: cfg.WeaviateURL, GRPCAddress: cfg.WeaviateGRPCAddress, APIKey: cfg.WeaviateAPIKey,
	})
	if err != nil {
		return nil, err
	}
	if cfg.EmbeddingsBaseURL != "" {
		// Hybrid search: chunks and queries get vectors from the embedder.
		store.WithEmbedder(embedding.NewOpenAI(cfg.EmbeddingsBaseURL, cfg.EmbeddingsAPIKey, cfg.EmbeddingsModel, cfg.LLMTimeout), cfg.HybridAlpha)
	}
	return store, nil
}

func (d *deps) activities() *activities.Activities {
	a := &activities.Activities{DB: d.db, Knowledge: d.knowledge, Generator: answer.Extractive{}}
	if d.cfg.LLMBaseURL != "" {
		a.Generator = answer.NewOpenAI(d.cfg.LLMBaseURL, d.cfg.LLMAPIKey, d.cfg.LLMModel, d.cfg.LLMTimeout)
		a.IssueRefiner = issuetypes.NewOpenAIRefiner(d.cfg.LLMBaseURL, d.cfg.LLMAPIKey, d.cfg.LLMModel, d.cfg.LLMTimeout)
	}
	return a
}

// sources are the content-source sync activities, with the configured
// fetch limits.
func (d *deps) sources() *activities.Sources {
	return &activities.Sources{
		DB: d.db, Knowledge: d.knowledge,
		Fetcher: fetch.New(fetch.Options{
			Timeout: d.cfg.FetchTimeout, MaxBytes: d.cfg.SourceMaxBytes, AllowPrivate: d.cfg.FetchPrivate,
		}),
	}
}

func (d *deps) server() *server.Server {
	srv := &server.Server{
		DB: d.db, Temporal: d.temporal, Knowledge: d.knowledge,
		TaskQueue: d.cfg.TaskQueue, MaxBodyBytes: d.cfg.MaxBodyBytes, Log: d.log,
		UploadMaxBytes: d.cfg.SourceMaxBytes,
	}
	// Reps' suggested replies and the issue-type classifier use the agent's
	// model (extractive and offline when nil).
	if d.cfg.LLMBaseURL != "" {
		srv.Generator = answer.NewOpenAI(d.cfg.LLMBaseURL, d.cfg.LLMAPIKey, d.cfg.LLMModel, d.cfg.LLMTimeout)
		srv.IssueRefiner = issuetypes.NewOpenAIRefiner(d.cfg.LLMBaseURL, d.cfg.LLMAPIKey, d.cfg.LLMModel, d.cfg.LLMTimeout)
	}
	return srv
}

// prepare makes every store ready for the product: it migrates the
// database, creates the Weaviate collections and registers the search
// attributes in the Temporal namespace (waiting up to temporalWait for
// Temporal to answer). Each step is idempotent.
func (d *deps) prepare(ctx context.Context, temporalWait time.Duration) error {
	if err := models.Migrate(d.db); err != nil {
		return err
	}
	if err := d.knowledge.EnsureSchema(ctx); err != nil {
		return err
	}
	if err := waitForTemporal(ctx, d.temporal, temporalWait); err != nil {
		return err
	}
	return RegisterSearchAttributes(ctx, d.temporal, d.cfg.TemporalNamespace)
}

// waitForTemporal waits until the Temporal frontend answers health checks.
func waitForTemporal(ctx context.Context, c client.Client, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("temporal did not answer: %w", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// RegisterSearchAttributes adds the conversation's custom search attributes
// to the namespace, skipping those already there.
func RegisterSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for _, sa := range workflows.SearchAttributes() {
		if _, ok := have.GetCustomAttributes()[sa.Name]; ok {
			continue
		}
		t := enumspb.INDEXED_VALUE_TYPE_KEYWORD
		if sa.Type == "Bool" {
			t = enumspb.INDEXED_VALUE_TYPE_BOOL
		}
		missing[sa.Name] = t
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	})
	if err != nil {
		return fmt.Errorf("add search attributes: %w", err)
	}
	return nil
}

// searchAttributeFlags maps names to the Temporal CLI's type names.
func searchAttributeFlags() map[string]string {
	m := map[string]string{}
	for _, sa := range workflows.SearchAttributes() {
		m[sa.Name] = sa.Type
	}
	return m
}
