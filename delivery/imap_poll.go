package delivery

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
)

// Polling an email channel's IMAP mailbox. One PollMailboxWorkflow runs
// per channel whose provider settings name a mailbox (workflow ID
// MailboxWorkflowID): it calls PollMailbox, waits the channel's poll
// interval (or less, when told to poll now), and continues as new every
// PollsPerRun polls. PollMailbox reads the messages it has not read yet by
// UID, takes each into its conversation through AcceptEmail (the path of
// the raw-email route), and sets \Seen only once the message is accepted.
// Where it has read to and how the last poll went are kept in
// models.IMAPMailbox, which the API shows.

// MailboxWorkflowID is the ID of the workflow polling a channel's mailbox:
// one per channel.
func MailboxWorkflowID(channelID string) string { return "imap-" + channelID }

// SignalPollNow makes a channel's PollMailboxWorkflow poll at once (after
// its settings changed); a mailbox without settings then ends it.
const SignalPollNow = "poll_now"

// Defaults and bounds of polling.
const (
	// DefaultPollInterval is the time between two polls of a mailbox
	// whose settings give none.
	DefaultPollInterval = time.Minute
	// PollsPerRun polls make one run of PollMailboxWorkflow; it then
	// continues as new, so its history stays short.
	PollsPerRun = 200
	// MaxMessagesPerPoll bounds the messages one poll takes (each waits
	// for the agent's reply); the rest are taken by the next poll, at
	// once.
	MaxMessagesPerPoll = 20
	// MaxIMAPMessageBytes is the largest email read: a larger one is left
	// unread in the mailbox and counted as skipped.
	MaxIMAPMessageBytes = 25 << 20
	// MaxStuckPolls is how many polls in a row may fail on one message
	// before it stops holding back the mail behind it: a poll that fails on
	// it again goes on to the messages after it, and once one of those is
	// taken in, the stuck ones before it are left unread and counted as
	// skipped. When every message fails (the database or Temporal down),
	// none is skipped.
	MaxStuckPolls = 5
	// firstFailureWait is the wait after a failed poll; it doubles with
	// each failure in a row, up to maxFailureWait.
	firstFailureWait = 10 * time.Second
	maxFailureWait   = 30 * time.Minute
)

// AcceptedEmail is what became of an email taken into its conversation.
type AcceptedEmail struct {
	MessageID      string
	ConversationID string
	// Ignored, when not empty, says why the email was not a customer's
	// message (an automatic reply, a bounce).
	Ignored string
}

// AcceptEmailFunc takes a raw email sent to a channel into its
// conversation, as the raw-email route does (server.Server.AcceptEmail).
// Taking the same email twice is taking it once (its Message-ID). An
// *InvalidError is an email that can never be taken; any other error may
// pass on retry.
type AcceptEmailFunc func(ctx context.Context, channelID string, raw []byte) (AcceptedEmail, error)

// MailboxActivities poll the email channels' IMAP mailboxes. Register
// once: w.RegisterActivity(acts).
type MailboxActivities struct {
	DB *gorm.DB
	// Accept takes each email read into its conversation; nil fails every
	// poll.
	Accept AcceptEmailFunc
	// Secrets opens the channels' sealed IMAP passwords.
	Secrets *sealed.Box
	// TLSConfig verifies the IMAP servers (nil: the system's roots and the
	// settings' host name).
	TLSConfig *tls.Config
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// PollMailboxInput names the channel whose mailbox to poll.
type PollMailboxInput struct{ ChannelID string }

// PollMailboxResult is how a poll went. Customer data stays out of it: it
// is recorded in the workflow's history.
type PollMailboxResult struct {
	// Stop: the channel has no mailbox to poll any more (deleted, or its
	// settings removed or paused).
	Stop bool
	// Interval is the channel's poll interval.
	Interval time.Duration
	// Accepted, Ignored and Skipped count this poll's messages.
	Accepted, Ignored, Skipped int
	// More: messages are left for the next poll, which should come at once.
	More bool
	// Error is why the poll failed ("" when it went through); Failures
	// counts the failed polls in a row.
	Error    string
	Failures int
}

func (a *MailboxActivities) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// PollMailbox reads the new messages of a channel's mailbox. A failure of
// the mailbox (unreachable, login refused) or of taking a message in is
// recorded on the channel's models.IMAPMailbox and returned in the result,
// not as an error: the workflow waits and polls again. Nothing is lost: a
// message is marked \Seen, and the mailbox's read position moved past it,
// only after it was accepted; a message that can never be accepted is
// left unread and counted as skipped.
func (a *MailboxActivities) PollMailbox(ctx context.Context, in PollMailboxInput) (PollMailboxResult, error) {
	settings, res, settingsErr, err := a.settings(ctx, in.ChannelID)
	if err != nil || res.Stop {
		return res, err
	}
	if settingsErr != nil {
		return res, a.recordPoll(ctx, in.ChannelID, settingsErr, &res)
	}
	// Heartbeats tell Temporal the worker is alive while the agent
	// answers each message (a test calling this directly has none).
	beat, stop := context.WithCancel(ctx)
	defer stop()
	if activity.IsActivity(ctx) {
		go heartbeat(beat, heartbeatEvery, func() { activity.RecordHeartbeat(beat) })
	}
	pollErr := a.poll(ctx, in.ChannelID, settings, &res)
	if ctx.Err() != nil {
		// Cancelled or timed out: Temporal retries the whole poll.
		return res, ctx.Err()
	}
	if err := a.recordPoll(ctx, in.ChannelID, pollErr, &res); err != nil {
		return res, err
	}
	return res, nil
}

// heartbeatEvery is how often a poll under way heartbeats.
const heartbeatEvery = 3 * time.Second

// heartbeat calls beat every interval until ctx ends, the first time one
// interval in: most polls find nothing new and end within milliseconds,
// and a heartbeat still being sent when its activity completes fails with
// a warning in the worker's log (every poll, every 10 s in `make dev`).
func heartbeat(ctx context.Context, every time.Duration, beat func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			beat()
		}
	}
}

