// Command switchboard runs Switchboard: the API server, the Temporal worker,
// database migrations, the whole dev stack in one process, and the test stack.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/switchboardhq/switchboard/app"
	"github.com/switchboardhq/switchboard/bench"
	"github.com/switchboardhq/switchboard/config"
)

const usage = `usage: switchboard <command>

commands:
  dev       run everything on this machine: Temporal dev server, Weaviate, the
            API and the worker, with the demo workspace (make dev)
  server    run the HTTP API (configured by environment; see README)
  worker    run the Temporal worker
  migrate [--skip-search-attributes]
            migrate the database, create the Weaviate collection and register
            Temporal search attributes (not with the flag, or with
            SWITCHBOARD_SKIP_SEARCH_ATTRIBUTES=true: Temporal Cloud)
  workspace create --name NAME [--time-zone TZ] [--language TAG] [--credits N]
            create a workspace and print it with its first admin key (shown
            once), with N credits (default 1000); migrates the database first
  workspace bootstrap --name NAME --out FILE [--time-zone TZ] [--language TAG]
            the same, only if the database has no workspace yet, writing the
            admin key to FILE (docker-compose's bootstrap service)
  keys create --workspace ID --role admin|rep|auditor [--team T] [--name NAME]
  keys list --workspace ID
  keys revoke --workspace ID --key KEYID
            create an API key (printed once), list keys (never their secrets),
            revoke one at once
  credits grant --workspace ID --amount N
  credits balance --workspace ID
            grant credits (a conversation the agent resolves consumes one),
            print the balance
  probe URL GET URL and exit 0 on a 2xx answer, 1 otherwise: the healthcheck
            of the container image, which has no shell or curl
  tools     build the pinned Temporal CLI, weaviate-server, staticcheck and
            workflowcheck into the cache
  lint      run staticcheck and workflowcheck over every package (make test)
  stack -- CMD ARGS…
            run CMD with a Temporal dev server, Weaviate and a fresh PostgreSQL
            database started for it (make test)
  bench http [-customers 16] [-conversations 300] [-followups 1] [-url URL -key KEY] [-json]
            simulated customers through the HTTP API (its own, on the configured
            database, unless -url): first messages and follow-ups, p50/p95/p99
  bench [-turns N] [-warmup N] [-concurrency 1,10] [-json]
            measure conversation turns against a bare Update round trip on
            the configured Temporal, Weaviate and database (make bench)
  bench stream [-replies 30] [-first-token 400ms] [-token 15ms] [-tokens 40] [-json]
            streamed replies through the API and worker, the model played by a
            scripted chat-completions server: what streaming adds to its time
            to first token
  bench idle [-conversations 10000] [-concurrency 16] [-cache 2000] [-json]
            open conversations left waiting on their timers, and the memory of
            the worker process holding them (make bench-idle)
  bench retrieval [-chunks 10000] [-per-source 100] [-queries 1000] [-data PATH] [-json]
            measure ingestion (chunks/s) and retrieval latency (p50/p95) on
            the configured Weaviate (make bench-retrieval)
  eval retrieval [-json]
            recall@3 and MRR of retrieval over the demo knowledge base's
            labelled questions, on the configured Temporal and Weaviate
            (make eval)
  eval conversations [-json]
            the share of turns with the right outcome over scripted
            multi-turn conversations with the demo store, through the API
            (make eval)
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cfg, err := config.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "dev":
		err = app.RunDev(ctx, cfg, os.Stdout)
	case "server":
		err = app.RunServer(ctx, cfg)
	case "worker":
		err = app.RunWorker(ctx, cfg)
	case "migrate":
		err = app.RunMigrate(ctx, cfg, args, os.Stderr)
	case "workspace":
		err = app.RunWorkspace(ctx, cfg, args, os.Stdout, os.Stderr)
	case "credits":
		err = app.RunCredits(ctx, cfg, args, os.Stdout, os.Stderr)
	case "keys":
		err = app.RunKeys(ctx, cfg, args, os.Stdout, os.Stderr)
	case "probe":
		err = app.RunProbe(ctx, args)
	case "tools":
		err = app.RunTools(ctx, cfg, os.Stdout)
	case "lint":
		err = app.RunLint(ctx, cfg, os.Stdout)
	case "stack":
		if len(args) > 0 && args[0] == "--" {
			args = args[1:]
		}
		err = app.RunStack(ctx, cfg, args, os.Stderr)
	case "bench":
		sub := ""
		if len(args) > 0 {
			sub = args[0]
		}
		switch sub {
		case "http":
			err = bench.RunHTTP(ctx, cfg, os.Stdout, flags(bench.ParseHTTPFlags, args[1:]))
		case "retrieval":
			err = bench.RunRetrieval(ctx, cfg, os.Stdout, flags(bench.ParseRetrievalFlags, args[1:]))
		case "idle":
			err = bench.RunIdle(ctx, cfg, os.Stdout, flags(bench.ParseIdleFlags, args[1:]))
		case "stream":
			err = bench.RunStream(ctx, cfg, os.Stdout, flags(bench.ParseStreamFlags, args[1:]))
		default:
			err = bench.Run(ctx, cfg, os.Stdout, flags(bench.ParseFlags, args))
		}
	case "eval":
		err = bench.RunEval(ctx, cfg, os.Stdout, flags(bench.ParseEvalFlags, args))
	case "help", "-h", "--help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "switchboard: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	var exit *app.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.Code)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		os.Exit(1)
	}
}

// flags parses a command's flags with parse: -h prints their help and
// exits, a bad flag exits with status 2.
func flags[T any](parse func([]string, io.Writer) (T, error), args []string) T {
	opts, err := parse(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		os.Exit(2)
	}
	return opts
}
