package extract_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/extract"
)

// buildPDF returns a PDF whose object n is objects[n-1] (the text between
// "n 0 obj" and "endobj"), with a cross-reference table and a trailer whose
// /Root is object 1. trailer adds entries to the trailer; a "%d" in it is
// replaced by the offset of the cross-reference table.
func buildPDF(trailer string, objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	if strings.Contains(trailer, "%d") {
		trailer = fmt.Sprintf(trailer, xref)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, trailer, xref)
	return b.Bytes()
}

// stream returns a stream object holding content.
func stream(content string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
}

// helloPDF is a one-page PDF that reads "Hello world".
func helloPDF() []byte {
	return buildPDF("",
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		stream("BT /F1 12 Tf 72 720 Td (Hello world) Tj ET"),
	)
}

// selfListingPDF is the PDF of issue 18: its page tree lists itself. The
// PDF library's page lookup follows it for ever.
func selfListingPDF() []byte {
	return buildPDF("",
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
	)
}

// ownAncestorPDF has a page that is its own parent and no resources to
// find up that chain: the library's font lookup follows it for ever.
func ownAncestorPDF() []byte {
	return buildPDF("",
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>",
		stream("BT /F1 12 Tf 72 720 Td (Hello) Tj ET"),
	)
}

// endlessXrefPDF's cross-reference table names itself as the previous one,
// which the library reads again and again.
func endlessXrefPDF() []byte {
	return buildPDF("/Prev %d ",
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
	)
}

// pagesPDF has n pages without content.
func pagesPDF(n int) []byte {
	objects := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	var kids strings.Builder
	for i := range n {
		fmt.Fprintf(&kids, "%d 0 R ", i+3)
		objects = append(objects, "<< /Type /Page /Parent 2 0 R >>")
	}
	objects[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), n)
	return buildPDF("", objects...)
}

// extractWithin runs extract.PDF and fails the test if it has not returned
// after limit: a PDF that used to keep a worker busy for ever must not hang
// the test run.
func extractWithin(t *testing.T, limit time.Duration, data []byte) (extract.Document, error) {
	t.Helper()
	type result struct {
		doc extract.Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		doc, err := extract.PDF(data)
		done <- result{doc, err}
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-time.After(limit):
		t.Fatalf("extract.PDF still running after %s", limit)
		return extract.Document{}, nil
	}
}

func TestPDFBuiltByTheTests(t *testing.T) {
	t.Parallel()
	doc, err := extract.PDF(helloPDF())
	require.NoError(t, err)
	require.Equal(t, "Hello world\n\n", doc.Markdown)
}

func TestPDFRejectsCyclicPageTrees(t *testing.T) {
	t.Parallel()
	selfListing := selfListingPDF()
	t.Logf("the self-listing PDF is %d bytes", len(selfListing))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"a node listing itself", selfListing, "the page tree is cyclic: object 2 0 R is listed under itself or twice"},
		{"two nodes listing each other", buildPDF("",
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
		), "object 2 0 R is listed under itself or twice"},
		{"a node listed twice", buildPDF("",
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>",
			"<< /Type /Pages /Kids [] /Count 0 >>",
		), "object 3 0 R is listed under itself or twice"},
		{"a page that is its own parent", ownAncestorPDF(), "a page's ancestors are cyclic: object 3 0 R is its own ancestor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Before, the first and last of these kept extract.PDF busy for ever.
			_, err := extractWithin(t, 10*time.Second, tt.data)
			require.ErrorIs(t, err, extract.ErrUnparseable)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestPDFPageLimit(t *testing.T) {
	t.Parallel()
	// Pages without content: at the limit the PDF is read (and has no text),
	// one page over it is refused before any page is read.
	_, err := extract.PDF(pagesPDF(extract.MaxPDFPages))
	require.ErrorIs(t, err, extract.ErrNoText)

	_, err = extract.PDF(pagesPDF(extract.MaxPDFPages + 1))
	require.ErrorIs(t, err, extract.ErrTooLarge)
	require.ErrorContains(t, err, fmt.Sprintf("the PDF has more than %d pages", extract.MaxPDFPages))
	require.NotErrorIs(t, err, extract.ErrUnparseable)
}

func TestPDFContextStopsAtTheDeadline(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := extract.PDFContext(ctx, endlessXrefPDF())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "reading the PDF stopped")
	require.Less(t, time.Since(start), 10*time.Second)

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = extract.PDFContext(canceled, helloPDF())
	require.ErrorIs(t, err, context.Canceled)
}

func TestPDFTimeoutIsBelowTheExtractionHeartbeat(t *testing.T) {
	t.Parallel()
	// workflows/sources.go gives ExtractSource a 2-minute heartbeat timeout
	// and the activity heartbeats after each document.
	require.Less(t, extract.PDFTimeout, 2*time.Minute)
}

// FuzzPDF extracts arbitrary bytes as a PDF. It must never panic, never run
// past its deadline by more than a moment, and fail only with the errors
// PDFContext documents. `go test` runs the seeds; `go test -fuzz FuzzPDF
// ./extract/` explores.
func FuzzPDF(f *testing.F) {
	for _, name := range []string{"testdata/guide.pdf", "testdata/damaged.pdf"} {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	for _, seed := range [][]byte{
		helloPDF(), selfListingPDF(), ownAncestorPDF(), endlessXrefPDF(), pagesPDF(3),
		nil, []byte("%PDF-1.4\n"), []byte("%PDF-1.7\n%%EOF\n"),
	} {
		f.Add(seed)
	}
	const budget, bound = 500 * time.Millisecond, 2 * time.Second
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), budget)
		defer cancel()
		start := time.Now()
		doc, err := extract.PDFContext(ctx, data)
		if elapsed := time.Since(start); elapsed > bound {
			t.Fatalf("extracting %d bytes took %s, more than %s", len(data), elapsed, bound)
		}
		if err == nil {
			require.NotEmpty(t, strings.TrimSpace(doc.Markdown))
			return
		}
		for _, want := range []error{extract.ErrUnparseable, extract.ErrNoText, extract.ErrTooLarge, context.DeadlineExceeded} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("unexpected error: %v", err)
	})
}
