package understand

import (
	"regexp"
	"slices"
	"strings"
)

// prefixedOrderRE matches an order number with its prefix: two to four
// letters, a dash, a space or nothing, and three or more digits ("SP-1003",
// "sp 1003", "SP1003").
var prefixedOrderRE = regexp.MustCompile(`\b([A-Za-z]{2,4})(-|‐|‑|–| |\x{00A0}|)([0-9]{3,})\b`)

// bareOrderRE matches a number of three or more digits that the customer
// calls an order ("order 1003", "order no. 1003", "pedido 1003",
// "Bestellung Nr. 1003") or marks with "#" ("#1003").
var bareOrderRE = regexp.MustCompile(`(?i)(?:\b(?:order|pedido|commande|bestellung|bestellnummer|ordine|encomenda|bestelling|bestelnummer|ordernummer)(?:\s*(?:number|num|no|nr|n°|nº|numero|número|nummer)\.?)?\s*[:#]?\s*|#\s?)([0-9]{3,})\b`)

// notOrderPrefixes are short words that the prefixed pattern would take for
// an order prefix ("to 5550100", "CALL 5550100", "USD 1500") unless the
// workspace configured them.
var notOrderPrefixes = map[string]bool{
	"to": true, "at": true, "is": true, "on": true, "in": true, "my": true, "me": true, "no": true,
	"nr": true, "or": true, "of": true, "by": true, "as": true, "it": true, "we": true, "us": true,
	"be": true, "do": true, "so": true, "up": true, "an": true, "and": true, "the": true, "for": true,
	"are": true, "was": true, "you": true, "our": true, "am": true, "pm": true, "has": true,
	"from": true, "with": true, "have": true, "into": true, "than": true, "then": true, "only": true,
	"also": true, "just": true, "over": true, "call": true, "page": true, "room": true, "unit": true,
	"year": true, "tel": true, "fax": true, "ph": true, "ext": true, "apt": true, "box": true,
	"zip": true, "ste": true, "num": true, "iso": true, "utf": true, "rfc": true, "usd": true,
	"eur": true, "gbp": true, "cad": true, "aud": true, "chf": true, "jpy": true, "sek": true,
	"nok": true, "dkk": true, "pln": true, "mxn": true, "brl": true, "es": true, "la": true, "el": true,
	"de": true, "le": true, "en": true, "un": true, "et": true, "ist": true, "die": true, "der": true,
	"das": true, "und": true, "est": true, "mi": true, "mon": true, "il": true, "een": true, "het": true,
}

// orderMention is one place where the text may name an order.
type orderMention struct {
	start, end int
	// prefix is the upper-cased letters before the number; empty for a
	// bare number.
	prefix string
	digits string
	// sep is the separator between prefix and digits: "-" for any dash,
	// " " for a space, "" for none.
	sep string
	// upper reports whether the prefix was typed in capitals.
	upper bool
}

// plausible reports whether the mention is an order number even when the
// workspace has no matching prefix: a dash-separated code ("ab-1234"), a
// space-separated one in capitals ("AB 1234"), or "#1234". The prefix must
// not be a common short word ("MY 1234", "USD 1500").
func (o orderMention) plausible() bool {
	if o.prefix == "" {
		return o.sep == "#"
	}
	if notOrderPrefixes[strings.ToLower(o.prefix)] {
		return false
	}
	return o.sep == "-" || o.sep == " " && o.upper
}

