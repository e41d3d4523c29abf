package server

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/gaps"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sources"
)

// Analytics reads the read model that RecordTurn and the credit ledger keep
// (never Temporal), so reports are fast and outlive Temporal's retention.
//
// Every report but the knowledge gaps covers the same conversations: those
// of the workspace that started in [from, to) (a reopened conversation
// counts from its reopening), on the channel type asked for, never test
// conversations. Counts are SQL aggregates that run on PostgreSQL and SQLite
// alike; percentiles and the JSON columns (citations, decision details) are
// fetched and computed in Go.

const (
	// analyticsDefaultSpan is the period when from and to are not given.
	analyticsDefaultSpan = 30 * 24 * time.Hour
	// analyticsMaxSpan bounds a period, and so the daily series.
	analyticsMaxSpan = 366 * 24 * time.Hour
	dateLayout       = "2006-01-02"
)

// SQL over the conversations table aliased c. A conversation was handed off
// when the read model says so, or when the current run recorded a handoff or
// a rep's acceptance (a rep's hand-back clears the handoff columns but not
// the decisions). It was reopened when the ledger reversed its charge.
const (
	endedSQL     = `c.ended_at IS NOT NULL`
	handedOffSQL = `(c.handed_off_at IS NOT NULL OR EXISTS (SELECT 1 FROM decisions d WHERE d.conversation_id = c.id` +
		` AND d.kind IN ('handoff', 'rep_accepted') AND d.created_at >= c.started_at))`
	reopenedSQL = `EXISTS (SELECT 1 FROM credit_entries e WHERE e.conversation_id = c.id AND e.reason = '` +
		activities.CreditReversal + `')`
	// resolvedSQL is the agent's resolution as the workflow decides and
	// charges it (agent answered, no handoff, no negative feedback), unless
	// the charge was reversed since it ended because the customer came back.
	// A conversation resolved again after a reopening is charged again, and
	// counts again.
	resolvedSQL = `(c.ended_at IS NOT NULL AND c.resolved = TRUE AND NOT EXISTS (SELECT 1 FROM credit_entries r` +
		` WHERE r.conversation_id = c.id AND r.reason = '` + activities.CreditReversal + `' AND r.created_at >= c.ended_at))`
)

// analyticsQuery is what a report covers.
type analyticsQuery struct {
	WorkspaceID string
	From, To    time.Time
	// Channel is a channel type (chat, email, whatsapp); empty for all.
	Channel string
}

// parseAnalyticsQuery reads from, to and channel. from and to are RFC 3339
// times or YYYY-MM-DD dates (UTC); a date as to includes that whole day.
// Without them the period is the last 30 days.
func parseAnalyticsQuery(c *gin.Context, now time.Time) (analyticsQuery, error) {
	q := analyticsQuery{WorkspaceID: principal(c).WorkspaceID, Channel: c.Query("channel")}
	var err error
	q.To = now.UTC()
	if v := c.Query("to"); v != "" {
		if q.To, err = parseBound("to", v, true); err != nil {
			return q, err
		}
	}
	q.From = q.To.Add(-analyticsDefaultSpan)
	if v := c.Query("from"); v != "" {
		if q.From, err = parseBound("from", v, false); err != nil {
			return q, err
		}
	}
	switch {
	case !q.From.Before(q.To):
		return q, apperr.Invalid("from", fmt.Sprintf("%s is not before to (%s)", q.From.Format(time.RFC3339), q.To.Format(time.RFC3339)))
	case q.To.Sub(q.From) > analyticsMaxSpan:
		return q, apperr.Invalid("to", "the period may span at most 366 days")
	}
	if len(q.Channel) > 32 || strings.Trim(q.Channel, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		return q, apperr.Invalid("channel", "expected a channel type such as chat, email or whatsapp")
	}
	return q, nil
}

