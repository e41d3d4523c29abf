// Package issuetypes manages a workspace's issue types and their labelled
// example phrases, and classifies a message: the types of its nearest
// examples (BM25, searched in memory) are the candidates, a model trained
// on the workspace's examples (cached per process with that search's
// index) ranks them, and, when one is
// configured, a language model may decide among the likeliest; without it,
// or when it fails, the offline decision stands. The examples of the
// reserved type OutOfScope are messages the business does not handle: a
// message likely to be one of them is Unknown, never OutOfScope. Examples
// live in the database only; every change is one transaction. Errors meant
// for the client are *apperr.Error
// naming the field (or the row of an import). It knows nothing of workflows.
package issuetypes
