package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/replystream"
)

// wantsStream says whether the caller asked for the reply as it is written
// (Accept: text/event-stream).
func wantsStream(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "text/event-stream")
}

// streamedTurn answers a customer message as server-sent events: "delta"
// events carry the reply's text while the model writes it ({"text", and
// "reset": true when the text so far is to be discarded}), and a "reply"
// event ends the stream with the response a plain request gets, which is
// the recorded reply and replaces every delta before it. Without a model,
// or when the turn does not reach one, the "reply" event is the only one.
//
// The response commits to a stream only when the first delta arrives: a
// turn refused before that (a closed conversation, a timeout) answers with
// its status and JSON error as a plain request does. One refused after it
// ends the stream with an "error" event carrying that status and error.
func (s *Server) streamedTurn(c *gin.Context, key string, turn func(ctx context.Context) (messageResponse, error)) {
	var chunks <-chan replystream.Chunk // nil, never ready, without a hub
	if s.Replies != nil {
		ch, cancel := s.Replies.Subscribe(key)
		defer cancel()
		chunks = ch
	}
	type result struct {
		out messageResponse
		err error
	}
	done := make(chan result, 1)
	ctx := c.Request.Context()
	go func() {
		out, err := turn(ctx)
		done <- result{out, err}
	}()
	w := c.Writer
	streaming := false
	start := func() {
		if streaming {
			return
		}
		streaming = true
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
	}
	delta := func(ch replystream.Chunk) {
		start()
		writeEvent(w, "delta", streamDelta{Text: ch.Text, Reset: ch.Reset})
	}
	for {
		select {
		case ch := <-chunks:
			delta(ch)
			w.Flush()
		case r := <-done:
			// The deltas that came before the turn ended go out before
			// its reply, though select may have picked the end first.
			for pending := true; pending && r.err == nil; {
				select {
				case ch := <-chunks:
					delta(ch)
				default:
					pending = false
				}
			}
			switch {
			case r.err != nil && !streaming:
				s.fail(c, r.err)
			case r.err != nil:
				status, detail := s.failure(c, r.err)
				writeEvent(w, "error", streamError{Status: status, Error: detail})
			default:
				start()
				writeEvent(w, "reply", r.out)
			}
			w.Flush()
			return
		case <-ctx.Done():
			return
		}
	}
}

type streamDelta struct {
	Text  string `json:"text"`
	Reset bool   `json:"reset,omitempty"`
}

type streamError struct {
	Status int         `json:"status"`
	Error  errorDetail `json:"error"`
}

// statusFor is the HTTP status of an error code.
func statusFor(code string) int {
	if status, ok := statusOf[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// writeEvent writes one server-sent event.
func writeEvent(w gin.ResponseWriter, event string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		b = []byte(`{}`)
	}
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
}
