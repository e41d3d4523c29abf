package activities

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/metrics"
	"github.com/switchboardhq/switchboard/models"
)

// TranscriptMessage is one message to record in the read model.
type TranscriptMessage struct {
	// ClientID is the client's message ID; the agent's reply carries the ID of
	// the message it answers, a rep's or system message its own.
	ClientID  string
	Role      string
	Text      string
	Citations []answer.Citation
	At        time.Time
}

// ConversationSnapshot is the conversation's state as the read model keeps it.
type ConversationSnapshot struct {
	Status      string
	ChannelType string
	ContactID   string
	// VerifiedEmail and VerifiedBy are the identity the customer proved
	// (workflows.Identity), "" for none.
	VerifiedEmail  string
	VerifiedBy     string
	CustomerTier   string
	IssueType      string
	Team           string
	HandoffReason  string
	HandoffRuleID  string
	HandoffMode    string
	HandedOffAt    *time.Time
	AcceptedAt     *time.Time
	RepKeyID       string
	Flagged        bool
	Resolved       bool
	Feedback       string
	FirstAnswerMs  int64
	RuleSetVersion int
	EndedAt        *time.Time
}

// DecisionRecord is a decision to record for auditors.
type DecisionRecord struct {
	MessageID string
	Kind      string
	Summary   string
	Detail    map[string]any
	At        time.Time
}

// GapRecord is a question the agent could not answer.
type GapRecord struct {
	Question  string
	IssueType string
	// Reason is one of decide.GapReasons.
	Reason string
	At     time.Time
}

// RepEventRecord is an event for the reps' live stream.
type RepEventRecord struct {
	// Key makes the event unique (e.g. "handoff:<workflow>:<n>").
	Key     string
	Team    string
	Kind    string
	Payload map[string]any
	At      time.Time
}

// RecordTurnInput is the conversation's state and what one step added.
type RecordTurnInput struct {
	WorkspaceID    string
	ConversationID string
	WorkflowID     string
	ChannelID      string
	Test           bool
	StartedAt      time.Time
	Conversation   ConversationSnapshot
	Messages       []TranscriptMessage
	Decisions      []DecisionRecord
	Gap            *GapRecord
	Events         []RepEventRecord
	// ReopenOf is the read-model ID of a resolved conversation this one
	// reopens; it is marked reopened.
	ReopenOf string
}

// RecordTurnResult is empty; the activity records everything or nothing.
type RecordTurnResult struct{}

// rowID is the ID of a row the record writes, derived from its natural key.
func rowID(parts ...string) string { return models.DerivedID(parts...) }

// RecordTurn writes the conversation, the step's messages, decisions,
// knowledge gap and rep events to the read model in one transaction.
// Running it twice changes nothing more.
func (a *Activities) RecordTurn(ctx context.Context, in RecordTurnInput) (RecordTurnResult, error) {
	if err := validRecord(in); err != nil {
		return RecordTurnResult{}, err
	}
	return RecordTurnResult{}, a.record(ctx, []RecordTurnInput{in})
}

// RecordTurnsInput is several steps' records of one conversation, oldest
// first.
type RecordTurnsInput struct {
	Records []RecordTurnInput
}

// RecordTurns writes several records, in order, in one transaction, as
// RecordTurn writes each: a conversation whose customer writes faster than
// the read model is written to has its records written together.
func (a *Activities) RecordTurns(ctx context.Context, in RecordTurnsInput) (RecordTurnResult, error) {
	for i, rec := range in.Records {
		if err := validRecord(rec); err != nil {
			return RecordTurnResult{}, fmt.Errorf("record %d: %w", i, err)
		}
		if first := in.Records[0]; rec.WorkspaceID != first.WorkspaceID || rec.WorkflowID != first.WorkflowID {
			return RecordTurnResult{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("record %d: not of the first record's conversation", i), "InvalidInput", nil)
		}
	}
	return RecordTurnResult{}, a.record(ctx, in.Records)
}