func parseBound(field, v string, end bool) (time.Time, error) {
	if d, err := time.Parse(dateLayout, v); err == nil {
		if end {
			d = d.Add(24 * time.Hour)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, apperr.Invalid(field, fmt.Sprintf("%q is neither an RFC 3339 time (2025-05-01T00:00:00Z; encode + as %%2B) nor a date (2025-05-01)", v))
	}
	return t.UTC(), nil
}

// conversations selects the report's conversations, aliased c.
func (q analyticsQuery) conversations(db *gorm.DB) *gorm.DB {
	db = db.Table("conversations AS c").
		Where("c.workspace_id = ? AND c.test = ? AND c.started_at >= ? AND c.started_at < ?", q.WorkspaceID, false, q.From, q.To)
	if q.Channel != "" {
		db = db.Where("c.channel_type = ?", q.Channel)
	}
	return db
}

// dayOf is the SQL for the UTC date (YYYY-MM-DD) of a timestamp column. It
// is the one expression that differs between the databases.
func dayOf(db *gorm.DB, column string) string {
	if db.Dialector.Name() == "postgres" {
		return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "date(" + column + ")" // SQLite stores "2006-01-02 15:04:05.999999999-07:00" and converts to UTC
}

// percentiles of a distribution, by the nearest-rank method: pN is the
// smallest value with at least N % of the values at or below it. Nil when
// there are no values.
type percentiles struct {
	Count int    `json:"count"`
	P50   *int64 `json:"p50"`
	P90   *int64 `json:"p90"`
}

func percentilesOf(values []int64) percentiles {
	out := percentiles{Count: len(values)}
	if len(values) == 0 {
		return out
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	rank := func(p float64) *int64 {
		v := sorted[int(math.Ceil(p/100*float64(len(sorted))))-1]
		return &v
	}
	out.P50, out.P90 = rank(50), rank(90)
	return out
}

// ratio is n/d, or nil when d is 0.
func ratio(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

// credits is what the conversations cost, from the credit ledger: charges
// minus reversals, whenever the entries were written.
type credits struct {
	Consumed int64 `json:"consumed"`
	Charged  int64 `json:"charged"`
	Reversed int64 `json:"reversed"`
}

// outcomes are the figures of the summary and of each day of the series.
type outcomes struct {
	Conversations   int64       `json:"conversations"`
	Ongoing         int64       `json:"ongoing"`
	Ended           int64       `json:"ended"`
	ResolvedByAgent int64       `json:"resolved_by_agent"`
	Deflected       int64       `json:"deflected"`
	HandedOff       int64       `json:"handed_off"`
	Reopened        int64       `json:"reopened"`
	ResolutionRate  *float64    `json:"resolution_rate"`
	DeflectionRate  *float64    `json:"deflection_rate"`
	HandoffRate     *float64    `json:"handoff_rate"`
	FirstAnswerMs   percentiles `json:"time_to_first_answer_ms"`
	Credits         credits     `json:"credits"`
}

type periodJSON struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Channel string    `json:"channel,omitempty"`
}

func (q analyticsQuery) period() periodJSON {
	return periodJSON{From: q.From, To: q.To, Channel: q.Channel}
}

type summaryResponse struct {
	periodJSON
	outcomes
}

type dayJSON struct {
	Date string `json:"date"`
	outcomes
}

type dailyResponse struct {
	periodJSON
	Days []dayJSON `json:"days"`
}

// outcomesByDay computes the outcomes per UTC day the conversations started
// on, or for the whole period under the key "" when byDay is false.
func (q analyticsQuery) outcomesByDay(db *gorm.DB, byDay bool) (map[string]*outcomes, error) {
	day := "''"
	if byDay {
		day = dayOf(db, "c.started_at")
	}
	group := func(tx *gorm.DB) *gorm.DB {
		if byDay {
			return tx.Group("day")
		}
		return tx
	}
	out := map[string]*outcomes{}
	at := func(d string) *outcomes {
		if out[d] == nil {
			out[d] = &outcomes{}
		}
		return out[d]
	}

	var counts []struct {
		Day                                                 string
		Conversations, Ended, Resolved, HandedOff, Reopened int64
	}
	err := group(q.conversations(db).Select(day + ` AS day, COUNT(*) AS conversations,
		COALESCE(SUM(CASE WHEN ` + endedSQL + ` THEN 1 ELSE 0 END), 0) AS ended,
		COALESCE(SUM(CASE WHEN ` + resolvedSQL + ` THEN 1 ELSE 0 END), 0) AS resolved,
		COALESCE(SUM(CASE WHEN ` + endedSQL + ` AND ` + handedOffSQL + ` THEN 1 ELSE 0 END), 0) AS handed_off,
		COALESCE(SUM(CASE WHEN ` + reopenedSQL + ` THEN 1 ELSE 0 END), 0) AS reopened`)).Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("count conversations: %w", err)
	}
	for _, r := range counts {
		if r.Conversations == 0 {
			continue
		}
		o := at(r.Day)
		o.Conversations, o.Ended, o.ResolvedByAgent, o.HandedOff, o.Reopened = r.Conversations, r.Ended, r.Resolved, r.HandedOff, r.Reopened
		o.Ongoing = r.Conversations - r.Ended
		// Every ended conversation was either handed off or deflected.
		o.Deflected = r.Ended - r.HandedOff
		o.ResolutionRate = ratio(o.ResolvedByAgent, o.Ended)
		o.DeflectionRate = ratio(o.Deflected, o.Ended)
		o.HandoffRate = ratio(o.HandedOff, o.Ended)
	}

	var answers []struct {
		Day string
		Ms  int64
	}
	err = q.conversations(db).Select(day + " AS day, c.first_answer_ms AS ms").Where("c.first_answer_ms > 0").Scan(&answers).Error
	if err != nil {
		return nil, fmt.Errorf("times to first answer: %w", err)
	}
	values := map[string][]int64{}
	for _, a := range answers {
		values[a.Day] = append(values[a.Day], a.Ms)
	}
	for d, v := range values {
		at(d).FirstAnswerMs = percentilesOf(v)
	}

	var ledger []struct {
		Day               string
		Charged, Reversed int64
	}
	err = group(q.conversations(db).Joins("JOIN credit_entries e ON e.conversation_id = c.id AND e.workspace_id = c.workspace_id").
		Where("e.reason IN ?", []string{activities.CreditResolved, activities.CreditReversal}).
		Select(day+` AS day,
			COALESCE(SUM(CASE WHEN e.reason = ? THEN -e.amount ELSE 0 END), 0) AS charged,
			COALESCE(SUM(CASE WHEN e.reason = ? THEN e.amount ELSE 0 END), 0) AS reversed`,
			activities.CreditResolved, activities.CreditReversal)).Scan(&ledger).Error
	if err != nil {
		return nil, fmt.Errorf("sum credits: %w", err)
	}
	for _, l := range ledger {
		if l.Charged == 0 && l.Reversed == 0 {
			continue
		}
		at(l.Day).Credits = credits{Consumed: l.Charged - l.Reversed, Charged: l.Charged, Reversed: l.Reversed}
	}
	return out, nil
}

// analyticsSummary: GET /v1/analytics/summary.
func (s *Server) analyticsSummary(c *gin.Context) {
	q, err := parseAnalyticsQuery(c, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	byDay, err := q.outcomesByDay(s.DB.WithContext(c.Request.Context()), false)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := summaryResponse{periodJSON: q.period()}
	if o := byDay[""]; o != nil {
		out.outcomes = *o
	}
	c.JSON(http.StatusOK, out)
}

// analyticsDaily: GET /v1/analytics/daily, as JSON or (format=csv) CSV.
func (s *Server) analyticsDaily(c *gin.Context) {
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" {
		s.fail(c, apperr.Invalid("format", "must be json or csv"))
		return
	}
	q, err := parseAnalyticsQuery(c, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	byDay, err := q.outcomesByDay(s.DB.WithContext(c.Request.Context()), true)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := dailyResponse{periodJSON: q.period(), Days: []dayJSON{}}
	last := q.To.Add(-time.Nanosecond).Format(dateLayout)
	for d := q.From.Truncate(24 * time.Hour); d.Format(dateLayout) <= last; d = d.Add(24 * time.Hour) {
		day := dayJSON{Date: d.Format(dateLayout)}
		if o := byDay[day.Date]; o != nil {
			day.outcomes = *o
		}
		out.Days = append(out.Days, day)
	}
	if format == "csv" {
		s.writeDailyCSV(c, out)
		return
	}
	c.JSON(http.StatusOK, out)
}

// dailyCSVHeader names the CSV export's columns; rates are fractions (0..1)
// and empty when no conversation ended that day.
var dailyCSVHeader = []string{
	"date", "conversations", "ongoing", "ended", "resolved_by_agent", "deflected", "handed_off", "reopened",
	"resolution_rate", "deflection_rate", "handoff_rate", "first_answers", "time_to_first_answer_p50_ms",
	"time_to_first_answer_p90_ms", "credits_consumed", "credits_charged", "credits_reversed",
}

func (s *Server) writeDailyCSV(c *gin.Context, out dailyResponse) {
	rate := func(r *float64) string {
		if r == nil {
			return ""
		}
		return strconv.FormatFloat(*r, 'f', 4, 64)
	}
	ms := func(v *int64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatInt(*v, 10)
	}
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	name := fmt.Sprintf("switchboard-daily-%s-%s.csv", out.Days[0].Date, out.Days[len(out.Days)-1].Date)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write(dailyCSVHeader)
	for _, d := range out.Days {
		_ = w.Write([]string{
			d.Date, n(d.Conversations), n(d.Ongoing), n(d.Ended), n(d.ResolvedByAgent), n(d.Deflected), n(d.HandedOff),
			n(d.Reopened), rate(d.ResolutionRate), rate(d.DeflectionRate), rate(d.HandoffRate),
			strconv.Itoa(d.FirstAnswerMs.Count), ms(d.FirstAnswerMs.P50), ms(d.FirstAnswerMs.P90),
			n(d.Credits.Consumed), n(d.Credits.Charged), n(d.Credits.Reversed),
		})
	}
	w.Flush()
}

// Knowledge gaps.

// gapStatuses filter the knowledge gaps report.
var gapStatuses = map[string]string{
	"open":     "g.resolved_at IS NULL",
	"resolved": "g.resolved_at IS NOT NULL",
	"all":      "1 = 1",
}

// gapExamples is how many questions a topic shows.
const gapExamples = 5

type gapJSON struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	// ConversationID is the client's conversation ID.
	ConversationID   string     `json:"conversation_id"`
	IssueType        string     `json:"issue_type,omitempty"`
	Reason           string     `json:"reason"`
	CreatedAt        time.Time  `json:"created_at"`
	ResolvedAt       *time.Time `json:"resolved_at,omitempty"`
	ResolvedSourceID string     `json:"resolved_source_id,omitempty"`
}

type gapTopicJSON struct {
	// Label is the topic's characteristic words, e.g. "gift, wrap, order".
	Label string   `json:"label"`
	Terms []string `json:"terms"`
	Count int      `json:"count"`
	Open  int      `json:"open"`
	// Reasons counts the topic's gaps by reason.
	Reasons  map[string]int `json:"reasons"`
	LatestAt time.Time      `json:"latest_at"`
	// Examples are the newest questions of the topic.
	Examples []gapJSON `json:"examples"`
	// GapIDs are all the topic's gaps, newest first.
	GapIDs []string `json:"gap_ids"`
}

type gapsResponse struct {
	periodJSON
	Status string `json:"status"`
	Gaps   int    `json:"gaps"`
	// Truncated is set when the period had more gaps than are grouped; the
	// newest are.
	Truncated bool           `json:"truncated"`
	Topics    []gapTopicJSON `json:"topics"`
}

// analyticsGaps: GET /v1/analytics/knowledge-gaps. The gaps recorded in
// [from, to) (of conversations that are not tests), grouped by similarity,
// newest topic first.
func (s *Server) analyticsGaps(c *gin.Context) {
	q, err := parseAnalyticsQuery(c, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	status := c.DefaultQuery("status", "open")
	cond, ok := gapStatuses[status]
	if !ok {
		s.fail(c, apperr.Invalid("status", "must be open, resolved or all"))
		return
	}
	reason := c.Query("reason")
	if reason != "" && !slices.Contains(decide.GapReasons, reason) {
		s.fail(c, apperr.Invalid("reason", "must be one of "+strings.Join(decide.GapReasons, ", ")))
		return
	}
	var rows []struct {
		models.KnowledgeGap
		ExternalID string
	}
	db := s.DB.WithContext(c.Request.Context()).Table("knowledge_gaps AS g").
		Joins("JOIN conversations c ON c.id = g.conversation_id AND c.workspace_id = g.workspace_id").
		Where("g.workspace_id = ? AND c.test = ? AND g.created_at >= ? AND g.created_at < ?", q.WorkspaceID, false, q.From, q.To).
		Where(cond)
	if q.Channel != "" {
		db = db.Where("c.channel_type = ?", q.Channel)
	}
	switch reason {
	case "":
	case decide.GapUnanswered:
		db = db.Where("g.reason IN ?", []string{"", reason})
	default:
		db = db.Where("g.reason = ?", reason)
	}
	err = db.Select("g.*, c.external_id AS external_id").Order("g.created_at DESC, g.id").Limit(gaps.MaxQuestions + 1).Scan(&rows).Error
	if err != nil {
		s.fail(c, fmt.Errorf("load knowledge gaps: %w", err))
		return
	}
	out := gapsResponse{periodJSON: q.period(), Status: status, Topics: []gapTopicJSON{}}
	if len(rows) > gaps.MaxQuestions {
		rows, out.Truncated = rows[:gaps.MaxQuestions], true
	}
	out.Gaps = len(rows)
	questions := make([]string, len(rows))
	for i, r := range rows {
		questions[i] = r.Question
	}
	// Rows are newest first, so each topic's members are too.
	for _, topic := range gaps.Group(questions, gaps.Options{}) {
		t := gapTopicJSON{Label: strings.Join(topic.Terms, ", "), Terms: topic.Terms, Count: len(topic.Members),
			LatestAt: rows[topic.Members[0]].CreatedAt, Reasons: map[string]int{}, Examples: []gapJSON{}}
		if t.Terms == nil {
			t.Terms = []string{}
		}
		for _, m := range topic.Members {
			r := rows[m]
			if r.ResolvedAt == nil {
				t.Open++
			}
			why := cmp.Or(r.Reason, decide.GapUnanswered)
			t.Reasons[why]++
			t.GapIDs = append(t.GapIDs, r.ID)
			if len(t.Examples) < gapExamples {
				t.Examples = append(t.Examples, gapJSON{
					ID: r.ID, Question: r.Question, ConversationID: r.ExternalID, IssueType: r.IssueType, Reason: why,
					CreatedAt: r.CreatedAt, ResolvedAt: r.ResolvedAt, ResolvedSourceID: r.ResolvedSourceID,
				})
			}
		}
		out.Topics = append(out.Topics, t)
	}
	sort.SliceStable(out.Topics, func(i, j int) bool {
		a, b := out.Topics[i], out.Topics[j]
		if !a.LatestAt.Equal(b.LatestAt) {
			return a.LatestAt.After(b.LatestAt)
		}
		return a.Count > b.Count
	})
	c.JSON(http.StatusOK, out)
}

type resolveGapRequest struct {
	SourceID string `json:"source_id"`
}

type resolvedGapResponse struct {
	ID         string     `json:"id"`
	Question   string     `json:"question"`
	ResolvedAt *time.Time `json:"resolved_at"`
	Source     sourceRef  `json:"source"`
}

type sourceRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
}

// resolveGap: POST /v1/analytics/knowledge-gaps/{id}/resolve links the
// content source that now answers the question. Linking again replaces the
// source.
func (s *Server) resolveGap(c *gin.Context) {
	p := principal(c)
	id := c.Param("gapID")
	if err := validID("id", id); err != nil {
		s.fail(c, err)
		return
	}
	var req resolveGapRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if strings.TrimSpace(req.SourceID) == "" {
		s.fail(c, apperr.Invalid("source_id", "must not be empty"))
		return
	}
	db := s.DB.WithContext(c.Request.Context())
	var gap models.KnowledgeGap
	err := db.Where("id = ? AND workspace_id = ?", id, p.WorkspaceID).Take(&gap).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "knowledge gap not found"))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	var src models.ContentSource
	err = db.Where("id = ? AND workspace_id = ?", req.SourceID, p.WorkspaceID).Take(&src).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		s.fail(c, apperr.Errorf(apperr.EUNPROCESSABLE, "source_id: no content source %q in this workspace", req.SourceID))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	now := time.Now().UTC()
	err = db.Model(&models.KnowledgeGap{}).Where("id = ? AND workspace_id = ?", gap.ID, p.WorkspaceID).
		Updates(map[string]any{"resolved_at": now, "resolved_source_id": src.ID}).Error
	if err != nil {
		s.fail(c, fmt.Errorf("resolve knowledge gap: %w", err))
		return
	}
	c.JSON(http.StatusOK, resolvedGapResponse{
		ID: gap.ID, Question: gap.Question, ResolvedAt: &now,
		Source: sourceRef{ID: src.ID, Title: sources.Title(src), URL: src.URL},
	})
}

