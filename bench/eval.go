package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/app"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/worker"
	"github.com/switchboardhq/switchboard/workflows"
)

// retrievalEvalLimit is how many passages the evaluation retrieves per
// question: as many as a conversation's turn asks Retrieve for.
const retrievalEvalLimit = 5

// EvalOptions configure RunEval.
type EvalOptions struct {
	// What names the evaluation: "retrieval" or "conversations".
	What string
	// JSON prints the report as JSON instead of text.
	JSON bool
}

// ParseEvalFlags parses the arguments of `switchboard eval`.
func ParseEvalFlags(args []string, errOut io.Writer) (EvalOptions, error) {
	var opts EvalOptions
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return opts, errors.New("eval: name what to evaluate: switchboard eval retrieval|conversations [-json]")
	}
	opts.What, args = args[0], args[1:]
	if opts.What != "retrieval" && opts.What != "conversations" {
		return opts, fmt.Errorf("eval: unknown evaluation %q (there are: retrieval, conversations)", opts.What)
	}
	fs := flag.NewFlagSet("eval "+opts.What, flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("eval %s: unexpected argument %q", opts.What, fs.Arg(0))
	}
	return opts, nil
}

// EvalReport is what the retrieval evaluation measured: for each
// labelled question, where the first passage of a section that answers it
// came among the passages Retrieve returned.
type EvalReport struct {
	// Search is "BM25", or "hybrid" with the embedding model and alpha.
	Search    string `json:"search"`
	Questions int    `json:"questions"`
	Sources   int    `json:"sources"`
	Chunks    int    `json:"chunks"`
	// RecallAt1, RecallAt3 and RecallAt5 are the shares of questions with a
	// passage of an answering section among the first 1, 3 and 5 passages.
	RecallAt1 float64 `json:"recall_at_1"`
	RecallAt3 float64 `json:"recall_at_3"`
	RecallAt5 float64 `json:"recall_at_5"`
	// MRR is the mean over questions of 1/rank of the first answering
	// passage (0 when none is among the 5 retrieved).
	MRR float64 `json:"mrr"`
	// ArticleRecallAt3 is the share of questions with a passage of an
	// answering article (whatever its section) among the first 3.
	ArticleRecallAt3 float64      `json:"article_recall_at_3"`
	Results          []EvalResult `json:"results"`
}

// EvalResult is one question's outcome.
type EvalResult struct {
	Question string   `json:"question"`
	Want     []string `json:"want"`
	// Got are the sections of the passages retrieved, best first.
	Got []string `json:"got"`
	// Rank is the 1-based rank of the first answering passage, 0 if none.
	Rank int `json:"rank"`
}

// RunEval runs an evaluation and prints its report. `eval retrieval`
// indexes the demo knowledge base the way the product syncs a source (a
// SyncSourceWorkflow per article on the configured Temporal and Weaviate,
// with a throwaway SQLite database), asks each labelled question through
// the Retrieve activity, prints recall@1/3/5, MRR and the questions missed,
// and removes what it indexed. `eval conversations` plays the scripted
// conversations through the API (see EvaluateConversations) and prints the
// share of turns with the right outcome and every miss.
func RunEval(ctx context.Context, cfg config.Config, out io.Writer, opts EvalOptions) error {
	quietLogs(&cfg)
	if opts.What == "conversations" {
		report, err := EvaluateConversations(ctx, cfg)
		if err != nil {
			return err
		}
		if opts.JSON {
			return writeJSON(out, report)
		}
		printConversationReport(out, report)
		return nil
	}
	report, err := EvaluateRetrieval(ctx, cfg)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(out, report)
	}
	printRetrievalReport(out, report)
	return nil
}

// EvaluateRetrieval runs the retrieval evaluation against cfg's Temporal
// and Weaviate (see RunEval). cfg.DatabaseURL is not used: the demo
// workspace is seeded into a SQLite database of its own, removed afterwards.
func EvaluateRetrieval(ctx context.Context, cfg config.Config) (EvalReport, error) {
	questions, err := demo.RetrievalQuestions()
	if err != nil {
		return EvalReport{}, err
	}
	dir, err := os.MkdirTemp("", "switchboard-eval-")
	if err != nil {
		return EvalReport{}, err
	}
	defer os.RemoveAll(dir)
	cfg.DatabaseURL = "sqlite:" + filepath.Join(dir, "eval.db")
	if err := cfg.Validate(); err != nil {
		return EvalReport{}, err
	}
	d, err := app.Connect(cfg, app.Logger(cfg))
	if err != nil {
		return EvalReport{}, err
	}
	defer d.Close()
	if err := d.Prepare(ctx, 30*time.Second); err != nil {
		return EvalReport{}, err
	}
	seeded, _, err := demo.Seed(ctx, d.DB, time.Now().UTC())
	if err != nil {
		return EvalReport{}, err
	}
	// The workspace is new, and so is its Weaviate tenant: remove it, even
	// when the evaluation fails half way.
	defer func() {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_ = d.Knowledge.DeleteTenant(cleanup, seeded.WorkspaceID)
	}()

	report := EvalReport{Search: "BM25", Questions: len(questions)}
	if cfg.EmbeddingsBaseURL != "" {
		report.Search = fmt.Sprintf("hybrid (%s, alpha %g)", cfg.EmbeddingsModel, cfg.HybridAlpha)
	}
	if report.Sources, report.Chunks, err = syncDemoSources(ctx, d, seeded.WorkspaceID); err != nil {
		return report, err
	}

	acts := d.Activities()
	var at1, at3, at5, articleAt3 int
	for _, q := range questions {
		res, err := acts.Retrieve(ctx, activities.RetrieveInput{
			WorkspaceID: seeded.WorkspaceID, Query: q.Question, Limit: retrievalEvalLimit,
			Channel: "chat", Tier: "standard",
		})
		if err != nil {
			return report, fmt.Errorf("retrieve %q: %w", q.Question, err)
		}
		r := scoreRetrieval(q, res.Passages)
		report.Results = append(report.Results, r)
		if r.Rank > 0 {
			report.MRR += 1 / float64(r.Rank)
		}
		at1 += btoi(r.Rank == 1)
		at3 += btoi(r.Rank >= 1 && r.Rank <= 3)
		at5 += btoi(r.Rank >= 1 && r.Rank <= 5)
		articleAt3 += btoi(answeringArticleIn(q, res.Passages, 3))
	}
	n := float64(len(questions))
	report.RecallAt1, report.RecallAt3, report.RecallAt5 = float64(at1)/n, float64(at3)/n, float64(at5)/n
	report.ArticleRecallAt3 = float64(articleAt3) / n
	report.MRR /= n
	return report, nil
}

