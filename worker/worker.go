// Package worker wires Switchboard's workflows and activities into a Temporal
// worker. It registers; it does not decide anything.
package worker

import (
	"context"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/delivery"
	"github.com/switchboardhq/switchboard/fetch"
	"github.com/switchboardhq/switchboard/workflows"
)

// Option changes what New registers.
type Option func(*options)

type options struct {
	sources  *activities.Sources
	delivery *delivery.Activities
	mailbox  *delivery.MailboxActivities
	tuning   sdkworker.Options
}

// WithTuning sets the worker's limits (concurrency, pollers, stop
// timeout); the SDK's defaults otherwise, but for the pollers (see New).
func WithTuning(t sdkworker.Options) Option {
	return func(o *options) { o.tuning = t }
}

// WithDelivery registers these outbox delivery activities instead of the
// default ones (acts' database, no SMTP server, no WhatsApp client: every
// delivery fails).
func WithDelivery(d *delivery.Activities) Option {
	return func(o *options) { o.delivery = d }
}

// WithMailboxes registers these IMAP polling activities instead of the
// default ones (acts' database and no inbound path: every poll fails).
func WithMailboxes(m *delivery.MailboxActivities) Option {
	return func(o *options) { o.mailbox = m }
}

// WithSources registers these content-source sync activities instead of the
// default ones (acts' database and knowledge store, and a fetcher with
// fetch's defaults, which refuses private addresses).
func WithSources(s *activities.Sources) Option {
	return func(o *options) { o.sources = s }
}

// minWorkflowPollers is the least number of requests for workflow tasks a
// worker keeps open when its pollers scale (README, Speed: "The occasional
// two-second first message").
const minWorkflowPollers = 8

// New returns a worker polling taskQueue with every workflow and activity
// registered. The caller starts and stops it; once stopped, it writes the
// citation counts its last records left pending (see
// activities.Activities.FlushCitations).
func New(c client.Client, taskQueue string, acts *activities.Activities, opts ...Option) sdkworker.Worker {
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	if o.sources == nil {
		o.sources = &activities.Sources{DB: acts.DB, Knowledge: acts.Knowledge, Fetcher: fetch.New(fetch.Options{})}
	}
	if o.delivery == nil {
		o.delivery = &delivery.Activities{DB: acts.DB}
	}
	if o.mailbox == nil {
		o.mailbox = &delivery.MailboxActivities{DB: acts.DB}
	}
	// Pollers scale with the tasks waiting unless the tuning fixes their
	// number. The SDK's fixed two left new conversations' first workflow
	// tasks waiting in the task queue under load: 221 ms p50 from
	// scheduled to started at 16 customers at once (README, Speed). With
	// the SDK's least number of one, a new conversation's first task now
	// and then waited about 2 s in the task queue at 10 conversations at
	// once; with at least minWorkflowPollers, no run showed it.
	t := &o.tuning
	if t.WorkflowTaskPollerBehavior == nil && t.MaxConcurrentWorkflowTaskPollers == 0 {
		t.WorkflowTaskPollerBehavior = sdkworker.NewPollerBehaviorAutoscaling(sdkworker.PollerBehaviorAutoscalingOptions{
			MinimumNumberOfPollers: minWorkflowPollers,
		})
	}
	if t.ActivityTaskPollerBehavior == nil && t.MaxConcurrentActivityTaskPollers == 0 {
		t.ActivityTaskPollerBehavior = sdkworker.NewPollerBehaviorAutoscaling(sdkworker.PollerBehaviorAutoscalingOptions{})
	}
	w := sdkworker.New(c, taskQueue, o.tuning)
	w.RegisterWorkflow(workflows.ConversationWorkflow)
	w.RegisterWorkflow(workflows.SyncSourceWorkflow)
	w.RegisterWorkflow(workflows.RehearsalWorkflow)
	w.RegisterActivity(acts)
	w.RegisterActivity(o.sources)
	w.RegisterWorkflow(delivery.DeliverOutboxWorkflow)
	w.RegisterActivity(o.delivery)
	w.RegisterWorkflow(delivery.PollMailboxWorkflow)
	w.RegisterActivity(o.mailbox)
	return &flushingWorker{Worker: w, acts: acts}
}

// flushTimeout bounds the wait for pending citation counts when a worker
// stops.
const flushTimeout = 10 * time.Second

// flushingWorker is a worker that writes its activities' pending citation
// counts once it has stopped.
type flushingWorker struct {
	sdkworker.Worker
	acts *activities.Activities
}

func (w *flushingWorker) Stop() {
	w.Worker.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	if err := w.acts.FlushCitations(ctx); err != nil {
		slog.Warn("citation counts not all written", "error", err)
	}
}
