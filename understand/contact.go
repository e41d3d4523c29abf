package understand

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The fields of [Analysis.ContactUpdate].
const (
	// FieldPhone is the contact's phone number.
	FieldPhone = "phone"
	// FieldName is the contact's name.
	FieldName = "name"
	// FieldAddress is the contact's postal address.
	FieldAddress = "address"
)

// fieldWords name a contact field on their own.
var fieldWords = map[string]string{
	"phone": FieldPhone, "telephone": FieldPhone, "mobile": FieldPhone, "cell": FieldPhone,
	"cellphone": FieldPhone, "phonenumber": FieldPhone, "telefono": FieldPhone, "movil": FieldPhone,
	"celular": FieldPhone, "portable": FieldPhone, "telefonnummer": FieldPhone, "handynummer": FieldPhone,
	"handy": FieldPhone, "telefon": FieldPhone, "telefone": FieldPhone, "cellulare": FieldPhone,
	"telefoon": FieldPhone, "telefoonnummer": FieldPhone, "mobiel": FieldPhone,

	"name": FieldName, "surname": FieldName, "lastname": FieldName, "firstname": FieldName,
	"fullname": FieldName, "nombre": FieldName, "apellido": FieldName, "nom": FieldName,
	"nachname": FieldName, "vorname": FieldName, "nome": FieldName, "naam": FieldName,

	"address": FieldAddress, "adress": FieldAddress, "adresse": FieldAddress, "direccion": FieldAddress,
	"anschrift": FieldAddress, "lieferadresse": FieldAddress, "rechnungsadresse": FieldAddress,
	"endereco": FieldAddress, "indirizzo": FieldAddress, "adres": FieldAddress,
}

// numberWords are "number" in the supported languages; they name the phone
// only after a word such as "my" or "phone" ("my number", not "the number
// of items" or "order number").
var numberWords = map[string]bool{"number": true, "numero": true, "nummer": true}

// phoneNumberOwners may come before a number word that means the phone.
var phoneNumberOwners = map[string]bool{
	"my": true, "new": true, "contact": true, "mi": true, "mon": true, "mein": true, "meine": true,
	"meu": true, "mio": true, "mijn": true, "nuevo": true, "nouveau": true, "neue": true,
}

// notPersonNames come before "name" when it is not the customer's name
// ("user name", "company name").
var notPersonNames = map[string]bool{
	"user": true, "company": true, "business": true, "domain": true, "file": true, "product": true,
	"store": true, "shop": true, "brand": true,
}

// notPostal are words next to "address" when it is not a postal address
// ("email address", "IP address", "adresse e-mail", "dirección de correo").
var notPostal = map[string]bool{
	"email": true, "mail": true, "e": true, "ip": true, "web": true, "website": true, "url": true,
	"correo": true, "electronico": true, "electronica": true, "electronique": true, "courriel": true,
}

// updateVerbs ask for a change when they come up to four words before a
// field ("change my phone number", "mettre à jour mon adresse").
var updateVerbs = map[string]bool{
	"change": true, "update": true, "correct": true, "fix": true, "edit": true, "modify": true,
	"replace": true, "amend": true, "cambiar": true, "actualizar": true, "modificar": true,
	"corregir": true, "changer": true, "modifier": true, "mettre": true, "corriger": true,
	"andern": true, "aktualisieren": true, "korrigieren": true, "cambiare": true, "aggiornare": true,
	"modificare": true, "correggere": true, "mudar": true, "alterar": true, "atualizar": true,
	"corrigir": true, "trocar": true, "wijzigen": true, "veranderen": true, "aanpassen": true,
	"bijwerken": true,
}

// laterUpdateWords ask for a change when they come up to four words after a
// field: German and Dutch put the verb last ("meine Adresse ändern"), and
// "changed" reports one ("my number has changed").
var laterUpdateWords = map[string]bool{
	"changed": true, "andern": true, "aktualisieren": true, "korrigieren": true, "wijzigen": true,
	"veranderen": true, "aanpassen": true, "bijwerken": true, "geandert": true, "gewijzigd": true,
}

// newWords mark a new value when they come up to two words before a field
// ("my new phone number") or right after it ("mi dirección nueva").
var newWords = map[string]bool{
	"new": true, "nueva": true, "nuevo": true, "nouvelle": true, "nouveau": true, "neue": true,
	"neuer": true, "neues": true, "neuen": true, "nuovo": true, "nuova": true, "novo": true,
	"nova": true, "nieuwe": true, "nieuw": true,
}

// trigger is a field the customer asks to change: word index of the field
// word in a sentence.
type trigger struct {
	sentence, index int
	field           string
}

