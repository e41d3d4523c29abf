package rules

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/textfold"
)

// containsAnyFunc implements containsAny(text, words). A nil text (an unset
// custom property) contains nothing.
//
// Text and phrases are split by textfold.Words, and a phrase matches when its
// words occur as a contiguous run of the text's words, so matching ignores
// case, accents and apostrophes, and punctuation and spaces only separate
// words. Words are matched whole: "cancel" does not match "cancellation" and
// "refund" does not match "refunded". In scripts written without spaces
// (Chinese, Japanese, Thai, ...) every character is a word of its own, so a
// phrase there matches as a substring. A phrase with no letters or digits
// never matches.
func containsAnyFunc(params ...any) (any, error) {
	m, args, err := meterFrom(params)
	if err != nil {
		return nil, err
	}
	if len(args) != 2 {
		return nil, fmt.Errorf("containsAny takes 2 arguments, got %d", len(args))
	}
	if args[0] == nil {
		return false, nil
	}
	text, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("containsAny: text must be a string, got %s", describeValue(args[0]))
	}
	var phrases []string
	switch list := args[1].(type) {
	case nil:
		return false, nil
	case []string:
		phrases = list
	case []any:
		phrases = make([]string, len(list))
		for i, w := range list {
			s, ok := w.(string)
			if !ok {
				return nil, fmt.Errorf("containsAny: words must be strings, got %s", describeValue(w))
			}
			phrases[i] = s
		}
	default:
		return nil, fmt.Errorf("containsAny: words must be a list of strings, got %s", describeValue(args[1]))
	}
	words, err := m.words(text)
	if err != nil {
		return nil, err
	}
	for _, phrase := range phrases {
		if err := m.chargeText(len(phrase)); err != nil {
			return nil, err
		}
		if containsRun(words, textfold.Words(phrase)) {
			return true, nil
		}
	}
	return false, nil
}

// match implements matches(text, pattern) and text matches pattern. A nil
// text (an unset custom property) matches nothing.
func (c *constantArguments) match(params ...any) (any, error) {
	m, args, err := meterFrom(params)
	if err != nil {
		return nil, err
	}
	if len(args) != 2 {
		return nil, fmt.Errorf("matches takes 2 arguments, got %d", len(args))
	}
	if args[0] == nil {
		return false, nil
	}
	text, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("matches: text must be a string, got %s", describeValue(args[0]))
	}
	pattern, ok := args[1].(string)
	if !ok {
		return nil, fmt.Errorf("matches: pattern must be a string, got %s", describeValue(args[1]))
	}
	re, ok := c.regexps[pattern]
	if !ok {
		if err := m.chargeText(len(pattern)); err != nil {
			return nil, err
		}
		if re, err = regexp.Compile(pattern); err != nil {
			return nil, fmt.Errorf("matches: invalid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
	}
	if err := m.chargeText(len(text)); err != nil {
		return nil, err
	}
	return re.MatchString(text), nil
}

// inWorkingHours implements inWorkingHours(schedule); the meterArgument
// patch passes Env.Now as the second argument.
func (c *constantArguments) inWorkingHours(params ...any) (any, error) {
	if len(params) != 2 {
		return nil, fmt.Errorf("inWorkingHours takes a schedule, got %d arguments", len(params)-1)
	}
	text, ok := params[0].(string)
	if !ok {
		return nil, fmt.Errorf("inWorkingHours: schedule must be a string, got %s", describeValue(params[0]))
	}
	now, ok := params[1].(time.Time)
	if !ok {
		return nil, fmt.Errorf("inWorkingHours: time must be a time, got %s", describeValue(params[1]))
	}
	if now.IsZero() {
		return nil, fmt.Errorf("inWorkingHours: now is not set")
	}
	s, ok := c.schedules[text]
	if !ok {
		var err error
		if s, err = parseSchedule(text); err != nil {
			return nil, fmt.Errorf("inWorkingHours: invalid schedule: %w", err)
		}
	}
	return s.contains(now), nil
}

// sortedKeys implements keys(map) with the keys in sorted order.
func sortedKeys(params ...any) (any, error) {
	_, keys, err := mapKeys("keys", params)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k.Interface()
	}
	return out, nil
}

