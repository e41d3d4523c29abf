package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/codec"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/replystream"
	"github.com/switchboardhq/switchboard/sealed"
)

// Server holds the API's dependencies. It keeps no state between requests, so
// several can run behind a load balancer.
type Server struct {
	DB        *gorm.DB
	Temporal  client.Client
	Knowledge *knowledge.Store
	// TaskQueue is where conversation workflows are started.
	TaskQueue string
	// Limits are the abuse limits; a field left zero takes
	// config.DefaultLimits' value.
	Limits config.Limits
	// MaxBodyBytes caps request bodies (413 beyond).
	MaxBodyBytes int64
	Log          *slog.Logger
	// Generator drafts reps' suggested replies (answer.Extractive when nil).
	Generator answer.Generator
	// IssueRefiner lets the language model decide among the issue-type
	// candidates (offline only when nil).
	IssueRefiner issuetypes.Refiner
	// UploadMaxBytes caps a source's uploaded file and an issue-type import
	// (fetch.DefaultMaxBytes when 0); other bodies keep MaxBodyBytes.
	UploadMaxBytes int64
	// Codec is the codec server at /codec, through which the Temporal UI
	// and CLI decrypt histories (none when nil: histories are not encrypted).
	Codec *codec.Server
	// WidgetOrigins are the sites that may embed every chat channel and
	// call the widget's routes (SWITCHBOARD_WIDGET_ORIGINS; "*": any), in
	// addition to each channel's own list.
	WidgetOrigins []string
	// Secrets seals the secret headers of the company's actions (none can
	// be stored when nil).
	Secrets *sealed.Box
	// ActionsAllowPrivate lets an action's test call reach private
	// addresses (SWITCHBOARD_FETCH_PRIVATE), as the worker's calls do.
	ActionsAllowPrivate bool
	// SimulatedCustomers is set when a language model is configured to play
	// rehearsals' simulated customers; without it they are skipped.
	SimulatedCustomers bool
	// Replies brings the model's reply, as it is written, to a customer
	// who asks for it as a stream (Accept: text/event-stream); without it
	// the stream carries the final reply only.
	Replies *replystream.Hub

	// closed is closed by CloseStreams (see closing).
	makeClosed, closeOnce sync.Once
	closed                chan struct{}
}

