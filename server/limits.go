package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/metrics"
	"github.com/switchboardhq/switchboard/models"
)

// Abuse limits. A customer message takes a token from several buckets
// (models.RateBucket) before anything else happens to it: a refused message
// gets 429 and never reaches, or starts, a conversation's workflow, so it
// costs no credit. The rep event streams an API key holds open are leases
// (models.StreamLease). Both live in the database, so they hold across every
// API server.

// The limits' names: the prefix of their buckets, and the start of a refused
// request's message.
const (
	limitConversationMessages = "conversation_messages"
	limitAddressMessages      = "address_messages"
	limitAddressConversations = "address_conversations"
	limitKeyMessages          = "key_messages"
	limitKeyConversations     = "key_conversations"
	limitChannelMessages      = "channel_messages"
	limitChannelConversations = "channel_conversations"
	limitEventStreams         = "event_streams"
)

// limits are s.Limits, with config.DefaultLimits' value for each field left
// zero (config refuses a zero limit, so zero means "not set").
func (s *Server) limits() config.Limits {
	l, d := s.Limits, config.DefaultLimits()
	l.KeyMessages = cmp.Or(l.KeyMessages, d.KeyMessages)
	l.KeyConversations = cmp.Or(l.KeyConversations, d.KeyConversations)
	l.AddressMessages = cmp.Or(l.AddressMessages, d.AddressMessages)
	l.AddressConversations = cmp.Or(l.AddressConversations, d.AddressConversations)
	l.ConversationMessages = cmp.Or(l.ConversationMessages, d.ConversationMessages)
	l.EventStreams = cmp.Or(l.EventStreams, d.EventStreams)
	return l
}

