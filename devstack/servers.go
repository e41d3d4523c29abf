package devstack

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// TemporalOptions configure the Temporal dev server.
type TemporalOptions struct {
	Bin    string
	Port   int
	UIPort int
	// DBFile keeps workflows across restarts (SQLite); empty keeps them in
	// memory.
	DBFile string
	// Headless turns the Web UI off.
	Headless bool
	// SearchAttributes maps names to types (Keyword, Bool, …).
	SearchAttributes map[string]string
	LogFile          string
}

// StartTemporal starts `temporal server start-dev` with eager activity
// execution on and waits until its frontend accepts connections.
func StartTemporal(ctx context.Context, o TemporalOptions) (*Process, error) {
	ports := []int{o.Port}
	if !o.Headless {
		ports = append(ports, o.UIPort)
	}
	if err := checkFree(ports...); err != nil {
		return nil, fmt.Errorf("temporal: %w", err)
	}
	args := []string{"server", "start-dev",
		"--ip", "127.0.0.1", "--port", strconv.Itoa(o.Port),
		"--log-level", "warn",
		"--dynamic-config-value", "system.enableActivityEagerExecution=true",
		// The single-shard dev server reads its transfer queue at most 20
		// times a second by default: once that allowance is spent, every
		// workflow task after a regular activity waits for the next read
		// (turns measured at ~100 ms instead of ~36 ms; see README, Speed).
		"--dynamic-config-value", "history.transferProcessorMaxPollRPS=1000",
	}
	if o.DBFile != "" {
		args = append(args, "--db-filename", o.DBFile)
	}
	if o.Headless {
		args = append(args, "--headless")
	} else {
		args = append(args, "--ui-port", strconv.Itoa(o.UIPort))
	}
	for _, name := range slices.Sorted(maps.Keys(o.SearchAttributes)) {
		args = append(args, "--search-attribute", name+"="+o.SearchAttributes[name])
	}
	p, err := start("temporal", o.Bin, args, nil, o.LogFile)
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := p.waitFor(wctx, "its frontend accepted connections", func() bool { return portOpen(o.Port) }); err != nil {
		p.Stop(5 * time.Second)
		return nil, err
	}
	return p, nil
}

// WeaviateOptions configure Weaviate.
type WeaviateOptions struct {
	Bin string
	// Port is the HTTP port; the next five serve gRPC, gossip, data, Raft and
	// Raft RPC.
	Port    int
	DataDir string
	LogFile string
}

// WeaviatePorts is how many consecutive ports Weaviate uses from its HTTP port.
const WeaviatePorts = 6

// WeaviateGRPCAddress is the gRPC address of the Weaviate StartWeaviate
// starts on port: the port after it.
func WeaviateGRPCAddress(port int) string { return "127.0.0.1:" + strconv.Itoa(port+1) }

// StartWeaviate starts weaviate-server on loopback with anonymous access and
// no vectorizer, and waits until it reports ready (10–20 s).
func StartWeaviate(ctx context.Context, o WeaviateOptions) (*Process, error) {
	ports := make([]int, WeaviatePorts)
	for i := range ports {
		ports[i] = o.Port + i
	}
	if err := checkFree(ports...); err != nil {
		return nil, fmt.Errorf("weaviate: %w", err)
	}
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("weaviate data dir: %w", err)
	}
	abs, err := filepath.Abs(o.DataDir)
	if err != nil {
		return nil, err
	}
	env := []string{
		"PERSISTENCE_DATA_PATH=" + abs,
		"DEFAULT_VECTORIZER_MODULE=none",
		"ENABLE_MODULES=",
		"AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true",
		"CLUSTER_HOSTNAME=node1",
		"CLUSTER_ADVERTISE_ADDR=127.0.0.1",
		"RAFT_BOOTSTRAP_EXPECT=1",
		"GRPC_PORT=" + strconv.Itoa(ports[1]),
		"CLUSTER_GOSSIP_BIND_PORT=" + strconv.Itoa(ports[2]),
		"CLUSTER_DATA_BIND_PORT=" + strconv.Itoa(ports[3]),
		"RAFT_PORT=" + strconv.Itoa(ports[4]),
		"RAFT_INTERNAL_RPC_PORT=" + strconv.Itoa(ports[5]),
		"GO_PROFILING_DISABLE=true",
		"DISABLE_TELEMETRY=true",
		// Weaviate 1.35's default BlockMax WAND index returns stale BM25
		// results for up to a minute after a bulk write (upstream #11780);
		// new collections use the classic inverted index instead.
		"USE_INVERTED_SEARCHABLE=false",
		"LOG_LEVEL=warning",
	}
	args := []string{"--host", "127.0.0.1", "--port", strconv.Itoa(o.Port), "--scheme", "http"}
	p, err := start("weaviate", o.Bin, args, env, o.LogFile)
	if err != nil {
		return nil, err
	}
	ready := fmt.Sprintf("http://127.0.0.1:%d/v1/.well-known/ready", o.Port)
	wctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	if err := p.waitFor(wctx, "it was ready", func() bool { return httpOK(ready) }); err != nil {
		p.Stop(5 * time.Second)
		return nil, err
	}
	return p, nil
}
