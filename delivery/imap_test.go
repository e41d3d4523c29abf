package delivery_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/delivery"
	"github.com/switchboardhq/switchboard/internal/dovecot"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/worker"
)

// imapBundle is the demo's email channel reading a real Dovecot mailbox:
// the app on the real stack, and the polling activities taking each email
// in through the API server's own path.
type imapBundle struct {
	app       *testenv.App
	mail      *dovecot.Server
	channelID string
	acts      *delivery.MailboxActivities
}

func setupIMAP(t *testing.T, app *testenv.App, mail *dovecot.Server) *imapBundle {
	t.Helper()
	var channelID string
	for _, w := range app.Demo.Webhooks {
		if w.Type == models.ChannelEmail {
			channelID = w.ChannelID
		}
	}
	require.NotEmpty(t, channelID, "the demo has an email channel")
	return &imapBundle{
		app: app, mail: mail, channelID: channelID,
		acts: &delivery.MailboxActivities{DB: app.DB, Secrets: app.Secrets, Accept: app.Server.AcceptEmail},
	}
}

// configure stores the channel's mailbox settings as the API stores them
// (the password sealed), without starting a poller: the test polls.
func (b *imapBundle) configure(t *testing.T, tlsMode string, port int, password, mailbox string) {
	t.Helper()
	sealedPassword, err := b.app.Secrets.Seal(password, models.IMAPPasswordPurpose(b.channelID))
	require.NoError(t, err)
	p := models.ChannelProvider{
		ChannelID: b.channelID, WorkspaceID: b.app.Demo.WorkspaceID, IMAPHost: b.mail.Host, IMAPPort: port, IMAPTLS: tlsMode,
		IMAPUsername: b.mail.Username, IMAPPassword: sealedPassword, IMAPMailbox: mailbox, IMAPPollSeconds: 60, UpdatedAt: time.Now().UTC(),
	}
	require.NoError(t, b.app.DB.Save(&p).Error)
}

func (b *imapBundle) poll(t *testing.T) delivery.PollMailboxResult {
	t.Helper()
	res, err := b.acts.PollMailbox(context.Background(), delivery.PollMailboxInput{ChannelID: b.channelID})
	require.NoError(t, err)
	return res
}

func (b *imapBundle) state(t *testing.T) models.IMAPMailbox {
	t.Helper()
	var m models.IMAPMailbox
	require.NoError(t, b.app.DB.Where("channel_id = ?", b.channelID).Take(&m).Error)
	return m
}

// conversation is the conversation of a sender on the channel.
func (b *imapBundle) conversation(sender string) string {
	return server.WebhookConversationID(models.ChannelEmail, b.channelID, sender)
}

// customerTexts returns the customer messages of a conversation, as an
// auditor reads them through the API (nil when it does not exist).
// waitTexts waits until the conversation's customer messages are want: a
// later turn's record is written after its reply (see "The agent's turn"),
// so the transcript may lag the poll that answered it by a moment.
func (b *imapBundle) waitTexts(t *testing.T, convID string, want []string, msgAndArgs ...any) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !slices.Equal(b.customerTexts(t, convID), want) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, want, b.customerTexts(t, convID), msgAndArgs...)
}

