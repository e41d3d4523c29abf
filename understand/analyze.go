package understand

// Analysis is what the agent learns from one customer message.
type Analysis struct {
	// Sentiment is "frustrated", "negative", "neutral" or "positive"; see
	// [Sentiment].
	Sentiment string
	// Language is an ISO 639-1 code ("en", "es", "fr", "de", "pt", "it",
	// "nl"), or "" when unsure (short or mixed text); see [Language].
	Language string
	// AskedForHuman reports whether the customer asks for a person; see
	// [AsksForHuman].
	AskedForHuman bool
	// Intent is the CRM action asked for, if any; see [DetectIntent].
	Intent Intent
	// OrderNumber is an order number the message mentions, upper-case, for
	// example "SP-1003", or ""; see [OrderNumber].
	OrderNumber string
	// Email is the first email address typed in the message, lower-cased,
	// or ""; see [Email].
	Email string
	// ContactUpdate holds, when Intent is IntentUpdateContact, the fields to
	// change ("phone", "name", "address") and their new values; see
	// [ContactUpdate]. It is nil otherwise, and also when the customer asked
	// for a change without giving a usable value ("I need to update my
	// phone number"), so the agent can ask for it.
	ContactUpdate map[string]string
	// SalesInquiry reports a prospective buyer's inquiry; see
	// [IsSalesInquiry].
	SalesInquiry bool
	// Preamble reports a message that only opens the customer's business
	// and asks nothing yet ("I have a question about my order"); see
	// [Preamble]. Never with an Intent, a sales inquiry or a request for a
	// person.
	Preamble bool `json:",omitempty"`
}

// Options tune Analyze.
type Options struct {
	// OrderPrefixes are the workspace's order-number prefixes (for example
	// ["SP"]). A number with one of them is preferred over other numbers,
	// and, when there is exactly one prefix, a bare "order 1003" or "#1003"
	// becomes "SP-1003". Case, dashes and spaces around a prefix are
	// ignored.
	OrderPrefixes []string
}

// Analyze runs every heuristic of this package on one customer message. The
// result depends only on text and o.
func Analyze(text string, o Options) Analysis {
	m := parse(text)
	a := Analysis{
		Sentiment:     m.sentiment(),
		Language:      m.language(),
		AskedForHuman: m.asksForHuman(),
		Intent:        m.intent(),
		OrderNumber:   orderNumber(m.orders, o.OrderPrefixes),
		Email:         email(text, m.emails),
		SalesInquiry:  m.salesInquiry(),
	}
	a.Preamble = a.Intent == IntentNone && !a.SalesInquiry && !a.AskedForHuman && m.preamble()
	if a.Intent == IntentUpdateContact {
		a.ContactUpdate = m.contactUpdate()
	}
	return a
}
