package mailcatcher_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/mail"
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
	return read(t, resp, err)
}

// read is a response's status and body.
func read(t *testing.T, resp *http.Response, err error) (int, string) {
	t.Helper()
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

	web := httptest.NewServer(c.Handler("/dev/mail", nil))
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

// TestMailboxTakesTheFormsEmail: the page's form puts a customer's email in
// the mailbox, unread, where an IMAP client logging in finds it, and the
// page it goes back to awaits the answer (it looks again sooner) until the
// next email is caught; a wrong field is refused by name and writes
// nothing, and another site's page may not post the form.
func TestMailboxTakesTheFormsEmail(t *testing.T) {
	t.Parallel()
	f := formPage(t)
	web, box, written := f.web, f.box, f.written
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var location string
	post := func(form url.Values, origin string) (int, string) {
		req, err := http.NewRequest("POST", web.URL+"/dev/mail/write", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := noRedirect.Do(req)
		if err == nil {
			location = resp.Header.Get("Location")
		}
		return read(t, resp, err)
	}

	_, page := get(t, web.URL+"/dev/mail")
	require.Contains(t, page, `action="/dev/mail/write"`)
	require.Contains(t, page, "help@shop.example")
	require.Contains(t, page, `data-awaiting="false"`)

	status, body := post(url.Values{"name": {"Zoë Quill"}, "from": {"zoe@mail.example"}, "subject": {wroteZoe.Subject},
		"text": {"Hello,\nwhere is my parcel?"}}, web.URL)
	require.Equal(t, http.StatusSeeOther, status, body)
	require.Equal(t, int32(1), written.Load())
	require.True(t, strings.HasPrefix(location, "/dev/mail?written=0&at="), location)
	_, page = get(t, web.URL+location)
	require.Contains(t, page, "Written: the answer shows below")
	require.Contains(t, page, `data-awaiting="true"`, "no email caught since the write: the answer is awaited")
	send(t, f.catcher.Addr(), "zoe@mail.example", "Subject: Re: "+wroteZoe.Subject+"\r\n\r\nIn the post.\r\n")
	_, page = get(t, web.URL+location)
	require.Contains(t, page, `data-awaiting="false"`, "the answer came")

	status, body = post(url.Values{"from": {"not an address"}, "text": {"hi"}}, "")
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, "from:")
	status, _ = post(url.Values{"from": {"eve@mail.example"}, "text": {"hi"}}, "https://elsewhere.example")
	require.Equal(t, http.StatusForbidden, status)
	status, _ = get(t, web.URL+"/dev/mail/write")
	require.Equal(t, http.StatusMethodNotAllowed, status)
	require.Equal(t, int32(1), written.Load())

	require.Equal(t, wroteZoe, onlyEmail(t, box), "only the valid email was written")
}

// form is a catcher's page at /dev/mail, with the form writing to
// help@shop.example in a mailbox of its own (user support, password
// s3cret); written counts the emails the form wrote.
type form struct {
	web     *httptest.Server
	catcher *mailcatcher.Catcher
	box     *mailcatcher.Mailbox
	written *atomic.Int32
}

func formPage(t *testing.T) form {
	t.Helper()
	c, err := mailcatcher.Start("127.0.0.1:0", "")
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	box, err := mailcatcher.StartMailbox("127.0.0.1:0", "support", "s3cret")
	require.NoError(t, err)
	t.Cleanup(func() { box.Close() })
	written := new(atomic.Int32)
	web := httptest.NewServer(c.Handler("/dev/mail", &mailcatcher.Inbox{Mailbox: box, Address: "help@shop.example", Written: func() { written.Add(1) }}))
	t.Cleanup(web.Close)
	return form{web: web, catcher: c, box: box, written: written}
}

// wroteZoe is the email written in the tests' form: from Zoë, in French.
var wroteZoe = caughtEmail{
	From: []*mail.Address{{Name: "Zoë Quill", Address: "zoe@mail.example"}}, To: "help@shop.example",
	Subject: "Où est mon colis ?", Text: "Hello,\r\nwhere is my parcel?", HasMessageID: true,
}

// caughtEmail is what the tests check of an email in the mailbox.
type caughtEmail struct {
	From         []*mail.Address
	To, Subject  string
	Text         string
	HasMessageID bool
	// Seen is set once the email was read: the form's is delivered unread.
	Seen bool
}

// onlyEmail reads, over IMAP, the one email the mailbox holds without
// marking it read.
func onlyEmail(t *testing.T, box *mailcatcher.Mailbox) caughtEmail {
	t.Helper()
	imap := imapclient.New(dial(t, box.Addr()), nil)
	defer imap.Close()
	require.NoError(t, imap.Login("support", "s3cret").Wait())
	sel, err := imap.Select("INBOX", nil).Wait()
	require.NoError(t, err)
	require.Equal(t, uint32(1), sel.NumMessages, "one email in the mailbox")
	msgs, err := imap.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{
		Flags: true, BodySection: []*goimap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	var raw []byte
	for _, b := range msgs[0].BodySection {
		raw = b.Bytes
	}
	r, err := mail.CreateReader(bytes.NewReader(raw))
	require.NoError(t, err)
	var out caughtEmail
	out.Seen = slices.Contains(msgs[0].Flags, goimap.FlagSeen)
	out.From, err = r.Header.AddressList("From")
	require.NoError(t, err)
	to, err := r.Header.AddressList("To")
	require.NoError(t, err)
	require.Len(t, to, 1)
	out.To = to[0].Address
	out.Subject, err = r.Header.Subject()
	require.NoError(t, err)
	id, err := r.Header.MessageID()
	require.NoError(t, err)
	out.HasMessageID = id != ""
	part, err := r.NextPart()
	require.NoError(t, err)
	text, err := io.ReadAll(part.Body)
	require.NoError(t, err)
	out.Text = string(text)
	return out
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	return conn
}