// Handler returns the API's routes.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(s.observe, gin.Recovery())
	r.HandleMethodNotAllowed = true
	s.trustProxies(r)
	r.NoRoute(func(c *gin.Context) {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "no route %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		s.fail(c, apperr.Errorf(apperr.EMETHOD, "method %s not allowed on %s", c.Request.Method, c.Request.URL.Path))
	})

	// Pages and suggestions.
	r.GET("/chat/:channelID", s.chatPage)
	r.GET("/rep", s.repPage)
	r.GET("/sandbox", s.sandboxPage)
	r.GET("/web/:file", s.webFile)
	r.GET("/v1/conversations/:conversationID/suggestion", s.auth(roleRep, roleAdmin), s.suggestReply)

	// Probes: /livez checks nothing but the process, /readyz (and the
	// older /healthz) every dependency, naming the one that is down.
	r.GET("/livez", s.live)
	r.GET("/readyz", s.health)
	r.GET("/healthz", s.health)
	r.GET("/metrics", serveMetrics)
	r.GET("/openapi.json", serveOpenAPI)
	v1 := r.Group("/v1")
	// Customers (through the chat widget's key).
	v1.POST("/conversations/:conversationID/messages", s.auth(roleWidget), s.postMessage)
	v1.POST("/conversations/:conversationID/feedback", s.auth(roleWidget), s.customerFeedback)
	v1.GET("/conversations/:conversationID", s.auth(roleWidget, roleAdmin, roleRep, roleAuditor), s.getConversation)
	// Auditors and admins.
	v1.GET("/conversations", s.auth(roleAdmin, roleAuditor), s.listConversations)
	// Admins' test sandbox: the real agent, no credits.
	v1.POST("/test/conversations/:conversationID/messages", s.auth(roleAdmin), s.postTestMessage)
	// Reps.
	v1.GET("/rep/queue", s.auth(roleRep, roleAdmin), s.repQueue)
	v1.GET("/rep/events", s.auth(roleRep, roleAdmin), s.repEvents)
	v1.POST("/rep/conversations/:conversationID/accept", s.auth(roleRep), s.repAccept)
	v1.POST("/rep/conversations/:conversationID/messages", s.auth(roleRep), s.repReply)
	v1.POST("/rep/conversations/:conversationID/hand-back", s.auth(roleRep), s.repHandBack)
	v1.POST("/rep/conversations/:conversationID/close", s.auth(roleRep, roleAdmin), s.closeConversation)
	v1.GET("/rep/conversations/:conversationID/customer", s.auth(roleRep, roleAdmin), s.repCustomer)
	v1.POST("/rep/conversations/:conversationID/verify", s.auth(roleRep), s.repVerify)
	// Analytics.
	v1.GET("/analytics/summary", s.auth(roleAdmin, roleAuditor), s.analyticsSummary)
	v1.GET("/analytics/daily", s.auth(roleAdmin, roleAuditor), s.analyticsDaily)
	v1.GET("/analytics/knowledge-gaps", s.auth(roleAdmin, roleAuditor), s.analyticsGaps)
	v1.POST("/analytics/knowledge-gaps/:gapID/resolve", s.auth(roleAdmin), s.resolveGap)
	v1.GET("/analytics/sources", s.auth(roleAdmin, roleAuditor), s.analyticsSources)
	v1.GET("/analytics/handoffs", s.auth(roleAdmin, roleAuditor), s.analyticsHandoffs)
	for page, file := range map[string]string{
		"dashboard": "dashboard.html", "rules": "rules.html", "agent": "agent.html",
		"conversations": "conversations.html", "content": "content.html", "issues": "issues.html", "channels": "channels.html", "crm": "crm.html",
		"scenarios": "scenarios.html",
	} {
		r.GET("/admin/"+page, s.adminPage(file))
	}
	r.GET("/admin/static/:file", s.dashboardFile)
	// The agent: its settings, actions and teams (admins write; auditors read).
	v1.GET("/agent/settings", s.auth(roleAdmin, roleAuditor), s.getAgentSettings)
	v1.PUT("/agent/settings", s.auth(roleAdmin), s.putAgentSettings)
	v1.GET("/agent/actions", s.auth(roleAdmin, roleAuditor), s.listActions)
	v1.POST("/agent/actions", s.auth(roleAdmin), s.createAction)
	v1.GET("/agent/actions/:action", s.auth(roleAdmin, roleAuditor), s.getAction)
	v1.PUT("/agent/actions/:action", s.auth(roleAdmin), s.putAction)
	v1.DELETE("/agent/actions/:action", s.auth(roleAdmin), s.deleteAction)
	v1.POST("/agent/actions/:action/test", s.auth(roleAdmin), s.testAction)
	// Rehearsals: saved scenarios, and runs of them and of past
	// conversations against a configuration to try.
	v1.GET("/scenarios", s.auth(roleAdmin, roleAuditor), s.listScenarios)
	v1.POST("/scenarios", s.auth(roleAdmin), s.createScenario)
	v1.GET("/scenarios/export", s.auth(roleAdmin, roleAuditor), s.exportScenarios)
	v1.POST("/scenarios/import", s.auth(roleAdmin), s.importScenarios)
	v1.POST("/scenarios/from-conversation", s.auth(roleAdmin), s.scenarioFromConversation)
	v1.GET("/scenarios/:scenarioID", s.auth(roleAdmin, roleAuditor), s.getScenario)
	v1.PUT("/scenarios/:scenarioID", s.auth(roleAdmin), s.putScenario)
	v1.DELETE("/scenarios/:scenarioID", s.auth(roleAdmin), s.deleteScenario)
	v1.GET("/rehearsals", s.auth(roleAdmin, roleAuditor), s.listRehearsals)
	v1.POST("/rehearsals", s.auth(roleAdmin), s.createRehearsal)
	v1.GET("/rehearsals/:rehearsalID", s.auth(roleAdmin, roleAuditor), s.getRehearsal)
	v1.POST("/rehearsals/:rehearsalID/cancel", s.auth(roleAdmin), s.cancelRehearsal)
	v1.GET("/content/snapshots", s.auth(roleAdmin, roleAuditor), s.listSnapshots)
	v1.POST("/content/snapshots", s.auth(roleAdmin), s.createSnapshot)
	v1.GET("/content/snapshots/:snapshotID", s.auth(roleAdmin, roleAuditor), s.getSnapshot)
	v1.DELETE("/content/snapshots/:snapshotID", s.auth(roleAdmin), s.deleteSnapshot)
	v1.GET("/teams", s.auth(roleAdmin, roleAuditor), s.listTeams)
	v1.PUT("/teams/:key", s.auth(roleAdmin), s.putTeam)
	v1.DELETE("/teams/:key", s.auth(roleAdmin), s.deleteTeam)
	// The workspace and its people's keys (admins write; auditors read).
	v1.GET("/workspace", s.auth(roleAdmin, roleAuditor), s.getWorkspace)
	v1.PUT("/workspace", s.auth(roleAdmin), s.putWorkspace)
	v1.GET("/keys", s.auth(roleAdmin, roleAuditor), s.listKeys)
	v1.POST("/keys", s.auth(roleAdmin), s.createKey)
	v1.DELETE("/keys/:keyID", s.auth(roleAdmin), s.revokeKey)
	// Lead qualification (admins).
	v1.GET("/leads/settings", s.auth(roleAdmin), s.getLeadSettings)
	v1.PUT("/leads/settings", s.auth(roleAdmin), s.putLeadSettings)
	// Rules (admins write; auditors read).
	v1.GET("/rules/fields", s.auth(roleAdmin, roleAuditor), s.ruleFields)
	v1.POST("/rules/validate", s.auth(roleAdmin, roleAuditor), s.validateRule)
	v1.POST("/rules/test", s.auth(roleAdmin, roleAuditor), s.testRules)
	v1.GET("/rules/:kind/versions", s.auth(roleAdmin, roleAuditor), s.listRuleVersions)
	v1.GET("/rules/:kind/versions/:version", s.auth(roleAdmin, roleAuditor), s.getRuleVersion)
	v1.GET("/rules/:kind/draft", s.auth(roleAdmin, roleAuditor), s.getRuleDraft)
	v1.POST("/rules/:kind/draft", s.auth(roleAdmin), s.startRuleDraft)
	v1.POST("/rules/:kind/draft/rules", s.auth(roleAdmin), s.createRule)
	v1.PUT("/rules/:kind/draft/rules/:ruleID", s.auth(roleAdmin), s.updateRule)
	v1.DELETE("/rules/:kind/draft/rules/:ruleID", s.auth(roleAdmin), s.deleteRule)
	v1.POST("/rules/:kind/publish", s.auth(roleAdmin), s.publishRules)
	v1.POST("/rules/:kind/rollback", s.auth(roleAdmin), s.rollbackRules)
	// Content sources and issue types.
	v1.GET("/sources", s.auth(roleAdmin, roleAuditor), s.listSources)
	v1.POST("/sources", s.auth(roleAdmin), s.createSource)
	v1.GET("/sources/:sourceID", s.auth(roleAdmin, roleAuditor), s.getSource)
	v1.PUT("/sources/:sourceID", s.auth(roleAdmin), s.updateSource)
	v1.DELETE("/sources/:sourceID", s.auth(roleAdmin), s.deleteSource)
	v1.POST("/sources/:sourceID/sync", s.auth(roleAdmin), s.syncSource)
	v1.GET("/issue-types", s.auth(roleAdmin, roleAuditor), s.listIssueTypes)
	v1.POST("/issue-types", s.auth(roleAdmin), s.createIssueType)
	v1.POST("/issue-types/import", s.auth(roleAdmin), s.importIssueExamples)
	v1.POST("/issue-types/classify", s.auth(roleAdmin, roleAuditor), s.classifyIssue)
	v1.GET("/issue-types/settings", s.auth(roleAdmin, roleAuditor), s.getIssueTypeSettings)
	v1.PUT("/issue-types/settings", s.auth(roleAdmin), s.putIssueTypeSettings)
	v1.GET("/issue-types/:name", s.auth(roleAdmin, roleAuditor), s.getIssueType)
	v1.PUT("/issue-types/:name", s.auth(roleAdmin), s.updateIssueType)
	v1.DELETE("/issue-types/:name", s.auth(roleAdmin), s.deleteIssueType)
	// Channels (admins write; auditors read), what a widget's channel asks,
	// and inbound email and whatsapp messages (signed, no API key).
	v1.GET("/channels", s.auth(roleAdmin, roleAuditor), s.listChannels)
	v1.POST("/channels", s.auth(roleAdmin), s.createChannel)
	v1.GET("/channels/:channelID", s.auth(roleAdmin, roleAuditor), s.getChannel)
	v1.PUT("/channels/:channelID", s.auth(roleAdmin), s.updateChannel)
	v1.DELETE("/channels/:channelID", s.auth(roleAdmin), s.deleteChannel)
	v1.POST("/channels/:channelID/rotate-secret", s.auth(roleAdmin), s.rotateChannelSecret)
	v1.POST("/channels/:channelID/identity-secret", s.auth(roleAdmin), s.rotateIdentitySecret)
	v1.DELETE("/channels/:channelID/identity-secret", s.auth(roleAdmin), s.deleteIdentitySecret)
	v1.GET("/channels/:channelID/provider", s.auth(roleAdmin, roleAuditor), s.getProvider)
	v1.PUT("/channels/:channelID/provider", s.auth(roleAdmin), s.putProvider)
	v1.GET("/outbox", s.auth(roleAdmin, roleAuditor), s.listOutbox)
	v1.GET("/widget/channel", s.auth(roleWidget), s.widgetChannel)
	v1.GET("/channels/:channelID/widget-origins", s.auth(roleAdmin, roleAuditor), s.getWidgetOrigins)
	v1.PUT("/channels/:channelID/widget-origins", s.auth(roleAdmin), s.putWidgetOrigins)
	for _, path := range widgetPaths {
		r.OPTIONS(path, s.widgetPreflight)
	}
	// The company's CRM records (admins write; auditors read).
	s.crmRoutes(v1)
	v1.POST("/webhooks/:channelID", s.inboundWebhook)
	// Providers' own shapes: a raw email, the WhatsApp Cloud API's webhook.
	v1.POST("/channels/:channelID/inbound/email", s.inboundEmail)
	v1.GET("/channels/:channelID/inbound/whatsapp", s.whatsAppVerify)
	v1.POST("/channels/:channelID/inbound/whatsapp", s.whatsAppWebhook)
	// The Temporal codec server (auditors and admins): the Temporal UI and
	// CLI send it encrypted payloads of conversation histories to decrypt.
	// Admit answers the UI's CORS and turns a browser's session cookie into
	// its key before the key check; the preflight carries no key.
	if s.Codec != nil {
		admit, codecServer := gin.WrapF(s.Codec.Admit), gin.WrapH(s.Codec)
		r.GET("/codec", codecServer)
		r.GET("/codec/signin.js", codecServer)
		r.OPTIONS("/codec/:op", admit, codecServer)
		r.POST("/codec/:op", admit, s.auth(roleAuditor, roleAdmin), codecServer)
		r.DELETE("/codec/session", codecServer)
	}
	return r
}

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[string]int{
	apperr.EINVALID:       http.StatusBadRequest,
	apperr.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	apperr.ENOTFOUND:      http.StatusNotFound,
	apperr.ECONFLICT:      http.StatusConflict,
	apperr.EUNAUTHORIZED:  http.StatusUnauthorized,
	apperr.EFORBIDDEN:     http.StatusForbidden,
	apperr.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	apperr.ERATELIMITED:   http.StatusTooManyRequests,
	apperr.EMETHOD:        http.StatusMethodNotAllowed,
	apperr.EUNAVAILABLE:   http.StatusServiceUnavailable,
	apperr.EINTERNAL:      http.StatusInternalServerError,
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// fail writes err as the error body; internal errors are logged, not shown.
func (s *Server) fail(c *gin.Context, err error) {
	status, detail := s.failure(c, err)
	var limited *limitError
	if errors.As(err, &limited) {
		c.Header("Retry-After", strconv.Itoa(limited.retryAfterSeconds()))
	}
	c.AbortWithStatusJSON(status, errorBody{Error: detail})
}

// failure is err's status and body, logged when it is internal. A Temporal
// server that cannot be reached is 503 on every route, not an internal
// error (a customer's message says more: see turnError).
func (s *Server) failure(c *gin.Context, err error) (int, errorDetail) {
	code := apperr.Code(err)
	if code == apperr.EINTERNAL && temporalUnreachable(err) {
		s.Log.Warn("temporal unreachable", "method", c.Request.Method, "path", c.FullPath(), "request_id", requestID(c), "err", err)
		return statusFor(apperr.EUNAVAILABLE), errorDetail{Code: apperr.EUNAVAILABLE, Message: "the workflow service cannot be reached just now; try again"}
	}
	if code == apperr.EINTERNAL {
		s.Log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "request_id", requestID(c), "err", err)
	}
	return statusFor(code), errorDetail{Code: code, Message: apperr.Message(err)}
}

