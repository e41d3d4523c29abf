package embedding

import (
	"context"
	"fmt"
	"time"

	"github.com/openai/openai-go/v3"

	"github.com/switchboardhq/switchboard/answer"
)

// maxBatch is how many texts one request embeds (the API allows 2048).
const maxBatch = 256

// OpenAI embeds texts through the embeddings endpoint of an OpenAI-compatible
// API. It implements knowledge.Embedder.
type OpenAI struct {
	client openai.Client
	model  string
}

// NewOpenAI returns an embedder for the API at baseURL (e.g.
// https://api.openai.com/v1 or http://127.0.0.1:11434/v1) using model.
func NewOpenAI(baseURL, apiKey, model string, timeout time.Duration) *OpenAI {
	return &OpenAI{client: answer.NewClient(baseURL, apiKey, timeout), model: model}
}

// Embed returns one vector per text, in the order of texts.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += maxBatch {
		batch := texts[start:min(start+maxBatch, len(texts))]
		resp, err := o.client.Embeddings.New(ctx, openai.EmbeddingNewParams{
			Input:          openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: batch},
			Model:          openai.EmbeddingModel(o.model),
			EncodingFormat: openai.EmbeddingNewParamsEncodingFormatFloat,
		})
		if err != nil {
			return nil, fmt.Errorf("embeddings: %w", err)
		}
		if len(resp.Data) != len(batch) {
			return nil, fmt.Errorf("embeddings: %d vectors for %d texts", len(resp.Data), len(batch))
		}
		vectors := make([][]float32, len(batch))
		for _, d := range resp.Data {
			if d.Index < 0 || int(d.Index) >= len(batch) || vectors[d.Index] != nil {
				return nil, fmt.Errorf("embeddings: bad index %d in the response", d.Index)
			}
			v := make([]float32, len(d.Embedding))
			for i, f := range d.Embedding {
				v[i] = float32(f)
			}
			vectors[d.Index] = v
		}
		out = append(out, vectors...)
	}
	return out, nil
}
