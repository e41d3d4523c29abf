package knowledge

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	pb "github.com/weaviate/weaviate/grpc/generated/protocol/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// TestRequestsSendTheAPIKeyOnReusedConnections: HTTP requests carry the API
// key, and concurrent ones reuse their connections instead of opening one
// each (Go's default transport keeps only two idle per host).
func TestRequestsSendTheAPIKeyOnReusedConnections(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	auths := map[string]int{}
	conns := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths[r.Header.Get("Authorization")]++
		conns[r.RemoteAddr] = true
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	s, err := NewStore(Config{URL: srv.URL, APIKey: "secret-key"})
	require.NoError(t, err)

	const workers, rounds = 8, 10
	for range rounds {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() { require.NoError(t, s.Ready(context.Background())) })
		}
		wg.Wait()
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, auths, 1, "%v", auths)
	require.GreaterOrEqual(t, auths["Bearer secret-key"], workers*rounds)
	require.LessOrEqual(t, len(conns), 2*workers, "connections: %d for %d requests", len(conns), workers*rounds)
}

// fakeSearch is a Weaviate gRPC server that records what searches ask.
type fakeSearch struct {
	pb.UnimplementedWeaviateServer
	mu       sync.Mutex
	auths    []string
	requests []*pb.SearchRequest
	// emailOnly makes the hit of a search without filter an email-only
	// chunk.
	emailOnly bool
}

func (f *fakeSearch) Search(ctx context.Context, req *pb.SearchRequest) (*pb.SearchReply, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auths = append(f.auths, md.Get("authorization")...)
	f.requests = append(f.requests, req)
	props := &pb.Properties{Fields: map[string]*pb.Value{
		"sourceId":   {Kind: &pb.Value_TextValue{TextValue: "src-1"}},
		"title":      {Kind: &pb.Value_TextValue{TextValue: "Shipping"}},
		"text":       {Kind: &pb.Value_TextValue{TextValue: "We ship in two days."}},
		"chunkIndex": {Kind: &pb.Value_IntValue{IntValue: 3}},
	}}
	if f.emailOnly && req.Filters == nil {
		props.Fields["channelsRestricted"] = &pb.Value{Kind: &pb.Value_BoolValue{BoolValue: true}}
		props.Fields["audienceChannels"] = &pb.Value{Kind: &pb.Value_ListValue{ListValue: &pb.ListValue{
			Kind: &pb.ListValue_TextValues{TextValues: &pb.TextValues{Values: []string{"email"}}}}}}
	}
	return &pb.SearchReply{Results: []*pb.SearchResult{{
		Properties: &pb.PropertiesResult{NonRefProps: props},
		Metadata:   &pb.MetadataResult{Score: 1.5, ScorePresent: true},
	}}}, nil
}

// TestSearchGoesOverGRPCWithTheAPIKey: a search is a BM25 query of the
// workspace's tenant over gRPC, carrying the API key, and its typed
// properties become the hit.
func TestSearchGoesOverGRPCWithTheAPIKey(t *testing.T) {
	t.Parallel()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	fake := &fakeSearch{}
	srv := grpc.NewServer()
	pb.RegisterWeaviateServer(srv, fake)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	s, err := NewStore(Config{URL: "http://127.0.0.1:1", GRPCAddress: lis.Addr().String(), APIKey: "secret-key"})
	require.NoError(t, err)
	hits, err := s.SearchWith(context.Background(), SearchRequest{
		WorkspaceID: "ws-1", Query: "how long does shipping take?", Limit: 3, Reader: &Reader{Channel: "chat"},
	})
	require.NoError(t, err)
	require.Equal(t, []Hit{{Chunk: Chunk{SourceID: "src-1", Title: "Shipping", Text: "We ship in two days.", Index: 3}, Score: 1.5}}, hits)

	fake.mu.Lock()
	defer fake.mu.Unlock()
	require.Equal(t, []string{"Bearer secret-key"}, fake.auths)
	req := fake.requests[0]
	require.Equal(t, ClassName, req.Collection)
	require.Equal(t, "ws-1", req.Tenant)
	require.EqualValues(t, 3, req.Limit)
	require.Contains(t, req.Bm25Search.GetQuery(), "shipping")
	require.NotContains(t, req.Bm25Search.GetQuery(), "?", "only words reach BM25")
	require.Nil(t, req.HybridSearch)
	require.True(t, req.Metadata.GetScore())
	// The hit carries no audience restriction: one search, without the
	// filter, reading the audience.
	require.Len(t, fake.requests, 1)
	require.Nil(t, req.Filters)
	require.Subset(t, req.Properties.GetNonRefProperties(), []string{"channelsRestricted", "audienceChannels", "tiersRestricted", "audienceTiers"})
}

// TestSearchFiltersWhenAHitIsNotForTheReader: a BM25 search for a reader
// runs again with the audience filter when the search without it found a
// chunk the reader may not see.
func TestSearchFiltersWhenAHitIsNotForTheReader(t *testing.T) {
	t.Parallel()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	fake := &fakeSearch{emailOnly: true}
	srv := grpc.NewServer()
	pb.RegisterWeaviateServer(srv, fake)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	s, err := NewStore(Config{URL: "http://127.0.0.1:1", GRPCAddress: lis.Addr().String()})
	require.NoError(t, err)
	for _, tt := range []struct {
		channel  string
		searches int
	}{{"email", 1}, {"chat", 2}, {"", 2}} {
		fake.mu.Lock()
		fake.requests = nil
		fake.mu.Unlock()
		hits, err := s.SearchWith(context.Background(), SearchRequest{
			WorkspaceID: "ws-1", Query: "shipping", Limit: 3, Reader: &Reader{Channel: tt.channel},
		})
		require.NoError(t, err)
		require.Len(t, hits, 1)
		fake.mu.Lock()
		require.Len(t, fake.requests, tt.searches, "reader on %q", tt.channel)
		require.Nil(t, fake.requests[0].Filters)
		if tt.searches == 2 {
			require.NotNil(t, fake.requests[1].Filters)
			require.NotContains(t, fake.requests[1].Properties.GetNonRefProperties(), "audienceChannels")
		}
		fake.mu.Unlock()
	}
}