// sortedValues implements values(map) with the values in key order.
func sortedValues(params ...any) (any, error) {
	m, keys, err := mapKeys("values", params)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = m.MapIndex(k).Interface()
	}
	return out, nil
}

// mapKeys returns the map in params[1] and its keys in a deterministic order:
// strings and numbers by value, anything else by its printed form and type.
// params[0] is the meter, which counts the keys as list elements looked at.
func mapKeys(function string, params []any) (reflect.Value, []reflect.Value, error) {
	meter, params, err := meterFrom(params)
	if err != nil {
		return reflect.Value{}, nil, err
	}
	if len(params) != 1 {
		return reflect.Value{}, nil, fmt.Errorf("%s takes 1 argument, got %d", function, len(params))
	}
	m := reflect.ValueOf(params[0])
	if m.Kind() != reflect.Map {
		return reflect.Value{}, nil, fmt.Errorf("%s takes a map, got %s", function, describeValue(params[0]))
	}
	if err := meter.look(max(m.Len(), 1)); err != nil {
		return reflect.Value{}, nil, err
	}
	keys := m.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return lessValue(keys[i], keys[j]) })
	return m, keys, nil
}

// lessValue orders map keys.
func lessValue(a, b reflect.Value) bool {
	for a.Kind() == reflect.Interface && !a.IsNil() {
		a = a.Elem()
	}
	for b.Kind() == reflect.Interface && !b.IsNil() {
		b = b.Elem()
	}
	switch {
	case a.Kind() == reflect.String && b.Kind() == reflect.String:
		return a.String() < b.String()
	case a.CanInt() && b.CanInt():
		return a.Int() < b.Int()
	case a.CanUint() && b.CanUint():
		return a.Uint() < b.Uint()
	case a.CanFloat() && b.CanFloat():
		return a.Float() < b.Float()
	}
	as, bs := fmt.Sprintf("%v", a), fmt.Sprintf("%v", b)
	if as != bs {
		return as < bs
	}
	return a.Type().String() < b.Type().String()
}

// helperNames are the helper functions conditions can call.
var helperNames = []string{"containsAny", "matches", "inWorkingHours"}

// suggestName returns the name an admin probably meant when they wrote name
// (inside object, or at the top level when object is ""), or "".
func suggestName(object, name string) string {
	if object == "now" {
		return ""
	}
	var fields []string
	for _, f := range Fields() {
		if !strings.Contains(f.Name, "(") {
			fields = append(fields, f.Name)
		}
	}
	want := normalizeName(name)
	// The same field written in another case or style: turnCount.
	for _, f := range fields {
		if object != "" && strings.HasPrefix(f, object+".") && normalizeName(lastSegment(f)) == want {
			return f
		}
	}
	// A field of that name under another object: tier for contact.tier.
	for _, f := range fields {
		if strings.Contains(f, ".") && normalizeName(lastSegment(f)) == want {
			return f
		}
	}
	// A top-level name or helper in another case: Conversation, containsany.
	if object == "" {
		for _, n := range append([]string{"conversation", "contact", "order", "now"}, helperNames...) {
			if normalizeName(n) == want {
				return n
			}
		}
	}
	// A misspelling.
	best, bestDistance := "", maxSuggestDistance(want)+1
	consider := func(candidate, compared string) {
		if d := editDistance(want, normalizeName(compared)); d < bestDistance {
			best, bestDistance = candidate, d
		}
	}
	for _, f := range fields {
		if object == "" || strings.HasPrefix(f, object+".") {
			consider(f, lastSegment(f))
		}
	}
	if object == "" {
		for _, n := range append([]string{"conversation", "contact", "order", "now"}, helperNames...) {
			consider(n, n)
		}
	}
	return best
}

