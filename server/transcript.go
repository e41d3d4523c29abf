package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// Bounds of a page of a transcript.
const (
	DefaultTranscriptLimit = 100
	MaxTranscriptLimit     = 500
)

// messageRank orders a turn's messages, which share their time: the
// customer's before the reply. transcriptRank is the same in Go.
const messageRank = "CASE role WHEN 'customer' THEN 0 ELSE 1 END"

func transcriptRank(role string) int {
	if role == models.MessageCustomer {
		return 0
	}
	return 1
}

// transcriptToken is where a page of a transcript begins: its oldest
// message's place in the transcript's order (time, rank, row ID). The next
// page holds the messages before it, so messages added meanwhile neither
// repeat nor push others out of the pages.
type transcriptToken struct {
	CreatedAt time.Time `json:"t"`
	Rank      int       `json:"r"`
	ID        string    `json:"id"`
}

// transcriptQuery asks for a page of a transcript.
type transcriptQuery struct {
	limit int
	// before is the NextPageToken of the page after; nil for the newest
	// page.
	before *transcriptToken
}

// parseTranscriptQuery reads ?limit= and ?page_token=.
func parseTranscriptQuery(c *gin.Context) (transcriptQuery, error) {
	q := transcriptQuery{limit: DefaultTranscriptLimit}
	if v, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxTranscriptLimit {
			return q, apperr.Invalid("limit", fmt.Sprintf("must be an integer from 1 to %d", MaxTranscriptLimit))
		}
		q.limit = n
	}
	if v := c.Query("page_token"); v != "" {
		var tok transcriptToken
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err == nil {
			err = json.Unmarshal(raw, &tok)
		}
		if err != nil || tok.ID == "" || tok.CreatedAt.IsZero() || (tok.Rank != 0 && tok.Rank != 1) {
			return q, apperr.Invalid("page_token", "is not a next_page_token this transcript returned")
		}
		q.before = &tok
	}
	return q, nil
}

// transcriptPage is a page of a transcript: the newest messages, or the
// newest before a page token, oldest first.
type transcriptPage struct {
	messages []models.Message
	// next is the token of the page before this one; "" when this page
	// starts the conversation.
	next string
	// from and to bound the time the page covers, for its decisions: from
	// its oldest message (zero on the first page) to the oldest message of
	// the page after it (zero on the newest page).
	from, to time.Time
}

// transcriptPage reads a page of the messages of conversation convRowID.
func (s *Server) transcriptPage(ctx context.Context, convRowID string, q transcriptQuery) (transcriptPage, error) {
	db := s.DB.WithContext(ctx).Where("conversation_id = ?", convRowID)
	var page transcriptPage
	if b := q.before; b != nil {
		db = db.Where("(created_at < ? OR (created_at = ? AND ("+messageRank+" < ? OR ("+messageRank+" = ? AND id < ?))))",
			b.CreatedAt, b.CreatedAt, b.Rank, b.Rank, b.ID)
		page.to = b.CreatedAt
	}
	var msgs []models.Message
	if err := db.Order("created_at DESC, " + messageRank + " DESC, id DESC").Limit(q.limit + 1).Find(&msgs).Error; err != nil {
		return page, fmt.Errorf("read transcript: %w", err)
	}
	if len(msgs) > q.limit {
		msgs = msgs[:q.limit]
		oldest := msgs[len(msgs)-1]
		raw, err := json.Marshal(transcriptToken{CreatedAt: oldest.CreatedAt, Rank: transcriptRank(oldest.Role), ID: oldest.ID})
		if err != nil {
			return page, fmt.Errorf("read transcript: %w", err)
		}
		page.next = base64.RawURLEncoding.EncodeToString(raw)
		page.from = oldest.CreatedAt
	}
	slices.Reverse(msgs)
	page.messages = msgs
	return page, nil
}

// decisionsOf selects the conversation's decisions in the time the page
// covers, so that every decision is on exactly one page.
func (p transcriptPage) decisionsOf(db *gorm.DB, convRowID string) *gorm.DB {
	q := db.Where("conversation_id = ?", convRowID)
	if !p.from.IsZero() {
		q = q.Where("created_at >= ?", p.from)
	}
	if !p.to.IsZero() {
		q = q.Where("created_at < ?", p.to)
	}
	return q
}
