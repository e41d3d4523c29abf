package extract_test

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/extract"
)

// noisyPage is a help-centre page with the chrome real sites have around an
// article: navigation, a cookie banner, a sidebar, a footer and scripts.
const noisyPage = `<!doctype html>
<html><head><title>Returns and refunds | Sprocket Help</title>
<script>window.track = function(){ /* analytics */ }</script>
<style>.nav { color: red }</style></head>
<body>
<header><nav class="nav"><a href="/">Home</a> <a href="/shop">Shop all office chairs</a> <a href="/login">Sign in to your account</a></nav></header>
<div class="cookie-banner" role="dialog">We use cookies to improve your experience. Accept all cookies?</div>
<main><article>
<h1>Returns and refunds</h1>
<p>You can return any unused item within 30 days of delivery for a full refund. Items must be in their original
packaging, with every accessory and manual included, so that we can resell them to another customer.</p>
<p>Wholesale customers have 14 days to start a return. The return window starts on the day the carrier marks the
order as delivered, not the day you placed it, so a late delivery never shortens your window.</p>
<h2>How refunds are paid</h2>
<p>Refunds go back to the original payment method within 5 business days of our warehouse receiving the item.
Store credit is issued at once if you prefer it, and it never expires.</p>
<p>Shipping costs are refunded only when the item arrived damaged or was not what you ordered. In every other case
the original shipping charge is kept, and return shipping is paid by the customer.</p>
<h2>Damaged items</h2>
<p>If an item arrived damaged, send us a photo within 7 days and we will replace it free of charge. You do not need
to send the damaged item back unless we ask you to, and we will cover the shipping of the replacement.</p>
</article></main>
<aside><h3>Popular articles</h3><ul><li><a href="/a/1">Track your parcel online</a></li><li><a href="/a/2">Gift cards and vouchers</a></li></ul></aside>
<footer><p>© 2025 Sprocket Supply Co. · Privacy policy · Terms of service · Careers at Sprocket</p></footer>
<script>track()</script>
</body></html>`

func TestHTMLPageKeepsTheArticleAndDropsTheChrome(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://help.example/returns")
	doc, err := extract.HTMLPage([]byte(noisyPage), "text/html; charset=utf-8", u)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(doc.Title, "Returns and refunds"), doc.Title)
	require.Contains(t, doc.Markdown, "## How refunds are paid")
	require.Contains(t, doc.Markdown, "## Damaged items")
	require.Contains(t, doc.Markdown, "within 30 days of delivery")
	for _, noise := range []string{"Sign in to your account", "cookies", "Popular articles", "Privacy policy", "analytics", "track()", "color: red"} {
		require.NotContains(t, doc.Markdown, noise)
	}
}

func TestHTMLPageShortPageFallsBackToBodyText(t *testing.T) {
	t.Parallel()
	page := `<html><head><title>Hours</title></head><body><nav>Menu</nav><h1>Opening hours</h1><p>Mon–Fri 9–5.</p><footer>©</footer></body></html>`
	doc, err := extract.HTMLPage([]byte(page), "", &url.URL{})
	require.NoError(t, err)
	require.Contains(t, doc.Markdown, "Mon–Fri 9–5.")
	require.NotContains(t, doc.Markdown, "Menu")

	_, err = extract.HTMLPage([]byte(`<html><body><script>x()</script></body></html>`), "", &url.URL{})
	require.ErrorIs(t, err, extract.ErrNoText)
}

func TestHTMLPageDecodesDeclaredCharset(t *testing.T) {
	t.Parallel()
	page := "<html><body><h1>Caf\xe9</h1><p>Cr\xe8me br\xfbl\xe9e is served every day.</p></body></html>"
	doc, err := extract.HTMLPage([]byte(page), "text/html; charset=iso-8859-1", &url.URL{})
	require.NoError(t, err)
	require.Contains(t, doc.Markdown, "Crème brûlée")
}