// Content sources.

type sourceStatsJSON struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	URL    string `json:"url,omitempty"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	// Citations counts the agent's replies that cited the source.
	Citations int `json:"citations"`
	// Conversations counts the conversations with such a reply; of them,
	// ResolvedByAgent were resolved by the agent, out of Ended.
	Conversations   int      `json:"conversations"`
	Ended           int      `json:"ended"`
	ResolvedByAgent int      `json:"resolved_by_agent"`
	ResolutionRate  *float64 `json:"resolution_rate"`
	// CitedTotal counts every citation ever, tests included.
	CitedTotal int `json:"cited_total"`
}

type sourcesResponse struct {
	periodJSON
	// NeverCited counts the sources no reply cited in the period.
	NeverCited int               `json:"never_cited"`
	Sources    []sourceStatsJSON `json:"sources"`
}

// analyticsSources: GET /v1/analytics/sources. Per content source of the
// workspace, how often the agent cited it in the period's conversations and
// how many of those conversations the agent resolved; sources nobody cited
// are listed with zeros, most cited first.
func (s *Server) analyticsSources(c *gin.Context) {
	q, err := parseAnalyticsQuery(c, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	db := s.DB.WithContext(c.Request.Context())
	var all []models.ContentSource
	if err := db.Where("workspace_id = ?", q.WorkspaceID).Order("title, id").Find(&all).Error; err != nil {
		s.fail(c, fmt.Errorf("load sources: %w", err))
		return
	}
	type conversationOutcome struct{ ended, resolved bool }
	citedBy := map[string]map[string]bool{} // source → conversations
	replies := map[string]int{}
	outcome := map[string]conversationOutcome{}
	rows, err := q.conversations(db).
		Joins("JOIN messages m ON m.conversation_id = c.id").
		Where("m.role = ? AND m.citations IS NOT NULL", models.MessageAgent).
		Select(`m.conversation_id, m.citations,
			CASE WHEN ` + endedSQL + ` THEN 1 ELSE 0 END AS ended,
			CASE WHEN ` + resolvedSQL + ` THEN 1 ELSE 0 END AS resolved`).Rows()
	if err != nil {
		s.fail(c, fmt.Errorf("load citations: %w", err))
		return
	}
	defer rows.Close()
	for rows.Next() {
		var (
			convID          string
			cites           models.JSON[[]answer.Citation]
			ended, resolved int
		)
		if err := rows.Scan(&convID, &cites, &ended, &resolved); err != nil {
			s.fail(c, fmt.Errorf("read citations: %w", err))
			return
		}
		outcome[convID] = conversationOutcome{ended: ended == 1, resolved: resolved == 1}
		seen := map[string]bool{}
		for _, ct := range cites.V {
			if ct.SourceID == "" || seen[ct.SourceID] {
				continue
			}
			seen[ct.SourceID] = true
			replies[ct.SourceID]++
			if citedBy[ct.SourceID] == nil {
				citedBy[ct.SourceID] = map[string]bool{}
			}
			citedBy[ct.SourceID][convID] = true
		}
	}
	if err := rows.Err(); err != nil {
		s.fail(c, fmt.Errorf("read citations: %w", err))
		return
	}
	out := sourcesResponse{periodJSON: q.period(), Sources: []sourceStatsJSON{}}
	for _, src := range all {
		st := sourceStatsJSON{ID: src.ID, Title: sources.Title(src), URL: src.URL, Kind: src.Kind, Status: src.Status,
			Citations: replies[src.ID], Conversations: len(citedBy[src.ID]), CitedTotal: src.CitedCount}
		for convID := range citedBy[src.ID] {
			if o := outcome[convID]; o.ended {
				st.Ended++
				if o.resolved {
					st.ResolvedByAgent++
				}
			}
		}
		st.ResolutionRate = ratio(int64(st.ResolvedByAgent), int64(st.Ended))
		if st.Citations == 0 {
			out.NeverCited++
		}
		out.Sources = append(out.Sources, st)
	}
	sort.SliceStable(out.Sources, func(i, j int) bool { return out.Sources[i].Citations > out.Sources[j].Citations })
	c.JSON(http.StatusOK, out)
}

// Handoffs.

type handoffGroupJSON struct {
	// Reason is the trigger: "rule", "asked_for_human", "unanswered_twice",
	// "routing", "credits_exhausted", "qualified_lead", "rep_took_over".
	Reason   string `json:"reason,omitempty"`
	RuleID   string `json:"rule_id,omitempty"`
	RuleName string `json:"rule_name,omitempty"`
	Team     string `json:"team,omitempty"`
	Handoffs int    `json:"handoffs"`
	Accepted int    `json:"accepted"`
	Flagged  int    `json:"flagged"`
	// TimeToAcceptMs is from the handoff until a rep accepted it.
	TimeToAcceptMs percentiles `json:"time_to_accept_ms"`
}

type handoffsResponse struct {
	periodJSON
	// Handoffs counts every handoff (a conversation handed back and handed
	// off again has two); Conversations the conversations with one.
	Handoffs       int                `json:"handoffs"`
	Conversations  int                `json:"conversations"`
	Accepted       int                `json:"accepted"`
	Flagged        int                `json:"flagged"`
	TimeToAcceptMs percentiles        `json:"time_to_accept_ms"`
	ByReason       []handoffGroupJSON `json:"by_reason"`
	ByTeam         []handoffGroupJSON `json:"by_team"`
}

// handoff is one handoff, rebuilt from the decisions the workflow recorded.
type handoff struct {
	conversationID, trigger, ruleID, team string
	accepted, flagged                     bool
	waitedMs                              int64
}

// analyticsHandoffs: GET /v1/analytics/handoffs. The handoffs of the
// period's conversations (ended or not): by reason or rule, by team, how long
// until a rep accepted, how many no rep accepted in time (flagged).
func (s *Server) analyticsHandoffs(c *gin.Context) {
	q, err := parseAnalyticsQuery(c, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	db := s.DB.WithContext(c.Request.Context())
	var decisions []struct {
		ConversationID string
		Kind           string
		Detail         models.JSON[map[string]any]
		CreatedAt      time.Time
	}
	err = q.conversations(db).
		Joins("JOIN decisions d ON d.conversation_id = c.id AND d.created_at >= c.started_at").
		Where("d.kind IN ?", []decide.Kind{decide.KindHandoff, decide.KindRepAccepted, decide.KindHandoffTimeout, decide.KindHandBack}).
		Select("d.conversation_id, d.kind, d.detail, d.created_at").Scan(&decisions).Error
	if err != nil {
		s.fail(c, fmt.Errorf("load handoff decisions: %w", err))
		return
	}
	// In the order the workflow took them: by time, then by its sequence.
	sort.SliceStable(decisions, func(i, j int) bool {
		a, b := decisions[i], decisions[j]
		if a.ConversationID != b.ConversationID {
			return a.ConversationID < b.ConversationID
		}
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return number(a.Detail.V["seq"]) < number(b.Detail.V["seq"])
	})
	var handoffs []*handoff
	current := map[string]*handoff{} // conversation → its open handoff
	for _, d := range decisions {
		h := current[d.ConversationID]
		switch decide.Kind(d.Kind) {
		case decide.KindHandoff:
			detail, err := decide.DetailAs[decide.HandoffDetail](d.Detail.V)
			if err != nil {
				s.fail(c, fmt.Errorf("handoff decision of %s: %w", d.ConversationID, err))
				return
			}
			trigger := detail.Trigger
			if detail.RuleID != "" {
				trigger = decide.TriggerRule
			}
			h = &handoff{conversationID: d.ConversationID, trigger: trigger, ruleID: detail.RuleID, team: detail.Team}
			handoffs = append(handoffs, h)
			current[d.ConversationID] = h
		case decide.KindRepAccepted:
			detail, err := decide.DetailAs[decide.RepAcceptedDetail](d.Detail.V)
			if err != nil {
				s.fail(c, fmt.Errorf("rep_accepted decision of %s: %w", d.ConversationID, err))
				return
			}
			if h == nil || h.accepted {
				// A rep took over a conversation the agent had.
				h = &handoff{conversationID: d.ConversationID, trigger: decide.TriggerRepTookOver}
				handoffs = append(handoffs, h)
				current[d.ConversationID] = h
			}
			h.accepted, h.waitedMs = true, detail.WaitedMs
		case decide.KindHandoffTimeout:
			if h != nil {
				h.flagged = true
			}
		case decide.KindHandBack:
			delete(current, d.ConversationID)
		}
	}
	names, err := ruleNames(db, q.WorkspaceID, handoffs)
	if err != nil {
		s.fail(c, err)
		return
	}

	out := handoffsResponse{periodJSON: q.period(), ByReason: []handoffGroupJSON{}, ByTeam: []handoffGroupJSON{}}
	conversations := map[string]bool{}
	byReason := map[string]*handoffGroupJSON{}
	byTeam := map[string]*handoffGroupJSON{}
	reasonWaits, teamWaits := map[string][]int64{}, map[string][]int64{}
	var waits []int64
	for _, h := range handoffs {
		conversations[h.conversationID] = true
		reasonKey := h.trigger + ":" + h.ruleID
		if byReason[reasonKey] == nil {
			byReason[reasonKey] = &handoffGroupJSON{Reason: h.trigger, RuleID: h.ruleID, RuleName: names[h.ruleID]}
		}
		if byTeam[h.team] == nil {
			byTeam[h.team] = &handoffGroupJSON{Team: h.team}
		}
		for _, g := range []*handoffGroupJSON{byReason[reasonKey], byTeam[h.team]} {
			g.Handoffs++
			if h.accepted {
				g.Accepted++
			}
			if h.flagged {
				g.Flagged++
			}
		}
		out.Handoffs++
		if h.flagged {
			out.Flagged++
		}
		if h.accepted {
			out.Accepted++
			waits = append(waits, h.waitedMs)
			reasonWaits[reasonKey] = append(reasonWaits[reasonKey], h.waitedMs)
			teamWaits[h.team] = append(teamWaits[h.team], h.waitedMs)
		}
	}
	out.Conversations = len(conversations)
	out.TimeToAcceptMs = percentilesOf(waits)
	for key, g := range byReason {
		g.TimeToAcceptMs = percentilesOf(reasonWaits[key])
		out.ByReason = append(out.ByReason, *g)
	}
	for key, g := range byTeam {
		g.TimeToAcceptMs = percentilesOf(teamWaits[key])
		out.ByTeam = append(out.ByTeam, *g)
	}
	most := func(groups []handoffGroupJSON, key func(handoffGroupJSON) string) {
		sort.Slice(groups, func(i, j int) bool {
			if groups[i].Handoffs != groups[j].Handoffs {
				return groups[i].Handoffs > groups[j].Handoffs
			}
			return key(groups[i]) < key(groups[j])
		})
	}
	most(out.ByReason, func(g handoffGroupJSON) string { return g.Reason + ":" + g.RuleID })
	most(out.ByTeam, func(g handoffGroupJSON) string { return g.Team })
	c.JSON(http.StatusOK, out)
}

// ruleNames names the rules that handoffs matched (rules of the workspace's
// rule set versions only).
func ruleNames(db *gorm.DB, workspaceID string, handoffs []*handoff) (map[string]string, error) {
	var ids []string
	for _, h := range handoffs {
		if h.ruleID != "" && !slices.Contains(ids, h.ruleID) {
			ids = append(ids, h.ruleID)
		}
	}
	names := map[string]string{}
	if len(ids) == 0 {
		return names, nil
	}
	var rules []struct{ ID, Name string }
	err := db.Table("rules AS r").Joins("JOIN rule_set_versions v ON v.id = r.rule_set_version_id").
		Where("v.workspace_id = ? AND r.id IN ?", workspaceID, ids).Select("r.id, r.name").Scan(&rules).Error
	if err != nil {
		return nil, fmt.Errorf("load rule names: %w", err)
	}
	for _, r := range rules {
		names[r.ID] = r.Name
	}
	return names, nil
}

// number reads a JSON number decoded into any.
func number(v any) float64 {
	f, _ := v.(float64)
	return f
}
