// Package app wires Switchboard's parts into the commands of the
// `switchboard` binary: server, worker, migrate, dev, stack and tools. It
// connects; the packages it calls decide.
package app