// fieldAt returns the contact field that word i of s names, or "".
func fieldAt(s []word, i int) string {
	w := s[i].text
	prev, next, next2 := "", "", ""
	if i > 0 {
		prev = s[i-1].text
	}
	if i+1 < len(s) {
		next = s[i+1].text
	}
	if i+2 < len(s) {
		next2 = s[i+2].text
	}
	field := fieldWords[w]
	switch {
	case numberWords[w] && phoneNumberOwners[prev]:
		return FieldPhone
	case field == FieldName && notPersonNames[prev]:
		return ""
	case field == FieldAddress && (notPostal[prev] || notPostal[next] || next == "de" && notPostal[next2]):
		return ""
	}
	return field
}

// contactTriggers returns the fields m asks to change, in order. A field
// word counts when, in the same sentence:
//   - an update verb ("change", "update", "correct", "fix", "edit", …) is
//     at most four words before it and not negated;
//   - "changed", or a German or Dutch update verb, is at most four words
//     after it ("my number has changed", "meine Adresse ändern");
//   - "is now" follows it within four words ("my address is now …");
//   - "new" is at most two words before it or right after it ("my new
//     phone number", "mi dirección nueva");
//   - "change" or "update" follows it directly ("address change");
//   - an earlier field in the sentence counts and a connector ("to", "is")
//     follows it within two words ("change my name to Ada and my phone to
//     …").
func (m message) contactTriggers() []trigger {
	var out []trigger
	for si, s := range m.sentences {
		asked := false
		for i := range s {
			field := fieldAt(s, i)
			if field == "" {
				continue
			}
			if m.asksToChange(si, i) || asked && connectorFollows(s, i) {
				out = append(out, trigger{sentence: si, index: i, field: field})
				asked = true
			}
		}
	}
	return out
}

// connectorFollows reports whether a connector comes at most two words
// after field word i of s ("… and my address to 12 Elm St").
func connectorFollows(s []word, i int) bool {
	for j := i + 1; j < len(s) && j <= i+2; j++ {
		if connectors[s[j].text] && !foreignOnlyConnectors[s[j].text] {
			return true
		}
	}
	return false
}

// asksToChange reports whether the field word i of sentence si is asked to
// change (see contactTriggers).
func (m message) asksToChange(si, i int) bool {
	s := m.sentences[si]
	for j := i - 1; j >= 0 && j >= i-4; j-- {
		if updateVerbs[s[j].text] && !m.negated(span{sentence: si, start: j, end: j + 1}) {
			return true
		}
		if j >= i-2 && newWords[s[j].text] {
			return true
		}
	}
	for j := i + 1; j < len(s) && j <= i+4; j++ {
		w := s[j].text
		if laterUpdateWords[w] || w == "is" && j+1 < len(s) && s[j+1].text == "now" {
			return true
		}
		if j == i+1 && (newWords[w] || w == "change" || w == "update") {
			return true
		}
	}
	return false
}

// connectors introduce the new value after a field: "to", "is" and their
// counterparts ("a", "es", "est", "ist", "auf", "naar", "para", …).
var connectors = map[string]bool{
	"to": true, "into": true, "is": true, "es": true, "est": true, "ist": true, "lautet": true,
	"auf": true, "naar": true, "para": true, "por": true, "a": true, "par": true, "zu": true,
}

// foreignOnlyConnectors introduce a value only after a field word that is
// not English: after "address", "a" is an article, not the Spanish or
// French "to".
var foreignOnlyConnectors = map[string]bool{"a": true, "par": true, "zu": true}

// valueStops end a value early: "… to 12 Elm St, thanks!" ends before
// "thanks".
var valueStops = map[string]bool{
	"please": true, "pls": true, "plz": true, "thanks": true, "thank": true, "thx": true,
	"cheers": true, "asap": true, "gracias": true, "merci": true, "danke": true, "bitte": true,
}

// valueJoins end a value when a new request follows them: "and my …", "and
// also …".
var valueJoins = map[string]bool{"and": true, "y": true, "et": true, "und": true, "en": true, "e": true}

// joinedRequests follow a value join to start a new request.
var joinedRequests = map[string]bool{
	"my": true, "the": true, "also": true, "i": true, "our": true, "please": true, "then": true,
	"mi": true, "mon": true, "ma": true, "mes": true, "mein": true, "meine": true, "meu": true,
	"minha": true, "mio": true, "mia": true, "mijn": true,
}

// maxValueLength is the longest value kept, in characters; anything longer
// is probably not a phone number, name or address.
const maxValueLength = 200

// minPhoneDigits is how many digits a phone number needs.
const minPhoneDigits = 7

