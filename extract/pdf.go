package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"
)

// ErrUnparseable is returned for a file that claims to be a PDF but cannot be
// read as one.
var ErrUnparseable = errors.New("unparseable PDF")

// ErrTooLarge is returned for a document over one of the limits below.
var ErrTooLarge = errors.New("document too large")

// Limits on reading one PDF. A PDF is untrusted input: a few hundred bytes
// can describe a page tree that never ends or a page whose resources are
// looked up in a loop, and the PDF library follows such structures as it
// finds them.
const (
	// MaxPDFPages is the most pages a PDF may have. A longer one is an error
	// wrapping ErrTooLarge, rather than a text that silently stops.
	MaxPDFPages = 2000
	// PDFTimeout is the longest reading one PDF may take. It is below the
	// two minutes within which a source sync's extraction must report
	// progress (it does so after each document), so a PDF that would run
	// longer fails the sync with a reason instead of timing the activity out.
	PDFTimeout = time.Minute
	// maxPageTreeDepth is the deepest a page tree may nest. Real trees are
	// balanced and a few levels deep; the limit keeps the walk's recursion
	// bounded whatever the file says.
	maxPageTreeDepth = 64
	// maxPageTreeNodes is the most page-tree nodes visited, a bound on the
	// walk should the nodes' object numbers be unknown (see objectOf).
	maxPageTreeNodes = 2 * MaxPDFPages
)

// headingRatio: a line set at least this much larger than the body text is a
// heading.
const headingRatio = 1.2

// maxHeadingChars: longer lines are text, whatever their size.
const maxHeadingChars = 120

// PDF extracts the text of a PDF as Markdown, within [PDFTimeout]. See
// [PDFContext].
func PDF(data []byte) (Document, error) {
	return PDFContext(context.Background(), data)
}

// errTooSlow is why a PDF's reading stopped when it ran out of PDFTimeout.
var errTooSlow = fmt.Errorf("it took longer than %s: %w", PDFTimeout, context.DeadlineExceeded)

// PDFContext extracts the text of a PDF as Markdown. Lines set in a font
// clearly larger than the body text become headings; a vertical gap larger
// than the line spacing starts a new paragraph. An encrypted, damaged or
// text-less PDF is an error wrapping ErrUnparseable or ErrNoText; so is a
// page tree that is not a tree (a node listed under itself, a page that is
// its own ancestor). A PDF of more than [MaxPDFPages] pages is an error
// wrapping ErrTooLarge.
//
// Reading stops when ctx is done or after [PDFTimeout], whichever comes
// first, with an error wrapping the context's error (context.DeadlineExceeded
// for the timeout). PDFContext then returns at once; the PDF library, which
// takes no context, stops at its next read of the document.
func PDFContext(ctx context.Context, data []byte) (Document, error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return Document{}, fmt.Errorf("%w: no %%PDF- header", ErrUnparseable)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, PDFTimeout, errTooSlow)
	defer cancel()
	type result struct {
		doc Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		doc, err := readPDF(ctx, data)
		done <- result{doc, err}
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-ctx.Done():
		return Document{}, stopped(ctx)
	}
}

// stopped is the error of a reading that ctx stopped.
func stopped(ctx context.Context) error {
	return fmt.Errorf("reading the PDF stopped: %w", context.Cause(ctx))
}

// readPDF does PDFContext's work.
func readPDF(ctx context.Context, data []byte) (doc Document, err error) {
	// The PDF library reports some damage by panicking, and contextReader
	// panics once ctx is done.
	defer func() {
		if r := recover(); r != nil {
			if ctx.Err() != nil {
				doc, err = Document{}, stopped(ctx)
				return
			}
			doc, err = Document{}, fmt.Errorf("%w: %v", ErrUnparseable, r)
		}
	}()
	r, err := pdf.NewReader(contextReader{ctx: ctx, data: bytes.NewReader(data)}, int64(len(data)))
	if err != nil {
		if ctx.Err() != nil {
			return Document{}, stopped(ctx)
		}
		return Document{}, fmt.Errorf("%w: %v", ErrUnparseable, err)
	}
	pages, err := pdfPages(ctx, r)
	if err != nil {
		return Document{}, err
	}
	var lines []pdfLine
	for i, p := range pages {
		if err := checkAncestors(p); err != nil {
			return Document{}, err
		}
		lines = append(lines, pageLines(p.Content().Text, i+1)...)
	}
	md := linesMarkdown(lines)
	if strings.TrimSpace(md) == "" {
		return Document{}, ErrNoText
	}
	return Document{Markdown: md}, nil
}

// contextReader gives the PDF library a document's bytes until ctx is done,
// and from then on panics at every read. The library takes no context, but
// it reads the document again for every object it looks at, so whatever
// loop it is in ends at its next read; readPDF recovers the panic.
type contextReader struct {
	ctx  context.Context
	data *bytes.Reader
}

// ReadAt implements io.ReaderAt.
func (c contextReader) ReadAt(p []byte, off int64) (int, error) {
	if err := c.ctx.Err(); err != nil {
		panic(err)
	}
	return c.data.ReadAt(p, off)
}