// orderMentions returns every prefixed and bare order-number candidate in
// text, ordered by position, skipping anything that overlaps an email
// address. Candidates may overlap each other ("order nr 1003" is both the
// bare 1003 and the prefixed NR-1003); callers choose.
// emails are the byte ranges of the email addresses in text, in order.
func orderMentions(text string, emails [][]int) []orderMention {
	var out []orderMention
	k := 0 // the first email that does not end before the current match
	for _, m := range prefixedOrderRE.FindAllStringSubmatchIndex(text, -1) {
		for k < len(emails) && emails[k][1] <= m[0] {
			k++
		}
		if k < len(emails) && emails[k][0] < m[1] {
			continue
		}
		letters := text[m[2]:m[3]]
		sep := text[m[4]:m[5]]
		switch sep {
		case "":
		case " ", "\u00a0":
			sep = " "
		default:
			sep = "-"
		}
		out = append(out, orderMention{
			start: m[0], end: m[1], prefix: strings.ToUpper(letters), digits: text[m[6]:m[7]],
			sep: sep, upper: letters == strings.ToUpper(letters),
		})
	}
	k = 0
	for _, m := range bareOrderRE.FindAllStringSubmatchIndex(text, -1) {
		for k < len(emails) && emails[k][1] <= m[0] {
			k++
		}
		if k < len(emails) && emails[k][0] < m[1] {
			continue
		}
		sep := ""
		if strings.HasPrefix(text[m[0]:m[1]], "#") {
			sep = "#"
		}
		out = append(out, orderMention{start: m[0], end: m[1], digits: text[m[2]:m[3]], sep: sep})
	}
	slices.SortStableFunc(out, func(a, b orderMention) int { return a.start - b.start })
	return out
}

// OrderNumber returns the order number text mentions, normalised to
// upper-case "PREFIX-DIGITS", or "" when there is none. It tries, in order:
//
//  1. the first number with one of prefixes, however it is separated
//     ("SP-1003", "sp 1003", "SP1003" all give "SP-1003");
//  2. when exactly one prefix is configured, the first bare number the
//     customer calls an order or marks with "#" ("order 1003", "order no.
//     1003", "#1003", "pedido 1003") with that prefix put in front;
//  3. the first other prefixed number that is plausible on its own: letters,
//     a dash and digits ("AB-1234"), or capitals, a space and digits
//     ("AB 1234"), where the letters are not a common short word or currency
//     ("MY 1234", "USD 1500").
//
// Digits are kept as typed, leading zeros included. Numbers inside an email
// address are ignored. Prefixes are compared case-insensitively, with
// dashes and spaces around them ignored.
func OrderNumber(text string, prefixes []string) string {
	return orderNumber(orderMentions(text, emailRE.FindAllStringIndex(text, -1)), prefixes)
}

// orderNumber implements [OrderNumber] over the mentions of a text.
func orderNumber(mentions []orderMention, prefixes []string) string {
	configured := map[string]bool{}
	for _, p := range prefixes {
		p = strings.ToUpper(strings.Trim(p, " -#"))
		if p != "" {
			configured[p] = true
		}
	}
	for _, o := range mentions {
		if o.prefix != "" && configured[o.prefix] {
			return o.prefix + "-" + o.digits
		}
	}
	if len(configured) == 1 {
		var only string
		for p := range configured {
			only = p
		}
		for _, o := range mentions {
			if o.prefix == "" {
				return only + "-" + o.digits
			}
		}
	}
	for _, o := range mentions {
		if o.prefix != "" && o.plausible() {
			return o.prefix + "-" + o.digits
		}
	}
	return ""
}

// emailRE matches an email address: a local part of letters, digits and
// . _ % + -, an @, and a domain with at least one dot and a top-level part of
// two or more letters.
var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

// Email returns the first email address in text, lower-cased, or "" when
// there is none. Dots at the edges of the local part are trimmed
// ("...ada@example.com" gives "ada@example.com"); the match is deliberately
// simple and accepts only ASCII addresses.
func Email(text string) string {
	return email(text, emailRE.FindAllStringIndex(text, -1))
}

// email implements [Email] over the byte ranges of the addresses in text.
func email(text string, emails [][]int) string {
	for _, e := range emails {
		local, domain, _ := strings.Cut(text[e[0]:e[1]], "@")
		local = strings.Trim(local, ".")
		if local != "" {
			return strings.ToLower(local + "@" + domain)
		}
	}
	return ""
}
