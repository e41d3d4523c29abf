package rules

// Example is a documented sample condition, shown to admins and used by the
// demo workspace.
type Example struct {
	// Name is a short admin-facing title.
	Name string `json:"name"`
	// Kind is the kind of rule the condition is meant for.
	Kind Kind `json:"kind"`
	// Condition is the expr condition.
	Condition string `json:"condition"`
	// Description says when the condition is true.
	Description string `json:"description"`
}

// Examples returns the sample conditions of the demo workspace. Every one
// compiles (a test checks).
func Examples() []Example {
	return []Example{
		{
			Name:        "Refunds, cancellations and login trouble",
			Kind:        KindHandoff,
			Condition:   `containsAny(conversation.text, ["refund", "cancel", "can't log in"])`,
			Description: "The customer's message mentions a refund, cancelling, or not being able to log in.",
		},
		{
			Name:        "Frustrated customer",
			Kind:        KindHandoff,
			Condition:   `conversation.sentiment == "frustrated"`,
			Description: "The customer is classified as frustrated.",
		},
		{
			Name:        "Customer asks for a person",
			Kind:        KindHandoff,
			Condition:   `conversation.asked_for_human || conversation.unanswered_count >= 2`,
			Description: "The customer asked for a person, or the agent could not answer twice in a row.",
		},
		{
			Name:        "Enterprise customers in office hours",
			Kind:        KindHandoff,
			Condition:   `contact.tier == "enterprise" && inWorkingHours("mon-fri 09:00-17:00 Europe/Berlin")`,
			Description: "Enterprise customers go to their account team while the Berlin office is open.",
		},
		{
			Name:        "Large orders with a late delivery",
			Kind:        KindHandoff,
			Condition:   `order != nil && order.total >= 500 && order.status == "shipped" && conversation.minutes_since_start > 10`,
			Description: "An expensive order is still in transit and the conversation has gone on for over ten minutes.",
		},
		{
			Name:        "Return window passed",
			Kind:        KindHandoff,
			Condition:   `order != nil && order.days_since_delivery != nil && order.days_since_delivery > 30 && containsAny(conversation.text, ["return", "send back"])`,
			Description: "The customer wants to return an order delivered more than 30 days ago.",
		},
		{
			Name:        "English and German chat, not tests",
			Kind:        KindRouting,
			Condition:   `conversation.language in ["en", "de"] && !conversation.test`,
			Description: "The agent takes English and German conversations, except playground tests.",
		},
		{
			Name:        "Order numbers",
			Kind:        KindRouting,
			Condition:   `matches(conversation.text, "(?i)\\border\\s*#?\\d{5,}")`,
			Description: "The message quotes an order number such as \"order #123456\".",
		},
		{
			Name:        "Annual-plan customers",
			Kind:        KindRouting,
			Condition:   `contact.properties.plan == "annual" || contact.company_size >= 200`,
			Description: "The contact's custom property plan is \"annual\", or their company has at least 200 employees.",
		},
	}
}
