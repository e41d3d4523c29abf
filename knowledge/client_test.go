package knowledge

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSearchSendsTheAPIKeyOnReusedConnections: searches carry the API key,
// and concurrent searches reuse their connections instead of opening one
// each (Go's default transport keeps only two idle per host).
func TestSearchSendsTheAPIKeyOnReusedConnections(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	auths := map[string]int{}
	conns := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths[r.Header.Get("Authorization")]++
		conns[r.RemoteAddr] = true
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"Get":{"` + ClassName + `":[]}}}`))
	}))
	t.Cleanup(srv.Close)
	s, err := NewStore(srv.URL, "secret-key")
	require.NoError(t, err)

	const workers, rounds = 8, 10
	for range rounds {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				_, err := s.Search(context.Background(), "ws-1", "shipping times", 5)
				require.NoError(t, err)
			})
		}
		wg.Wait()
	}
	mu.Lock()
	defer mu.Unlock()
	// Every request (the client also asks for Weaviate's version once).
	require.Len(t, auths, 1, "%v", auths)
	require.GreaterOrEqual(t, auths["Bearer secret-key"], workers*rounds)
	require.LessOrEqual(t, len(conns), 2*workers, "connections: %d for %d searches", len(conns), workers*rounds)
}
