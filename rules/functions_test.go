package rules

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestContainsAny(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		text  string
		words []string
		want  bool
	}{
		{"plain", "Refund please", []string{"refund"}, true},
		{"upper case and umlaut", "I want a REFÜND", []string{"refund"}, true},
		{"accented word", "Je veux être REMBOURSÉ", []string{"rembourse"}, true},
		{"accented phrase, plain text", "je veux etre rembourse", []string{"être remboursé"}, true},
		{"decomposed accents", "rembourse\u0301", []string{"remboursé"}, true},
		{"sharp s", "Ich möchte den Vertrag KÜNDIGEN, Straße", []string{"kundigen", "strasse"}, true},
		{"typographic apostrophe", "I can’t log in", []string{"can't log in"}, true},
		{"straight apostrophe in text", "i can't log in", []string{"can’t log in"}, true},
		{"missing apostrophe", "cant log in since yesterday", []string{"can't log in"}, true},
		{"phrase across punctuation", "I can't... log-in!", []string{"can't log in"}, true},
		{"phrase words apart", "I can't really log in", []string{"can't log in"}, false},
		{"word boundary", "What is your cancellation policy?", []string{"cancel"}, false},
		{"inflection is another word", "I was refunded", []string{"refund"}, false},
		{"word at end", "please cancel", []string{"cancel"}, true},
		{"word before punctuation", "cancel, now", []string{"cancel"}, true},
		{"second word matches", "where is my parcel", []string{"refund", "parcel"}, true},
		{"no words", "refund", []string{}, false},
		{"empty word never matches", "refund", []string{"", "  ", "!!"}, false},
		{"empty text", "", []string{"refund"}, false},
		{"digits", "order 12345 missing", []string{"12345"}, true},
		{"chinese substring", "我要退款谢谢", []string{"退款"}, true},
		{"japanese no match", "注文を確認", []string{"退款"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			words := make([]any, len(tt.words))
			for i, w := range tt.words {
				words[i] = w
			}
			got, err := containsAnyFunc(&meter{}, tt.text, words)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)

			env := Env{Conversation: Conversation{Text: tt.text}}
			list := "["
			for i, w := range tt.words {
				if i > 0 {
					list += ", "
				}
				list += fmt.Sprintf("%q", w)
			}
			got, err = eval(t, fmt.Sprintf(`containsAny(conversation.text, %s])`, list), env)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestContainsAnyDynamicWords(t *testing.T) {
	t.Parallel()

	env := Env{
		Conversation: Conversation{Text: "My parcel never arrived"},
		Contact:      Contact{Properties: map[string]any{"keywords": []any{"parcel"}, "bad": []any{1}, "typed": []string{"arrived"}}},
	}
	got, err := eval(t, `containsAny(conversation.text, contact.properties.keywords)`, env)
	require.NoError(t, err)
	require.True(t, got)
	got, err = eval(t, `containsAny(conversation.text, contact.properties.typed)`, env)
	require.NoError(t, err)
	require.True(t, got)
	got, err = eval(t, `containsAny(conversation.text, contact.properties.missing)`, env)
	require.NoError(t, err)
	require.False(t, got)
	_, err = eval(t, `containsAny(conversation.text, contact.properties.bad)`, env)
	require.ErrorContains(t, err, "words must be strings")
}

func TestMatches(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		text      string
		condition string
		want      bool
	}{
		{"literal", "order #123456", `matches(conversation.text, "#\\d{6}")`, true},
		{"no match", "order #12", `matches(conversation.text, "#\\d{6}")`, false},
		{"case sensitive", "ORDER", `matches(conversation.text, "order")`, false},
		{"case insensitive flag", "ORDER", `matches(conversation.text, "(?i)order")`, true},
		{"anchored", "x order", `matches(conversation.text, "^order")`, false},
		{"infix operator", "order #123456", `conversation.text matches "\\d+"`, true},
		{"call after operator", "order", `true && matches(conversation.text, "ord")`, true},
		{"call in brackets", "order", `[matches(conversation.text, "ord")][0]`, true},
		{"negated call", "order", `!matches(conversation.text, "x")`, true},
		{"call in a predicate", "order", `any(["or", "zz"], matches(conversation.text, #))`, true},
		{"infix with parenthesized pattern", "order", `conversation.text matches ("or" + "d")`, true},
		{"word inside a string is not rewritten", "matches(", `conversation.text == "matches("`, true},
		{"dynamic pattern", "annual plan", `matches(conversation.text, contact.properties.plan)`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := Env{Conversation: Conversation{Text: tt.text}, Contact: Contact{Properties: map[string]any{"plan": "annual"}}}
			got, err := eval(t, tt.condition, env)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestInWorkingHours(t *testing.T) {
	t.Parallel()

	// 2025-03-05 is a Wednesday; Berlin is UTC+1 then, New York UTC-5.
	wednesday := func(hour, minute int) time.Time { return time.Date(2025, 3, 5, hour, minute, 0, 0, time.UTC) }
	saturday := func(hour, minute int) time.Time { return time.Date(2025, 3, 8, hour, minute, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		schedule string
		now      time.Time
		want     bool
	}{
		{"inside, UTC default", "mon-fri 09:00-17:00", wednesday(10, 0), true},
		{"start is inclusive", "mon-fri 09:00-17:00", wednesday(9, 0), true},
		{"end is exclusive", "mon-fri 09:00-17:00", wednesday(17, 0), false},
		{"one second before end", "mon-fri 09:00-17:00", wednesday(16, 59).Add(59 * time.Second), true},
		{"weekend", "mon-fri 09:00-17:00", saturday(10, 0), false},
		{"zone shifts the hours", "mon-fri 09:00-17:00 Europe/Berlin", wednesday(8, 30), true},
		{"zone shifts the end", "mon-fri 09:00-17:00 Europe/Berlin", wednesday(16, 30), false},
		{"zone shifts the day", "mon-fri 09:00-21:00 America/New_York", saturday(1, 0), true},
		{"second range with zone at end", "mon-fri 09:00-17:00; sat 10:00-14:00 America/New_York", saturday(16, 0), true},
		{"second range outside", "mon-fri 09:00-17:00; sat 10:00-14:00 America/New_York", saturday(20, 0), false},
		{"lunch break", "mon-fri 09:00-12:00,13:00-17:00", wednesday(12, 30), false},
		{"after lunch", "mon-fri 09:00-12:00, 13:00-17:00", wednesday(13, 30), true},
		{"day list", "mon,wed 09:00-17:00", wednesday(10, 0), true},
		{"wrapping day range", "fri-mon 00:00-24:00", saturday(23, 59), true},
		{"wrapping day range excludes", "fri-mon 00:00-24:00", wednesday(12, 0), false},
		{"daily until midnight", "daily 00:00-24:00", wednesday(23, 59), true},
		{"full day names, any case", "Monday-FRIDAY 09:00-17:00", wednesday(10, 0), true},
		{"explicit UTC", "wed 10:00-11:00 UTC", wednesday(10, 30), true},
		{"single digit hour", "wed 9:00-10:00", wednesday(9, 30), true},
		{"spaced range", "wed 09:00 - 10:00", wednesday(9, 30), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := eval(t, fmt.Sprintf("inWorkingHours(%q)", tt.schedule), Env{Now: tt.now})
			require.NoError(t, err)
			require.Equal(t, tt.want, got)

			// The same schedule read at run time gives the same answer.
			env := Env{Now: tt.now, Contact: Contact{Properties: map[string]any{"hours": tt.schedule}}}
			got, err = eval(t, "inWorkingHours(contact.properties.hours)", env)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseScheduleErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		schedule string
		message  string
	}{
		{"", "empty schedule"},
		{"mon-fri", "missing time range"},
		{"mon-fri 9-17", `bad time "9"`},
		{"mon-fri 09:00", "bad time range"},
		{"mon-fri 09:60-17:00", "bad time"},
		{"mon-fri 25:00-26:00", "bad time"},
		{"mon-fri 24:00-24:00", "24:00 can only end a range"},
		{"mon-fri 24:30-24:00", "the latest time is 24:00"},
		{"mon-fri 17:00-09:00", "split ranges that cross midnight"},
		{"mon-fri 09:00-09:00", "the end must be after the start"},
		{"funday 09:00-17:00", `unknown day "funday"`},
		{"mon-xyz 09:00-17:00", `unknown day "xyz"`},
		{"mon-fri 09:00-17:00;", "empty part 2"},
		{"mon-fri 09:00-17:00 Europe/Berlin; sat 10:00-12:00", "a time zone comes once, at the end"},
		{"mon-fri 09:00-17:00 Mars/Olympus", `unknown time zone "Mars/Olympus"`},
		{"mon-fri 09:00-17:00 Local", `unknown time zone "Local"`},
		{"mon-fri 09:00-17:00 +01:00", `bad time "17:00+01:00"`},
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			t.Parallel()
			_, err := parseSchedule(tt.schedule)
			require.ErrorContains(t, err, tt.message)
		})
	}
}

func TestSortedMapHelpers(t *testing.T) {
	t.Parallel()

	env := Env{Contact: Contact{Properties: map[string]any{"b": 2, "a": 1, "c": 3}}}
	for range 10 {
		got, err := eval(t, `keys(contact.properties) == ["a", "b", "c"] && values(contact.properties) == [1, 2, 3]`, env)
		require.NoError(t, err)
		require.True(t, got)
	}
	env.Contact.Properties["numbers"] = map[int]bool{3: true, 1: true, 2: true, 10: true}
	got, err := eval(t, `keys(contact.properties.numbers) == [1, 2, 3, 10]`, env)
	require.NoError(t, err)
	require.True(t, got)
	_, err = eval(t, `len(keys(contact.properties.a)) > 0`, env)
	require.ErrorContains(t, err, "keys takes a map")
}

func TestSuggestName(t *testing.T) {
	t.Parallel()

	tests := []struct {
		object, name, want string
	}{
		{"", "tier", "contact.tier"},
		{"", "sentiment", "conversation.sentiment"},
		{"", "properties", "contact.properties"},
		{"", "conversaton", "conversation"},
		{"", "inWorkingHour", "inWorkingHours"},
		{"conversation", "tier", "contact.tier"},
		{"conversation", "TurnCount", "conversation.turn_count"},
		{"contact", "compnay_size", "contact.company_size"},
		{"order", "status_", "order.status"},
		{"", "xyz", ""},
		{"now", "Hours", ""},
	}
	for _, tt := range tests {
		t.Run(tt.object+"."+tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, suggestName(tt.object, tt.name))
		})
	}
}