// settings loads the channel's mailbox settings, with the password opened.
// settingsErr is settings that cannot be used (a password that does not
// open), recorded as the poll's failure; err is a database failure.
func (a *MailboxActivities) settings(ctx context.Context, channelID string) (s IMAPSettings, res PollMailboxResult, settingsErr, err error) {
	var ch models.Channel
	var p models.ChannelProvider
	db := a.DB.WithContext(ctx)
	if err := db.Where("id = ?", channelID).Limit(1).Find(&ch).Error; err != nil {
		return s, res, nil, fmt.Errorf("load channel: %w", err)
	}
	if err := db.Where("channel_id = ?", channelID).Limit(1).Find(&p).Error; err != nil {
		return s, res, nil, fmt.Errorf("load channel provider: %w", err)
	}
	if ch.ID == "" || ch.Type != models.ChannelEmail || p.IMAPHost == "" || p.IMAPPaused {
		return s, PollMailboxResult{Stop: true}, nil, nil
	}
	res.Interval = DefaultPollInterval
	if p.IMAPPollSeconds > 0 {
		res.Interval = time.Duration(p.IMAPPollSeconds) * time.Second
	}
	s = IMAPSettings{Host: p.IMAPHost, Port: p.IMAPPort, TLS: p.IMAPTLS, Username: p.IMAPUsername, Mailbox: p.IMAPMailbox}
	if s.Mailbox == "" {
		s.Mailbox = "INBOX"
	}
	if p.IMAPPassword != "" {
		// An admin must set the password again (or the secrets key be
		// restored).
		if s.Password, err = a.Secrets.Open(p.IMAPPassword, models.IMAPPasswordPurpose(channelID)); err != nil {
			return s, res, fmt.Errorf("open the channel's IMAP password: %w", err), nil
		}
	}
	return s, res, nil, nil
}

// poll reads the mailbox's new messages, up to MaxMessagesPerPoll.
func (a *MailboxActivities) poll(ctx context.Context, channelID string, s IMAPSettings, res *PollMailboxResult) error {
	if a.Accept == nil {
		return errors.New("this worker has no inbound email path (MailboxActivities.Accept)")
	}
	m, err := openMailbox(ctx, s, a.TLSConfig)
	if err != nil {
		return err
	}
	defer m.close()
	state, err := a.position(ctx, channelID, s, m)
	if err != nil {
		return err
	}
	uids, err := m.candidates(imap.UID(state.LastUID), imap.UID(state.Baseline))
	if err != nil {
		return err
	}
	if len(uids) > MaxMessagesPerPoll {
		uids, res.More = uids[:MaxMessagesPerPoll], true
	}
	stuck := state.Stuck.V
	if stuck == nil {
		stuck = map[int64]int{}
	}
	// passed are the stuck messages this poll went past, waiting for a
	// later one to be taken in.
	var passed []stuckMessage
	for _, uid := range uids {
		err := a.take(ctx, channelID, m, uid, res)
		if err == nil {
			if len(passed) > 0 || len(stuck) > 0 {
				if err := a.passStuck(ctx, channelID, uid, stuck, passed, res); err != nil {
					return err
				}
				passed = nil
			}
			continue
		}
		if ctx.Err() != nil {
			res.More = false
			return err
		}
		stuck[int64(uid)]++
		if serr := a.saveStuck(ctx, channelID, stuck); serr != nil {
			res.More = false
			return errors.Join(err, serr)
		}
		if stuck[int64(uid)] <= MaxStuckPolls {
			res.More = false
			return err
		}
		passed = append(passed, stuckMessage{uid, stuck[int64(uid)], err})
	}
	if len(passed) > 0 {
		// Nothing after them was taken in: they wait for the next poll.
		res.More = false
		return passed[0].err
	}
	return nil
}

