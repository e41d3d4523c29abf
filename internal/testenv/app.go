package testenv

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/codec"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/rehearse"
	"github.com/switchboardhq/switchboard/replystream"
	"github.com/switchboardhq/switchboard/sealed"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/worker"
)

// App is Switchboard wired to the real stack for one test: a fresh
// PostgreSQL database with the demo workspace seeded and indexed, a worker on
// a task queue of its own, and the API on an httptest server.
type App struct {
	DB        *gorm.DB
	Temporal  client.Client
	Knowledge *knowledge.Store
	TaskQueue string
	// DatabaseURL is the app's database.
	DatabaseURL string
	Demo        demo.Seeded
	Keys        demo.Keys
	URL         string
	// Server is the API server behind URL.
	Server *server.Server
	// Secrets seals the actions' secret headers, in the API and the worker.
	Secrets *sealed.Box
	// Activities are the worker's (nil with AppOptions.NoWorker).
	Activities *activities.Activities
}

// AppOptions tune NewApp.
type AppOptions struct {
	// DatabaseURL defaults to a fresh PostgreSQL database.
	DatabaseURL string
	// Generator defaults to the extractive answerer.
	Generator answer.Generator
	// Agent, when set, is the model that runs each turn with tools.
	Agent answer.Agent
	// Customer, when set, is the model that plays rehearsals' simulated
	// customers (skipped without one).
	Customer rehearse.Customer
	// MaxBodyBytes defaults to 1 MiB.
	MaxBodyBytes int64
	// NoWorker leaves the worker to the test (for example a real
	// `switchboard worker` process on App.TaskQueue).
	NoWorker bool
	// WorkerKnowledge, when set, is the store the worker searches instead
	// of the app's (for example one whose server is down); the demo content
	// is indexed in the app's all the same.
	WorkerKnowledge *knowledge.Store
	// Codec, when set, encrypts every payload the app's client and worker
	// send through Temporal, and the API serves the codec server at /codec
	// (for the origins in CodecOrigins).
	Codec        *codec.Codec
	CodecOrigins []string
	// Replies, when set, carries the model's replies from the worker to
	// customers who ask for a stream.
	Replies *replystream.Hub
}

var quiet = slog.New(slog.DiscardHandler)

// NewApp starts the app for the test; everything stops when the test ends.
func NewApp(t *testing.T, o AppOptions) *App {
	t.Helper()
	if o.DatabaseURL == "" {
		o.DatabaseURL = PostgresURL(t)
	}
	if o.Generator == nil {
		o.Generator = answer.Extractive{}
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	a := &App{DB: Open(t, o.DatabaseURL), DatabaseURL: o.DatabaseURL, TaskQueue: fmt.Sprintf("test-%s-%d", t.Name(), time.Now().UnixNano())}
	opts := client.Options{
		HostPort: TemporalAddress(t),
		Logger:   tlog.NewStructuredLogger(quiet),
	}
	if o.Codec != nil {
		o.Codec.Configure(&opts)
	}
	c, err := client.Dial(opts)
	if err != nil {
		t.Fatalf("dial temporal: %v", err)
	}
	t.Cleanup(c.Close)
	a.Temporal = c
	if a.Knowledge, err = knowledge.NewStore(Weaviate(t)); err != nil {
		t.Fatalf("weaviate: %v", err)
	}
	if err := a.Knowledge.EnsureSchema(ctx); err != nil {
		t.Fatalf("weaviate schema: %v", err)
	}
	if a.Demo, a.Keys, err = demo.Seed(ctx, a.DB, time.Now().UTC()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if err := demo.Index(ctx, a.DB, a.Knowledge, a.Demo.WorkspaceID); err != nil {
		t.Fatalf("index: %v", err)
	}
	// Each app seals its actions' secret headers with a key of its own.
	key := make([]byte, sealed.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	if a.Secrets, err = sealed.New("test", map[string][]byte{"test": key}); err != nil {
		t.Fatal(err)
	}
	if !o.NoWorker {
		search := a.Knowledge
		if o.WorkerKnowledge != nil {
			search = o.WorkerKnowledge
		}
		a.Activities = &activities.Activities{DB: a.DB, Knowledge: search, Generator: o.Generator, Secrets: a.Secrets, Agent: o.Agent, Replies: o.Replies}
		w := worker.New(c, a.TaskQueue, a.Activities)
		w.RegisterActivity(&activities.Simulator{DB: a.DB, Customer: o.Customer})
		if err := w.Start(); err != nil {
			t.Fatalf("start worker: %v", err)
		}
		t.Cleanup(w.Stop)
	}
	srv := &server.Server{
		DB: a.DB, Temporal: c, Knowledge: a.Knowledge, TaskQueue: a.TaskQueue,
		MaxBodyBytes: o.MaxBodyBytes, Log: quiet, Secrets: a.Secrets, SimulatedCustomers: o.Customer != nil, Replies: o.Replies,
	}
	if o.Codec != nil {
		srv.Codec = codec.NewServer(o.Codec, codec.ServerOptions{AllowOrigins: o.CodecOrigins})
	}
	a.Server = srv
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	a.URL = hs.URL
	return a
}