// record writes records of one conversation, in order, in one transaction.
func (a *Activities) record(ctx context.Context, recs []RecordTurnInput) error {
	if len(recs) == 0 {
		return nil
	}
	cited := map[string]int{}
	err := writeAtomically(a.DB.WithContext(ctx), func(w *writes) error {
		for _, rec := range recs {
			if err := recordTurn(w, rec, cited); err != nil {
				return err
			}
		}
		return nil
	})
	if unwritable(err) {
		// Retrying cannot help, and would hold back the records after it.
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrUnwritableRecord, err)
	}
	if err != nil {
		return err
	}
	for _, rec := range recs {
		countTurn(rec)
	}
	// The sources' citation counters are every conversation's hot rows:
	// counted after the record, in the background and in transactions of
	// their own that do not wait for the disk, so neither a record nor the
	// reply waiting on it waits on the counts (see citationCounts). A crash
	// before they are written loses counts, never a record (the record is
	// not written again, so nothing is counted twice).
	a.citations.add(a.DB, recs[0].WorkspaceID, cited)
	return nil
}

// turnOutcomes are the decisions that say how a turn ended, in the order
// that decides a turn holding several: a hand-off outranks the answer that
// preceded it.
var turnOutcomes = []decide.Kind{
	decide.KindHandoff, decide.KindDependencyFailure, decide.KindAction, decide.KindAnswer,
	decide.KindClarify, decide.KindUnknown, decide.KindReusableResponse, decide.KindSmallTalk,
	decide.KindAvoidedTopic,
}

// TurnOutcome is how the turn a record holds ended: the first of
// turnOutcomes among its decisions, "other" when none is there, and ""
// when the record holds no turn (no reply and no hand-off: a rep's message,
// an accepted hand-off, the end).
func TurnOutcome(decisions []DecisionRecord) string {
	kinds := map[decide.Kind]bool{}
	for _, d := range decisions {
		kinds[decide.Kind(d.Kind)] = true
	}
	if !kinds[decide.KindReply] && !kinds[decide.KindHandoff] {
		return ""
	}
	for _, k := range turnOutcomes {
		if kinds[k] {
			return string(k)
		}
	}
	return "other"
}

// countTurn counts the record's turn by outcome and its hand-offs by
// trigger. A record written again (an activity retried after its commit)
// is counted again: the counters are for rates and alerts, the read model
// for reports.
func countTurn(rec RecordTurnInput) {
	if outcome := TurnOutcome(rec.Decisions); outcome != "" && !rec.Test {
		metrics.Turn(outcome)
	}
	for _, d := range rec.Decisions {
		if decide.Kind(d.Kind) != decide.KindHandoff || rec.Test {
			continue
		}
		reason, _ := d.Detail["trigger"].(string)
		if reason == "" {
			reason = "unknown"
		}
		metrics.Handoff(reason)
	}
}

// ErrUnwritableRecord is the application error type of a record the
// database refuses for its content: retrying will not help.
const ErrUnwritableRecord = "UnwritableRecord"

// unwritable reports whether the database refused the data itself
// (PostgreSQL's class 22, data exception: a NUL in text, an invalid byte
// sequence, a value too long), not its availability.
func unwritable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && strings.HasPrefix(pg.Code, "22")
}

func validRecord(in RecordTurnInput) error {
	if in.WorkspaceID == "" || in.ConversationID == "" || in.WorkflowID == "" {
		return temporal.NewNonRetryableApplicationError("workspace, conversation and workflow are required", "InvalidInput", nil)
	}
	return nil
}

// writes are statements written all or none. On PostgreSQL they are queued
// and sent in one batch, which the server runs as one implicit transaction:
// one round trip, where a transaction takes one per statement plus BEGIN and
// COMMIT (six for a conversation's first record, which its first reply waits
// for). Elsewhere (SQLite, in the process) they run at once in a
// transaction.
type writes struct {
	tx *gorm.DB
	// batch, when set, queues the statements instead (tx then builds them
	// without running them).
	batch *pgx.Batch
}

