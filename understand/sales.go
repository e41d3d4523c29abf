package understand

// salesPhrases are what a prospective buyer writes: asking for prices at
// volume, a quote, an account for a business, or to talk to sales.
var salesPhrases = mustPhrases(
	"quote|quotation for", "get|request|need|want … quote|quotation", "request … pricing",
	"volume|bulk|wholesale|business|corporate|enterprise pricing|discount|discounts|account|accounts|order|orders|plan|plans",
	"pricing|prices for … business|businesses|enterprise|teams|volume|schools",
	"buy|order|purchase … in bulk", "for … my|our company|office|team|business|school|employees|staff",
	"talk|speak|chat … to|with sales", "sales team|rep|representative", "become … reseller|distributor",
	"do you offer … invoicing|invoices", "net 30", "price list", "seats|licenses|units for",
	// A discount is a buyer's question only for an organisation: a student
	// or a first order's discount is a shopper's.
	"discount|discounts for … businesses|companies|schools|teams|organisations|organizations|charities|resellers",
)

// IsSalesInquiry reports whether the message is a prospective buyer's
// inquiry: volume or business pricing, a quote, buying for a company, or
// asking for sales. A question about one order's shipping or a return is not.
// It is a phrase heuristic, like the rest of this package.
func IsSalesInquiry(text string) bool {
	return parse(text).salesInquiry()
}

func (m message) salesInquiry() bool {
	return m.anyNotNegated(salesPhrases)
}
