package knowledge

import "context"

// SearchFiltered runs req's search with the audience filter, as SearchWith
// does when a hit is not for the reader.
func (s *Store) SearchFiltered(ctx context.Context, req SearchRequest) ([]Hit, error) {
	search, err := s.searchRequest(ctx, req)
	if search == nil || err != nil {
		return nil, err
	}
	return s.searchFiltered(ctx, search, req.Reader)
}
