// Package activities holds the conversation's Temporal activities: thin
// adapters to Weaviate (retrieval), the answer generator and the database
// (read model, CRM). Each takes one XxxInput and returns one XxxResult; no
// database row crosses Temporal. It never imports workflows.
package activities
