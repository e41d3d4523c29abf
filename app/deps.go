package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/codec"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/embedding"
	"github.com/switchboardhq/switchboard/fetch"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rehearse"
	"github.com/switchboardhq/switchboard/replystream"
	"github.com/switchboardhq/switchboard/sealed"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/workflows"
)

// Deps are the connections every command shares, and the activities built on
// them: the product's commands here, and the bench and the evaluation
// (package bench), which measure what the product runs.
type Deps struct {
	cfg       config.Config
	log       *slog.Logger
	DB        *gorm.DB
	Temporal  client.Client
	Knowledge *knowledge.Store
	// Codec encrypts what Temporal stores, when keys are configured (nil
	// otherwise).
	Codec *codec.Codec
	// Secrets seals the secrets stored in the database (nil when no key is
	// configured).
	Secrets *sealed.Box
	// Replies carries replies, as the model writes them, from the worker
	// to the API: through PostgreSQL's NOTIFY, or in memory on SQLite,
	// where the API and the worker share a process (make dev).
	Replies *replystream.Hub
	// stop ends what Connect started in the background.
	stop context.CancelFunc
}

// Close closes the connections.
func (d *Deps) Close() {
	if d.stop != nil {
		d.stop()
	}
	if d.Temporal != nil {
		d.Temporal.Close()
	}
	if d.Knowledge != nil {
		d.Knowledge.Close()
	}
	if d.DB != nil {
		if sqlDB, err := d.DB.DB(); err == nil {
			sqlDB.Close()
		}
	}
}

// Connect opens the database, Temporal and Weaviate. Temporal is dialled
// lazily: the server starts even while Temporal is down, and /healthz says so.
func Connect(cfg config.Config, log *slog.Logger) (*Deps, error) {
	d := &Deps{cfg: cfg, log: log}
	var err error
	if d.DB, err = models.Open(cfg.EffectiveDatabaseURL()); err != nil {
		return nil, err
	}
	d.DB.Logger = gormLogger(cfg, log)
	var background context.Context
	background, d.stop = context.WithCancel(context.Background())
	switch kind, dsn, _ := config.ParseDatabaseURL(cfg.EffectiveDatabaseURL()); kind {
	case config.DatabasePostgres:
		d.Replies = replystream.Postgres(background, d.DB, dsn, log)
	default:
		d.Replies = replystream.Local()
	}
	opts := client.Options{
		HostPort:  cfg.TemporalAddress,
		Namespace: cfg.TemporalNamespace,
		Logger:    tlog.NewStructuredLogger(log.With("component", "temporal")),
	}
	if err := secureTemporal(cfg, &opts); err != nil {
		d.Close()
		return nil, err
	}
	if d.Codec, err = HistoryCodec(cfg); err != nil {
		d.Close()
		return nil, err
	}
	if d.Codec != nil {
		// The server, the worker built on this client, dev and migrate all
		// encrypt: a history written by one is read by the others.
		d.Codec.Configure(&opts)
		log.Info("temporal payloads encrypted", "key_id", d.Codec.KeyID())
	}
	if d.Secrets, err = SecretsBox(cfg); err != nil {
		d.Close()
		return nil, err
	}
	d.Temporal, err = client.NewLazyClient(opts)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("temporal client: %w", err)
	}
	if d.Knowledge, err = KnowledgeStore(cfg); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// HistoryCodec is the payload codec of SWITCHBOARD_CODEC_KEYS, or nil when
// no key is configured (histories in plain text).
func HistoryCodec(cfg config.Config) (*codec.Codec, error) {
	if len(cfg.CodecKeys) == 0 {
		return nil, nil
	}
	keys := map[string][]byte{}
	for _, k := range cfg.CodecKeys {
		keys[k.ID] = k.Secret
	}
	c, err := codec.New(cfg.CurrentCodecKeyID(), keys)
	if err != nil {
		return nil, fmt.Errorf("SWITCHBOARD_CODEC_KEYS: %w", err)
	}
	return c, nil
}

// SecretsBox seals the secrets stored in the database with
// SWITCHBOARD_SECRETS_KEYS; nil when no key is configured.
func SecretsBox(cfg config.Config) (*sealed.Box, error) {
	if len(cfg.SecretsKeys) == 0 {
		return nil, nil
	}
	keys := map[string][]byte{}
	for _, k := range cfg.SecretsKeys {
		keys[k.ID] = k.Secret
	}
	current := cfg.SecretsKeyID
	if current == "" && len(cfg.SecretsKeys) == 1 {
		current = cfg.SecretsKeys[0].ID
	}
	b, err := sealed.New(current, keys)
	if err != nil {
		return nil, fmt.Errorf("SWITCHBOARD_SECRETS_KEYS: %w", err)
	}
	return b, nil
}

