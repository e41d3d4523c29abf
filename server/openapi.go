package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// The OpenAPI 3.1 document of every route, served at /openapi.json. Each
// route the router serves has one entry in apiOperations; a test walks the
// real router and fails, naming the route, when one is served but not
// documented or documented but not served.

// apiOperation documents one route.
type apiOperation struct {
	Method string
	// Path is the route as the router has it (/v1/channels/:channelID).
	Path    string
	Summary string
	// Roles are the API key roles the route admits (roleAdmin, …); none:
	// the route takes no key (pages, probes, signed webhooks).
	Roles []string
	// Body is the request body: "" none, a schema name for JSON, or a media
	// type ("text/csv", "message/rfc822", "multipart/form-data", …).
	Body string
	// Status is the success status (200 when 0).
	Status int
	// Returns is the success body: "" none, a schema name for JSON, or a
	// media type (text/html, text/event-stream, …).
	Returns string
}

// Role sets of the table.
var (
	anyStaff      = []string{roleAdmin, roleRep, roleAuditor}
	adminAuditor  = []string{roleAdmin, roleAuditor}
	adminOnly     = []string{roleAdmin}
	repAdmin      = []string{roleRep, roleAdmin}
	widgetOnly    = []string{roleWidget}
	auditorAdmin  = []string{roleAuditor, roleAdmin}
	widgetOrStaff = append([]string{roleWidget}, anyStaff...)
)