// ContactUpdate returns the contact fields text asks to change, with their
// new values: "phone", "name" and "address" (see [FieldPhone]). It returns
// nil when the message asks for no such change or gives no usable value.
//
// A field counts when the message asks to change it: an update verb before
// it ("change my phone number", "update the address on my account"), "new"
// before it ("my new name is …"), "changed"/"is now" after it ("my number
// has changed to …"), or it follows another such field in the sentence
// with its own "to" ("… and my address to …"); a negated verb does not
// count. "My name is Ada" alone
// changes nothing. "email address", "user name" and "order number" are not
// contact fields.
//
// The value is the text after the first connector that follows the field
// within six words ("to", "is", and "a", "es", "est", "ist", "auf", "naar",
// "para" in the other languages) or after a colon or equals sign, up to the
// end of the sentence. It also ends before "please" or "thanks" and before
// "and" starting a new request ("… to 12 Elm St and my phone to …").
// Spaces and punctuation are trimmed from both ends, keeping a leading "+"
// or "(" and a closing ")". A phone value is the run of digits, spaces and
// + ( ) - . / at the start of that text and must have at least seven digits;
// a name or address must have a letter or digit. Values longer than 200
// characters are dropped. When a field is asked for twice, the first value
// wins.
func ContactUpdate(text string) map[string]string {
	return parse(text).contactUpdate()
}

// contactUpdate implements [ContactUpdate].
func (m message) contactUpdate() map[string]string {
	var out map[string]string
	for _, t := range m.contactTriggers() {
		if _, done := out[t.field]; done {
			continue
		}
		v, complete := m.valueAfter(t)
		switch {
		case t.field == FieldPhone:
			v = phoneValue(v)
		case !complete:
			continue
		}
		if v == "" || utf8.RuneCountInString(v) > maxValueLength || !hasLetterOrDigit(v) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[t.field] = v
	}
	return out
}

// valueAfter returns the trimmed text after the connector that follows the
// field of t, or "" when there is none. complete is false when the text was
// cut short because it is already longer than maxValueLength: its start is
// still good for a phone number, but it is no name or address.
func (m message) valueAfter(t trigger) (value string, complete bool) {
	s := m.sentences[t.sentence]
	english := isEnglishFieldWord(s[t.index].text)
	start, first := -1, 0
	for j := t.index; j < len(s) && j <= t.index+6; j++ {
		if j > t.index && connectors[s[j].text] && (!english || !foreignOnlyConnectors[s[j].text]) {
			start, first = s[j].end, j+1
			if j+1 < len(s) && s[j+1].text == "now" {
				start, first = s[j+1].end, j+2
			}
			break
		}
		// A colon or equals sign between this word and the next.
		gapEnd := m.sentenceEnds[t.sentence]
		if j+1 < len(s) {
			gapEnd = s[j+1].start
		}
		if k := strings.IndexAny(m.text[s[j].end:gapEnd], ":="); k >= 0 {
			start, first = s[j].end+k+1, j+1
			break
		}
	}
	if start < 0 {
		return "", false
	}
	end, complete := m.sentenceEnds[t.sentence], true
	for j := first; j < len(s); j++ {
		w := s[j]
		next := ""
		if j+1 < len(s) {
			next = s[j+1].text
		}
		if valueStops[w.text] || valueJoins[w.text] && joinedRequests[next] {
			end = w.start
			break
		}
		// A rune takes at most 4 bytes: past this the value is too long.
		if w.end-s[first].start > 4*maxValueLength {
			end, complete = w.start, false
			break
		}
	}
	if end <= start {
		return "", false
	}
	return trimValue(strings.ToValidUTF8(m.text[start:end], "\uFFFD")), complete
}

// isEnglishFieldWord reports whether w is an English name for a field.
func isEnglishFieldWord(w string) bool {
	switch w {
	case "phone", "telephone", "mobile", "cell", "cellphone", "phonenumber", "number",
		"name", "surname", "lastname", "firstname", "fullname", "address", "adress":
		return true
	}
	return false
}

// trimValue trims spaces and punctuation from both ends of v, keeping a
// leading "+" or "(" and a trailing ")".
func trimValue(v string) string {
	v = strings.TrimLeftFunc(v, func(r rune) bool {
		return r != '+' && r != '(' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.TrimRightFunc(v, func(r rune) bool {
		return r != ')' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// phoneValue returns the phone number at the start of v (digits, spaces and
// + ( ) - . /), or "" when it has fewer than minPhoneDigits digits.
func phoneValue(v string) string {
	end := strings.IndexFunc(v, func(r rune) bool {
		return !unicode.IsDigit(r) && !strings.ContainsRune("+()-./ \u00a0", r)
	})
	if end >= 0 {
		v = v[:end]
	}
	v = trimValue(v)
	digits := 0
	for _, r := range v {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	if digits < minPhoneDigits {
		return ""
	}
	return v
}

// hasLetterOrDigit reports whether s contains a letter or a digit.
func hasLetterOrDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}
