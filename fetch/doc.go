// Package fetch downloads the web pages content sources are made of: one
// page, or a bounded crawl of one host that obeys its robots.txt. It caps
// sizes and times, and by default refuses to connect to loopback, private and
// link-local addresses, so an admin's URL cannot reach the internal network.
// It knows nothing of workflows, Weaviate or the database.
package fetch
