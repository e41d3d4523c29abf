package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// prevLoopPDF returns a PDF whose cross-reference table names itself as the
// previous one: the PDF library reads it again and again, inside
// pdf.NewReader.
func prevLoopPDF() []byte {
	head := "%PDF-1.4\n"
	catalog := "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
	pages := "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
	xref := len(head) + len(catalog) + len(pages)
	return fmt.Appendf(nil, "%s%s%sxref\n0 3\n0000000000 65535 f \n%010d 00000 n \n%010d 00000 n \n"+
		"trailer\n<< /Size 3 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		head, catalog, pages, len(head), len(head)+len(catalog), xref, xref)
}

func TestReadPDFItselfStopsAtTheDeadline(t *testing.T) {
	t.Parallel()
	// PDFContext returns at the deadline whatever the library does; this
	// checks that the reading it abandons ends too, rather than spinning on
	// in the background.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := readPDF(ctx, prevLoopPDF())
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(10 * time.Second):
		t.Fatal("readPDF still running 10 s after its deadline")
	}
}

func TestLinesMarkdownHeadings(t *testing.T) {
	t.Parallel()
	body := func(page int, y float64, text string) pdfLine { return pdfLine{page: page, y: y, size: 10, text: text} }
	title := func(page int, y float64, text string) pdfLine { return pdfLine{page: page, y: y, size: 20, text: text} }
	sub := func(page int, y float64, text string) pdfLine { return pdfLine{page: page, y: y, size: 13, text: text} }
	lines := []pdfLine{
		title(1, 700, "A title set"), title(1, 680, "on two lines"),
		body(1, 650, "#1 reason to read on."), body(1, 638, "Same paragraph."),
		sub(1, 600, "A subheading"),
		body(1, 580, "Text under it, long enough to be the body size by far."),
		sub(2, 700, "Another"), sub(3, 700, "on the next page"),
	}
	want := "# A title set on two lines\n\n" +
		"\\#1 reason to read on. Same paragraph.\n\n" +
		"## A subheading\n\n" +
		"Text under it, long enough to be the body size by far.\n\n" +
		"## Another\n\n## on the next page\n\n"
	require.Equal(t, want, linesMarkdown(lines))
}

func TestLinesMarkdownLongHeadingIsLinear(t *testing.T) {
	t.Parallel()
	// Consecutive heading lines of one size join into one heading; joining
	// them as they came used to copy the heading once per line.
	const n = 100_000
	lines := []pdfLine{{page: 1, size: 10, text: strings.Repeat("body text ", 100_000)}}
	for i := range n {
		lines = append(lines, pdfLine{page: 1, y: float64(n - i), size: 20, text: fmt.Sprintf("h%d", i)})
	}
	start := time.Now()
	md := linesMarkdown(lines)
	require.Less(t, time.Since(start), 10*time.Second)
	require.Equal(t, 1, strings.Count(md, "# "))
	require.True(t, strings.HasSuffix(md, fmt.Sprintf(" h%d\n\n", n-1)))
}
