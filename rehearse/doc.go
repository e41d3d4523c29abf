// Package rehearse reads what a conversation's turns did from the read model
// (its transcript and the agent's decisions) and judges them: a saved
// scenario's turns against their expectations, a past conversation's turns
// then against the same messages now, under a configuration to try. Its
// Customer is a language model that plays a simulated scenario's customer
// and judges the conversation against a plain-language criterion.
//
// It runs nothing: the rehearsal workflow holds the test conversations, and
// activities call Observe, Judge and the Customer.
package rehearse
