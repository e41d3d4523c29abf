// Package devstack builds and runs the real Temporal dev server and Weaviate
// as child processes for `switchboard dev`, `switchboard stack` and the tests.
// The binaries are pinned, built once with `go install` into a cache outside
// the clone and keyed by version; nothing is downloaded at run time but Go
// modules, and only by `switchboard tools`.
package devstack
