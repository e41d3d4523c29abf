// Package decide holds what the support agent decides on a customer's turn,
// as plain functions from typed inputs to typed decisions: who takes the
// conversation (channel settings, routing, credits, handoff rules, the
// customer asking for a person), what the handoff tells the customer,
// whether a message is acted on, answered from a reusable response, declined
// or answered from content, the identity check before an action, the lead
// qualification dialogue, and whether a conversation counts as resolved.
// Each decision comes with the journal entry that explains it to auditors.
//
// It also names the contracts other packages share: decision and event
// kinds, handoff triggers and modes, knowledge-gap reasons, action names,
// the agent settings' defaults and the customer-message validator.
//
// decide does no I/O and knows nothing of Temporal: the conversation
// workflow gathers the inputs (through activities), calls these functions
// and applies their decisions; the server and analytics import the names.
package decide
