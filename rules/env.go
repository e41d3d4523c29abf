package rules

import "time"

// Env is the typed environment a condition is evaluated against. Its fields
// are the top-level names a condition can use; their expr names are the
// snake_case names in the expr struct tags.
type Env struct {
	// Conversation is the conversation being routed or considered for handoff.
	Conversation Conversation `expr:"conversation"`
	// Contact is the customer writing in, with their CRM properties.
	Contact Contact `expr:"contact"`
	// Order is the order in question, or nil when no order is in question.
	// Guard with `order != nil && ...`: reading a field of a nil order is an
	// evaluation error, and a rule whose condition errors does not match.
	Order *Order `expr:"order"`
	// Now is the fixed time the condition is evaluated at, passed in by the
	// caller (in a workflow: workflow.Now). Evaluation never reads the wall
	// clock; a condition that uses now fails to evaluate when Now is zero.
	Now time.Time `expr:"now"`
}

// Conversation describes the conversation a condition is evaluated for.
type Conversation struct {
	// ID is the conversation's ID; percentage routing hashes it.
	ID string `expr:"id"`
	// Channel is where the conversation takes place, e.g. "email", "chat",
	// "whatsapp".
	Channel string `expr:"channel"`
	// Text is the customer's latest message.
	Text string `expr:"text"`
	// TurnCount is the number of customer messages so far, including the
	// latest one.
	TurnCount int `expr:"turn_count"`
	// MinutesSinceStart is the time since the conversation's first message,
	// in minutes.
	MinutesSinceStart float64 `expr:"minutes_since_start"`
	// IssueType is the issue category the agent classified the conversation
	// as, e.g. "billing", "shipping", "login"; empty when not yet classified.
	IssueType string `expr:"issue_type"`
	// Sentiment is the customer's classified mood: "positive", "neutral",
	// "negative" or "frustrated".
	Sentiment string `expr:"sentiment"`
	// Language is the language of the conversation as a lowercase ISO 639-1
	// code, e.g. "en", "de", "fr".
	Language string `expr:"language"`
	// Test is true for conversations started from the admin playground.
	Test bool `expr:"test"`
	// UnansweredCount is the number of consecutive customer messages the agent
	// could not answer from the knowledge base.
	UnansweredCount int `expr:"unanswered_count"`
	// AskedForHuman is true when the customer asked to talk to a person.
	AskedForHuman bool `expr:"asked_for_human"`
}

// Contact describes the customer, from the CRM.
type Contact struct {
	// Tier is the customer's plan or support tier, e.g. "free", "pro",
	// "enterprise".
	Tier string `expr:"tier"`
	// LifecycleStage is the CRM lifecycle stage, e.g. "lead", "customer",
	// "churned".
	LifecycleStage string `expr:"lifecycle_stage"`
	// CompanySize is the number of employees of the contact's company; 0 when
	// unknown.
	CompanySize int `expr:"company_size"`
	// EmailVerified is true when the contact's email address is verified.
	EmailVerified bool `expr:"email_verified"`
	// Properties holds the workspace's custom CRM properties by name, e.g.
	// contact.properties.plan or contact.properties["renewal date"]. A
	// property that is not set reads as nil.
	Properties map[string]any `expr:"properties"`
}

// Order describes the order a conversation is about.
type Order struct {
	// Status is the order's status, e.g. "pending", "shipped", "delivered",
	// "cancelled", "refunded".
	Status string `expr:"status"`
	// Total is the order total in the workspace's currency.
	Total float64 `expr:"total"`
	// DaysSinceDelivery is the number of whole days since delivery, or nil
	// when the order has not been delivered.
	DaysSinceDelivery *int `expr:"days_since_delivery"`
}

// FieldDoc documents one name a condition can use: an environment field or a
// helper function. [Fields] returns them for the admin-facing reference.
type FieldDoc struct {
	// Name is the name as written in a condition, e.g. "contact.tier", or the
	// call form for helpers, e.g. "containsAny(text, words)".
	Name string `json:"name"`
	// Type is the expr type, e.g. "string", "int", "float", "bool", "time",
	// "map", or the signature of a helper.
	Type string `json:"type"`
	// Description says what the value means.
	Description string `json:"description"`
	// Example is a short condition using the name.
	Example string `json:"example"`
}

