// Package embedding turns texts into vectors with an OpenAI-compatible
// embeddings API (OpenAI, Ollama, vLLM, llama.cpp server), for hybrid search
// in package knowledge. It does no retrying of its own: the Temporal
// activity calling it does.
package embedding
