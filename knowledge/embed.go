package knowledge

import "context"

// Embedder turns texts into vectors for hybrid search. The store embeds
// chunks when it indexes them and queries when it searches.
type Embedder interface {
	// Embed returns one vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// DefaultAlpha weighs vectors against BM25 in hybrid search (0: BM25 only,
// 1: vectors only).
const DefaultAlpha = 0.5

// WithEmbedder makes the store's searches hybrid: chunks indexed from now on
// get vectors from e, and queries are embedded too, weighted by alpha
// (0..1). Chunks indexed without vectors are still found by their words.
func (s *Store) WithEmbedder(e Embedder, alpha float64) *Store {
	s.embedder = e
	s.alpha = float32(alpha)
	return s
}
