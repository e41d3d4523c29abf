// Package sources manages a workspace's content sources: it validates what
// an admin writes, stores the source, keeps its Temporal Schedule (which
// starts SyncSourceWorkflow at the source's re-sync interval and whenever a
// sync is asked for) in step with it, and deletes a source with its chunks.
// The sync itself is the workflow's business. Errors meant for the client are
// *apperr.Error and name the field.
package sources