type healthBody struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// health is 200 only when the database, Temporal and Weaviate all answer.
func (s *Server) health(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	record := func(name string, err error) {
		if err != nil {
			ok = false
			checks[name] = "unavailable"
			s.Log.Warn("health check failed", "dependency", name, "err", err)
			return
		}
		checks[name] = "ok"
	}
	sqlDB, err := s.DB.DB()
	if err == nil {
		err = sqlDB.PingContext(ctx)
	}
	record("database", err)
	_, err = s.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
	record("temporal", err)
	record("weaviate", s.Knowledge.Ready(ctx))
	if !ok {
		c.JSON(http.StatusServiceUnavailable, healthBody{Status: "unavailable", Checks: checks})
		return
	}
	c.JSON(http.StatusOK, healthBody{Status: "ok", Checks: checks})
}

// isTimeout reports a deadline or cancellation, which the client sees as 503.
// temporalUnreachable reports an error of a Temporal server that could not
// be reached or refused the call for now (after the SDK's own retries,
// when there were any).
func temporalUnreachable(err error) bool {
	var unavailable *serviceerror.Unavailable
	var exhausted *serviceerror.ResourceExhausted
	var deadline *serviceerror.DeadlineExceeded
	return errors.As(err, &unavailable) || errors.As(err, &exhausted) || errors.As(err, &deadline)
}

func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
