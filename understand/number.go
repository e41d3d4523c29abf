package understand

import (
	"strconv"
	"strings"
	"unicode"
)

// Number reads the first number a customer typed: "about 200 people" → 200,
// "$12,500" → 12500, "10k" → 10000, "1.5m" → 1500000, "2 million" → 2000000.
// ok is false when the text has no number.
func Number(text string) (value float64, ok bool) {
	runes := []rune(strings.ToLower(text))
	for i := 0; i < len(runes); i++ {
		if !unicode.IsDigit(runes[i]) {
			continue
		}
		j := i
		var digits strings.Builder
		for j < len(runes) && (unicode.IsDigit(runes[j]) || runes[j] == ',' || runes[j] == '.' || runes[j] == '_') {
			switch r := runes[j]; {
			case r == '.':
				digits.WriteRune('.')
			case unicode.IsDigit(r):
				digits.WriteRune(r)
			}
			j++
		}
		s := strings.TrimRight(digits.String(), ".")
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false
		}
		rest := strings.TrimLeft(string(runes[j:]), " ")
		switch {
		case strings.HasPrefix(rest, "k") && !startsWord(rest[1:]):
			v *= 1e3
		case strings.HasPrefix(rest, "m") && !startsWord(rest[1:]):
			v *= 1e6
		case strings.HasPrefix(rest, "thousand"):
			v *= 1e3
		case strings.HasPrefix(rest, "million"):
			v *= 1e6
		}
		return v, true
	}
	return 0, false
}

// startsWord reports whether s begins with a letter (so "k" in "kg" is not
// a thousands suffix).
func startsWord(s string) bool {
	for _, r := range s {
		return unicode.IsLetter(r)
	}
	return false
}
