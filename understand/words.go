package understand

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/textfold"
)

// word is one word of a message: its folded text and where it came from.
type word struct {
	// text is the word lower-cased, without accents and without apostrophes
	// ("Can’t" is "cant", "Té" is "te"). A mentioned order number is the
	// single word "#" and an email address the single word "@".
	text string
	// start and end are the word's byte offsets in the original text.
	start, end int
	// clause counts the pauses (commas, colons, dashes, sentence ends) before
	// the word; negation does not reach across a pause.
	clause int
}

// message is a customer message split into sentences of words.
type message struct {
	text      string
	sentences [][]word
	// sentenceEnds[i] is the byte offset where sentence i ends: the offset of
	// its closing punctuation, or len(text).
	sentenceEnds []int
	// emails are the byte ranges of the email addresses in text.
	emails [][]int
	// orders are the order-number candidates in text.
	orders []orderMention
	// codes are the byte ranges of email addresses and plausible order
	// numbers, sorted and not overlapping; they are single words and do
	// not count as capitals.
	codes [][2]int
}

// parse splits text into sentences and words.
//
// Letters and digits make up words, each folded by textfold.WriteRune:
// combining accents are dropped, letters are lower-cased and a few letters
// Unicode does not decompose are spelled out (ß is "ss"); textfold.Words
// says in which rare characters this differs from rules' containsAny, which
// folds the whole text at once. Apostrophes are part of a word but dropped from its text,
// so "can’t", "can't" and "cant" are the same word; French and Italian
// elisions are split instead ("l’adresse" is "l" and "adresse"). In scripts
// written without spaces every character is a word. Any other character
// separates words.
//
// A sentence ends at ! ? ; ¡ ¿ (and their CJK forms) or a line break, and
// at a full stop followed by a space or the end of the text unless it
// follows a single letter or a common abbreviation ("St.", "Mr.", "No."), so
// "12 Elm St. Portland" stays one sentence. Email addresses and order numbers (see orderMentions) become the
// single words "@" and "#".
func parse(text string) message {
	m := message{text: text}
	m.emails = emailRE.FindAllStringIndex(text, -1)
	m.orders = orderMentions(text, m.emails)
	var codes [][2]int
	for _, e := range m.emails {
		codes = append(codes, [2]int{e[0], e[1]})
	}
	for _, o := range m.orders {
		if o.plausible() {
			codes = append(codes, [2]int{o.start, o.end})
		}
	}
	slices.SortStableFunc(codes, func(a, b [2]int) int { return a[0] - b[0] })
	for _, c := range codes {
		if n := len(m.codes); n == 0 || m.codes[n-1][1] <= c[0] {
			m.codes = append(m.codes, c)
		}
	}

	var (
		sentence []word
		current  strings.Builder
		start    = -1
		end      = 0
		clause   = 0
		next     = 0 // the next code to replace
	)
	flush := func() {
		if current.Len() > 0 {
			sentence = append(sentence, word{text: current.String(), start: start, end: end, clause: clause})
		}
		current.Reset()
		start = -1
	}
	endSentence := func(at int) {
		flush()
		if len(sentence) > 0 {
			m.sentences = append(m.sentences, sentence)
			m.sentenceEnds = append(m.sentenceEnds, at)
		}
		sentence = nil
		clause++
	}

	for i := 0; i < len(text); {
		for next < len(m.codes) && m.codes[next][0] < i {
			next++ // cannot happen with valid spans; never loop on a bad one
		}
		if next < len(m.codes) && i == m.codes[next][0] {
			flush()
			code := "#"
			if strings.Contains(text[m.codes[next][0]:m.codes[next][1]], "@") {
				code = "@"
			}
			sentence = append(sentence, word{text: code, start: m.codes[next][0], end: m.codes[next][1], clause: clause})
			i = m.codes[next][1]
			next++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsMark(r):
			// An accent written as its own character: part of the word,
			// not of its text.
			if start >= 0 {
				end = i + size
			}
		case textfold.IsApostrophe(r):
			if start < 0 {
				break
			}
			if elisions[current.String()] && i+size < len(text) {
				if after, _ := utf8.DecodeRuneInString(text[i+size:]); unicode.IsLetter(after) {
					flush()
					break
				}
			}
			end = i + size
		case textfold.IsSpacelessScript(r):
			flush()
			start, end = i, i+size
			textfold.WriteRune(&current, r)
			flush()
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			end = i + size
			textfold.WriteRune(&current, r)
		default:
			flush()
			switch {
			case endsSentence(text, i, r, sentence):
				endSentence(i)
			case isPause(r):
				clause++
			}
		}
		i += size
	}
	endSentence(len(text))
	return m
}

// elisions are the French and Italian words that an apostrophe joins to the
// next word ("l’adresse", "j’ai", "qu’il", "dell’ordine"); they are split off
// instead of run together. English contractions ("can’t", "I’m") are not
// split.
var elisions = map[string]bool{
	"l": true, "d": true, "j": true, "c": true, "m": true, "n": true, "s": true, "t": true,
	"qu": true, "jusqu": true, "lorsqu": true, "puisqu": true,
	"dell": true, "all": true, "dall": true, "nell": true, "sull": true, "quest": true, "un": true,
}

// isPause reports whether r is punctuation that pauses a sentence; negation
// does not reach across it ("No, it arrived broken").
func isPause(r rune) bool {
	switch r {
	case ',', ':', '(', ')', '—', '–', '"', '“', '”', '«', '»', '、', '，', '：':
		return true
	}
	return false
}

// abbreviations are words that a full stop often follows without ending the
// sentence.
var abbreviations = map[string]bool{
	"st": true, "ave": true, "rd": true, "dr": true, "apt": true, "blvd": true, "ln": true, "ct": true,
	"hwy": true, "str": true, "mr": true, "mrs": true, "ms": true, "jr": true, "sr": true, "no": true,
	"nr": true, "nos": true, "vs": true,
}

// endsSentence reports whether r, at byte offset i of text, ends a sentence.
// sentence holds the words of the sentence so far.
func endsSentence(text string, i int, r rune, sentence []word) bool {
	switch r {
	case '!', '?', ';', '\n', '\r', '¡', '¿', '。', '！', '？', '；':
		return true
	case '.':
		if after, _ := utf8.DecodeRuneInString(text[i+1:]); i+1 < len(text) && !unicode.IsSpace(after) {
			return false // "example.com", "3.5", "..."
		}
		if n := len(sentence); n > 0 && sentence[n-1].end == i {
			prev := sentence[n-1].text
			if utf8.RuneCountInString(prev) == 1 && hasLetter(prev) || abbreviations[prev] {
				return false
			}
		}
		return true
	}
	return false
}

// isDigits reports whether s is non-empty and all ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasLetter reports whether s contains a letter.
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
