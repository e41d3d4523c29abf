package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/issuetypes"
)

// The issue types API: admins define issue types by example phrases, import
// labelled examples in bulk and try the classifier; auditors read. What is
// valid and how examples are kept is package issuetypes' business.

func (s *Server) issueTypes() *issuetypes.Service {
	return &issuetypes.Service{DB: s.DB, Refiner: s.IssueRefiner}
}

type issueTypeJSON struct {
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	ExampleCount int       `json:"example_count"`
	Examples     []string  `json:"examples,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func issueTypeOut(sum issuetypes.Summary, examples []string) issueTypeJSON {
	return issueTypeJSON{
		Name: sum.Name, Description: sum.Description, ExampleCount: sum.Examples, Examples: examples,
		CreatedAt: sum.CreatedAt, UpdatedAt: sum.UpdatedAt,
	}
}

type issueTypeRequest struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Examples    []string `json:"examples"`
}

type issueTypeUpdate struct {
	Description *string `json:"description"`
	// Examples, when given, replace the type's examples.
	Examples []string `json:"examples"`
}

// listIssueTypes lists the workspace's issue types with example counts.
func (s *Server) listIssueTypes(c *gin.Context) {
	p := principal(c)
	list, err := s.issueTypes().List(c.Request.Context(), p.WorkspaceID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]issueTypeJSON, 0, len(list))
	for _, t := range list {
		out = append(out, issueTypeOut(t, nil))
	}
	c.JSON(http.StatusOK, gin.H{"issue_types": out})
}

// getIssueType returns an issue type with its examples.
func (s *Server) getIssueType(c *gin.Context) {
	p := principal(c)
	t, err := s.issueTypes().Get(c.Request.Context(), p.WorkspaceID, c.Param("name"))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := issueTypeOut(t.Summary, t.Examples)
	if out.Examples == nil {
		out.Examples = []string{}
	}
	c.JSON(http.StatusOK, out)
}

// createIssueType adds an issue type with its examples → 201.
func (s *Server) createIssueType(c *gin.Context) {
	p := principal(c)
	var req issueTypeRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.issueTypes().Create(c.Request.Context(), p.WorkspaceID, req.Name, req.Description, req.Examples)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/v1/issue-types/"+t.Name)
	c.JSON(http.StatusCreated, issueTypeOut(t.Summary, t.Examples))
}

// updateIssueType changes the description and, if given, replaces the
// examples.
func (s *Server) updateIssueType(c *gin.Context) {
	p := principal(c)
	var req issueTypeUpdate
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.issueTypes().Update(c.Request.Context(), p.WorkspaceID, c.Param("name"), req.Description, req.Examples)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, issueTypeOut(t.Summary, t.Examples))
}

// deleteIssueType deletes an issue type and its examples → 204.
func (s *Server) deleteIssueType(c *gin.Context) {
	p := principal(c)
	if err := s.issueTypes().Delete(c.Request.Context(), p.WorkspaceID, c.Param("name")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type importResponse struct {
	Rows         int      `json:"rows"`
	Added        int      `json:"added"`
	Duplicates   int      `json:"duplicates"`
	CreatedTypes []string `json:"created_types"`
}

// importIssueExamples imports labelled examples in one request: text/csv
// (columns text,issue_type, optional header) or JSON ([{"text",
// "issue_type"}, …] or {"examples": [...]}). All rows are checked first;
// one bad row rejects the whole import, naming its number.
func (s *Server) importIssueExamples(c *gin.Context) {
	p := principal(c)
	body, err := s.readUpload(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var rows []issuetypes.Row
	mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mediaType {
	case "text/csv":
		rows, err = issuetypes.ParseCSV(bytes.NewReader(body))
	case "application/json", "":
		rows, err = importJSON(body)
	default:
		err = apperr.Invalid("Content-Type", "send text/csv or application/json")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.issueTypes().Import(c.Request.Context(), p.WorkspaceID, rows)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, importResponse{Rows: res.Rows, Added: res.Added, Duplicates: res.Duplicates, CreatedTypes: res.CreatedTypes})
}

// importJSON reads a JSON import: an array of rows or {"examples": rows}.
func importJSON(body []byte) ([]issuetypes.Row, error) {
	if !utf8.Valid(body) {
		return nil, apperr.Invalid("body", "is not valid UTF-8")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var wrapped struct {
			Examples []issuetypes.Row `json:"examples"`
		}
		if err := strictJSON(trimmed, &wrapped); err != nil {
			return nil, err
		}
		return wrapped.Examples, nil
	}
	var rows []issuetypes.Row
	if err := strictJSON(trimmed, &rows); err != nil {
		return nil, err
	}
	return rows, nil
}

func strictJSON(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return apperr.Invalid("body", "has data after the JSON value")
	}
	return nil
}

// readUpload reads a body of up to the upload limit (413 beyond).
func (s *Server) readUpload(c *gin.Context) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.uploadLimit()))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, apperr.Errorf(apperr.ETOOLARGE, "body: larger than %d bytes", s.uploadLimit())
		}
		return nil, apperr.Errorf(apperr.EINVALID, "body: could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, apperr.Invalid("body", "is empty")
	}
	return body, nil
}

type classifyRequest struct {
	Text string `json:"text"`
}

type classifyResponse struct {
	IssueType  string  `json:"issue_type"`
	Confidence float64 `json:"confidence"`
	Unknown    bool    `json:"unknown"`
	// OutOfScope is true when the message is unknown because the
	// out-of-scope examples are likelier than any issue type.
	OutOfScope bool `json:"out_of_scope"`
	// BestGuess is the offline classifier's likeliest type, also when
	// unknown.
	BestGuess string  `json:"best_guess,omitempty"`
	Threshold float64 `json:"threshold"`
	// Refined is true when the language model made the decision.
	Refined bool `json:"refined"`
	// OnlyAsksForHuman: the message only asks for a person, which says
	// nothing of an issue (unknown, and no knowledge gap in a conversation).
	OnlyAsksForHuman bool `json:"only_asks_for_human"`
}

// classifyIssue classifies a phrase the way the conversation does.
func (s *Server) classifyIssue(c *gin.Context) {
	p := principal(c)
	var req classifyRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := validText(req.Text); err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.issueTypes().Classify(c.Request.Context(), p.WorkspaceID, req.Text)
	if err != nil {
		s.fail(c, err)
		return
	}
	if res.RefineErr != nil {
		s.Log.Warn("issue type: the language model could not decide; the offline decision stands", "err", res.RefineErr)
	}
	c.JSON(http.StatusOK, classifyResponse{
		IssueType: res.IssueType, Confidence: res.Confidence, Unknown: res.Unknown, OutOfScope: res.OutOfScope,
		BestGuess: res.BestGuess, Threshold: res.Threshold, Refined: res.Refined, OnlyAsksForHuman: res.OnlyAsksForHuman,
	})
}

type issueTypeSettingsJSON struct {
	Threshold float64 `json:"threshold"`
}

// getIssueTypeSettings returns the classification threshold.
func (s *Server) getIssueTypeSettings(c *gin.Context) {
	p := principal(c)
	th, err := s.issueTypes().Threshold(c.Request.Context(), p.WorkspaceID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, issueTypeSettingsJSON{Threshold: th})
}

// putIssueTypeSettings sets the classification threshold.
func (s *Server) putIssueTypeSettings(c *gin.Context) {
	p := principal(c)
	var req issueTypeSettingsJSON
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.issueTypes().SetThreshold(c.Request.Context(), p.WorkspaceID, req.Threshold); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, req)
}
