package models

import "github.com/google/uuid"

// rowNamespace is the UUID namespace of the IDs derived from natural keys.
var rowNamespace = uuid.MustParse("0c9f1b4e-2f6d-4a57-b8a3-7d1e5c2f9a60")

// ConversationRowID is the primary key of a workflow's Conversation row:
// derived from the workflow ID, so recording is idempotent and every run of
// the same conversation ID shares the row.
func ConversationRowID(workflowID string) string {
	return uuid.NewSHA1(rowNamespace, []byte(workflowID)).String()
}

// DerivedID is a row ID derived from its natural key's parts, so writing
// the same row twice finds the first.
func DerivedID(parts ...string) string {
	key := ""
	for _, p := range parts {
		key += p + "\x00"
	}
	return uuid.NewSHA1(rowNamespace, []byte(key)).String()
}