func TestHTMLFragment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
		not      []string
	}{
		{
			name: "headings and paragraphs",
			in:   "<p>Lead.</p><h2>Costs</h2><p>Seven <b>dollars</b>.</p><h3>Express</h3><p>Twelve.</p>",
			want: []string{"Lead.\n\n## Costs\n\nSeven dollars.\n\n### Express\n\nTwelve.\n"},
		},
		{
			name: "lists and line breaks",
			in:   "<ul><li>One</li><li>Two<br>lines</li></ul>",
			want: []string{"- One\n\n- Two lines\n"},
		},
		{
			name: "scripts, styles and hidden text",
			in:   "<p>Shown.</p><script>alert(1)</script><style>p{}</style><p hidden>secret</p>",
			want: []string{"Shown.\n"},
			not:  []string{"alert", "secret", "p{}"},
		},
		{
			name: "text that would read as a heading",
			in:   "<p>#1 best seller</p>",
			want: []string{`\#1 best seller`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := extract.HTMLFragment(tt.in)
			require.NoError(t, err)
			for _, w := range tt.want {
				require.Contains(t, got, w)
			}
			for _, n := range tt.not {
				require.NotContains(t, got, n)
			}
		})
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	page := `<html><head><base href="/docs/"></head><body>
	<a href="a.html#top">A</a> <a href="a.html">A again</a> <a href="https://other.example/x">X</a>
	<a href="mailto:x@example.com">mail</a> <a href="/b" rel="nofollow">B</a> <a href="../c">C</a></body></html>`
	u, _ := url.Parse("http://site.example/index.html")
	links, err := extract.Links([]byte(page), "text/html", u)
	require.NoError(t, err)
	var got []string
	for _, l := range links {
		got = append(got, l.String())
	}
	require.Equal(t, []string{"http://site.example/docs/a.html", "https://other.example/x", "http://site.example/c"}, got)
}

func TestPDF(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/guide.pdf")
	require.NoError(t, err)
	doc, err := extract.PDF(data)
	require.NoError(t, err)
	require.Contains(t, doc.Markdown, "# Warranty guide")
	require.Contains(t, doc.Markdown, "## Making a claim")
	require.Contains(t, doc.Markdown, "## What is not covered")
	require.Contains(t, doc.Markdown, "Every Sprocket desk chair comes with a ten year warranty. Keep your receipt as proof of purchase.")
	require.Less(t, strings.Index(doc.Markdown, "Making a claim"), strings.Index(doc.Markdown, "What is not covered"), "pages in order")
}

func TestPDFUnparseable(t *testing.T) {
	t.Parallel()
	damaged, err := os.ReadFile("testdata/damaged.pdf")
	require.NoError(t, err)
	for name, data := range map[string][]byte{
		"damaged":   damaged,
		"not a pdf": []byte("hello"),
		"empty":     nil,
		"truncated": []byte("%PDF-1.4\n"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := extract.PDF(data)
			require.ErrorIs(t, err, extract.ErrUnparseable)
		})
	}
}

func TestTypeOfFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		data    string
		want    string
		wantErr string
	}{
		{"guide.md", "# Hi", extract.TypeMarkdown, ""},
		{"NOTES.TXT", "hi", extract.TypeText, ""},
		{"page.htm", "<p>hi</p>", extract.TypeHTML, ""},
		{"doc.pdf", "%PDF-1.7 …", extract.TypePDF, ""},
		{"doc.pdf", "PK zip", "", "not a PDF"},
		{"sheet.xlsx", "", "", "not supported"},
		{"notes.txt", "\xff\xfe", "", "not UTF-8"},
	}
	for _, tt := range tests {
		got, err := extract.TypeOfFile(tt.name, []byte(tt.data))
		if tt.wantErr != "" {
			require.ErrorContains(t, err, tt.wantErr, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.want, got, tt.name)
	}
}

func TestPlainTextHasNoHeadings(t *testing.T) {
	t.Parallel()
	doc, err := extract.Any([]byte("# not a heading\nline"), "text/plain", nil)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(doc.Markdown, `\# not a heading`))
}
