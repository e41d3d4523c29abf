package bench

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/app"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/internal/clinc150"
	"github.com/switchboardhq/switchboard/knowledge"
)

// DefaultCLINC150Path is the CLINC150 data set kept in the repository,
// from its root (where make bench-retrieval runs).
const DefaultCLINC150Path = clinc150.RepoPath

// RetrievalOptions configure RunRetrieval.
type RetrievalOptions struct {
	// Chunks is how many chunks to index before measuring searches.
	Chunks int
	// PerSource is how many chunks each source has: each source is indexed
	// by one call of the store's IndexSource, as one sync does.
	PerSource int
	// Queries is how many searches to measure, after Warmup unmeasured ones.
	Queries int
	Warmup  int
	// Data is the CLINC150 data_full.json the chunks and queries are made of.
	Data string
	// JSON prints the report as JSON instead of text.
	JSON bool
}

// DefaultRetrievalOptions are the options of a plain
// `switchboard bench retrieval`.
func DefaultRetrievalOptions() RetrievalOptions {
	return RetrievalOptions{Chunks: 10000, PerSource: 100, Queries: 1000, Warmup: 50, Data: DefaultCLINC150Path}
}

// ParseRetrievalFlags parses the flags of `switchboard bench retrieval`.
func ParseRetrievalFlags(args []string, errOut io.Writer) (RetrievalOptions, error) {
	opts := DefaultRetrievalOptions()
	fs := flag.NewFlagSet("bench retrieval", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&opts.Chunks, "chunks", opts.Chunks, "chunks to index")
	fs.IntVar(&opts.PerSource, "per-source", opts.PerSource, "chunks per source (one IndexSource call each)")
	fs.IntVar(&opts.Queries, "queries", opts.Queries, "measured searches")
	fs.IntVar(&opts.Warmup, "warmup", opts.Warmup, "unmeasured searches before measuring")
	fs.StringVar(&opts.Data, "data", opts.Data, "CLINC150 data_full.json: the text of chunks and queries")
	fs.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("bench retrieval: unexpected argument %q", fs.Arg(0))
	}
	return opts, opts.validate()
}

func (o RetrievalOptions) validate() error {
	switch {
	case o.Chunks < 1 || o.Chunks > 1_000_000:
		return fmt.Errorf("-chunks: %d is not between 1 and 1000000", o.Chunks)
	case o.PerSource < 1 || o.PerSource > 10_000:
		return fmt.Errorf("-per-source: %d is not between 1 and 10000", o.PerSource)
	case o.Queries < 1:
		return fmt.Errorf("-queries: must be at least 1")
	case o.Warmup < 0:
		return fmt.Errorf("-warmup: must not be negative")
	case o.Data == "":
		return fmt.Errorf("-data: give the path of CLINC150's data_full.json")
	}
	return nil
}

// RetrievalReport is what `switchboard bench retrieval` measured.
type RetrievalReport struct {
	WeaviateURL string `json:"weaviate_url"`
	// Search is "BM25", or "hybrid" with the embedding model and alpha.
	Search  string `json:"search"`
	Chunks  int    `json:"chunks"`
	Sources int    `json:"sources"`
	// MeanChunkChars is the chunks' mean length in characters.
	MeanChunkChars float64 `json:"mean_chunk_chars"`
	// IngestMs is the wall time of indexing every source, one after
	// another; ChunksPerSecond is Chunks divided by it.
	IngestMs        float64 `json:"ingest_ms"`
	ChunksPerSecond float64 `json:"chunks_per_second"`
	// Search latency of Retrieve, as a conversation's turn calls it.
	Retrieve LatencySummary `json:"retrieve"`
	// Empty counts measured searches that found nothing.
	Empty int `json:"empty"`
}

