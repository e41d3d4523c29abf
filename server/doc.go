// Package server is Switchboard's HTTP API (Gin): each handler parses and
// checks the request, authorizes the API key, calls Temporal or the database,
// and responds. Errors have one JSON shape and one code→status table; internal
// errors are logged and shown only as "internal error".
package server
