package extract

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// Document is the readable content of one source document.
type Document struct {
	// Title is the document's own title ("" when it has none).
	Title string
	// Markdown is the text, with "#" headings.
	Markdown string
}

// ErrNoText is returned for a document with no readable text.
var ErrNoText = errors.New("no readable text")

// HTMLPage extracts the main content of a web page: a readability parser
// drops navigation, footers and other clutter, and the content's DOM is
// written as Markdown, its h1–h6 becoming headings. contentType (the
// Content-Type header, may be empty) tells the page's character set.
func HTMLPage(page []byte, contentType string, pageURL *url.URL) (Document, error) {
	r, err := charset.NewReader(bytes.NewReader(page), contentType)
	if err != nil {
		return Document{}, fmt.Errorf("decode page: %w", err)
	}
	doc, err := html.Parse(r)
	if err != nil {
		return Document{}, fmt.Errorf("parse html: %w", err)
	}
	title := pageTitle(doc)
	var md string
	// FromDocument works on a copy: doc stays whole for the fallback below.
	article, err := readability.FromDocument(doc, pageURL)
	if err == nil && article.Node != nil {
		if t := strings.TrimSpace(article.Title()); t != "" {
			title = t
		}
		md = Markdown(article.Node)
	}
	if strings.TrimSpace(md) == "" {
		// Pages too short for readability to trust: everything but the
		// page's chrome.
		md = Markdown(doc)
	}
	if strings.TrimSpace(md) == "" {
		return Document{}, ErrNoText
	}
	return Document{Title: title, Markdown: md}, nil
}

// HTMLFragment writes an admin's HTML article body as Markdown. The whole
// fragment is content: no readability pass, only scripts, styles and page
// chrome are dropped.
func HTMLFragment(body string) (string, error) {
	nodes, err := html.ParseFragment(strings.NewReader(body), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return "", fmt.Errorf("parse html: %w", err)
	}
	w := newMarkdownWriter()
	for _, n := range nodes {
		w.node(n)
	}
	return w.String(), nil
}

// Markdown writes the text under n as Markdown: headings as "#" lines,
// block elements as paragraphs, list items as "- " lines. Scripts, styles,
// forms and page chrome (nav, header, footer, aside) are left out.
func Markdown(n *html.Node) string {
	w := newMarkdownWriter()
	w.node(n)
	return w.String()
}

// skipped elements never hold article text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Form: true, atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Input: true,
	atom.Head: true, atom.Title: true, atom.Dialog: true,
}

// blocks start and end a paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Blockquote: true, atom.Pre: true, atom.Ul: true, atom.Ol: true, atom.Li: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Table: true, atom.Tr: true,
	atom.Figure: true, atom.Figcaption: true, atom.Hr: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Body: true, atom.Html: true,
}

var headingLevel = map[atom.Atom]int{
	atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6,
}

type markdownWriter struct {
	out  strings.Builder
	para strings.Builder
	// prefix starts the current paragraph ("- " in a list item).
	prefix string
}

func newMarkdownWriter() *markdownWriter { return &markdownWriter{} }

func (w *markdownWriter) String() string { w.flush(); return strings.TrimSpace(w.out.String()) + "\n" }

// flush ends the current paragraph.
func (w *markdownWriter) flush() {
	text := strings.Join(strings.Fields(w.para.String()), " ")
	w.para.Reset()
	if text == "" {
		return
	}
	w.line(w.prefix + text)
	w.prefix = ""
}

// line writes one paragraph; text that would read as a heading is escaped.
func (w *markdownWriter) line(text string) {
	if strings.HasPrefix(text, "#") {
		text = `\` + text
	}
	w.out.WriteString(text)
	w.out.WriteString("\n\n")
}

func (w *markdownWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.para.WriteString(n.Data)
		return
	case html.ElementNode:
		if skipped[n.DataAtom] || hidden(n) {
			return
		}
		if level, ok := headingLevel[n.DataAtom]; ok {
			w.flush()
			text := strings.Join(strings.Fields(textOf(n)), " ")
			if text != "" {
				w.out.WriteString(strings.Repeat("#", level) + " " + text + "\n\n")
			}
			return
		}
		switch n.DataAtom {
		case atom.Br:
			w.para.WriteString(" ")
			return
		case atom.Img:
			return
		case atom.Td, atom.Th:
			w.para.WriteString(" ")
			defer w.para.WriteString(" ")
		}
		if blocks[n.DataAtom] {
			w.flush()
			if n.DataAtom == atom.Li {
				w.prefix = "- "
			}
			defer w.flush()
		}
	case html.CommentNode, html.DoctypeNode:
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

// hidden reports elements marked as not shown.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(a.Val, "true") {
				return true
			}
		case "role":
			switch strings.ToLower(a.Val) {
			case "navigation", "banner", "contentinfo", "search":
				return true
			}
		}
	}
	return false
}

// textOf is the text under n, skipping what never holds text.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			return
		}
		if n.Type == html.ElementNode && skipped[n.DataAtom] {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			b.WriteString(" ")
		}
	}
	walk(n)
	return b.String()
}

// pageTitle is the text of the document's <title>.
func pageTitle(doc *html.Node) string {
	var title string
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.DataAtom == atom.Title {
			title = strings.Join(strings.Fields(textOfAll(n)), " ")
			return true
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			return false
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(doc)
	return title
}

func textOfAll(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// Links returns the absolute http(s) URLs the page's <a href> point to,
// without fragments, in document order and without repeats. A <base href>
// changes what relative links resolve against.
func Links(page []byte, contentType string, pageURL *url.URL) ([]*url.URL, error) {
	r, err := charset.NewReader(bytes.NewReader(page), contentType)
	if err != nil {
		return nil, fmt.Errorf("decode page: %w", err)
	}
	doc, err := html.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("parse html: %w", err)
	}
	base := pageURL
	var links []*url.URL
	seen := map[string]bool{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Base:
				if href, ok := attr(n, "href"); ok {
					if u, err := pageURL.Parse(href); err == nil {
						base = u
					}
				}
			case atom.A:
				if href, ok := attr(n, "href"); ok && !nofollow(n) {
					if u, err := base.Parse(strings.TrimSpace(href)); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
						u.Fragment, u.RawFragment = "", ""
						if !seen[u.String()] {
							seen[u.String()] = true
							links = append(links, u)
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return links, nil
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

func nofollow(n *html.Node) bool {
	rel, _ := attr(n, "rel")
	for _, f := range strings.Fields(strings.ToLower(rel)) {
		if f == "nofollow" {
			return true
		}
	}
	return false
}
