package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"
)

// Content types a document can be extracted from.
const (
	TypeMarkdown = "text/markdown"
	TypeText     = "text/plain"
	TypeHTML     = "text/html"
	TypePDF      = "application/pdf"
)

// TypeOfFile recognises an uploaded file by its name's extension and checks
// that its bytes fit: .md and .markdown, .txt, .html and .htm must be UTF-8
// text, a .pdf must start like one.
func TypeOfFile(name string, data []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	var typ string
	switch ext {
	case ".md", ".markdown":
		typ = TypeMarkdown
	case ".txt":
		typ = TypeText
	case ".html", ".htm":
		typ = TypeHTML
	case ".pdf":
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			return "", fmt.Errorf("%q is not a PDF: it does not start with %%PDF-", name)
		}
		return TypePDF, nil
	default:
		return "", fmt.Errorf("%q: %q files are not supported (use .md, .txt, .html or .pdf)", name, ext)
	}
	if !utf8.Valid(data) {
		return "", fmt.Errorf("%q is not UTF-8 text", name)
	}
	return typ, nil
}

// PlainText writes plain text as Markdown paragraphs: its lines are text,
// never headings.
func PlainText(text string) string {
	var out strings.Builder
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") {
			line = `\` + t
		}
		out.WriteString(line + "\n")
	}
	return out.String()
}

// Any extracts a document of one of the content types above; pageURL (may be
// nil) is where a web page came from.
func Any(data []byte, contentType string, pageURL *url.URL) (Document, error) {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	var doc Document
	switch mediaType {
	case TypeHTML, "application/xhtml+xml":
		if pageURL == nil {
			pageURL = &url.URL{}
		}
		return HTMLPage(data, contentType, pageURL)
	case TypePDF:
		return PDF(data)
	case TypeMarkdown, "text/x-markdown":
		if !utf8.Valid(data) {
			return Document{}, fmt.Errorf("markdown is not UTF-8 text")
		}
		doc.Markdown = strings.ReplaceAll(string(data), "\r\n", "\n")
	case TypeText:
		if !utf8.Valid(data) {
			return Document{}, fmt.Errorf("text is not UTF-8")
		}
		doc.Markdown = PlainText(string(data))
	default:
		return Document{}, fmt.Errorf("content type %q is not supported (HTML, PDF, Markdown or plain text)", mediaType)
	}
	if strings.TrimSpace(doc.Markdown) == "" {
		return Document{}, ErrNoText
	}
	return doc, nil
}