// Fields returns the documentation of every environment field and helper a
// condition can use, fields first, in a stable order.
func Fields() []FieldDoc {
	return []FieldDoc{
		{"conversation.id", "string", "The conversation's ID; percentage routing hashes it.", `conversation.id != ""`},
		{"conversation.channel", "string", `Where the conversation takes place, e.g. "email", "chat", "whatsapp".`, `conversation.channel == "email"`},
		{"conversation.text", "string", "The customer's latest message.", `containsAny(conversation.text, ["refund", "cancel"])`},
		{"conversation.turn_count", "int", "Number of customer messages so far, including the latest one.", `conversation.turn_count > 5`},
		{"conversation.minutes_since_start", "float", "Minutes since the conversation's first message.", `conversation.minutes_since_start > 30`},
		{"conversation.issue_type", "string", `Issue category the agent classified, e.g. "billing", "shipping", "login"; empty when not yet classified.`, `conversation.issue_type in ["billing", "refund"]`},
		{"conversation.sentiment", "string", `The customer's classified mood: "positive", "neutral", "negative" or "frustrated".`, `conversation.sentiment == "frustrated"`},
		{"conversation.language", "string", `Language of the conversation as a lowercase ISO 639-1 code, e.g. "en", "de".`, `conversation.language != "en"`},
		{"conversation.test", "bool", "True for conversations started from the admin playground.", `!conversation.test`},
		{"conversation.unanswered_count", "int", "Consecutive customer messages the agent could not answer from the knowledge base.", `conversation.unanswered_count >= 2`},
		{"conversation.asked_for_human", "bool", "True when the customer asked to talk to a person.", `conversation.asked_for_human`},
		{"contact.tier", "string", `The customer's plan or support tier, e.g. "free", "pro", "enterprise".`, `contact.tier == "enterprise"`},
		{"contact.lifecycle_stage", "string", `CRM lifecycle stage, e.g. "lead", "customer", "churned".`, `contact.lifecycle_stage == "lead"`},
		{"contact.company_size", "int", "Employees at the contact's company; 0 when unknown.", `contact.company_size >= 500`},
		{"contact.email_verified", "bool", "True when the contact's email address is verified.", `contact.email_verified`},
		{"contact.properties", "map", `Custom CRM properties by name; a property that is not set reads as nil.`, `contact.properties.plan == "annual"`},
		{"order", "object or nil", "The order in question, or nil when there is none. Reading a field of a nil order is an error (the rule does not match): guard with order != nil.", `order != nil && order.total > 500`},
		{"order.status", "string", `The order's status, e.g. "pending", "shipped", "delivered", "cancelled", "refunded".`, `order != nil && order.status == "shipped"`},
		{"order.total", "float", "The order total in the workspace's currency.", `order != nil && order.total > 500`},
		{"order.days_since_delivery", "int or nil", "Whole days since delivery, or nil when not delivered.", `order != nil && order.days_since_delivery != nil && order.days_since_delivery > 30`},
		{"now", "time", "The fixed evaluation time, as passed in by the caller (never the server's clock). Methods such as now.Hour() and now.Weekday() are available; now() is not a function.", `now.Hour() >= 18`},
		{"containsAny(text, words)", "func(string, []string) bool", "True when text contains any of the words or phrases as whole words, ignoring case, accents and apostrophes: \"refund\" matches \"I want a REFÜND\" but \"cancel\" does not match \"cancellation\"; \"can't log in\" matches \"cant log in\".", `containsAny(conversation.text, ["refund", "can't log in"])`},
		{"matches(text, pattern)", "func(string, string) bool", "True when the Go (RE2) regular expression pattern matches anywhere in text. Case-sensitive unless the pattern starts with (?i). The infix form text matches pattern works too.", `matches(conversation.text, "(?i)order #?\\d{6}")`},
		{"inWorkingHours(schedule)", "func(string) bool", "True when now falls inside the schedule, e.g. \"mon-fri 09:00-17:00 Europe/Berlin\" or \"mon-fri 09:00-12:00,13:00-17:00; sat 10:00-14:00 America/New_York\". Days: mon..sun, ranges (mon-fri) and lists (sat,sun); times: HH:MM-HH:MM, start inclusive, end exclusive, 24:00 allowed as end; an optional IANA time zone at the very end applies to the whole schedule (default UTC).", `!inWorkingHours("mon-fri 09:00-17:00 Europe/Berlin")`},
	}
}
