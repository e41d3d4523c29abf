// Package issuetypes manages a workspace's issue types and their labelled
// example phrases, and classifies a message: the types of its nearest
// examples in Weaviate are the candidates, a model trained on the
// workspace's examples (and cached per process) ranks them, and, when one is
// configured, a language model may decide among the likeliest; without it,
// or when it fails, the offline decision stands. The examples of the
// reserved type OutOfScope are messages the business does not handle: a
// message likely to be one of them is Unknown, never OutOfScope. Examples
// live in the database and, for search, in Weaviate; every change writes
// both or neither (a database transaction, with the Weaviate side undone
// when the transaction cannot commit). Errors meant for the client are *apperr.Error
// naming the field (or the row of an import). It knows nothing of workflows.
package issuetypes