// stuckMessage is a message that failed to be taken in polls polls in a
// row, the last time with err.
type stuckMessage struct {
	uid   imap.UID
	polls int
	err   error
}

// saveStuck records the failed polls of the messages that failed.
func (a *MailboxActivities) saveStuck(ctx context.Context, channelID string, stuck map[int64]int) error {
	err := a.DB.WithContext(ctx).Model(&models.IMAPMailbox{}).Where("channel_id = ?", channelID).
		Update("stuck", models.NewJSON(stuck)).Error
	if err != nil {
		return fmt.Errorf("record the stuck messages: %w", err)
	}
	return nil
}

// passStuck, once the message uid was taken in (the read position is past
// it), counts the stuck messages the poll went past as skipped, and forgets
// the failures of every message up to uid.
func (a *MailboxActivities) passStuck(ctx context.Context, channelID string, uid imap.UID, stuck map[int64]int, passed []stuckMessage, res *PollMailboxResult) error {
	for u := range stuck {
		if u <= int64(uid) {
			delete(stuck, u)
		}
	}
	updates := map[string]any{"stuck": models.NewJSON(stuck)}
	if len(passed) > 0 {
		last := passed[len(passed)-1]
		updates["skipped"] = gorm.Expr("skipped + ?", len(passed))
		updates["last_skipped"] = fmt.Sprintf("UID %d: could not be taken in %d polls in a row while later mail was (%v); left unread",
			last.uid, last.polls, last.err)
		res.Skipped += len(passed)
	}
	if err := a.DB.WithContext(ctx).Model(&models.IMAPMailbox{}).Where("channel_id = ?", channelID).Updates(updates).Error; err != nil {
		return fmt.Errorf("record the skipped messages: %w", err)
	}
	return nil
}

// position returns where reading the mailbox has got to. A mailbox read
// for the first time, or whose UIDVALIDITY or source changed, starts
// again: its unread messages and every later one are read.
func (a *MailboxActivities) position(ctx context.Context, channelID string, s IMAPSettings, m *mailboxSession) (models.IMAPMailbox, error) {
	db := a.DB.WithContext(ctx)
	var state models.IMAPMailbox
	if err := db.Where("channel_id = ?", channelID).Limit(1).Find(&state).Error; err != nil {
		return state, fmt.Errorf("load mailbox position: %w", err)
	}
	if state.ChannelID != "" && state.Source == s.Source() && state.UIDValidity == int64(m.uidValidity) {
		return state, nil
	}
	var ch models.Channel
	if err := db.Where("id = ?", channelID).Take(&ch).Error; err != nil {
		return state, fmt.Errorf("load channel: %w", err)
	}
	baseline := int64(0)
	if m.uidNext > 0 {
		baseline = int64(m.uidNext) - 1
	}
	now := a.now()
	start := models.IMAPMailbox{
		ChannelID: channelID, WorkspaceID: ch.WorkspaceID, Source: s.Source(),
		UIDValidity: int64(m.uidValidity), Baseline: baseline, UpdatedAt: now,
	}
	err := db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "channel_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"source", "uid_validity", "baseline", "last_uid", "stuck", "updated_at"}),
	}).Create(&start).Error
	if err != nil {
		return state, fmt.Errorf("start mailbox position: %w", err)
	}
	return start, nil
}

