package main_test

import (
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/mailcatcher"
	"github.com/switchboardhq/switchboard/models"
)

// startMailingWorker runs the real `switchboard worker` on the app's task
// queue, sending email through the SMTP server at smtpAddr.
func startMailingWorker(t *testing.T, bin string, app *testenv.App, smtpAddr string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "worker")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+app.DatabaseURL,
		"TEMPORAL_ADDRESS="+testenv.TemporalAddress(t),
		"WEAVIATE_URL="+testenv.WeaviateURL(t),
		"WEAVIATE_GRPC_ADDRESS="+testenv.Weaviate(t).GRPCAddress,
		"SWITCHBOARD_TASK_QUEUE="+app.TaskQueue,
		"SWITCHBOARD_LOG_LEVEL=warn",
		"SWITCHBOARD_SMTP_ADDR="+smtpAddr,
		"SWITCHBOARD_SMTP_TLS=none",
		"SWITCHBOARD_SMTP_FROM=Sprocket Support <support@sprocketsupply.example>",
		"SWITCHBOARD_OUTBOX_POLL_INTERVAL=200ms",
	)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, out
}

// TestWorkerKilledMidDeliverySendsOnce kills the worker (SIGKILL) while the
// SMTP server holds its email, before accepting it; a new worker delivers
// it, and the server receives exactly one message per outbox entry.
func TestWorkerKilledMidDeliverySendsOnce(t *testing.T) {
	bin := buildBinary(t)
	app := testenv.NewApp(t, testenv.AppOptions{NoWorker: true})
	catcher, err := mailcatcher.Start("127.0.0.1:0", "")
	require.NoError(t, err)
	t.Cleanup(func() { catcher.Close() })
	holding, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	catcher.Accept = func(string, []string, []byte) error {
		first := false
		once.Do(func() { first = true })
		if !first {
			return nil
		}
		close(holding)
		<-release
		// The client is gone: the server never accepted the message.
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "connection lost"}
	}
	queue := func(key string) models.OutboxMessage {
		row := models.OutboxMessage{
			ID: uuid.NewString(), WorkspaceID: app.Demo.WorkspaceID, Kind: "password_reset", Recipient: "ada@example.com",
			Subject: "Reset your password", Body: "Your link: https://sprocketsupply.example/reset/" + key,
			IdempotencyKey: "password_reset:" + key, CreatedAt: time.Now().UTC(),
		}
		require.NoError(t, app.DB.Create(&row).Error)
		return row
	}

	first, firstOut := startMailingWorker(t, bin, app, catcher.Addr())
	held := queue("k1")
	select {
	case <-holding:
	case <-time.After(time.Minute):
		t.Fatalf("the worker never sent the email; it said:\n%s", firstOut)
	}
	require.NoError(t, first.Process.Kill())
	_, _ = first.Process.Wait()
	close(release)

	_, secondOut := startMailingWorker(t, bin, app, catcher.Addr())
	later := queue("k2")
	sent := func(id string) models.OutboxMessage {
		var row models.OutboxMessage
		require.Eventually(t, func() bool {
			require.NoError(t, app.DB.Where("id = ?", id).Take(&row).Error)
			return row.Status == models.OutboxSent || row.Status == models.OutboxFailed
		}, 2*time.Minute, 200*time.Millisecond, "outbox message %s not delivered; the worker said:\n%s", id, secondOut)
		require.Equal(t, models.OutboxSent, row.Status, row.LastError)
		return row
	}
	heldRow, laterRow := sent(held.ID), sent(later.ID)
	require.Equal(t, 2, heldRow.Attempts, "the killed attempt, then the one that passed")
	require.Equal(t, 1, laterRow.Attempts)

	// A moment later, still one message each.
	time.Sleep(time.Second)
	msgs := catcher.Messages()
	require.Len(t, msgs, 2, "exactly one email per outbox message")
	ids := map[string]int{}
	for _, m := range msgs {
		h := m.Header()
		id, err := h.MessageID()
		require.NoError(t, err)
		ids["<"+id+">"]++
	}
	require.Equal(t, map[string]int{heldRow.ProviderMessageID: 1, laterRow.ProviderMessageID: 1}, ids)
}
