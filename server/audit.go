package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/workflows"
)

// listFilters maps query parameters to the conversation's search attributes.
var listFilters = []struct {
	param, attribute string
	boolean          bool
}{
	{"channel", "Channel", false},
	{"status", "`Status`", false}, // an SQL keyword in SQL visibility stores
	{"customer_tier", "CustomerTier", false},
	{"issue_type", "IssueType", false},
	{"handoff_reason", "HandoffReason", false},
	{"resolved", "Resolved", true},
	{"test", "TestConversation", true},
}

type listedConversation struct {
	ConversationID string            `json:"conversation_id"`
	WorkflowID     string            `json:"workflow_id"`
	RunID          string            `json:"run_id"`
	Running        bool              `json:"running"`
	StartedAt      time.Time         `json:"started_at"`
	SearchAttrs    map[string]string `json:"search_attributes"`
}

// listConversations lists the workspace's conversations from Temporal's
// visibility store, newest first, filtered by search attributes: the same
// view an auditor gets in the Temporal UI, each conversation once (a run that
// continued as new is left out: its conversation goes on in the next run).
func (s *Server) listConversations(c *gin.Context) {
	p := principal(c)
	clauses := []string{fmt.Sprintf("WorkspaceId = %s", quote(p.WorkspaceID)), "ExecutionStatus != 'ContinuedAsNew'"}
	for _, f := range listFilters {
		v := c.Query(f.param)
		if v == "" {
			continue
		}
		if f.boolean {
			b, err := strconv.ParseBool(v)
			if err != nil {
				s.fail(c, apperr.Invalid(f.param, "must be true or false"))
				return
			}
			clauses = append(clauses, fmt.Sprintf("%s = %t", f.attribute, b))
			continue
		}
		if len(v) > 200 {
			s.fail(c, apperr.Invalid(f.param, "longer than 200 characters"))
			return
		}
		clauses = append(clauses, fmt.Sprintf("%s = %s", f.attribute, quote(v)))
	}
	limit := 50
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			s.fail(c, apperr.Invalid("limit", "must be an integer from 1 to 500"))
			return
		}
		limit = n
	}
	// Temporal's page token is opaque bytes; the API's is them in base64.
	// Its visibility stores' tokens are JSON, and the server waits out the
	// request's deadline on one that is not: it is refused here.
	token, err := base64.RawURLEncoding.DecodeString(c.Query("page_token"))
	if err != nil || (len(token) > 0 && !json.Valid(token)) {
		s.fail(c, apperr.Invalid("page_token", "is not a next_page_token this listing returned"))
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 10*time.Second)
	defer cancel()
	resp, err := s.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: strings.Join(clauses, " AND "), PageSize: int32(limit), NextPageToken: token,
	})
	if err != nil {
		s.fail(c, fmt.Errorf("list workflows: %w", err))
		return
	}
	prefix := workflows.ConversationWorkflowID(p.WorkspaceID, "")
	out := make([]listedConversation, 0, len(resp.Executions))
	for _, e := range resp.Executions {
		item := listedConversation{
			ConversationID: strings.TrimPrefix(e.Execution.WorkflowId, prefix),
			WorkflowID:     e.Execution.WorkflowId, RunID: e.Execution.RunId,
			Running: e.CloseTime == nil, StartedAt: e.StartTime.AsTime(), SearchAttrs: map[string]string{},
		}
		for name, payload := range e.SearchAttributes.GetIndexedFields() {
			var v any
			if err := converter.GetDefaultDataConverter().FromPayload(payload, &v); err == nil {
				item.SearchAttrs[name] = fmt.Sprint(v)
			}
		}
		if item.SearchAttrs["TestConversation"] == "true" {
			// A test conversation is read by its own ID, with ?test=true.
			item.ConversationID = strings.TrimPrefix(item.ConversationID, workflows.TestConversationPrefix)
		}
		out = append(out, item)
	}
	c.JSON(http.StatusOK, gin.H{"conversations": out, "next_page_token": base64.RawURLEncoding.EncodeToString(resp.NextPageToken)})
}

// quote makes a string literal of the visibility query language.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
