// Package workflows holds Switchboard's Temporal workflows: deterministic
// orchestration only — no database, network, clock or randomness; every
// effect goes through an activity. The names clients and auditors grep for
// (update, signal and query names, search attributes, workflow IDs) are
// exported here.
package workflows
