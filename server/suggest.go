package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

// suggestionTimeout bounds one suggestion: a search and, with an LLM, one
// generation.
const suggestionTimeout = 90 * time.Second

type suggestionResponse struct {
	ConversationID string `json:"conversation_id"`
	// MessageID is the customer message the suggestion answers.
	MessageID string            `json:"message_id"`
	Text      string            `json:"text"`
	Citations []answer.Citation `json:"citations"`
	// Known is false when the content does not answer the message; Text is
	// then empty.
	Known      bool    `json:"known"`
	Confidence float64 `json:"confidence"`
}

// suggestReply drafts a reply to the customer's last message for a rep to
// edit: retrieval and generation only, outside the conversation's workflow,
// so nothing is recorded and no credit is used. A channel with reply
// suggestions turned off gets 409.
func (s *Server) suggestReply(c *gin.Context) {
	conv, err := s.conversationFor(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.channelSettings(c.Request.Context(), conv.WorkspaceID, conv.ChannelID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if st.ReplySuggestionsOff {
		s.fail(c, apperr.Errorf(apperr.ECONFLICT, "reply_suggestions: turned off for this conversation's channel (PUT /v1/channels/%s to turn them on)", conv.ChannelID))
		return
	}
	db := s.DB.WithContext(c.Request.Context())
	var last models.Message
	err = db.Where("conversation_id = ? AND role = ?", conv.ID, models.MessageCustomer).
		Order("created_at DESC").Limit(1).Find(&last).Error
	if err != nil {
		s.fail(c, err)
		return
	}
	if last.ID == "" {
		s.fail(c, apperr.Errorf(apperr.ECONFLICT, "the customer has not written yet"))
		return
	}
	var settings models.AgentSettings
	if err := db.Where("workspace_id = ?", conv.WorkspaceID).Limit(1).Find(&settings).Error; err != nil {
		s.fail(c, err)
		return
	}

	ctx, cancel := context.WithTimeout(c.Request.Context(), suggestionTimeout)
	defer cancel()
	hits, err := s.Knowledge.Search(ctx, conv.WorkspaceID, last.Text, 5)
	if err != nil {
		s.fail(c, suggestionError("search", err))
		return
	}
	req := answer.Request{Question: last.Text, AgentName: settings.AgentName, Tone: settings.Tone, Guidelines: settings.Guidelines}
	for _, h := range hits {
		req.Passages = append(req.Passages, answer.Passage{
			SourceID: h.SourceID, Title: h.Title, URL: h.URL, Heading: h.Heading, Text: h.Text, Score: h.Score,
		})
	}
	gen := s.Generator
	if gen == nil {
		gen = answer.Extractive{}
	}
	ans, err := gen.Generate(ctx, req)
	if err != nil {
		s.fail(c, suggestionError("generate", err))
		return
	}

	threshold := decide.SettingsOf(settings).ConfidenceThreshold
	out := suggestionResponse{
		ConversationID: conv.ExternalID, MessageID: last.ClientID,
		Citations: []answer.Citation{}, Confidence: ans.Confidence,
		Known: ans.Known && ans.Confidence >= threshold,
	}
	if out.Known {
		out.Text = ans.Text
		out.Citations = citations(ans.Citations)
	}
	c.JSON(http.StatusOK, out)
}

func suggestionError(step string, err error) error {
	if isTimeout(err) {
		return apperr.Errorf(apperr.EUNAVAILABLE, "the suggestion took too long; try again")
	}
	return fmt.Errorf("suggestion: %s: %w", step, err)
}