// take reads one message and takes it in: accepted or ignored, it is marked
// \Seen and the read position moves past it; one that can never be
// accepted (unreadable, too large) is left unread and skipped. Any other
// failure leaves the position before it, so that the next poll reads it
// again.
func (a *MailboxActivities) take(ctx context.Context, channelID string, m *mailboxSession, uid imap.UID, res *PollMailboxResult) error {
	msg, ok, err := m.fetch(uid, MaxIMAPMessageBytes)
	if err != nil {
		return err
	}
	if !ok {
		// Expunged since the search: nothing to read.
		return a.advance(ctx, channelID, uid, "", "")
	}
	if msg.Raw == nil {
		res.Skipped++
		return a.advance(ctx, channelID, uid, "skipped",
			fmt.Sprintf("UID %d: %d bytes, larger than %d; left unread", uid, msg.Size, MaxIMAPMessageBytes))
	}
	accepted, err := a.Accept(ctx, channelID, msg.Raw)
	var invalid *InvalidError
	if errors.As(err, &invalid) {
		res.Skipped++
		return a.advance(ctx, channelID, uid, "skipped", fmt.Sprintf("UID %d: %s; left unread", uid, invalid.Error()))
	}
	if err != nil {
		return fmt.Errorf("UID %d: take the email in: %w", uid, err)
	}
	if err := m.markSeen(uid); err != nil {
		return err
	}
	if accepted.Ignored != "" {
		res.Ignored++
		return a.advance(ctx, channelID, uid, "ignored", "")
	}
	res.Accepted++
	return a.advance(ctx, channelID, uid, "accepted", "")
}

// advance moves the read position past uid (never back) and counts the
// message as accepted, ignored or skipped ("": not counted).
func (a *MailboxActivities) advance(ctx context.Context, channelID string, uid imap.UID, counter, skipped string) error {
	updates := map[string]any{"last_uid": int64(uid), "updated_at": a.now()}
	if counter != "" {
		updates[counter] = gorm.Expr(counter + " + 1")
	}
	if skipped != "" {
		updates["last_skipped"] = skipped
	}
	err := a.DB.WithContext(ctx).Model(&models.IMAPMailbox{}).
		Where("channel_id = ? AND last_uid < ?", channelID, int64(uid)).Updates(updates).Error
	if err != nil {
		return fmt.Errorf("record mailbox position: %w", err)
	}
	return nil
}

// recordPoll records how the poll went on the channel's mailbox status,
// and in res.
func (a *MailboxActivities) recordPoll(ctx context.Context, channelID string, pollErr error, res *PollMailboxResult) error {
	db := a.DB.WithContext(ctx)
	var state models.IMAPMailbox
	if err := db.Where("channel_id = ?", channelID).Limit(1).Find(&state).Error; err != nil {
		return fmt.Errorf("load mailbox status: %w", err)
	}
	if state.ChannelID == "" {
		// Never connected (the first poll failed): a row for the status.
		var ch models.Channel
		if err := db.Where("id = ?", channelID).Take(&ch).Error; err != nil {
			return fmt.Errorf("load channel: %w", err)
		}
		state = models.IMAPMailbox{ChannelID: channelID, WorkspaceID: ch.WorkspaceID}
		if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&state).Error; err != nil {
			return fmt.Errorf("create mailbox status: %w", err)
		}
	}
	now := a.now()
	updates := map[string]any{"last_poll_at": now, "updated_at": now}
	if pollErr == nil {
		updates["last_error"], updates["failures"], updates["last_success_at"] = "", 0, now
		res.Error, res.Failures = "", 0
	} else {
		updates["last_error"], updates["last_error_at"], updates["failures"] = pollErr.Error(), now, gorm.Expr("failures + 1")
		res.Error, res.Failures = pollErr.Error(), state.Failures+1
	}
	if err := db.Model(&models.IMAPMailbox{}).Where("channel_id = ?", channelID).Updates(updates).Error; err != nil {
		return fmt.Errorf("record mailbox status: %w", err)
	}
	return nil
}

// PollMailboxWorkflowInput names the channel whose mailbox to poll.
type PollMailboxWorkflowInput struct {
	ChannelID string
	// Failures carries the failed polls in a row over continue-as-new,
	// for the wait before the next poll.
	Failures int
}

// PollMailboxWorkflowResult says why polling ended.
type PollMailboxWorkflowResult struct{ Reason string }