// writeAtomically runs write's statements all or none.
func writeAtomically(db *gorm.DB, write func(*writes) error) error {
	if db.Dialector.Name() != "postgres" {
		return db.Transaction(func(tx *gorm.DB) error { return write(&writes{tx: tx}) })
	}
	// A dry run still runs GORM's default transaction around each
	// statement it builds: a BEGIN and a COMMIT sent to the server.
	w := &writes{tx: db.Session(&gorm.Session{DryRun: true, SkipDefaultTransaction: true}), batch: &pgx.Batch{}}
	if err := write(w); err != nil || w.batch.Len() == 0 {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	ctx := db.Statement.Context
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("write: a PostgreSQL connection of %T, not pgx's", driverConn)
		}
		if err := c.Conn().SendBatch(ctx, w.batch).Close(); err != nil {
			return fmt.Errorf("write %d statements: %w", w.batch.Len(), err)
		}
		return nil
	})
}

// run runs (or queues) the statement q builds; affected, when set, is
// called with the number of rows it wrote, once it ran.
func (w *writes) run(what string, q func(*gorm.DB) *gorm.DB, affected func(int64)) error {
	res := q(w.tx)
	if res.Error != nil {
		return fmt.Errorf("%s: %w", what, res.Error)
	}
	if w.batch == nil {
		if affected != nil {
			affected(res.RowsAffected)
		}
		return nil
	}
	w.batch.Queue(res.Statement.SQL.String(), res.Statement.Vars...).Exec(func(tag pgconn.CommandTag) error {
		if affected != nil {
			affected(tag.RowsAffected())
		}
		return nil
	})
	return nil
}