// maxSuggestDistance is how many edits a misspelling of a name of that
// length may have to still be suggested.
func maxSuggestDistance(name string) int {
	if len(name) <= 4 {
		return 1
	}
	return 2
}

// normalizeName lowercases a name and drops underscores.
func normalizeName(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), "_", "")
}

// lastSegment returns the part of a dotted path after the last dot.
func lastSegment(path string) string {
	return path[strings.LastIndex(path, ".")+1:]
}

// editDistance returns the number of edits that turn a into b, in bytes:
// inserting, deleting or changing a letter, or swapping two neighbours
// ("teir" for "tier" is one edit, the commonest slip of the fingers).
func editDistance(a, b string) int {
	// Three rows of the table: two back for a swap, the last and this one.
	before, previous, current := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				current[j] = min(current[j], before[j-2]+1)
			}
		}
		before, previous, current = previous, current, before
	}
	return previous[len(b)]
}

// timezoneFunc implements timezone(name), refusing "Local".
func timezoneFunc(params ...any) (any, error) {
	if len(params) != 1 {
		return nil, fmt.Errorf("timezone takes 1 argument, got %d", len(params))
	}
	name, ok := params[0].(string)
	if !ok {
		return nil, fmt.Errorf("timezone: name must be a string, got %s", describeValue(params[0]))
	}
	return loadLocation(name)
}

// dateLayouts are the layouts date(text) tries, as expr's builtin does.
var dateLayouts = []string{
	"2006-01-02",
	"15:04:05",
	"2006-01-02 15:04:05",
	time.RFC3339,
	time.RFC822,
	time.RFC850,
	time.RFC1123,
}

// dateFunc implements date(text), date(text, layout), date(text, layout,
// zone), date(location, text) and date(location, text, layout), like expr's
// builtin but parsing in UTC (or the given zone) instead of the machine's.
func dateFunc(params ...any) (any, error) {
	location := time.UTC
	if len(params) > 0 {
		if loc, ok := params[0].(*time.Location); ok {
			if loc == nil {
				return nil, fmt.Errorf("date: time zone is nil")
			}
			location, params = loc, params[1:]
		}
	}
	if len(params) < 1 || len(params) > 3 {
		return nil, fmt.Errorf("date takes a date, a layout and a time zone, got %d arguments", len(params))
	}
	texts := make([]string, len(params))
	for i, p := range params {
		s, ok := p.(string)
		if !ok {
			return nil, fmt.Errorf("date: argument %d must be a string, got %s", i+1, describeValue(p))
		}
		texts[i] = s
	}
	if len(texts) == 3 {
		loc, err := loadLocation(texts[2])
		if err != nil {
			return nil, fmt.Errorf("date: %w", err)
		}
		location = loc
	}
	if len(texts) >= 2 {
		return time.ParseInLocation(texts[1], texts[0], location)
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, texts[0], location); err == nil {
			return t, nil
		}
	}
	return nil, fmt.Errorf("date: cannot parse %q; give a layout, e.g. date(text, \"2006-01-02\")", texts[0])
}

// stringFunc implements string(value) for single values: strings, numbers,
// booleans, times, durations and nil. Lists and maps are refused.
func stringFunc(params ...any) (any, error) {
	if len(params) != 1 {
		return nil, fmt.Errorf("string takes 1 argument, got %d", len(params))
	}
	switch v := params[0].(type) {
	case nil:
		return "<nil>", nil
	case string:
		return v, nil
	case time.Time, time.Duration, bool:
		return fmt.Sprint(v), nil
	}
	switch reflect.ValueOf(params[0]).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String, reflect.Bool:
		return fmt.Sprint(params[0]), nil
	}
	return nil, fmt.Errorf("string takes a single value, not %s", describeValue(params[0]))
}
