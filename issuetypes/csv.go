package issuetypes

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/switchboardhq/switchboard/apperr"
)

// ParseCSV reads an import as CSV with two columns, text and issue_type,
// and an optional header row naming them. Rows are numbered from 1, not
// counting the header; a row with another number of columns is an error
// naming it. The rows are not validated here (see ValidateRows).
func ParseCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var rows []Row
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var parseErr *csv.ParseError
			if errors.As(err, &parseErr) {
				return nil, apperr.Invalid(fmt.Sprintf("row %d", len(rows)+1), fmt.Sprintf("line %d: %v", parseErr.Line, parseErr.Err))
			}
			return nil, apperr.Invalid("body", "could not be read as CSV")
		}
		if first {
			first = false
			if len(rec) == 2 && strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), "text") &&
				strings.EqualFold(strings.TrimSpace(rec[1]), "issue_type") {
				continue
			}
		}
		if len(rec) != 2 {
			return nil, apperr.Invalid(fmt.Sprintf("row %d", len(rows)+1), fmt.Sprintf("has %d columns; want 2: text,issue_type", len(rec)))
		}
		rows = append(rows, Row{Text: rec[0], IssueType: rec[1]})
		if len(rows) > MaxImportRows {
			return nil, apperr.Invalid("examples", fmt.Sprintf("more than the %d rows one import may hold", MaxImportRows))
		}
	}
	return rows, nil
}