// syncDemoSources syncs each of the workspace's sources with a
// SyncSourceWorkflow, as creating them through the API does, on a task
// queue and worker of its own, and returns the numbers of sources and
// chunks indexed.
func syncDemoSources(ctx context.Context, d *app.Deps, workspaceID string) (int, int, error) {
	var srcs []models.ContentSource
	if err := d.DB.WithContext(ctx).Where("workspace_id = ?", workspaceID).Order("created_at, id").Find(&srcs).Error; err != nil {
		return 0, 0, fmt.Errorf("load sources: %w", err)
	}
	queue := "switchboard-eval-" + runID()
	w := worker.New(d.Temporal, queue, d.Activities(), worker.WithSources(d.Sources()))
	if err := w.Start(); err != nil {
		return 0, 0, fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	chunks := 0
	for _, src := range srcs {
		run, err := d.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:        workflows.SourceSyncWorkflowID(workspaceID, src.ID) + "-eval",
			TaskQueue: queue,
		}, workflows.SyncSourceWorkflow, workflows.SyncSourceInput{WorkspaceID: workspaceID, SourceID: src.ID})
		if err != nil {
			return 0, 0, fmt.Errorf("start sync of %q: %w", src.Title, err)
		}
		var res workflows.SyncSourceResult
		if err := run.Get(ctx, &res); err != nil {
			return 0, 0, fmt.Errorf("sync %q: %w", src.Title, err)
		}
		if res.Status != workflows.SourceReady {
			return 0, 0, fmt.Errorf("sync %q: %s: %s", src.Title, res.Status, res.Reason)
		}
		chunks += res.Chunks
	}
	return len(srcs), chunks, nil
}

// scoreRetrieval finds the rank of the first passage of a section that
// answers q.
func scoreRetrieval(q demo.RetrievalQuestion, passages []activities.Passage) EvalResult {
	r := EvalResult{Question: q.Question}
	for _, a := range q.Answers {
		r.Want = append(r.Want, a.String())
	}
	for i, p := range passages {
		got := demo.Section{Article: demo.ArticleSlug(p.URL), Section: p.Heading}
		r.Got = append(r.Got, got.String())
		if r.Rank == 0 && slices.Contains(q.Answers, got) {
			r.Rank = i + 1
		}
	}
	return r
}

// answeringArticleIn reports whether one of the first k passages comes from
// an article that answers q.
func answeringArticleIn(q demo.RetrievalQuestion, passages []activities.Passage, k int) bool {
	for _, p := range passages[:min(k, len(passages))] {
		for _, a := range q.Answers {
			if a.Article == demo.ArticleSlug(p.URL) {
				return true
			}
		}
	}
	return false
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func printRetrievalReport(out io.Writer, r EvalReport) {
	fmt.Fprintf(out, "Retrieval over the demo knowledge base (%d articles, %d chunks), search: %s\n",
		r.Sources, r.Chunks, r.Search)
	fmt.Fprintf(out, "%d labelled questions, %d passages retrieved each (as a conversation's turn does)\n\n",
		r.Questions, retrievalEvalLimit)
	fmt.Fprintf(out, "  recall@1  %5.1f %%\n", 100*r.RecallAt1)
	fmt.Fprintf(out, "  recall@3  %5.1f %%   (right article: %.1f %%)\n", 100*r.RecallAt3, 100*r.ArticleRecallAt3)
	fmt.Fprintf(out, "  recall@5  %5.1f %%\n", 100*r.RecallAt5)
	fmt.Fprintf(out, "  MRR       %.3f\n", r.MRR)
	var misses []EvalResult
	for _, res := range r.Results {
		if res.Rank == 0 || res.Rank > 3 {
			misses = append(misses, res)
		}
	}
	if len(misses) == 0 {
		fmt.Fprintln(out, "\nevery question has an answering passage in the top 3")
		return
	}
	fmt.Fprintf(out, "\n%d question(s) without an answering passage in the top 3:\n", len(misses))
	for _, m := range misses {
		rank := "not in the top 5"
		if m.Rank > 0 {
			rank = fmt.Sprintf("rank %d", m.Rank)
		}
		fmt.Fprintf(out, "\n  %q (%s)\n    want: %s\n", m.Question, rank, strings.Join(m.Want, "; "))
		for i, g := range m.Got {
			fmt.Fprintf(out, "    %d. %s\n", i+1, g)
		}
		if len(m.Got) == 0 {
			fmt.Fprintln(out, "    (nothing retrieved)")
		}
	}
}
