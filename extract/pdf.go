package extract

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ledongthuc/pdf"
)

// ErrUnparseable is returned for a file that claims to be a PDF but cannot be
// read as one.
var ErrUnparseable = errors.New("unparseable PDF")

// headingRatio: a line set at least this much larger than the body text is a
// heading.
const headingRatio = 1.2

// maxHeadingChars: longer lines are text, whatever their size.
const maxHeadingChars = 120

// PDF extracts the text of a PDF as Markdown. Lines set in a font clearly
// larger than the body text become headings; a vertical gap larger than the
// line spacing starts a new paragraph. An encrypted, damaged or text-less PDF
// is an error wrapping ErrUnparseable or ErrNoText.
func PDF(data []byte) (doc Document, err error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return Document{}, fmt.Errorf("%w: no %%PDF- header", ErrUnparseable)
	}
	// The PDF library reports some damage by panicking.
	defer func() {
		if r := recover(); r != nil {
			doc, err = Document{}, fmt.Errorf("%w: %v", ErrUnparseable, r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Document{}, fmt.Errorf("%w: %v", ErrUnparseable, err)
	}
	var lines []pdfLine
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		lines = append(lines, pageLines(p.Content().Text, i)...)
	}
	md := linesMarkdown(lines)
	if strings.TrimSpace(md) == "" {
		return Document{}, ErrNoText
	}
	return Document{Markdown: md}, nil
}

// pdfLine is one line of text on a page.
type pdfLine struct {
	page int
	y    float64
	size float64
	text string
}

// pageLines groups a page's glyphs into lines, in the order they are drawn.
func pageLines(glyphs []pdf.Text, page int) []pdfLine {
	var lines []pdfLine
	var cur *pdfLine
	var b strings.Builder
	var lastEnd float64
	lastW := 0.0
	end := func() {
		if cur != nil {
			cur.text = strings.Join(strings.Fields(b.String()), " ")
			if cur.text != "" {
				lines = append(lines, *cur)
			}
		}
		cur = nil
		b.Reset()
	}
	for _, g := range glyphs {
		if g.S == "\n" || g.S == "" {
			continue
		}
		if cur == nil || math.Abs(g.Y-cur.y) > math.Max(cur.size, g.FontSize)*0.5 {
			end()
			cur = &pdfLine{page: page, y: g.Y, size: g.FontSize}
		} else if lastW > 0 && g.X-lastEnd > g.FontSize*0.2 {
			// Words set apart by positioning rather than a space glyph.
			b.WriteByte(' ')
		}
		b.WriteString(g.S)
		cur.size = math.Max(cur.size, g.FontSize)
		lastW = g.W
		lastEnd = g.X + g.W
	}
	end()
	return lines
}

// linesMarkdown writes lines as Markdown paragraphs and headings.
func linesMarkdown(lines []pdfLine) string {
	if len(lines) == 0 {
		return ""
	}
	body := bodySize(lines)
	var out strings.Builder
	var para []string
	flush := func() {
		if len(para) > 0 {
			text := strings.Join(para, " ")
			if strings.HasPrefix(text, "#") {
				text = `\` + text
			}
			out.WriteString(text + "\n\n")
			para = nil
		}
	}
	for i, l := range lines {
		if body > 0 && l.size >= body*headingRatio && len([]rune(l.text)) <= maxHeadingChars {
			flush()
			// Consecutive heading lines of one size are one heading.
			if i > 0 && lines[i-1].page == l.page && lines[i-1].size == l.size && isHeadingLine(lines[i-1], body) {
				s := strings.TrimSuffix(out.String(), "\n\n")
				out.Reset()
				out.WriteString(s + " " + l.text + "\n\n")
				continue
			}
			level := 2
			if l.size >= body*1.6 {
				level = 1
			}
			out.WriteString(strings.Repeat("#", level) + " " + l.text + "\n\n")
			continue
		}
		if i > 0 && len(para) > 0 {
			prev := lines[i-1]
			gap := prev.y - l.y
			if prev.page != l.page || gap > l.size*1.8 || gap < 0 {
				flush()
			}
		}
		para = append(para, l.text)
	}
	flush()
	return out.String()
}

func isHeadingLine(l pdfLine, body float64) bool {
	return l.size >= body*headingRatio && len([]rune(l.text)) <= maxHeadingChars
}

// bodySize is the font size most of the text is set in.
func bodySize(lines []pdfLine) float64 {
	chars := map[float64]int{}
	for _, l := range lines {
		chars[l.size] += len(l.text)
	}
	sizes := make([]float64, 0, len(chars))
	for s := range chars {
		sizes = append(sizes, s)
	}
	sort.Float64s(sizes)
	best := 0.0
	for _, s := range sizes {
		if chars[s] > chars[best] {
			best = s
		}
	}
	return best
}
