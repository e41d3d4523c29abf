package crm

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/switchboardhq/switchboard/apperr"
)

// Format is how an import's rows are written.
type Format string

// Import formats.
const (
	// FormatJSONLines is one JSON object per line; row N is line N (blank
	// lines are skipped but counted).
	FormatJSONLines Format = "jsonl"
	// FormatCSV has a header row naming the columns (the JSON field names);
	// row N is the Nth record after the header. Columns holding numbers,
	// lists or objects (items, variants, tracking, properties) hold JSON.
	FormatCSV Format = "csv"
)

// MaxRowBytes bounds one row of an import.
const MaxRowBytes = 1 << 20

// rowReader yields an import's rows one at a time as JSON objects; io.EOF
// ends them.
type rowReader interface {
	next() (row int, data []byte, err error)
}

// newRowReader reads body in format; columns are the record's fields and
// raw those of them a CSV cell holds as JSON.
func newRowReader(format Format, body io.Reader, columns, raw []string) (rowReader, error) {
	switch format {
	case FormatJSONLines:
		sc := bufio.NewScanner(body)
		sc.Buffer(make([]byte, 64<<10), MaxRowBytes)
		return &jsonLines{sc: sc}, nil
	case FormatCSV:
		r := csv.NewReader(body)
		r.ReuseRecord = true
		header, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil, apperr.Invalid("header", "missing: the first CSV row names the columns")
		}
		if err != nil {
			return nil, apperr.Invalid("header", csvReason(err))
		}
		c := &csvRows{r: r, raw: map[int]bool{}}
		seen := map[string]bool{}
		for i, name := range header {
			name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
			if !contains(columns, name) {
				return nil, apperr.Invalid("header", fmt.Sprintf("unknown column %q (columns: %s)", name, strings.Join(columns, ", ")))
			}
			if seen[name] {
				return nil, apperr.Invalid("header", fmt.Sprintf("column %q twice", name))
			}
			seen[name] = true
			c.names = append(c.names, name)
			c.raw[i] = contains(raw, name)
		}
		return c, nil
	}
	return nil, apperr.Invalid("format", fmt.Sprintf("%q is not jsonl or csv", format))
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

type jsonLines struct {
	sc   *bufio.Scanner
	line int
}

func (j *jsonLines) next() (int, []byte, error) {
	for j.sc.Scan() {
		j.line++
		if len(bytes.TrimSpace(j.sc.Bytes())) > 0 {
			return j.line, j.sc.Bytes(), nil
		}
	}
	if err := j.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return j.line + 1, nil, apperr.Invalid(fmt.Sprintf("row %d", j.line+1), fmt.Sprintf("longer than %d bytes", MaxRowBytes))
		}
		return j.line + 1, nil, fmt.Errorf("read row %d: %w", j.line+1, err)
	}
	return j.line, nil, io.EOF
}

type csvRows struct {
	r     *csv.Reader
	names []string
	raw   map[int]bool
	row   int
	buf   bytes.Buffer
}

func (c *csvRows) next() (int, []byte, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return c.row, nil, io.EOF
	}
	c.row++
	if err != nil {
		var parse *csv.ParseError
		if errors.As(err, &parse) {
			return c.row, nil, apperr.Invalid(fmt.Sprintf("row %d", c.row), csvReason(err))
		}
		return c.row, nil, fmt.Errorf("read row %d: %w", c.row, err)
	}
	c.buf.Reset()
	c.buf.WriteByte('{')
	first := true
	for i, cell := range rec {
		if c.raw[i] && strings.TrimSpace(cell) == "" {
			continue // an empty number, list or object is left out
		}
		if !first {
			c.buf.WriteByte(',')
		}
		first = false
		name, _ := json.Marshal(c.names[i])
		c.buf.Write(name)
		c.buf.WriteByte(':')
		if c.raw[i] {
			if !json.Valid([]byte(cell)) {
				return c.row, nil, apperr.Invalid(fmt.Sprintf("row %d: %s", c.row, c.names[i]), "is not valid JSON")
			}
			c.buf.WriteString(cell)
			continue
		}
		v, _ := json.Marshal(cell)
		c.buf.Write(v)
	}
	c.buf.WriteByte('}')
	if c.buf.Len() > MaxRowBytes {
		return c.row, nil, apperr.Invalid(fmt.Sprintf("row %d", c.row), fmt.Sprintf("longer than %d bytes", MaxRowBytes))
	}
	return c.row, c.buf.Bytes(), nil
}

func csvReason(err error) string {
	var parse *csv.ParseError
	if errors.As(err, &parse) {
		return "not valid CSV: " + parse.Err.Error()
	}
	return "could not be read"
}

// decodeRow decodes one row's JSON object into dst; errors name the field.
func decodeRow(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return apperr.Invalid("row", "has data after the JSON object")
	}
	return nil
}

// DecodeRecord decodes one record's JSON object into dst (a *ContactRecord,
// *OrderRecord or *ProductRecord); errors name the field.
func DecodeRecord(data []byte, dst any) error { return decodeRow(data, dst) }

func jsonError(err error) error { return apperr.InvalidJSON(err, "json") }