// RunRetrieval indexes opts.Chunks chunks of real text (CLINC150's
// train and val utterances, six of one intent to a passage) into a new
// tenant of the configured Weaviate through the store's IndexSource (the
// call the IndexSource activity makes), measuring throughput; then it
// measures the latency of the Retrieve activity, as a conversation's turn
// calls it, on CLINC150's test utterances; then it deletes the tenant. It
// needs only Weaviate (and the embeddings API, when one is configured).
func RunRetrieval(ctx context.Context, cfg config.Config, out io.Writer, opts RetrievalOptions) error {
	if err := opts.validate(); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	raw, err := clinc150.Read(opts.Data)
	if err != nil {
		return fmt.Errorf("-data: %w (CLINC150's data_full.json, or .json.gz)", err)
	}
	sources, queries, err := benchCorpus(raw, opts.Chunks, opts.PerSource)
	if err != nil {
		return fmt.Errorf("-data: %s: %w", opts.Data, err)
	}
	store, err := app.KnowledgeStore(cfg)
	if err != nil {
		return err
	}
	if err := store.Ready(ctx); err != nil {
		return err
	}
	if err := store.EnsureSchema(ctx); err != nil {
		return err
	}
	report := RetrievalReport{WeaviateURL: cfg.WeaviateURL, Search: "BM25", Sources: len(sources)}
	if cfg.EmbeddingsBaseURL != "" {
		report.Search = fmt.Sprintf("hybrid (%s, alpha %g)", cfg.EmbeddingsModel, cfg.HybridAlpha)
	}
	chars := 0
	for _, src := range sources {
		for _, c := range src {
			report.Chunks++
			chars += utf8.RuneCountInString(c.Text)
		}
	}
	report.MeanChunkChars = float64(chars) / float64(report.Chunks)

	workspaceID := "bench-" + uuid.NewString()
	defer func() {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_ = store.DeleteTenant(cleanup, workspaceID)
	}()
	if !opts.JSON {
		fmt.Fprintf(out, "indexing %d chunks in %d sources …\n", report.Chunks, report.Sources)
	}
	start := time.Now()
	for _, src := range sources {
		if err := store.IndexSource(ctx, workspaceID, src[0].SourceID, src, nil); err != nil {
			return err
		}
	}
	ingest := time.Since(start)
	report.IngestMs = ms(ingest)
	report.ChunksPerSecond = float64(report.Chunks) / ingest.Seconds()

	if !opts.JSON {
		fmt.Fprintf(out, "searching %d times …\n", opts.Queries)
	}
	acts := &activities.Activities{Knowledge: store}
	search := func(q string) (int, error) {
		res, err := acts.Retrieve(ctx, activities.RetrieveInput{
			WorkspaceID: workspaceID, Query: q, Limit: retrievalEvalLimit, Channel: "chat", Tier: "standard",
		})
		return len(res.Passages), err
	}
	for i := range opts.Warmup {
		if _, err := search(queries[len(queries)-1-i%len(queries)]); err != nil {
			return err
		}
	}
	latencies := make([]time.Duration, opts.Queries)
	start = time.Now()
	for i := range latencies {
		t0 := time.Now()
		n, err := search(queries[i%len(queries)])
		latencies[i] = time.Since(t0)
		if err != nil {
			return err
		}
		report.Empty += btoi(n == 0)
	}
	report.Retrieve = summarize(latencies, time.Since(start))

	if opts.JSON {
		return writeJSON(out, report)
	}
	fmt.Fprintf(out, "\nSwitchboard bench retrieval: Weaviate %s, search: %s\n", report.WeaviateURL, report.Search)
	fmt.Fprintf(out, "%d chunks (CLINC150 utterances, six to a passage, %.0f characters on average) in %d sources\n\n",
		report.Chunks, report.MeanChunkChars, report.Sources)
	fmt.Fprintf(out, "ingestion  %.1f s, %.0f chunks/s (store IndexSource, one source after another)\n",
		report.IngestMs/1000, report.ChunksPerSecond)
	fmt.Fprintf(out, "retrieval  p50 %.2f ms, p95 %.2f ms, max %.1f ms, %.0f searches/s (%d searches, top %d, %d found nothing)\n",
		report.Retrieve.P50Ms, report.Retrieve.P95Ms, report.Retrieve.MaxMs, report.Retrieve.PerSecond,
		report.Retrieve.Count, retrievalEvalLimit, report.Empty)
	return nil
}

// passageSize is how many utterances make one bench chunk.
const passageSize = 6

// benchCorpus builds n chunks from CLINC150's data_full.json: each chunk is
// passageSize utterances of one intent drawn from its train and val
// splits (so an utterance appears in about n·6/18,000 chunks, each time in
// other company), its heading the intent's name; chunks of an intent are
// consecutive and perSource of them make a source, titled after its first
// intent. The queries are the test split's utterances, shuffled. The same
// input gives the same corpus.
func benchCorpus(raw []byte, n, perSource int) ([][]knowledge.Chunk, []string, error) {
	var data map[string][][]string
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, nil, fmt.Errorf("not CLINC150's data_full.json: %w", err)
	}
	pool := map[string][]string{}
	for _, split := range []string{"train", "val"} {
		for _, e := range data[split] {
			if len(e) == 2 {
				pool[e[1]] = append(pool[e[1]], e[0])
			}
		}
	}
	var queries []string
	for _, e := range data["test"] {
		if len(e) == 2 {
			queries = append(queries, e[0])
		}
	}
	if len(pool) == 0 || len(queries) == 0 {
		return nil, nil, fmt.Errorf("no train, val or test utterances")
	}
	intents := make([]string, 0, len(pool))
	for intent := range pool {
		intents = append(intents, intent)
	}
	slices.Sort(intents)
	rng := rand.New(rand.NewPCG(150, 2019))
	rng.Shuffle(len(queries), func(i, j int) { queries[i], queries[j] = queries[j], queries[i] })

	var sources [][]knowledge.Chunk
	for i := range n {
		if i%perSource == 0 {
			sources = append(sources, nil)
		}
		s := len(sources) - 1
		intent := intents[i*len(intents)/n]
		utterances := pool[intent]
		picks := rng.Perm(len(utterances))[:min(passageSize, len(utterances))]
		sentences := make([]string, len(picks))
		for j, k := range picks {
			sentences[j] = sentence(utterances[k])
		}
		heading := strings.ReplaceAll(intent, "_", " ")
		title := heading
		if len(sources[s]) > 0 {
			title = sources[s][0].Title
		}
		sources[s] = append(sources[s], knowledge.Chunk{
			SourceID: fmt.Sprintf("bench-source-%05d", s), Title: title,
			URL:     fmt.Sprintf("https://help.bench.example/%05d", s),
			Heading: heading, Text: strings.Join(sentences, " "), Index: len(sources[s]),
		})
	}
	return sources, queries, nil
}

// sentence capitalises an utterance and ends it with a full stop.
func sentence(u string) string {
	u = strings.TrimSpace(u)
	if u == "" {
		return u
	}
	r, size := utf8.DecodeRuneInString(u)
	u = string(unicode.ToUpper(r)) + u[size:]
	if !strings.ContainsAny(u[len(u)-1:], ".?!") {
		u += "."
	}
	return u
}