func (b *imapBundle) customerTexts(t *testing.T, convID string) []string {
	t.Helper()
	req, err := http.NewRequest("GET", b.app.URL+"/v1/conversations/"+convID, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+b.app.Keys.Auditor)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		Messages []struct{ Role, Text string } `json:"messages"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	var texts []string
	for _, m := range body.Messages {
		if m.Role == "customer" {
			texts = append(texts, m.Text)
		}
	}
	return texts
}

// replies counts the agent's replies queued to the channel's customers.
func (b *imapBundle) replies(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, b.app.DB.Model(&models.OutboxMessage{}).Where("kind = ?", models.OutboxEmailReply).Count(&n).Error)
	return n
}

// mimeEmail is a multipart/mixed email as a mail client writes a reply: a
// text and an HTML alternative, both with the quoted earlier message, and
// an attachment.
func mimeEmail(from, messageID, inReplyTo, subject, text string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: Sprocket Support <support@sprocketsupply.example>\r\nCc: Bob <bob@example.com>\r\n", from)
	fmt.Fprintf(&b, "Subject: %s\r\nDate: Fri, 4 Dec 2026 09:12:44 +0000\r\nMessage-ID: %s\r\n", subject, messageID)
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: %s\r\nReferences: %s\r\n", inReplyTo, inReplyTo)
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mixed\"\r\n\r\n")
	b.WriteString("--mixed\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n")
	fmt.Fprintf(&b, "--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n\r\n", text)
	b.WriteString("On Thu, Dec 3, 2026 at 5:01 PM Sprocket Support <support@sprocketsupply.example> wrote:\r\n> Thanks for your order.\r\n> It ships soon.\r\n\r\n")
	fmt.Fprintf(&b, "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>%s</div><blockquote>Thanks for your order.</blockquote>\r\n--alt--\r\n", text)
	b.WriteString("--mixed\r\nContent-Type: text/csv; name=\"order.csv\"\r\nContent-Disposition: attachment; filename=\"order.csv\"\r\n\r\nsku,qty\r\nPEN-1,2\r\n--mixed--\r\n")
	return []byte(b.String())
}

// TestIMAPPollTakesEachEmailOnce: unread mail in a real Dovecot mailbox
// becomes customer messages through the raw-email path (quotes stripped,
// an auto-reply ignored, a reply threaded), each marked \Seen once taken;
// mail already read before the channel first looked is left alone; an
// unreadable email is left unread; polling again, or again after losing
// the read position and the \Seen flags (a worker that died before
// recording them), takes nothing twice.
func TestIMAPPollTakesEachEmailOnce(t *testing.T) {
	t.Parallel()
	mail := dovecot.Start(t, dovecot.Options{})
	b := setupIMAP(t, testenv.NewApp(t, testenv.AppOptions{}), mail)
	b.configure(t, models.IMAPNoTLS, mail.Port, mail.Password, "")

	old := mail.Append(t, "INBOX", mimeEmail("Carol <carol@example.com>", "<old-1@mail.example.com>", "", "Old", "An old question"), imap.FlagSeen)
	first := mail.Append(t, "INBOX", mimeEmail("Ada Lovelace <Ada@Example.com>", "<imap-1@mail.example.com>", "", "Shipping", "How long does shipping take?"))
	oof := mail.Append(t, "INBOX", []byte("From: Ada <ada@example.com>\r\nSubject: Automatic reply: Shipping\r\nMessage-ID: <oof-1@mail.example.com>\r\nAuto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n"))

	res := b.poll(t)
	require.Empty(t, res.Error)
	require.Equal(t, 1, res.Accepted)
	require.Equal(t, 1, res.Ignored)
	require.Zero(t, res.Skipped)
	ada := b.conversation("ada@example.com")
	require.Equal(t, []string{"How long does shipping take?"}, b.customerTexts(t, ada), "one customer message, without the quoted history")
	require.EqualValues(t, 1, b.replies(t), "the agent answered Ada, not her auto-reply")
	require.True(t, mail.Seen(t, "INBOX", first))
	require.True(t, mail.Seen(t, "INBOX", oof), "the auto-reply is read and ignored")
	require.Nil(t, b.customerTexts(t, b.conversation("carol@example.com")), "mail read before the channel first looked is old mail")
	st := b.state(t)
	require.Equal(t, int64(oof), st.LastUID)
	require.Equal(t, int64(oof), st.Baseline, "the baseline is the highest UID when first read")
	require.Less(t, old, first)
	require.Empty(t, st.LastError)
	require.NotNil(t, st.LastSuccessAt)

	// Polling again reads nothing new.
	res = b.poll(t)
	require.Equal(t, delivery.PollMailboxResult{Interval: time.Minute}, res)

	// Bob, on Cc, answers the thread: his email joins Ada's conversation.
	// Before it, an email without a sender: left unread, and skipped.
	broken := mail.Append(t, "INBOX", []byte("Subject: no sender\r\nMessage-ID: <broken@mail.example.com>\r\n\r\nhello\r\n"))
	reply := mail.Append(t, "INBOX", mimeEmail("Bob <bob@example.com>", "<imap-2@mail.example.com>", "<imap-1@mail.example.com>", "Re: Shipping", "And to Hawaii?"))
	res = b.poll(t)
	require.Empty(t, res.Error)
	require.Equal(t, 1, res.Accepted)
	require.Equal(t, 1, res.Skipped)
	b.waitTexts(t, ada, []string{"How long does shipping take?", "And to Hawaii?"})
	require.Nil(t, b.customerTexts(t, b.conversation("bob@example.com")), "the reply threads by In-Reply-To, not by its sender")
	require.False(t, mail.Seen(t, "INBOX", broken), "an email that cannot be taken stays unread for a person")
	require.True(t, mail.Seen(t, "INBOX", reply))
	st = b.state(t)
	require.Contains(t, st.LastSkipped, fmt.Sprintf("UID %d: From: missing", broken))
	require.Equal(t, int64(reply), st.LastUID)
	require.EqualValues(t, 2, st.Accepted)
	require.EqualValues(t, 1, st.Ignored)
	require.EqualValues(t, 1, st.Skipped)
	require.EqualValues(t, 2, b.replies(t))

	// A worker that died after taking the emails in, before marking them
	// read and recording its position: the next poll reads them again and
	// their Message-IDs make them the same messages.
	mail.MarkUnread(t, "INBOX", first, reply)
	require.NoError(t, b.app.DB.Model(&models.IMAPMailbox{}).Where("channel_id = ?", b.channelID).Update("last_uid", 0).Error)
	res = b.poll(t)
	require.Empty(t, res.Error)
	require.Equal(t, 2, res.Accepted, "both emails are read again")
	b.waitTexts(t, ada, []string{"How long does shipping take?", "And to Hawaii?"}, "and add nothing")
	require.EqualValues(t, 2, b.replies(t))
	require.True(t, mail.Seen(t, "INBOX", first))
	require.True(t, mail.Seen(t, "INBOX", reply))
}

// TestIMAPPollRetriedAfterAccepting: the poll fails right after the
// message was taken in (as when the worker is lost then): the message stays
// unread, the read position stays before it, the failure is the mailbox's
// last error, and the retried poll takes it again without a second
// customer message.
func TestIMAPPollRetriedAfterAccepting(t *testing.T) {
	t.Parallel()
	mail := dovecot.Start(t, dovecot.Options{})
	b := setupIMAP(t, testenv.NewApp(t, testenv.AppOptions{}), mail)
	b.configure(t, models.IMAPNoTLS, mail.Port, mail.Password, "INBOX")
	var calls atomic.Int32
	b.acts.Accept = func(ctx context.Context, channelID string, raw []byte) (delivery.AcceptedEmail, error) {
		accepted, err := b.app.Server.AcceptEmail(ctx, channelID, raw)
		if calls.Add(1) == 1 && err == nil {
			return accepted, errors.New("worker lost after accepting")
		}
		return accepted, err
	}
	uid := mail.Append(t, "INBOX", mimeEmail("Ada <ada@example.com>", "<retry-1@mail.example.com>", "", "Returns", "How do I return an item?"))

	res := b.poll(t)
	require.Contains(t, res.Error, fmt.Sprintf("UID %d: take the email in: worker lost after accepting", uid))
	require.Equal(t, 1, res.Failures)
	require.False(t, mail.Seen(t, "INBOX", uid))
	st := b.state(t)
	require.Zero(t, st.LastUID)
	require.Contains(t, st.LastError, "worker lost after accepting")
	require.Equal(t, 1, st.Failures)
	ada := b.conversation("ada@example.com")
	require.Equal(t, []string{"How do I return an item?"}, b.customerTexts(t, ada))

	res = b.poll(t)
	require.Empty(t, res.Error)
	require.Equal(t, 1, res.Accepted)
	require.True(t, mail.Seen(t, "INBOX", uid))
	require.Equal(t, []string{"How do I return an item?"}, b.customerTexts(t, ada))
	require.EqualValues(t, 1, b.replies(t))
	st = b.state(t)
	require.Empty(t, st.LastError)
	require.Zero(t, st.Failures)
	require.Equal(t, int64(uid), st.LastUID)
}

// TestIMAPStuckMessageStopsHoldingBackMail: emails that fail to be taken
// in poll after poll hold back only themselves: once each has failed in
// delivery.MaxStuckPolls polls and an email after them goes through, they
// are left unread and counted as skipped, with the reason. Two in a row (a
// customer's conversation that does not answer) are passed alike. While
// every email fails (an outage), none is skipped.
func TestIMAPStuckMessageStopsHoldingBackMail(t *testing.T) {
	t.Parallel()
	mail := dovecot.Start(t, dovecot.Options{})
	b := setupIMAP(t, testenv.NewApp(t, testenv.AppOptions{}), mail)
	b.configure(t, models.IMAPNoTLS, mail.Port, mail.Password, "INBOX")
	var outage atomic.Bool
	b.acts.Accept = func(ctx context.Context, channelID string, raw []byte) (delivery.AcceptedEmail, error) {
		switch {
		case outage.Load():
			return delivery.AcceptedEmail{}, errors.New("database unreachable")
		case bytes.Contains(raw, []byte("carol@example.com")):
			return delivery.AcceptedEmail{}, errors.New("this email's conversation does not answer")
		}
		return b.app.Server.AcceptEmail(ctx, channelID, raw)
	}
	first := mail.Append(t, "INBOX", mimeEmail("Carol <carol@example.com>", "<stuck-1@mail.example.com>", "", "Help", "Where is my parcel?"))
	second := mail.Append(t, "INBOX", mimeEmail("Carol <carol@example.com>", "<stuck-2@mail.example.com>", "", "Help", "Hello?"))
	polls := func(uid imap.UID) int {
		t.Helper()
		return b.state(t).Stuck.V[int64(uid)]
	}

	// Alone in the mailbox, they are tried poll after poll: nothing after
	// them shows the failures are their own. The first is tried until it
	// has failed often enough to be gone past; then the second.
	for n := 1; n <= 2*delivery.MaxStuckPolls+1; n++ {
		res := b.poll(t)
		require.Contains(t, res.Error, "does not answer")
		require.Equal(t, n, polls(first))
		require.Equal(t, max(0, n-delivery.MaxStuckPolls), polls(second))
		require.Zero(t, b.state(t).Skipped)
	}

	// Mail behind them, during an outage: every email fails, none is
	// skipped.
	ada := mail.Append(t, "INBOX", mimeEmail("Ada <ada@example.com>", "<after-stuck@mail.example.com>", "", "Returns", "How do I return an item?"))
	outage.Store(true)
	res := b.poll(t)
	require.Contains(t, res.Error, "database unreachable")
	st := b.state(t)
	require.Zero(t, st.Skipped)
	require.Zero(t, st.LastUID)
	require.Equal(t, 1, st.Stuck.V[int64(ada)])
	require.False(t, mail.Seen(t, "INBOX", ada))

	// Once the outage ends, the email behind them is taken in and the stuck
	// ones are left unread for a person.
	outage.Store(false)
	res = b.poll(t)
	require.Empty(t, res.Error)
	require.Equal(t, 1, res.Accepted)
	require.Equal(t, 2, res.Skipped)
	require.Equal(t, []string{"How do I return an item?"}, b.customerTexts(t, b.conversation("ada@example.com")))
	require.True(t, mail.Seen(t, "INBOX", ada))
	require.False(t, mail.Seen(t, "INBOX", first))
	require.False(t, mail.Seen(t, "INBOX", second))
	st = b.state(t)
	require.Equal(t, int64(ada), st.LastUID)
	require.EqualValues(t, 2, st.Skipped)
	require.Contains(t, st.LastSkipped, fmt.Sprintf("UID %d: could not be taken in %d polls in a row", second, delivery.MaxStuckPolls+3))
	require.Contains(t, st.LastSkipped, "does not answer")
	require.Empty(t, st.Stuck.V)
	require.Empty(t, st.LastError)

	// They are not read again.
	res = b.poll(t)
	require.Equal(t, delivery.PollMailboxResult{Interval: time.Minute}, res)
}

// TestIMAPNewUIDValidity: a mailbox deleted and created again (a new
// UIDVALIDITY) is read from its unread messages again; an email taken
// before is not a second message.
func TestIMAPNewUIDValidity(t *testing.T) {
	t.Parallel()
	mail := dovecot.Start(t, dovecot.Options{})
	b := setupIMAP(t, testenv.NewApp(t, testenv.AppOptions{}), mail)
	b.configure(t, models.IMAPNoTLS, mail.Port, mail.Password, "Support")
	ada := b.conversation("ada@example.com")
	first := mimeEmail("Ada <ada@example.com>", "<uv-1@mail.example.com>", "", "Shipping", "How long does shipping take?")
	mail.Append(t, "Support", first)
	require.Equal(t, 1, b.poll(t).Accepted)
	before := b.state(t).UIDValidity

	mail.DeleteMailbox(t, "Support")
	mail.Append(t, "Support", first)
	mail.Append(t, "Support", mimeEmail("Ada <ada@example.com>", "<uv-2@mail.example.com>", "<uv-1@mail.example.com>", "Re: Shipping", "And to Hawaii?"))
	res := b.poll(t)
	require.Empty(t, res.Error)
	require.Equal(t, 2, res.Accepted)
	require.NotEqual(t, before, b.state(t).UIDValidity)
	b.waitTexts(t, ada, []string{"How long does shipping take?", "And to Hawaii?"})
	require.EqualValues(t, 2, b.replies(t))
}

// TestIMAPTLS: STARTTLS and implicit TLS to Dovecot with a certificate the
// poller's roots trust; a certificate they do not trust is refused.
func TestIMAPTLS(t *testing.T) {
	t.Parallel()
	mail := dovecot.Start(t, dovecot.Options{TLS: true})
	b := setupIMAP(t, testenv.NewApp(t, testenv.AppOptions{}), mail)
	uid := mail.Append(t, "INBOX", mimeEmail("Ada <ada@example.com>", "<tls-1@mail.example.com>", "", "Shipping", "How long does shipping take?"))

	b.configure(t, models.IMAPStartTLS, mail.Port, mail.Password, "INBOX")
	res := b.poll(t)
	require.Contains(t, res.Error, "certificate", "the system's roots do not know the test's certificate")
	require.False(t, mail.Seen(t, "INBOX", uid))

	b.acts.TLSConfig = &tls.Config{RootCAs: mail.RootCAs}
	res = b.poll(t)
	require.Empty(t, res.Error)
	require.Equal(t, 1, res.Accepted)

	mail.MarkUnread(t, "INBOX", uid)
	b.configure(t, models.IMAPImplicitTLS, mail.TLSPort, mail.Password, "INBOX")
	res = b.poll(t)
	require.Empty(t, res.Error)
	require.Equal(t, 1, res.Accepted, "another port is another source: its unread mail is read (and is the same message)")
	require.Equal(t, []string{"How long does shipping take?"}, b.customerTexts(t, b.conversation("ada@example.com")))
}

// api calls the app's API.
func api(t *testing.T, app *testenv.App, method, path, key string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, app.URL+path, r)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestIMAPPollerWorkflow: the production wiring. Saving the channel's
// mailbox through the API starts its PollMailboxWorkflow on the worker;
// a wrong password is the channel's status (failing, with the server's
// answer) and the mail stays unread; the right password polls at once; a
// new worker (a restart) goes on without a second message; removing the
// mailbox ends the workflow.
func TestIMAPPollerWorkflow(t *testing.T) {
	t.Parallel()
	mail := dovecot.Start(t, dovecot.Options{})
	app := testenv.NewApp(t, testenv.AppOptions{NoWorker: true})
	b := setupIMAP(t, app, mail)
	startWorker := func() func() {
		w := worker.New(app.Temporal, app.TaskQueue,
			&activities.Activities{DB: app.DB, Knowledge: app.Knowledge, Generator: answer.Extractive{}, Secrets: app.Secrets},
			worker.WithMailboxes(b.acts))
		require.NoError(t, w.Start())
		return w.Stop
	}
	stop := startWorker()
	provider := "/v1/channels/" + b.channelID + "/provider"
	imapSettings := func(password string) map[string]any {
		return map[string]any{"email": map[string]any{"imap": map[string]any{
			"host": mail.Host, "port": mail.Port, "tls": "none", "username": mail.Username, "password": password, "poll_interval": "1h",
		}}}
	}
	status := func() map[string]any {
		code, body := api(t, app, "GET", provider, app.Keys.Auditor, nil)
		require.Equal(t, http.StatusOK, code, body)
		imapJSON := body["email"].(map[string]any)["imap"].(map[string]any)
		require.NotContains(t, imapJSON, "password", "the password is never shown")
		return imapJSON["status"].(map[string]any)
	}
	first := mail.Append(t, "INBOX", mimeEmail("Ada <ada@example.com>", "<wf-1@mail.example.com>", "", "Shipping", "How long does shipping take?"))

	code, body := api(t, app, "PUT", provider, app.Keys.Admin, imapSettings("wrong password"))
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, true, body["email"].(map[string]any)["imap"].(map[string]any)["password_set"])
	var st map[string]any
	require.Eventually(t, func() bool { st = status(); return st["state"] == "failing" }, time.Minute, 100*time.Millisecond)
	require.Contains(t, st["last_error"], "login refused")
	require.Contains(t, st["last_error"], "AUTHENTICATIONFAILED")
	require.False(t, mail.Seen(t, "INBOX", first), "nothing is read while the mailbox fails")

	code, body = api(t, app, "PUT", provider, app.Keys.Admin, imapSettings(mail.Password))
	require.Equal(t, http.StatusOK, code, body)
	require.Eventually(t, func() bool { st = status(); return st["state"] == "ok" && st["accepted"] == 1.0 }, time.Minute, 100*time.Millisecond)
	require.True(t, mail.Seen(t, "INBOX", first))
	ada := b.conversation("ada@example.com")
	require.Equal(t, []string{"How long does shipping take?"}, b.customerTexts(t, ada))

	// The worker restarts; the next poll (asked for by saving the settings
	// again) takes the new email, and only it.
	stop()
	stop = startWorker()
	defer func() { stop() }()
	second := mail.Append(t, "INBOX", mimeEmail("Ada <ada@example.com>", "<wf-2@mail.example.com>", "<wf-1@mail.example.com>", "Re: Shipping", "And to Hawaii?"))
	code, body = api(t, app, "PUT", provider, app.Keys.Admin, map[string]any{"email": map[string]any{"imap": map[string]any{
		"host": mail.Host, "port": mail.Port, "tls": "none", "username": mail.Username, "poll_interval": "1h",
	}}})
	require.Equal(t, http.StatusOK, code, body)
	require.Eventually(t, func() bool { return status()["accepted"] == 2.0 }, time.Minute, 100*time.Millisecond)
	require.True(t, mail.Seen(t, "INBOX", second))
	b.waitTexts(t, ada, []string{"How long does shipping take?", "And to Hawaii?"})
	require.EqualValues(t, 2, b.replies(t))

	// Without a mailbox, the workflow ends.
	code, body = api(t, app, "PUT", provider, app.Keys.Admin, map[string]any{"email": map[string]any{}})
	require.Equal(t, http.StatusOK, code, body)
	require.NotContains(t, body["email"], "imap")
	run := app.Temporal.GetWorkflow(context.Background(), delivery.MailboxWorkflowID(b.channelID), "")
	var result delivery.PollMailboxWorkflowResult
	require.NoError(t, run.Get(context.Background(), &result))
	require.Equal(t, "the channel has no mailbox to poll", result.Reason)
	desc, err := app.Temporal.DescribeWorkflowExecution(context.Background(), delivery.MailboxWorkflowID(b.channelID), "")
	require.NoError(t, err)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, desc.WorkflowExecutionInfo.Status)
}
