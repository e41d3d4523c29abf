// Package knowledge stores and searches the content the agent answers from:
// it splits articles into chunks and keeps them in Weaviate, one tenant per
// workspace, with object IDs derived from the source and the chunk's content so
// that indexing again is idempotent. It knows nothing of workflows or the
// database.
package knowledge
