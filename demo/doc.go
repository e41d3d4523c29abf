// Package demo seeds the demo workspace, "Sprocket Supply Co.": an online
// store for sustainable office supplies with its knowledge base, CRM,
// published handoff rules, channel and API keys. `switchboard dev` calls it
// the first time it runs on a data directory.
package demo
