package mailcatcher_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/mailcatcher"
)

func send(t *testing.T, addr, to, raw string) {
	t.Helper()
	c, err := smtp.Dial(addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SendMail("agent@shop.example", []string{to}, strings.NewReader(raw)))
	require.NoError(t, c.Quit())
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestCatchesListsAndKeeps: an email sent to the catcher is listed on its
// page with its raw message, and is still there after a restart.
func TestCatchesListsAndKeeps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := mailcatcher.Start("127.0.0.1:0", dir)
	require.NoError(t, err)
	raw := "From: Support <agent@shop.example>\r\nTo: ada@example.com\r\nSubject: Your <reset> link\r\nMessage-ID: <r1@shop.example>\r\nContent-Type: text/plain\r\n\r\nhttps://shop.example/reset/abc\r\n"
	send(t, c.Addr(), "ada@example.com", raw)
	msgs := c.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, []string{"ada@example.com"}, msgs[0].To)

	web := httptest.NewServer(c.Handler("/dev/mail"))
	defer web.Close()
	status, page := get(t, web.URL+"/dev/mail")
	require.Equal(t, 200, status)
	require.Contains(t, page, "Your &lt;reset&gt; link", "escaped")
	require.Contains(t, page, "https://shop.example/reset/abc")
	require.Contains(t, page, "&lt;r1@shop.example&gt;")
	status, body := get(t, web.URL+"/dev/mail/"+msgs[0].ID+".eml")
	require.Equal(t, 200, status)
	require.Equal(t, raw, body)
	status, _ = get(t, web.URL+"/dev/mail/nope.eml")
	require.Equal(t, 404, status)
	require.NoError(t, c.Close())

	again, err := mailcatcher.Start("127.0.0.1:0", dir)
	require.NoError(t, err)
	defer again.Close()
	kept := again.Messages()
	require.Len(t, kept, 1)
	require.Equal(t, msgs[0].ID, kept[0].ID)
	require.Equal(t, "agent@shop.example", kept[0].From)
}
