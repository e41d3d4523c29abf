// Package rehearse reads what a conversation's turns did from the read model
// (its transcript and the agent's decisions) and judges them: a saved
// scenario's turns against their expectations, a past conversation's turns
// then against the same messages now, under a configuration to try.
//
// It runs nothing: the rehearsal workflow holds the test conversations, and
// an activity calls Observe and Judge once each has ended.
package rehearse
