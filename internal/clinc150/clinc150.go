// Package clinc150 finds and reads the CLINC150 data set kept in the
// repository (testdata/clinc150, CC BY 3.0; see its README), which the
// issue-type evaluation, the knowledge-gap tests and the retrieval bench
// measure on. It reads files and does nothing else.
package clinc150

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// RepoPath is the data set's path from the repository's root.
const RepoPath = "testdata/clinc150/data_full.json.gz"

// Path is the absolute path of the data set in the source tree this
// package was built from, so a test finds it from any directory.
func Path() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(RepoPath))
}

// Read returns the JSON of the data set at path: data_full.json as
// published, or gzip-compressed when path ends in .gz.
func Read(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil || !strings.HasSuffix(path, ".gz") {
		return raw, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