// recordTurn writes one record, and adds the sources its newly written
// replies cite to cited (see countCitations).
func recordTurn(w *writes, in RecordTurnInput, cited map[string]int) error {
	convID := models.ConversationRowID(in.WorkflowID)
	s := in.Conversation
	conv := models.Conversation{
		ID: convID, WorkspaceID: in.WorkspaceID, ExternalID: in.ConversationID,
		ChannelID: in.ChannelID, ChannelType: s.ChannelType, ContactID: s.ContactID, WorkflowID: in.WorkflowID,
		VerifiedEmail: s.VerifiedEmail, VerifiedBy: s.VerifiedBy,
		Status: s.Status, Test: in.Test, CustomerTier: s.CustomerTier, IssueType: s.IssueType,
		Team: s.Team, HandoffReason: s.HandoffReason, HandoffRuleID: s.HandoffRuleID, HandoffMode: s.HandoffMode,
		HandedOffAt: utc(s.HandedOffAt), AcceptedAt: utc(s.AcceptedAt), RepKeyID: s.RepKeyID,
		Flagged: s.Flagged, Resolved: s.Resolved, Feedback: s.Feedback, FirstAnswerMs: s.FirstAnswerMs,
		RuleSetVersion: s.RuleSetVersion, StartedAt: in.StartedAt.UTC(), EndedAt: utc(s.EndedAt),
		UpdatedAt: time.Now().UTC(),
	}
	err := w.run("upsert conversation", func(tx *gorm.DB) *gorm.DB {
		return tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns([]string{
				"status", "channel_type", "contact_id", "verified_email", "verified_by", "customer_tier", "issue_type",
				"team", "handoff_reason", "handoff_rule_id", "handoff_mode", "handed_off_at", "accepted_at", "rep_key_id",
				"flagged", "resolved", "feedback", "first_answer_ms", "rule_set_version", "started_at", "ended_at",
				"updated_at",
			}),
		}).Create(&conv)
	}, nil)
	if err != nil {
		return err
	}
	for _, m := range in.Messages {
		row := models.Message{
			ID:             rowID(convID, m.Role, m.ClientID),
			ConversationID: convID, ClientID: m.ClientID, Role: m.Role, Text: m.Text, CreatedAt: m.At.UTC(),
		}
		row.Citations.V = append(row.Citations.V, m.Citations...)
		// Count citations once, when the reply is first recorded.
		err := w.run("insert message", func(tx *gorm.DB) *gorm.DB {
			return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		}, func(rows int64) {
			if rows == 1 {
				for _, id := range citedSources(m.Citations) {
					cited[id]++
				}
			}
		})
		if err != nil {
			return err
		}
	}
	// One statement for all decisions, and one for all events.
	decisions := make([]models.Decision, 0, len(in.Decisions))
	for i, d := range in.Decisions {
		decisions = append(decisions, models.Decision{
			ID:             rowID(convID, "decision", d.MessageID, d.Kind, fmt.Sprint(i), d.At.String()),
			ConversationID: convID, MessageID: d.MessageID, Kind: d.Kind, Summary: d.Summary,
			Detail: models.NewJSON(d.Detail), CreatedAt: d.At.UTC(),
		})
	}
	if len(decisions) > 0 {
		err := w.run("insert decisions", func(tx *gorm.DB) *gorm.DB {
			return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&decisions)
		}, nil)
		if err != nil {
			return err
		}
	}
	if g := in.Gap; g != nil {
		row := models.KnowledgeGap{
			ID: rowID(convID, "gap", g.Question, g.At.String()), WorkspaceID: in.WorkspaceID, ConversationID: convID,
			Question: g.Question, IssueType: g.IssueType, Reason: g.Reason, CreatedAt: g.At.UTC(),
		}
		err := w.run("insert knowledge gap", func(tx *gorm.DB) *gorm.DB {
			return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		}, nil)
		if err != nil {
			return err
		}
	}
	events := make([]models.RepEvent, 0, len(in.Events))
	for _, e := range in.Events {
		if in.Test {
			break // an admin's test conversation reaches no rep
		}
		events = append(events, models.RepEvent{
			WorkspaceID: in.WorkspaceID, Team: e.Team, ConversationID: in.ConversationID, Kind: e.Kind,
			Payload: models.NewJSON(e.Payload), Key: e.Key, CreatedAt: e.At.UTC(),
		})
	}
	if len(events) > 0 {
		err := w.run("insert rep events", func(tx *gorm.DB) *gorm.DB {
			return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&events)
		}, nil)
		if err != nil {
			return err
		}
	}
	if in.ReopenOf != "" && in.ReopenOf != convID {
		return w.run("mark reopened", func(tx *gorm.DB) *gorm.DB {
			return tx.Model(&models.Conversation{}).Where("id = ?", in.ReopenOf).Update("reopened", true)
		}, nil)
	}
	return nil
}

// countCitations adds to each source's citation count, in a transaction
// that does not wait for the disk (PostgreSQL's synchronous_commit off), in
// the order of their IDs: transactions that lock the same sources lock them
// in the same order, so concurrent counts cannot deadlock.
func countCitations(db *gorm.DB, workspaceID string, cited map[string]int) error {
	if len(cited) == 0 {
		return nil
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SET LOCAL synchronous_commit TO OFF").Error; err != nil {
				return err
			}
		}
		for _, id := range slices.Sorted(maps.Keys(cited)) {
			err := tx.Model(&models.ContentSource{}).Where("id = ? AND workspace_id = ?", id, workspaceID).
				UpdateColumn("cited_count", gorm.Expr("cited_count + ?", cited[id])).Error
			if err != nil {
				return fmt.Errorf("count citation: %w", err)
			}
		}
		return nil
	})
}

// citedSources lists each cited source once.
func citedSources(cites []answer.Citation) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cites {
		if c.SourceID != "" && !seen[c.SourceID] {
			seen[c.SourceID] = true
			out = append(out, c.SourceID)
		}
	}
	return out
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
