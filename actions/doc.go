// Package actions is what the agent can do in a company's systems: the
// definition of an action (its inputs as a JSON Schema, its protection, how
// it is called and how its reply is written), the built-in actions over the
// CRM tables, and the HTTP call of an action a company defines.
//
// It decides nothing about a conversation: whether an action may run (the
// customer's identity, a confirmation) is package decide's, and running it
// durably is the workflow's. Call is the one place that talks to a
// company's system; the activity and the admin's test route both use it.
package actions