// KnowledgeStore connects to Weaviate, with the embedder when one is
// configured.
func KnowledgeStore(cfg config.Config) (*knowledge.Store, error) {
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

// Activities are the conversation activities as the worker registers them,
// with the configured generator.
func (d *Deps) Activities() *activities.Activities {
	a := &activities.Activities{DB: d.DB, Knowledge: d.Knowledge, Generator: answer.Extractive{},
		Secrets: d.Secrets, ActionsAllowPrivate: d.cfg.FetchPrivate, Replies: d.Replies}
	if d.cfg.LLMBaseURL != "" {
		a.Generator = answer.NewOpenAI(d.cfg.LLMBaseURL, d.cfg.LLMAPIKey, d.cfg.LLMModel, d.cfg.LLMTimeout)
		a.IssueRefiner = issuetypes.NewOpenAIRefiner(d.cfg.LLMBaseURL, d.cfg.LLMAPIKey, d.cfg.LLMModel, d.cfg.LLMTimeout)
		// The same model runs the turn, calling tools.
		a.Agent = a.Generator.(*answer.OpenAI)
	}
	return a
}

// WarmIssueTypeModels trains the issue-type models of the workspaces with
// issue types, the most recently active first, so that the first customers
// after a worker starts do not wait for training (see
// issuetypes.ModelCache.Warm). Run it in the background.
func (d *Deps) WarmIssueTypeModels(ctx context.Context) {
	start := time.Now()
	n, err := issuetypes.WarmModels(ctx, d.DB)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("issue type models not trained ahead; each trains on its first classification", "error", err)
		}
		return
	}
	if n > 0 {
		d.log.Info("issue type models trained ahead", "workspaces", n, "took", time.Since(start).Round(time.Millisecond))
	}
}

// Simulator is the rehearsals' simulated customers, played by the
// configured language model (none: they fail for good).
func (d *Deps) Simulator() *activities.Simulator {
	s := &activities.Simulator{DB: d.DB}
	if d.cfg.LLMBaseURL != "" {
		s.Customer = rehearse.NewOpenAICustomer(d.cfg.LLMBaseURL, d.cfg.LLMAPIKey, d.cfg.LLMModel, d.cfg.LLMTimeout)
	}
	return s
}

// Sources are the content-source sync activities, with the configured
// fetch limits.
func (d *Deps) Sources() *activities.Sources {
	return &activities.Sources{
		DB: d.DB, Knowledge: d.Knowledge,
		Fetcher: fetch.New(fetch.Options{
			Timeout: d.cfg.FetchTimeout, MaxBytes: d.cfg.SourceMaxBytes, AllowPrivate: d.cfg.FetchPrivate,
		}),
	}
}

func (d *Deps) server() *server.Server {
	srv := &server.Server{
		DB: d.DB, Temporal: d.Temporal, Knowledge: d.Knowledge,
		TaskQueue: d.cfg.TaskQueue, MaxBodyBytes: d.cfg.MaxBodyBytes, Log: d.log,
		UploadMaxBytes: d.cfg.SourceMaxBytes, Limits: d.cfg.Limits, WidgetOrigins: d.cfg.Ops.WidgetOrigins,
		Secrets: d.Secrets, ActionsAllowPrivate: d.cfg.FetchPrivate, Replies: d.Replies,
	}
	if d.Codec != nil {
		srv.Codec = codec.NewServer(d.Codec, codec.ServerOptions{AllowOrigins: d.cfg.CodecOrigins})
	}
	// Reps' suggested replies and the issue-type classifier use the agent's
	// model (extractive and offline when nil).
	if d.cfg.LLMBaseURL != "" {
		srv.Generator = answer.NewOpenAI(d.cfg.LLMBaseURL, d.cfg.LLMAPIKey, d.cfg.LLMModel, d.cfg.LLMTimeout)
		srv.IssueRefiner = issuetypes.NewOpenAIRefiner(d.cfg.LLMBaseURL, d.cfg.LLMAPIKey, d.cfg.LLMModel, d.cfg.LLMTimeout)
		srv.SimulatedCustomers = true
	}
	return srv
}

// Prepare makes every store ready for the product: it migrates the
// database, creates the Weaviate collections and registers the search
// attributes in the Temporal namespace (waiting up to temporalWait for
// Temporal to answer). Each step is idempotent.
func (d *Deps) Prepare(ctx context.Context, temporalWait time.Duration) error {
	if err := models.Migrate(d.DB); err != nil {
		return err
	}
	if err := d.Knowledge.EnsureSchema(ctx); err != nil {
		return err
	}
	if d.cfg.Ops.SkipSearchAttributes {
		// Temporal Cloud manages a namespace's search attributes through
		// its own API (tcld or the Cloud UI), not the operator service.
		d.log.Info("search attributes not registered (SWITCHBOARD_SKIP_SEARCH_ATTRIBUTES): the namespace must have them",
			"namespace", d.cfg.TemporalNamespace, "attributes", searchAttributeFlags())
		return nil
	}
	if err := waitForTemporal(ctx, d.Temporal, temporalWait); err != nil {
		return err
	}
	return RegisterSearchAttributes(ctx, d.Temporal, d.cfg.TemporalNamespace)
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
