package models

import "time"

// Content source formats (ContentSource.Format).
const (
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
)

// UploadedFile is the uploaded file of a content source of kind file.
type UploadedFile struct {
	SourceID    string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;index;size:36"`
	Name        string `gorm:"not null"`
	// ContentType is the type the file was recognised as: text/markdown,
	// text/plain, text/html or application/pdf.
	ContentType string `gorm:"not null;size:64"`
	Data        []byte `gorm:"not null"`
	CreatedAt   time.Time
}

// SourceSyncDocument is a document one sync of a source fetched (a page, a
// file, an article's body), kept only until the sync ends. The sync's steps
// pass documents through the database, not through workflow history.
type SourceSyncDocument struct {
	ID uint64 `gorm:"primaryKey;autoIncrement"`
	// SyncID is the sync's workflow run ID.
	SyncID      string `gorm:"not null;size:64;index"`
	SourceID    string `gorm:"not null;size:36"`
	Seq         int    `gorm:"not null"`
	URL         string
	Title       string
	ContentType string `gorm:"not null;size:64"`
	Body        []byte
	CreatedAt   time.Time
}

// SourceSyncChunk is a chunk one sync of a source extracted, kept only until
// the sync ends.
type SourceSyncChunk struct {
	ID        uint64 `gorm:"primaryKey;autoIncrement"`
	SyncID    string `gorm:"not null;size:64;index"`
	SourceID  string `gorm:"not null;size:36"`
	Seq       int    `gorm:"not null"`
	Title     string
	URL       string
	Heading   string
	Text      string `gorm:"type:text;not null"`
	CreatedAt time.Time
}

// IssueType is a kind of customer issue the agent recognises ("refund",
// "shipping_delay"), defined by example phrases.
type IssueType struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_issue_type_name"`
	// Name is how rules and conversations name the issue type.
	Name        string `gorm:"not null;size:64;uniqueIndex:idx_issue_type_name"`
	Description string `gorm:"type:text"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// IssueExample is one labelled example phrase of an issue type. Its ID is
// derived from the workspace, the issue type and the text
// (issuetypes.ExampleID), so importing the same example twice is a no-op.
type IssueExample struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;index"`
	IssueTypeID string `gorm:"not null;size:36;index"`
	Text        string `gorm:"type:text;not null"`
	CreatedAt   time.Time
}

// IssueTypeSettings are a workspace's issue-type detection settings.
type IssueTypeSettings struct {
	WorkspaceID string `gorm:"primaryKey;size:36"`
	// Threshold: a classification less confident than this is "unknown"
	// (0..1; 0 means the default).
	Threshold float64
	UpdatedAt time.Time
}

// sourceModels lists the models of content sources and issue types beyond
// ContentSource.
func sourceModels() []any {
	return []any{
		&UploadedFile{}, &SourceSyncDocument{}, &SourceSyncChunk{},
		&IssueType{}, &IssueExample{}, &IssueTypeSettings{},
	}
}
