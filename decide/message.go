package decide

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxMessageChars is the longest message accepted, in characters.
const MaxMessageChars = 4000

// TextError says why a message's text is refused: Field names the field
// ("text"), Reason says what is wrong with it.
type TextError struct {
	Field  string
	Reason string
}

func (e *TextError) Error() string { return e.Field + ": " + e.Reason }

// CheckText checks a message's text, a customer's or a rep's, before anyone
// keeps it: the API refuses it with the error's field and reason, and the
// conversation's update validator refuses what reaches it by another way.
// Refused are: empty text, text longer than MaxMessageChars, text that is
// not valid UTF-8 (JSON turns invalid UTF-8 into U+FFFD on the way in, so
// the replacement character counts as a broken encoding), and control
// characters other than tab and line breaks (NUL, which PostgreSQL cannot
// store in text, among them).
func CheckText(text string) *TextError {
	fail := func(reason string) *TextError { return &TextError{Field: "text", Reason: reason} }
	switch {
	case !utf8.ValidString(text) || strings.ContainsRune(text, utf8.RuneError):
		return fail("is not valid UTF-8")
	case strings.TrimSpace(text) == "":
		return fail("must not be empty")
	}
	if n := utf8.RuneCountInString(text); n > MaxMessageChars {
		return fail(fmt.Sprintf("%d characters, more than the %d allowed", n, MaxMessageChars))
	}
	for _, r := range text {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return fail(fmt.Sprintf("contains the control character U+%04X", r))
		}
	}
	return nil
}