// trustProxies makes r believe X-Forwarded-For and X-Real-IP only from the
// configured proxies, so a client cannot pick the address the address limits
// count by sending the header.
func (s *Server) trustProxies(r *gin.Engine) {
	if err := r.SetTrustedProxies(s.Limits.TrustedProxies); err != nil {
		s.Log.Error("trusted proxies ignored: no proxy is trusted", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
}

// limitError is a request an abuse limit refused: 429, with Retry-After.
type limitError struct {
	err        *apperr.Error
	retryAfter time.Duration
}

func (e *limitError) Error() string { return e.err.Error() }
func (e *limitError) Unwrap() error { return e.err }

// retryAfterSeconds is the Retry-After header's value: whole seconds, at
// least one.
func (e *limitError) retryAfterSeconds() int {
	return max(1, int(math.Ceil(e.retryAfter.Seconds())))
}

// bucket is one token bucket a request takes a token from. It holds
// perMinute tokens and refills at perMinute a minute.
type bucket struct {
	limit     string
	subject   string
	perMinute int
	// what completes "more than N … a minute" in a refusal.
	what string
}

// limitCustomerMessage takes the tokens of message messageID to
// conversation wfID from the principal's key: the conversation's, the client
// address's, then the key's; a new conversation also takes the address's and
// the key's new-conversation tokens. The narrowest come first, so one
// address spends its own tokens before the key's, which every customer of
// the site shares. It returns what the server knew of the conversation when
// the message arrived (arrival).
func (s *Server) limitCustomerMessage(c *gin.Context, wfID, messageID string) (arrival, error) {
	ctx := c.Request.Context()
	p := principal(c)
	l := s.limits()
	known, err := s.arrival(ctx, wfID, messageID)
	if err != nil {
		return known, err
	}
	started := known.started
	address := p.WorkspaceID + "/" + addressOf(c.ClientIP())
	buckets := []bucket{
		{limitConversationMessages, wfID, l.ConversationMessages, "messages a minute in this conversation"},
		{limitAddressMessages, address, l.AddressMessages, "messages a minute from your address"},
	}
	if !started {
		buckets = append(buckets, bucket{limitAddressConversations, address, l.AddressConversations, "new conversations a minute from your address"})
	}
	buckets = append(buckets, bucket{limitKeyMessages, p.KeyID, l.KeyMessages, "messages a minute with this key"})
	if !started {
		buckets = append(buckets, bucket{limitKeyConversations, p.KeyID, l.KeyConversations, "new conversations a minute with this key"})
	}
	return known, s.takeTokens(ctx, buckets)
}

// limitWebhookMessage takes the tokens of an inbound message to conversation
// wfID on a webhook channel: the conversation's (one sender's), then the
// channel's, with the key limits' rates (the channel's secret is its key).
// It returns what the server knew of the conversation when the message
// arrived (arrival).
func (s *Server) limitWebhookMessage(ctx context.Context, channelID, wfID, messageID string) (arrival, error) {
	l := s.limits()
	known, err := s.arrival(ctx, wfID, messageID)
	if err != nil {
		return known, err
	}
	started := known.started
	buckets := []bucket{
		{limitConversationMessages, wfID, l.ConversationMessages, "messages a minute in this conversation"},
		{limitChannelMessages, channelID, l.KeyMessages, "messages a minute to this channel"},
	}
	if !started {
		buckets = append(buckets, bucket{limitChannelConversations, channelID, l.KeyConversations, "new conversations a minute on this channel"})
	}
	return known, s.takeTokens(ctx, buckets)
}

// addressOf is the address an address limit counts: an IPv4 address, or an
// IPv6 address's /64, which one subscriber usually holds whole.
func addressOf(clientIP string) string {
	ip := net.ParseIP(clientIP)
	if ip == nil || ip.To4() != nil {
		return clientIP
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// takeTokens takes a token from each bucket in one statement; when one has
// none, the first such in order is named by a *limitError and the tokens
// taken from the others are given back, so no bucket loses one (a take
// running meanwhile may find one of them short for that moment). The
// buckets are rate state, not records: on PostgreSQL the statement's
// transaction does not wait for its commit to reach the disk (a crash
// forgets at most the last moment's takes), so the hot rows every customer
// of a key shares are held for a statement, not for a disk flush.
func (s *Server) takeTokens(ctx context.Context, buckets []bucket) error {
	sql, args := takeTokensStatement(buckets)
	var taken []takenBucket
	if err := s.DB.WithContext(ctx).Raw(s.sql(sql), args).Scan(&taken).Error; err != nil {
		return fmt.Errorf("take tokens: %w", err)
	}
	s.sweepBuckets(ctx)
	names := make([]string, len(taken))
	for i, t := range taken {
		names[i] = t.Bucket
	}
	i := slices.IndexFunc(buckets, func(b bucket) bool { return !slices.Contains(names, b.name()) })
	if i < 0 {
		return nil
	}
	refused := buckets[i]
	if len(names) > 0 {
		if err := s.DB.WithContext(ctx).Exec("UPDATE rate_buckets SET tokens = tokens + 1 WHERE bucket IN ?", names).Error; err != nil {
			return fmt.Errorf("give back tokens: %w", err)
		}
	}
	wait, err := s.tokenWait(s.DB.WithContext(ctx), refused.name(), refused.perMinute)
	if err != nil {
		return err
	}
	metrics.RateLimited(refused.limit)
	e := &limitError{retryAfter: wait}
	e.err = apperr.Errorf(apperr.ERATELIMITED, "%s: more than %d %s; retry after %d s",
		refused.limit, refused.perMinute, refused.what, e.retryAfterSeconds())
	return e
}

// takenBucket is a row takeTokensStatement returns.
type takenBucket struct{ Bucket string }

// name is the bucket's row in rate_buckets.
func (b bucket) name() string { return b.limit + "/" + b.subject }

// takeTokensStatement takes a token from every bucket in one statement: a
// new bucket starts full less the token taken; an existing one is refilled
// and loses a token only when it has one. A bucket's capacity travels in
// its proposed row, as tokens + 1, and it refills at its capacity a minute.
// The rows that come back name the buckets a token was taken from; on
// PostgreSQL each also turns synchronous_commit off for the statement's
// transaction ({async}), which a take that changed no row does not need.
// Concurrent takes of one bucket queue on its row, so none reads a stale
// count.
func takeTokensStatement(buckets []bucket) (string, map[string]any) {
	available := `{least}(excluded.tokens + 1,
	rate_buckets.tokens + {greatest}(0, {now} - rate_buckets.refilled_at) * (excluded.tokens + 1) / 60)`
	args := map[string]any{}
	rows := make([]string, len(buckets))
	for i, b := range buckets {
		rows[i] = fmt.Sprintf("(@bucket%d, CAST(@capacity%d AS DOUBLE PRECISION) - 1, {now})", i, i)
		args[fmt.Sprintf("bucket%d", i)], args[fmt.Sprintf("capacity%d", i)] = b.name(), float64(b.perMinute)
	}
	return `INSERT INTO rate_buckets (bucket, tokens, refilled_at) VALUES ` + strings.Join(rows, ", ") + `
ON CONFLICT (bucket) DO UPDATE SET tokens = ` + available + ` - 1, refilled_at = {now}
WHERE ` + available + ` >= 1
RETURNING bucket{async}`, args
}

// sqlDialect holds the SQL that differs between PostgreSQL and SQLite: the
// database clock in Unix seconds, the two-argument minimum and maximum, and
// a column that has the transaction commit without waiting for the disk.
type sqlDialect struct{ now, least, greatest, async string }

var (
	postgresDialect = sqlDialect{
		now:   "CAST(EXTRACT(EPOCH FROM statement_timestamp()) AS DOUBLE PRECISION)",
		least: "LEAST", greatest: "GREATEST", async: ", set_config('synchronous_commit', 'off', true)",
	}
	sqliteDialect = sqlDialect{now: "((julianday('now') - 2440587.5) * 86400.0)", least: "MIN", greatest: "MAX"}
)

// sql writes q in the dialect of s.DB.
func (s *Server) sql(q string) string {
	d := postgresDialect
	if s.DB.Dialector.Name() == "sqlite" {
		d = sqliteDialect
	}
	return strings.NewReplacer("{now}", d.now, "{least}", d.least, "{greatest}", d.greatest, "{async}", d.async).Replace(q)
}

// bucketAvailable is a bucket's tokens now: what was left, plus the refill
// since, up to its capacity.
const bucketAvailable = `{least}(CAST(@capacity AS DOUBLE PRECISION),
	rate_buckets.tokens + {greatest}(0, {now} - rate_buckets.refilled_at) * CAST(@rate AS DOUBLE PRECISION))`

// bucketSweepAge is how long a bucket stays after its last token was taken.
// A bucket refills completely within a minute, so one left alone longer
// than that is full, and deleting it changes nothing.
const bucketSweepAge = 10 * time.Minute

// bucketSweepEvery: about one take in this many also deletes the buckets
// left alone for bucketSweepAge, so the table holds only recent ones.
const bucketSweepEvery = 1000

// tokenWait is how long until the named bucket has a token again: advice
// to a refused client, which a take by another request meanwhile does not
// make wrong by much.
func (s *Server) tokenWait(db *gorm.DB, name string, perMinute int) (time.Duration, error) {
	args := map[string]any{"bucket": name, "capacity": float64(perMinute), "rate": float64(perMinute) / 60}
	var available []float64
	err := db.Raw(s.sql("SELECT "+bucketAvailable+" FROM rate_buckets WHERE bucket = @bucket"), args).Scan(&available).Error
	if err != nil {
		return 0, fmt.Errorf("read bucket %s: %w", name, err)
	}
	wait := time.Second
	if len(available) > 0 && available[0] < 1 {
		wait = time.Duration((1 - available[0]) / (float64(perMinute) / 60) * float64(time.Second))
	}
	return wait, nil
}

// sweepBuckets, about once in bucketSweepEvery calls, deletes the buckets
// left alone for bucketSweepAge, so the table holds only recent ones.
func (s *Server) sweepBuckets(ctx context.Context) {
	if rand.IntN(bucketSweepEvery) != 0 {
		return
	}
	err := s.DB.WithContext(ctx).Exec(s.sql("DELETE FROM rate_buckets WHERE refilled_at < {now} - @age"),
		map[string]any{"age": bucketSweepAge.Seconds()}).Error
	if err != nil {
		s.Log.Warn("sweep rate buckets", "err", err)
	}
}

// Event-stream leases: a stream renews its lease at every keep-alive
// (eventKeepAlive), and a lease not renewed for streamLeaseTTL (a server
// that died) frees its slot.
const (
	eventKeepAlive = 15 * time.Second
	streamLeaseTTL = 4 * eventKeepAlive
)

// streamLease is an open event stream's slot.
type streamLease struct {
	keyID  string
	slot   int
	holder string
}

// openStreamSQL takes a slot that is free or whose lease has expired; the
// row comes back only when the slot was taken.
const openStreamSQL = `INSERT INTO stream_leases (key_id, slot, holder, expires_at)
VALUES (@key, @slot, @holder, {now} + @ttl)
ON CONFLICT (key_id, slot) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE stream_leases.expires_at < {now}
RETURNING slot`

// openStream takes one of the key's event-stream slots, or refuses with a
// *limitError when the key holds all of them.
func (s *Server) openStream(ctx context.Context, keyID string) (streamLease, error) {
	n := s.limits().EventStreams
	holder := uuid.NewString()
	for slot := range n {
		var taken []int
		err := s.DB.WithContext(ctx).Raw(s.sql(openStreamSQL), map[string]any{
			"key": keyID, "slot": slot, "holder": holder, "ttl": streamLeaseTTL.Seconds(),
		}).Scan(&taken).Error
		if err != nil {
			return streamLease{}, fmt.Errorf("open an event stream: %w", err)
		}
		if len(taken) > 0 {
			return streamLease{keyID: keyID, slot: slot, holder: holder}, nil
		}
	}
	metrics.RateLimited(limitEventStreams)
	e := &limitError{retryAfter: eventKeepAlive}
	e.err = apperr.Errorf(apperr.ERATELIMITED, "%s: this key has %d event streams open, the most it may; close one, or retry after %d s",
		limitEventStreams, n, e.retryAfterSeconds())
	return streamLease{}, e
}

// errLeaseLost ends a stream whose lease expired, and whose slot another
// stream may hold by now.
var errLeaseLost = errors.New("event stream lease lost")

// renewStream extends the stream's lease by streamLeaseTTL.
func (s *Server) renewStream(ctx context.Context, l streamLease) error {
	res := s.DB.WithContext(ctx).Exec(s.sql(`UPDATE stream_leases SET expires_at = {now} + @ttl
WHERE key_id = @key AND slot = @slot AND holder = @holder`),
		map[string]any{"key": l.keyID, "slot": l.slot, "holder": l.holder, "ttl": streamLeaseTTL.Seconds()})
	if res.Error != nil {
		return fmt.Errorf("renew the event stream's lease: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errLeaseLost
	}
	return nil
}

// closeStream frees the stream's slot. It runs when the client has gone, so
// it does not use the request's context.
func (s *Server) closeStream(ctx context.Context, l streamLease) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := s.DB.WithContext(ctx).Where("key_id = ? AND slot = ? AND holder = ?", l.keyID, l.slot, l.holder).
		Delete(&models.StreamLease{}).Error
	if err != nil {
		s.Log.Warn("free an event stream's slot (it expires on its own)", "err", err)
	}
}