// apiOperations is the API, route by route, in the order of the README.
var apiOperations = []apiOperation{
	// Probes, metrics, this document.
	{"GET", "/livez", "Liveness: the process serves HTTP", nil, "", 0, "Health"},
	{"GET", "/readyz", "Readiness: the database, Temporal and Weaviate answer (503 naming the one down)", nil, "", 0, "Health"},
	{"GET", "/healthz", "Readiness, as /readyz (older name)", nil, "", 0, "Health"},
	{"GET", "/metrics", "Prometheus metrics of the process", nil, "", 0, "text/plain"},
	{"GET", "/openapi.json", "This document", nil, "", 0, "Object"},
	// Pages.
	{"GET", "/chat/:channelID", "The customer chat page of a channel (the widget key in the URL's fragment)", nil, "", 0, "text/html"},
	{"GET", "/rep", "The rep inbox page", nil, "", 0, "text/html"},
	{"GET", "/sandbox", "The admin test sandbox page", nil, "", 0, "text/html"},
	{"GET", "/web/:file", "A script or style of the pages (embed.js: the chat launcher for your site)", nil, "", 0, "*/*"},
	{"GET", "/admin/dashboard", "The analytics dashboard page", nil, "", 0, "text/html"},
	{"GET", "/admin/rules", "The rules editor page", nil, "", 0, "text/html"},
	{"GET", "/admin/agent", "The page of the agent's settings and actions", nil, "", 0, "text/html"},
	{"GET", "/admin/conversations", "The page of the conversations, with their transcripts and decisions", nil, "", 0, "text/html"},
	{"GET", "/admin/content", "The page of the content sources", nil, "", 0, "text/html"},
	{"GET", "/admin/issues", "The page of the issue types", nil, "", 0, "text/html"},
	{"GET", "/admin/channels", "The page of the channels, the people's keys and the teams", nil, "", 0, "text/html"},
	{"GET", "/admin/crm", "The page of the company's customers, orders and products", nil, "", 0, "text/html"},
	{"GET", "/admin/scenarios", "The page of the scenarios: test conversations with what the agent must do, run as rehearsals", nil, "", 0, "text/html"},
	{"GET", "/admin/static/:file", "A script or style of the admin pages", nil, "", 0, "*/*"},
	// Customers.
	{"POST", "/v1/conversations/:conversationID/messages", "A customer's message; returns the agent's reply (with Accept: text/event-stream, as server-sent events: delta events while the model writes, then the reply)", widgetOnly, "PostMessage", 0, "MessageReply"},
	{"OPTIONS", "/v1/conversations/:conversationID/messages", "CORS preflight of an allowed site", nil, "", 204, ""},
	{"POST", "/v1/conversations/:conversationID/feedback", "The customer's feedback on the conversation", widgetOnly, "Object", 202, "Object"},
	{"OPTIONS", "/v1/conversations/:conversationID/feedback", "CORS preflight of an allowed site", nil, "", 204, ""},
	{"GET", "/v1/conversations/:conversationID", "The transcript (staff keys also get the decisions)", widgetOrStaff, "", 0, "Object"},
	{"OPTIONS", "/v1/conversations/:conversationID", "CORS preflight of an allowed site", nil, "", 204, ""},
	{"GET", "/v1/widget/channel", "What the widget key's channel asks of customers", widgetOnly, "", 0, "Object"},
	{"OPTIONS", "/v1/widget/channel", "CORS preflight of an allowed site", nil, "", 204, ""},
	{"GET", "/v1/conversations/:conversationID/suggestion", "A suggested reply to the customer's last message", repAdmin, "", 0, "Object"},
	// Admins and auditors.
	{"GET", "/v1/conversations", "The workspace's conversations, filtered by search attribute", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/test/conversations/:conversationID/messages", "A message in the sandbox: the real agent, no credits (streams as a customer's does)", adminOnly, "PostMessage", 0, "MessageReply"},
	// Reps.
	{"GET", "/v1/rep/queue", "Hand-offs waiting for the key's team", repAdmin, "", 0, "Object"},
	{"GET", "/v1/rep/events", "Server-sent events for the team (the key may be ?key=)", repAdmin, "", 0, "text/event-stream"},
	{"POST", "/v1/rep/conversations/:conversationID/accept", "Take the hand-off", []string{roleRep}, "", 202, "Object"},
	{"POST", "/v1/rep/conversations/:conversationID/messages", "A rep's reply", []string{roleRep}, "Object", 202, "Object"},
	{"POST", "/v1/rep/conversations/:conversationID/hand-back", "Hand the conversation back to the agent", []string{roleRep}, "Object", 202, "Object"},
	{"POST", "/v1/rep/conversations/:conversationID/close", "Close the conversation", repAdmin, "", 202, "Object"},
	{"GET", "/v1/rep/conversations/:conversationID/customer", "The account of the customer, when they proved who they are", repAdmin, "", 0, "Object"},
	{"POST", "/v1/rep/conversations/:conversationID/verify", "Ask the customer to prove their email with an emailed code", []string{roleRep}, "Object", 202, "Object"},
	// Analytics.
	{"GET", "/v1/analytics/summary", "Resolution, deflection and hand-off figures", adminAuditor, "", 0, "Object"},
	{"GET", "/v1/analytics/daily", "The figures day by day", adminAuditor, "", 0, "Object"},
	{"GET", "/v1/analytics/knowledge-gaps", "Questions the agent could not answer, grouped", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/analytics/knowledge-gaps/:gapID/resolve", "Mark a knowledge gap resolved", adminOnly, "Object", 0, "Object"},
	{"GET", "/v1/analytics/sources", "Content sources by citations", adminAuditor, "", 0, "Object"},
	{"GET", "/v1/analytics/handoffs", "Hand-offs by reason and team", adminAuditor, "", 0, "Object"},
	// The agent.
	{"GET", "/v1/agent/settings", "The agent's settings", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/agent/settings", "Replace the agent's settings", adminOnly, "Object", 0, "Object"},
	{"GET", "/v1/agent/actions", "The agent's actions", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/agent/actions", "Define an action of the company", adminOnly, "Object", 201, "Object"},
	{"GET", "/v1/agent/actions/:action", "One action", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/agent/actions/:action", "Change an action", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/agent/actions/:action", "Delete an action of the company", adminOnly, "", 204, ""},
	{"POST", "/v1/agent/actions/:action/test", "Call an action with test inputs", adminOnly, "Object", 0, "Object"},
	// Rehearsals.
	{"GET", "/v1/scenarios", "The saved scenarios", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/scenarios", "Save a scenario", adminOnly, "Object", 201, "Object"},
	{"GET", "/v1/scenarios/export", "Every scenario, as the import takes them", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/scenarios/import", "Save scenarios, replacing those of the same names", adminOnly, "Object", 0, "Object"},
	{"POST", "/v1/scenarios/from-conversation", "Save a sandbox conversation as a scenario", adminOnly, "Object", 201, "Object"},
	{"GET", "/v1/scenarios/:scenarioID", "One scenario", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/scenarios/:scenarioID", "Replace a scenario", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/scenarios/:scenarioID", "Delete a scenario", adminOnly, "", 204, ""},
	{"GET", "/v1/rehearsals", "The newest rehearsals", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/rehearsals", "Rehearse scenarios and past conversations against rule set versions", adminOnly, "Object", 202, "Object"},
	{"GET", "/v1/rehearsals/:rehearsalID", "One rehearsal with its report", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/rehearsals/:rehearsalID/cancel", "Cancel a running rehearsal", adminOnly, "", 202, "Object"},
	{"GET", "/v1/content/snapshots", "The content snapshots, newest first", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/content/snapshots", "Keep a copy of the content as it is now, for rehearsals", adminOnly, "Object", 201, "Object"},
	{"GET", "/v1/content/snapshots/:snapshotID", "One content snapshot", adminAuditor, "", 0, "Object"},
	{"DELETE", "/v1/content/snapshots/:snapshotID", "Delete a content snapshot and its copy of the content", adminOnly, "", 204, ""},
	{"GET", "/v1/teams", "The teams", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/teams/:key", "Create or replace a team", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/teams/:key", "Delete a team", adminOnly, "", 204, ""},
	// The workspace and keys.
	{"GET", "/v1/workspace", "The workspace", adminAuditor, "", 0, "Workspace"},
	{"PUT", "/v1/workspace", "Rename the workspace or change its time zone or language", adminOnly, "Object", 0, "Workspace"},
	{"GET", "/v1/keys", "The people's API keys, without secrets", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/keys", "Create an API key (its secret shown once)", adminOnly, "Object", 201, "Object"},
	{"DELETE", "/v1/keys/:keyID", "Revoke an API key", adminOnly, "", 0, "Object"},
	// Leads.
	{"GET", "/v1/leads/settings", "Lead qualification settings", adminOnly, "", 0, "Object"},
	{"PUT", "/v1/leads/settings", "Replace the lead qualification settings", adminOnly, "Object", 0, "Object"},
	// Rules.
	{"GET", "/v1/rules/fields", "The names and helpers a condition can use", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/rules/validate", "Validate a condition or a rule", adminAuditor, "Object", 0, "Object"},
	{"POST", "/v1/rules/test", "Dry-run a rule set version", adminAuditor, "Object", 0, "Object"},
	{"GET", "/v1/rules/:kind/versions", "The versions of a rule set", adminAuditor, "", 0, "Object"},
	{"GET", "/v1/rules/:kind/versions/:version", "One version and its rules", adminAuditor, "", 0, "Object"},
	{"GET", "/v1/rules/:kind/draft", "The draft", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/rules/:kind/draft", "Start the draft from the published version", adminOnly, "", 0, "Object"},
	{"POST", "/v1/rules/:kind/draft/rules", "Add a rule to the draft", adminOnly, "Object", 201, "Object"},
	{"PUT", "/v1/rules/:kind/draft/rules/:ruleID", "Change a rule of the draft", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/rules/:kind/draft/rules/:ruleID", "Remove a rule from the draft", adminOnly, "", 204, ""},
	{"POST", "/v1/rules/:kind/publish", "Publish the draft", adminOnly, "", 0, "Object"},
	{"POST", "/v1/rules/:kind/rollback", "Publish a copy of an earlier version", adminOnly, "Object", 0, "Object"},
	// Content sources and issue types.
	{"GET", "/v1/sources", "The content sources", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/sources", "Add a content source (JSON, or multipart/form-data with a file)", adminOnly, "Object", 201, "Object"},
	{"GET", "/v1/sources/:sourceID", "One content source", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/sources/:sourceID", "Change a content source", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/sources/:sourceID", "Delete a content source and its chunks", adminOnly, "", 204, ""},
	{"POST", "/v1/sources/:sourceID/sync", "Sync a content source now", adminOnly, "", 202, "Object"},
	{"GET", "/v1/issue-types", "The issue types", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/issue-types", "Create an issue type", adminOnly, "Object", 201, "Object"},
	{"POST", "/v1/issue-types/import", "Import labelled examples (CSV or JSON lines)", adminOnly, "text/csv", 0, "Object"},
	{"POST", "/v1/issue-types/classify", "Classify a message", adminAuditor, "Object", 0, "Object"},
	{"GET", "/v1/issue-types/settings", "Issue-type detection settings", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/issue-types/settings", "Replace the issue-type detection settings", adminOnly, "Object", 0, "Object"},
	{"GET", "/v1/issue-types/:name", "One issue type", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/issue-types/:name", "Change an issue type", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/issue-types/:name", "Delete an issue type", adminOnly, "", 204, ""},
	// Channels.
	{"GET", "/v1/channels", "The channels", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/channels", "Create a channel (with its widget key or webhook secret)", adminOnly, "Object", 201, "Object"},
	{"GET", "/v1/channels/:channelID", "One channel", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/channels/:channelID", "Replace a channel's settings", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/channels/:channelID", "Delete a channel", adminOnly, "", 204, ""},
	{"POST", "/v1/channels/:channelID/rotate-secret", "A new webhook secret", adminOnly, "", 0, "Object"},
	{"POST", "/v1/channels/:channelID/identity-secret", "Create or rotate the identity secret", adminOnly, "", 0, "Object"},
	{"DELETE", "/v1/channels/:channelID/identity-secret", "Turn identity verification off", adminOnly, "", 204, ""},
	{"GET", "/v1/channels/:channelID/widget-origins", "The sites that may embed a chat channel", adminAuditor, "", 0, "WidgetOrigins"},
	{"PUT", "/v1/channels/:channelID/widget-origins", "Replace the sites that may embed a chat channel", adminOnly, "WidgetOrigins", 0, "WidgetOrigins"},
	{"GET", "/v1/channels/:channelID/provider", "The channel's email or WhatsApp provider settings", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/channels/:channelID/provider", "Replace the channel's provider settings", adminOnly, "Object", 0, "Object"},
	{"GET", "/v1/outbox", "Outgoing emails and WhatsApp messages and their delivery", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/webhooks/:channelID", "An inbound email or WhatsApp message (signed with the channel's secret)", nil, "Object", 0, "Object"},
	{"POST", "/v1/channels/:channelID/inbound/email", "A raw inbound email (signed)", nil, "message/rfc822", 0, "Object"},
	{"GET", "/v1/channels/:channelID/inbound/whatsapp", "The WhatsApp Cloud API's webhook verification", nil, "", 0, "text/plain"},
	{"POST", "/v1/channels/:channelID/inbound/whatsapp", "The WhatsApp Cloud API's webhook (signed)", nil, "Object", 0, "Object"},
	// CRM records.
	{"GET", "/v1/crm/contacts", "Contacts", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/crm/contacts/import", "Import contacts (JSON lines or CSV)", adminOnly, "application/x-ndjson", 0, "Object"},
	{"GET", "/v1/crm/contacts/:externalID", "One contact", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/crm/contacts/:externalID", "Create or replace a contact", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/crm/contacts/:externalID", "Erase a contact", adminOnly, "", 0, "Object"},
	{"GET", "/v1/crm/orders", "Orders", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/crm/orders/import", "Import orders (JSON lines or CSV)", adminOnly, "application/x-ndjson", 0, "Object"},
	{"GET", "/v1/crm/orders/:externalID", "One order", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/crm/orders/:externalID", "Create or replace an order", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/crm/orders/:externalID", "Delete an order", adminOnly, "", 0, "Object"},
	{"GET", "/v1/crm/products", "Products", adminAuditor, "", 0, "Object"},
	{"POST", "/v1/crm/products/import", "Import products (JSON lines or CSV)", adminOnly, "application/x-ndjson", 0, "Object"},
	{"GET", "/v1/crm/products/:externalID", "One product", adminAuditor, "", 0, "Object"},
	{"PUT", "/v1/crm/products/:externalID", "Create or replace a product", adminOnly, "Object", 0, "Object"},
	{"DELETE", "/v1/crm/products/:externalID", "Delete a product", adminOnly, "", 0, "Object"},
	// The codec server (when histories are encrypted).
	{"GET", "/codec", "The codec server's sign-in page", nil, "", 0, "text/html"},
	{"GET", "/codec/signin.js", "The sign-in page's script", nil, "", 0, "text/javascript"},
	{"OPTIONS", "/codec/:op", "CORS preflight of the Temporal UI", nil, "", 0, ""},
	{"POST", "/codec/:op", "Encode or decode Temporal payloads (op: encode, decode)", auditorAdmin, "Object", 0, "Object"},
	{"DELETE", "/codec/session", "Sign out of the codec server", nil, "", 0, ""},
}

// apiSchemas are the document's named schemas; "Object" is any JSON object
// (the README describes each body).
var apiSchemas = map[string]any{
	"Object": map[string]any{"type": "object"},
	"Error": map[string]any{
		"type": "object", "required": []string{"error"},
		"properties": map[string]any{"error": map[string]any{
			"type": "object", "required": []string{"code", "message"},
			"properties": map[string]any{
				"code": map[string]any{"type": "string", "enum": []string{
					"invalid", "unprocessable", "method_not_allowed", "not_found", "conflict", "unauthorized",
					"forbidden", "too_large", "rate_limited", "unavailable", "internal",
				}},
				"message": map[string]any{"type": "string"},
			},
		}},
		"example": map[string]any{"error": map[string]any{"code": "invalid", "message": "origins[0]: \"shop.example\" is not an origin like https://shop.example"}},
	},
	"Health": map[string]any{
		"type": "object", "required": []string{"status", "checks"},
		"properties": map[string]any{
			"status": map[string]any{"type": "string", "enum": []string{"ok", "unavailable"}},
			"checks": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string", "enum": []string{"ok", "unavailable"}}},
		},
		"example": map[string]any{"status": "ok", "checks": map[string]any{"database": "ok", "temporal": "ok", "weaviate": "ok"}},
	},
	"PostMessage": map[string]any{
		"type": "object", "required": []string{"id", "text"},
		"properties": map[string]any{
			"id":   map[string]any{"type": "string", "description": "The client's message ID: a retry with it returns the same reply"},
			"text": map[string]any{"type": "string"},
			"contact": map[string]any{"type": "object", "properties": map[string]any{
				"email": map[string]any{"type": "string"}, "name": map[string]any{"type": "string"}, "phone": map[string]any{"type": "string"},
			}},
			"identity_token": map[string]any{"type": "string", "description": "A JWT the channel's site signed for its customer"},
		},
		"additionalProperties": false,
		"example":              map[string]any{"id": "m1", "text": "How long does shipping take?", "contact": map[string]any{"email": "ada@example.com"}},
	},
	"Citation": map[string]any{
		"type": "object", "required": []string{"source_id", "title"},
		"properties": map[string]any{
			"source_id": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "url": map[string]any{"type": "string"},
		},
	},
	"MessageReply": map[string]any{
		"type": "object", "required": []string{"conversation_id", "reply", "status"},
		"properties": map[string]any{
			"conversation_id": map[string]any{"type": "string"},
			"reply": map[string]any{
				"type": "object", "required": []string{"id", "text", "citations"},
				"properties": map[string]any{
					"id": map[string]any{"type": "string"}, "text": map[string]any{"type": "string"},
					"citations": map[string]any{"type": []string{"array", "null"}, "items": map[string]any{"$ref": "#/components/schemas/Citation"}},
				},
			},
			"status":     map[string]any{"type": "string"},
			"handed_off": map[string]any{"type": "boolean"},
			"issue_type": map[string]any{"type": "string"},
		},
		"example": map[string]any{
			"conversation_id": "demo-1", "status": "ai_active",
			"reply": map[string]any{"id": "m1", "text": "Standard shipping takes 3–5 business days.", "citations": []any{
				map[string]any{"source_id": "5f0c", "title": "Shipping times and costs", "url": "https://help.example.com/shipping"},
			}},
		},
	},
	"Workspace": map[string]any{
		"type": "object", "required": []string{"id", "name", "time_zone", "default_language"},
		"properties": map[string]any{
			"id": map[string]any{"type": "string"}, "name": map[string]any{"type": "string"},
			"time_zone": map[string]any{"type": "string"}, "default_language": map[string]any{"type": "string"},
			"created_at": map[string]any{"type": "string", "format": "date-time"},
		},
		"example": map[string]any{"id": "0b6f4c1e", "name": "Acme Outdoor", "time_zone": "Europe/Berlin", "default_language": "en", "created_at": "2026-01-05T10:00:00Z"},
	},
	"WidgetOrigins": map[string]any{
		"type": "object", "required": []string{"origins"},
		"properties": map[string]any{
			"origins":    map[string]any{"type": "array", "maxItems": maxWidgetOrigins, "items": map[string]any{"type": "string"}},
			"updated_at": map[string]any{"type": "string", "format": "date-time"},
		},
		"example": map[string]any{"origins": []string{"https://shop.example"}, "updated_at": "2026-01-05T10:00:00Z"},
	},
}

// ginParam matches a route's parameters (:name, *name).
var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// OpenAPIPath is a router path in OpenAPI's syntax: /v1/channels/{channelID}.
func OpenAPIPath(ginPath string) string { return ginParam.ReplaceAllString(ginPath, "{$1}") }

// openAPIDocument builds the document from apiOperations.
func openAPIDocument() map[string]any {
	paths := map[string]map[string]any{}
	for _, op := range apiOperations {
		path := OpenAPIPath(op.Path)
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		var params []any
		for _, m := range ginParam.FindAllStringSubmatch(op.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		status := op.Status
		if status == 0 {
			status = http.StatusOK
		}
		success := map[string]any{"description": http.StatusText(status)}
		if op.Returns != "" {
			success["content"] = content(op.Returns)
		}
		responses := map[string]any{
			itoa(status): success,
			"default":    map[string]any{"description": "An error, with its code and a message naming the field", "content": content("Error")},
		}
		o := map[string]any{
			"operationId": operationID(op),
			"summary":     op.Summary,
			"tags":        []string{tag(op.Path)},
			"responses":   responses,
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.Body != "" {
			o["requestBody"] = map[string]any{"required": true, "content": content(op.Body)}
		}
		if len(op.Roles) > 0 {
			o["security"] = []any{map[string]any{"apiKey": []string{}}}
			o["x-roles"] = op.Roles
			o["description"] = "API key roles: " + strings.Join(op.Roles, ", ") + "."
		} else {
			o["security"] = []any{}
		}
		paths[path][strings.ToLower(op.Method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Switchboard API",
			"version":     "1",
			"description": "The API of Switchboard, the self-hosted AI customer-support agent. Every request but the pages, probes and signed webhooks carries `Authorization: Bearer <API key>`; a key has one role (admin, rep, auditor, widget). Errors are `{\"error\": {\"code\", \"message\"}}`. The README describes each body.",
			"license":     map[string]any{"name": "See the repository"},
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": apiSchemas,
			"securitySchemes": map[string]any{
				"apiKey": map[string]any{"type": "http", "scheme": "bearer", "description": "A Switchboard API key: sb_admin_…, sb_rep_…, sb_auditor_… or sb_widget_…"},
			},
		},
	}
}

// content is a body of a schema name or a media type.
func content(kind string) map[string]any {
	if strings.Contains(kind, "/") {
		return map[string]any{kind: map[string]any{}}
	}
	return map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + kind}}}
}

// operationID is e.g. get_v1_channels_channelID.
func operationID(op apiOperation) string {
	id := strings.ToLower(op.Method) + ginParam.ReplaceAllString(op.Path, "$1")
	return strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(id)
}

// tag is the route's group: its first segment after /v1.
func tag(path string) string {
	parts := strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, "/v1"), "/"), "/")
	return parts[0]
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

var (
	openAPIOnce sync.Once
	openAPIJSON []byte
)

// serveOpenAPI: GET /openapi.json.
func serveOpenAPI(c *gin.Context) {
	openAPIOnce.Do(func() {
		openAPIJSON, _ = json.MarshalIndent(openAPIDocument(), "", "  ")
	})
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIJSON)
}
