// Package workspaces creates workspaces and the API keys of the people who
// work in them (admins, reps and auditors), lists and revokes those keys, and
// reads and changes a workspace's settings. The API and the command line both
// call it, so a key made either way is the same key.
//
// It validates its input with errors naming the field (apperr.Invalid) and
// writes each change in one transaction. It does no HTTP, and it knows no demo
// data.
package workspaces
