# Switchboard — the two commands that matter: `make dev` and `make test`.
GO  ?= go
BIN := bin/switchboard

.PHONY: all build tools dev test lint bench bench-idle bench-stream bench-retrieval eval vet clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/switchboard

# Builds the pinned Temporal CLI, weaviate-server, staticcheck and
# workflowcheck into the tools cache (~15 minutes cold on 2 cores, a no-op
# once cached).
tools: build
	./$(BIN) tools

# The whole product on this machine, with the demo workspace. Ctrl-C stops it.
dev: tools
	./$(BIN) dev

# Every test, against one Temporal dev server, one Weaviate and a fresh
# PostgreSQL database started for this run.
test: tools vet lint
	./$(BIN) stack -- $(GO) test -count=1 -timeout 20m ./...

# staticcheck and Temporal's workflowcheck over every package; a finding
# fails the run (and so `make test` and CI).
lint: tools
	./$(BIN) lint

# Turn latency and throughput of the conversation workflow next to a bare
# Update round trip, on a stack started for this run (prints, never fails on
# a missed target).
bench: tools
	./$(BIN) stack -- sh -c 'TEMPORAL_ADDRESS=$$SWITCHBOARD_TEST_TEMPORAL_ADDRESS WEAVIATE_URL=$$SWITCHBOARD_TEST_WEAVIATE_URL WEAVIATE_GRPC_ADDRESS=$$SWITCHBOARD_TEST_WEAVIATE_GRPC_ADDRESS DATABASE_URL=$$SWITCHBOARD_TEST_DATABASE_URL ./$(BIN) bench'

# Streamed replies through the API and the worker (PostgreSQL's NOTIFY
# between them), the model played by a scripted chat-completions server with
# a fixed delay: what streaming adds to the model's time to first token.
bench-stream: tools
	./$(BIN) stack -- sh -c 'TEMPORAL_ADDRESS=$$SWITCHBOARD_TEST_TEMPORAL_ADDRESS WEAVIATE_URL=$$SWITCHBOARD_TEST_WEAVIATE_URL WEAVIATE_GRPC_ADDRESS=$$SWITCHBOARD_TEST_WEAVIATE_GRPC_ADDRESS DATABASE_URL=$$SWITCHBOARD_TEST_DATABASE_URL ./$(BIN) bench stream'

# 10,000 open conversations waiting on their timers, and the resident memory
# of the worker process that holds them (sticky cache 2,000). Takes minutes.
bench-idle: tools
	./$(BIN) stack -- sh -c 'TEMPORAL_ADDRESS=$$SWITCHBOARD_TEST_TEMPORAL_ADDRESS WEAVIATE_URL=$$SWITCHBOARD_TEST_WEAVIATE_URL WEAVIATE_GRPC_ADDRESS=$$SWITCHBOARD_TEST_WEAVIATE_GRPC_ADDRESS DATABASE_URL=$$SWITCHBOARD_TEST_DATABASE_URL ./$(BIN) bench idle'

# Ingestion throughput (chunks/s) and retrieval latency (p50/p95) with
# 10,000 chunks of CLINC150 text indexed, on a Weaviate started for this run.
bench-retrieval: tools
	./$(BIN) stack -- sh -c 'WEAVIATE_URL=$$SWITCHBOARD_TEST_WEAVIATE_URL WEAVIATE_GRPC_ADDRESS=$$SWITCHBOARD_TEST_WEAVIATE_GRPC_ADDRESS ./$(BIN) bench retrieval'

# Retrieval quality over the demo knowledge base's labelled questions
# (recall@3, MRR and the questions missed), then the scripted multi-turn
# conversations (the share of turns with the right outcome and each miss);
# make test keeps a floor under both.
eval: tools
	./$(BIN) stack -- sh -c 'export TEMPORAL_ADDRESS=$$SWITCHBOARD_TEST_TEMPORAL_ADDRESS WEAVIATE_URL=$$SWITCHBOARD_TEST_WEAVIATE_URL WEAVIATE_GRPC_ADDRESS=$$SWITCHBOARD_TEST_WEAVIATE_GRPC_ADDRESS; ./$(BIN) eval retrieval && echo && ./$(BIN) eval conversations'

vet:
	$(GO) vet ./...

clean:
	rm -rf bin
