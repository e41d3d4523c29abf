// Package answer turns a customer's question and the passages retrieved for it
// into the agent's reply. Extractive quotes the best passages and is the
// honest offline default: it says it does not know when nothing matches.
// OpenAI talks to any OpenAI-compatible chat API. The package does no
// retrieval and keeps no state.
package answer