// pdfPages returns the pages of r in document order, walking the page tree
// itself: the library's own page lookup follows a node listed under itself
// for ever. A node met twice, a tree deeper than maxPageTreeDepth or larger
// than maxPageTreeNodes is an error wrapping ErrUnparseable, more than
// MaxPDFPages pages one wrapping ErrTooLarge.
func pdfPages(ctx context.Context, r *pdf.Reader) ([]pdf.Page, error) {
	root := r.Trailer().Key("Root").Key("Pages")
	if root.Key("Type").Name() != "Pages" {
		return nil, nil
	}
	w := pageWalk{ctx: ctx, seen: map[objectID]bool{}}
	if err := w.visit(root, 0); err != nil {
		return nil, err
	}
	return w.pages, nil
}

// pageWalk is the state of pdfPages's walk.
type pageWalk struct {
	ctx   context.Context
	seen  map[objectID]bool
	nodes int
	pages []pdf.Page
}

// visit adds the pages under node, a /Pages node depth levels down.
func (w *pageWalk) visit(node pdf.Value, depth int) error {
	if depth > maxPageTreeDepth {
		return fmt.Errorf("%w: the page tree is more than %d levels deep", ErrUnparseable, maxPageTreeDepth)
	}
	if w.nodes++; w.nodes > maxPageTreeNodes {
		return fmt.Errorf("%w: the page tree has more than %d nodes", ErrUnparseable, maxPageTreeNodes)
	}
	if id, ok := objectOf(node); ok {
		if w.seen[id] {
			return fmt.Errorf("%w: the page tree is cyclic: object %s is listed under itself or twice", ErrUnparseable, id)
		}
		w.seen[id] = true
	}
	kids := node.Key("Kids")
	for i := 0; i < kids.Len(); i++ {
		if err := w.ctx.Err(); err != nil {
			return stopped(w.ctx)
		}
		kid := kids.Index(i)
		switch kid.Key("Type").Name() {
		case "Pages":
			if err := w.visit(kid, depth+1); err != nil {
				return err
			}
		case "Page":
			if len(w.pages) == MaxPDFPages {
				return fmt.Errorf("%w: the PDF has more than %d pages", ErrTooLarge, MaxPDFPages)
			}
			w.pages = append(w.pages, pdf.Page{V: kid})
		}
	}
	return nil
}

// checkAncestors returns an error wrapping ErrUnparseable when the chain of
// a page's /Parent entries loops or goes on beyond any real page tree's
// depth. The library looks a page's fonts up that chain, and would follow a
// loop for ever.
func checkAncestors(p pdf.Page) error {
	seen := map[objectID]bool{}
	depth := 0
	for v := p.V.Key("Parent"); !v.IsNull(); v = v.Key("Parent") {
		if depth++; depth > maxPageTreeDepth+1 {
			return fmt.Errorf("%w: a page has more than %d ancestors", ErrUnparseable, maxPageTreeDepth+1)
		}
		if id, ok := objectOf(v); ok {
			if seen[id] {
				return fmt.Errorf("%w: a page's ancestors are cyclic: object %s is its own ancestor", ErrUnparseable, id)
			}
			seen[id] = true
		}
	}
	return nil
}

// objectID names an indirect object of a PDF: its number and generation.
type objectID struct {
	number, generation uint64
}

// String returns the object as a PDF reference, e.g. "2 0 R".
func (id objectID) String() string {
	return fmt.Sprintf("%d %d R", id.number, id.generation)
}

// objectOf returns the indirect object v was read from (for a value written
// inside another object, that object). The library keeps it in an
// unexported field, which reflection can read; ok is false should the
// library stop keeping it there, and the page walk then relies on its depth
// and size limits alone.
func objectOf(v pdf.Value) (id objectID, ok bool) {
	ptr := reflect.ValueOf(v).FieldByName("ptr")
	if ptr.Kind() != reflect.Struct {
		return objectID{}, false
	}
	number, generation := ptr.FieldByName("id"), ptr.FieldByName("gen")
	if !number.CanUint() || !generation.CanUint() {
		return objectID{}, false
	}
	return objectID{number: number.Uint(), generation: generation.Uint()}, true
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
	// The heading being read, written when a line that is not part of it
	// comes: joining it as it grows would copy it once per line.
	var heading []string
	level := 0
	endHeading := func() {
		if len(heading) > 0 {
			out.WriteString(strings.Repeat("#", level) + " " + strings.Join(heading, " ") + "\n\n")
			heading = nil
		}
	}
	for i, l := range lines {
		if body > 0 && isHeadingLine(l, body) {
			flush()
			// Consecutive heading lines of one size are one heading.
			if len(heading) > 0 && lines[i-1].page == l.page && lines[i-1].size == l.size {
				heading = append(heading, l.text)
				continue
			}
			endHeading()
			level = 2
			if l.size >= body*1.6 {
				level = 1
			}
			heading = []string{l.text}
			continue
		}
		endHeading()
		if i > 0 && len(para) > 0 {
			prev := lines[i-1]
			gap := prev.y - l.y
			if prev.page != l.page || gap > l.size*1.8 || gap < 0 {
				flush()
			}
		}
		para = append(para, l.text)
	}
	endHeading()
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
