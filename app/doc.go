// Package app wires Switchboard's parts into the commands of the
// `switchboard` binary: server, worker, migrate, dev, stack and tools. It
// connects; the packages it calls decide. [Deps] are the connections the
// commands share, exported for package bench, which measures the product
// wired the same way; app never imports bench.
package app