// PollMailboxWorkflow polls a channel's mailbox until the channel no longer
// has one: PollMailbox, then the channel's interval (or, after a failure,
// a wait that doubles from 10 s to 30 minutes), or at once when signalled
// SignalPollNow or when a poll left messages. It continues as new every
// PollsPerRun polls.
func PollMailboxWorkflow(ctx workflow.Context, in PollMailboxWorkflowInput) (PollMailboxWorkflowResult, error) {
	var a *MailboxActivities
	pollCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		// Each message waits for the agent's turn (MaxMessagesPerPoll of
		// them at most); the heartbeat notices a worker that died long
		// before this.
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		// The mailbox's own failures come back in the result; these
		// retries are for the database and the worker.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 5 * time.Minute},
	})
	pollNow := workflow.GetSignalChannel(ctx, SignalPollNow)
	failures := in.Failures
	for range PollsPerRun {
		var res PollMailboxResult
		if err := workflow.ExecuteActivity(pollCtx, a.PollMailbox, PollMailboxInput{ChannelID: in.ChannelID}).Get(ctx, &res); err != nil {
			return PollMailboxWorkflowResult{}, err
		}
		if res.Stop {
			return PollMailboxWorkflowResult{Reason: "the channel has no mailbox to poll"}, nil
		}
		wait := res.Interval
		switch {
		case res.Error != "":
			failures = res.Failures
			wait = min(firstFailureWait<<min(failures-1, 10), maxFailureWait)
		case res.More:
			failures = 0
			wait = 0
		default:
			failures = 0
		}
		if wait > 0 {
			timerCtx, cancel := workflow.WithCancel(ctx)
			timer := workflow.NewTimer(timerCtx, wait)
			sel := workflow.NewSelector(ctx)
			sel.AddFuture(timer, func(workflow.Future) {})
			sel.AddReceive(pollNow, func(c workflow.ReceiveChannel, more bool) { c.Receive(ctx, nil) })
			sel.Select(ctx)
			cancel()
		}
		// Signals that came meanwhile ask for the poll about to start.
		for pollNow.ReceiveAsync(nil) {
		}
	}
	return PollMailboxWorkflowResult{}, workflow.NewContinueAsNewError(ctx, PollMailboxWorkflow,
		PollMailboxWorkflowInput{ChannelID: in.ChannelID, Failures: failures})
}

// StartMailboxPolling starts the channel's PollMailboxWorkflow, or tells
// the running one to poll now (its settings changed).
func StartMailboxPolling(ctx context.Context, c client.Client, taskQueue, channelID string) error {
	_, err := c.SignalWithStartWorkflow(ctx, MailboxWorkflowID(channelID), SignalPollNow, nil,
		client.StartWorkflowOptions{
			TaskQueue: taskQueue,
			// A workflow that ended (its settings were removed) may start
			// again when a mailbox is set again.
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		},
		PollMailboxWorkflow, PollMailboxWorkflowInput{ChannelID: channelID})
	if err != nil {
		return fmt.Errorf("start polling the mailbox of channel %s: %w", channelID, err)
	}
	return nil
}

// MailboxPollers keeps a PollMailboxWorkflow running for each email
// channel with an IMAP mailbox (the API starts one when the settings are
// saved; this also starts those whose start failed or that were
// terminated). Several may run, one per worker: starting a running
// workflow is a no-op.
type MailboxPollers struct {
	DB        *gorm.DB
	Temporal  client.Client
	TaskQueue string
	// Interval is the time between two looks (a minute when 0).
	Interval time.Duration
	Log      *slog.Logger
}

// Run looks until ctx ends.
func (p *MailboxPollers) Run(ctx context.Context) {
	interval := p.Interval
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := p.EnsureOnce(ctx); err != nil && ctx.Err() == nil && p.Log != nil {
			p.Log.Warn("imap pollers", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// EnsureOnce starts the workflow of each channel with a mailbox to poll
// that has none running, and returns how many channels have a mailbox.
func (p *MailboxPollers) EnsureOnce(ctx context.Context) (int, error) {
	var ids []string
	err := p.DB.WithContext(ctx).Table("channel_providers AS cp").Select("cp.channel_id").
		Joins("JOIN channels AS c ON c.id = cp.channel_id").
		Where("c.type = ? AND cp.imap_host <> '' AND cp.imap_paused = ?", models.ChannelEmail, false).
		Order("cp.channel_id").Pluck("cp.channel_id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("find channels with a mailbox: %w", err)
	}
	ensured := 0
	for _, id := range ids {
		_, err := p.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: MailboxWorkflowID(id), TaskQueue: p.TaskQueue,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, PollMailboxWorkflow, PollMailboxWorkflowInput{ChannelID: id})
		if err != nil {
			return ensured, fmt.Errorf("start polling the mailbox of channel %s: %w", id, err)
		}
		ensured++
	}
	return ensured, nil
}
