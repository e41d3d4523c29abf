package actions

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A template is text with {{ path }} placeholders, each a dotted path into
// the data: inputs.order_number, contact.email, response.order.status,
// response.items.0.name. Nothing else is evaluated.
var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}`)

// Render fills a template's placeholders from data, each value passed
// through escape (nil for none). missing lists the paths data lacks; their
// placeholders are left empty.
func Render(tmpl string, data map[string]any, escape func(string) string) (out string, missing []string) {
	out = placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		path := placeholder.FindStringSubmatch(m)[1]
		v, ok := lookup(data, path)
		if !ok {
			missing = append(missing, path)
			return ""
		}
		s := text(v)
		if escape != nil {
			s = escape(s)
		}
		return s
	})
	return out, missing
}

// Placeholders lists a template's paths.
func Placeholders(tmpl string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(tmpl, -1) {
		out = append(out, m[1])
	}
	return out
}

func lookup(data any, path string) (any, bool) {
	cur := data
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = next
		case map[string]string:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	if cur == nil {
		return nil, false
	}
	switch cur.(type) {
	case map[string]any, []any:
		return nil, false // a placeholder names a value, not a structure
	}
	return cur, true
}

func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
