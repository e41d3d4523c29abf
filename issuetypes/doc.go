// Package issuetypes manages a workspace's issue types and their labelled
// example phrases, and classifies a message by its nearest examples. Examples
// live in the database and, for search, in Weaviate; every change writes both
// or neither (a database transaction, with the Weaviate side undone when the
// transaction cannot commit). Errors meant for the client are *apperr.Error
// naming the field (or the row of an import).
package issuetypes
