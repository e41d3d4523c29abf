// Package rulesets keeps the versions of a workspace's routing and handoff
// rules in the database: the draft admins edit, the one published version new
// conversations pin, and every earlier version.
//
// A workspace has per kind at most one draft and at most one published
// version; the others are archived. The first edit copies the published
// version into a new draft (Version = highest + 1, new rule IDs); Publish
// makes the draft the published version and archives the one before;
// Rollback publishes a copy of an earlier version as a new version. A version
// that has left the draft state is never changed again (a pending draft is
// renumbered on rollback so it stays the newest version, which is safe
// because nothing pins a draft), so a conversation that pinned version N
// keeps reading the same rules. Every change is one transaction that first
// locks the workspace's row, so changes to one workspace's rules run one
// after another, and a failure leaves nothing partial. Rules are checked with rules.ValidateRule before
// they are written, and again when a version is published. [EngineRule] is
// the one conversion of a stored rule to the engine's type: the activity that
// evaluates a conversation's pinned version and the API's dry run load
// versions here and convert them with [EngineRules], so what is validated is
// what runs.
//
// What this package must not do: speak HTTP (package server maps its typed
// errors to API errors), evaluate conditions (package rules does), or talk
// to Temporal.
package rulesets
