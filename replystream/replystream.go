// Package replystream carries a reply's text while the model writes it,
// from the activity that calls the model to the API request the customer
// waits on. It is a courtesy, not a record: the workflow still records the
// final reply and its citations, and the API ends every streamed answer with
// that final reply, which replaces whatever text came before it. A chunk
// that is lost on the way costs nothing but the look of the stream.
//
// Within one process (make dev: the API and the worker share one) a Hub
// hands chunks from Publish to Subscribe in memory. Across processes, on
// PostgreSQL, Publish sends each chunk with NOTIFY and every API server's Hub
// LISTENs, so the request a customer waits on sees the chunks whichever
// worker writes them.
package replystream

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Channel is the PostgreSQL notification channel chunks travel on.
const Channel = "switchboard_reply_stream"

// maxText bounds one chunk's text: a NOTIFY payload must stay under 8000
// bytes, and a longer chunk is sent in pieces.
const maxText = 3000

// Chunk is a piece of a reply being written.
type Chunk struct {
	// Key names the reply: the conversation's workflow ID and the
	// customer message it answers (see Key).
	Key string `json:"k"`
	// Reset discards the text sent before this chunk: a model step that
	// starts again (a retry, or the next step of a turn) writes anew.
	Reset bool `json:"r,omitempty"`
	// Text follows the text sent so far.
	Text string `json:"t,omitempty"`
}

// Key is the stream key of the reply to the customer message messageID in
// the conversation whose workflow is workflowID.
func Key(workflowID, messageID string) string { return workflowID + "\x00" + messageID }

// Hub delivers published chunks to the subscribers of their key. The zero
// value is not usable; build one with Local or Postgres.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[chan Chunk]struct{}
	// send publishes a chunk; deliver (in memory) by default.
	send func(ctx context.Context, c Chunk) error
	// listen, for PostgreSQL, starts the listener on first Subscribe.
	listen    func()
	listening sync.Once
}

// Local is a Hub within one process.
func Local() *Hub {
	h := &Hub{subs: map[string]map[chan Chunk]struct{}{}}
	h.send = func(_ context.Context, c Chunk) error { h.deliver(c); return nil }
	return h
}

// Postgres is a Hub across processes through PostgreSQL's NOTIFY and
// LISTEN: Publish notifies through db, and the first Subscribe starts a
// listener on a connection of its own to dsn, which runs until ctx ends and
// reconnects when its connection drops (chunks sent meanwhile are lost: the
// final reply still arrives).
func Postgres(ctx context.Context, db *gorm.DB, dsn string, log *slog.Logger) *Hub {
	h := &Hub{subs: map[string]map[chan Chunk]struct{}{}}
	h.send = func(ctx context.Context, c Chunk) error {
		payload, err := json.Marshal(c)
		if err != nil {
			return err
		}
		return db.WithContext(ctx).Exec("SELECT pg_notify(?, ?)", Channel, string(payload)).Error
	}
	h.listen = func() { go h.listenLoop(ctx, dsn, log) }
	return h
}

// Publish sends c to the subscribers of c.Key, in pieces when its text is
// long. Without a subscriber nothing is kept.
func (h *Hub) Publish(ctx context.Context, c Chunk) error {
	for {
		piece := c
		if len(c.Text) > maxText {
			cut := maxText
			for cut > 0 && !utf8.RuneStart(c.Text[cut]) {
				cut--
			}
			piece.Text = c.Text[:cut]
			c.Text, c.Reset = c.Text[cut:], false
		} else {
			c.Text = ""
		}
		if err := h.send(ctx, piece); err != nil {
			return fmt.Errorf("reply stream: %w", err)
		}
		if c.Text == "" {
			return nil
		}
	}
}

// Subscribe returns the chunks published for key from now on, until cancel
// is called. A subscriber that falls behind loses chunks rather than
// holding up the model.
func (h *Hub) Subscribe(key string) (chunks <-chan Chunk, cancel func()) {
	if h.listen != nil {
		h.listening.Do(h.listen)
	}
	ch := make(chan Chunk, 256)
	h.mu.Lock()
	if h.subs[key] == nil {
		h.subs[key] = map[chan Chunk]struct{}{}
	}
	h.subs[key][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[key], ch)
		if len(h.subs[key]) == 0 {
			delete(h.subs, key)
		}
		h.mu.Unlock()
	}
}

func (h *Hub) deliver(c Chunk) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[c.Key] {
		select {
		case ch <- c:
		default:
		}
	}
}

// listenLoop receives the notifications of Channel and delivers them, until
// ctx ends.
func (h *Hub) listenLoop(ctx context.Context, dsn string, log *slog.Logger) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listenOnce(ctx, dsn, func() { backoff = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		log.Warn("reply stream: listener lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (h *Hub) listenOnce(ctx context.Context, dsn string, connected func()) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return err
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var c Chunk
		if err := json.Unmarshal([]byte(n.Payload), &c); err != nil || c.Key == "" {
			continue // not ours
		}
		h.deliver(c)
	}
}

// Interval is how long a Writer lets text wait after it sent a chunk. A
// model writes a token at a time, a few characters every few milliseconds:
// one chunk per token would cost a NOTIFY per token, which PostgreSQL
// serialises across all its sessions, for a difference the customer does not
// see. The first chunk of a step is sent at once.
const Interval = 40 * time.Millisecond

// Writer publishes one model step's text as it comes: its first chunk
// resets the reply, so a step tried again, or the turn's next step, starts
// the text afresh. Text written less than Interval after the last chunk
// waits, and goes with the text after it, at most Interval later; Flush
// sends what waits at once. A Writer is safe for concurrent use.
type Writer struct {
	hub *Hub
	key string

	mu      sync.Mutex
	started bool
	// pending is the text written and not sent yet; sent is when the last
	// chunk was, and timer sends pending when Interval has passed since.
	pending strings.Builder
	sent    time.Time
	timer   *time.Timer
	// failed stops publishing after the first error: the stream is a
	// courtesy and the model's answer matters more. late is an error of a
	// chunk the timer sent, for Flush to report.
	failed bool
	late   error
}

// NewWriter is a Writer of key's reply to hub.
func NewWriter(hub *Hub, key string) *Writer { return &Writer{hub: hub, key: key} }

// Write publishes text, or keeps it to send with what follows within
// Interval. Errors are reported once and then ignored.
func (w *Writer) Write(ctx context.Context, text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failed || text == "" {
		return nil
	}
	w.pending.WriteString(text)
	wait := Interval - time.Since(w.sent)
	if !w.started || wait <= 0 {
		return w.send(ctx)
	}
	if w.timer == nil {
		w.timer = time.AfterFunc(wait, func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.timer = nil
			if err := w.send(ctx); err != nil {
				w.late = err
			}
		})
	}
	return nil
}

// Flush sends the text that waits, and reports an error of a chunk sent
// after its Write returned. Call it when the step ends.
func (w *Writer) Flush(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.send(ctx)
	if w.late != nil {
		err, w.late = w.late, nil
	}
	return err
}

// send publishes the pending text; w.mu is held.
func (w *Writer) send(ctx context.Context) error {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	if w.failed || w.pending.Len() == 0 {
		return nil
	}
	text := w.pending.String()
	w.pending.Reset()
	err := w.hub.Publish(ctx, Chunk{Key: w.key, Reset: !w.started, Text: text})
	w.started, w.sent = true, time.Now()
	if err != nil {
		w.failed = true
	}
	return err
}
