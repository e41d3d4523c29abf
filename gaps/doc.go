// Package gaps groups the questions the agent could not answer into topics,
// so an admin sees "12 questions about gift wrapping" instead of 12 lines.
//
// Grouping is deterministic and needs no model: each question becomes a
// TF-IDF vector of its normalised words (lower case, stop words removed,
// suffixes stripped), and questions are merged bottom-up (average linkage
// over cosine similarity) while two groups are similar enough. The package
// does no I/O: it takes strings and returns indexes.
package gaps
