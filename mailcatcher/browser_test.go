package mailcatcher_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/browsertest"
)

// TestBrowserFormWritesTheEmail: the page's form, filled in and sent by a
// real browser (which sends its own Origin and its own line ends), puts the
// email in the mailbox as written and comes back to the page, which says
// so.
func TestBrowserFormWritesTheEmail(t *testing.T) {
	f := formPage(t)
	web, box, written := f.web, f.box, f.written
	browser := browsertest.New(t)
	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(web.URL+"/dev/mail"),
		chromedp.WaitVisible(chromedp.CSS("#from")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Zoë Quill"),
		chromedp.SendKeys(chromedp.CSS("#from"), "zoe@mail.example"),
		chromedp.SendKeys(chromedp.CSS("#subject"), wroteZoe.Subject),
		chromedp.SendKeys(chromedp.CSS("#text"), "Hello,\nwhere is my parcel?"),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("strong")),
	), "the form sent, the page comes back saying it was written")
	after, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("strong")))
	require.NoError(t, err)
	require.Contains(t, after, "Written")
	url, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(url, web.URL+"/dev/mail?written=0&at="), url)

	require.Equal(t, int32(1), written.Load())
	require.Equal(t, wroteZoe, onlyEmail(t, box))
}
