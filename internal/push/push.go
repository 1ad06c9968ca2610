// Package push delivers Web Push notifications: it keeps the server's VAPID keys,
// people's push subscriptions and a persistent queue of pushes, and its worker sends
// them with RFC 8291 encryption (aes128gcm) and a VAPID signature, retrying with
// backoff what the push service did not take. Who gets what is decided elsewhere
// (the dispatcher, gated by quiet hours and secrecy levels); this package only
// delivers.
package push

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"govchat/internal/egress"
	"govchat/internal/store"
	"govchat/protocol"
)

// Options tune the service; zero values take the defaults named.
type Options struct {
	// Subject is the VAPID "sub" claim, a contact for the push service's operators:
	// mailto:… or https://…. Default DefaultSubject.
	Subject string
	// PublicKey and PrivateKey are a VAPID key pair (base64url: the 65-byte
	// uncompressed P-256 point and the 32-byte scalar). Both or neither: when neither,
	// a pair is generated on first start and kept in the store for every node.
	PublicKey, PrivateKey string
	// Egress decides which addresses the service may post to, checked on the
	// endpoint's host when subscribing and on every resolved address when connecting.
	// Default egress.Public: loopback, private, link-local and other inward addresses
	// are refused, so a subscription cannot make the server post to its own network.
	// Only tests, serving the push service on loopback, pass another.
	Egress egress.Policy
	// RootCAs are the certificate authorities push services are checked against.
	// Default: the system's.
	RootCAs *x509.CertPool
	// PollInterval is how often an idle worker looks for due jobs. Default 5 s; a push
	// enqueued on this node is sent at once.
	PollInterval time.Duration
	// Lease is how long a claimed job is held before another worker may take it (its
	// worker presumed dead). Default 2 min.
	Lease time.Duration
	// MaxAttempts bounds the tries of one push. Default 8.
	MaxAttempts int
	// RetryBase and RetryMax shape the backoff: the n-th retry waits
	// min(RetryBase·3^(n-1), RetryMax), ±20 % jitter. Defaults 1 min and 8 h: eight
	// attempts span about 14 hours, unless the push's TTL runs out first.
	RetryBase, RetryMax time.Duration
	// Workers is how many pushes one node sends at once. Default 4.
	Workers int
	// MaxDevices bounds a person's subscriptions; the least recently used go first.
	// Default 10.
	MaxDevices int
}

// DefaultSubject is the VAPID subject when none is configured. Set --vapid-subject to
// a real contact (mailto:ops@bureau.gov.cn or the public https URL) in production:
// some push services refuse placeholder contacts.
const DefaultSubject = "mailto:admin@localhost"

// Defaults.
const (
	DefaultTTL     = 24 * time.Hour
	MaxTTL         = 28 * 24 * time.Hour
	maxUserAgent   = 512
	maxTag         = 64
	maxTopic       = 32 // RFC 8030 §5.4
	claimBatch     = 32
	sendTimeout    = 30 * time.Second
	releaseTimeout = 5 * time.Second
)

// Message is one push to every device of some people.
type Message struct {
	Payload protocol.PushPayload
	// TTL is how long the push service keeps the push for an offline device; 0 means
	// DefaultTTL, more than MaxTTL is cut to it. It also bounds the retries.
	TTL time.Duration
	// Urgent sends with Urgency: high (urgent notices, break-throughs); otherwise normal.
	Urgent bool
	// Topic makes a newer push replace an older undelivered one with the same topic,
	// at the push service and in our queue (a channel: "c12"; a notice: "n7"). Any
	// string; one that is not a valid RFC 8030 topic is hashed into one.
	Topic string
}

// Store is the part of the store the push service uses.
type Store interface {
	SavePushSubscription(ctx context.Context, sub *store.PushSubscription) error
	DeletePushSubscription(ctx context.Context, userID int64, endpoint string) error
	DeletePushSubscriptionByID(ctx context.Context, id int64) error
	ListPushSubscriptions(ctx context.Context, userID int64) ([]store.PushSubscription, error)
	TouchPushSubscription(ctx context.Context, id int64, at time.Time) error
	PrunePushSubscriptions(ctx context.Context, userID int64, keep int) (int, error)
	EnqueuePush(ctx context.Context, userIDs []int64, job store.PushJob) (int, error)
	ClaimPushJobs(ctx context.Context, now, leaseUntil time.Time, limit int) ([]store.PushJob, error)
	RetryPushJob(ctx context.Context, id int64, attempts int, next time.Time) error
	DeletePushJob(ctx context.Context, id int64, attempts int) error
	keyStore
}

// Service keeps keys and subscriptions and runs the sending worker.
type Service struct {
	st      Store
	log     *slog.Logger
	now     func() time.Time
	opt     Options
	client  *http.Client
	public  string
	private string
	sender  string // Subject as webpush-go wants it (see subscriber)
	wake    chan struct{}
}

// ErrKeys is a VAPID configuration error.
var ErrKeys = errors.New("push: VAPID keys")

// New returns the service with its VAPID keys: those in opt, else the store's, else a
// new pair generated and stored (once, even when several nodes start together).
func New(st Store, log *slog.Logger, now func() time.Time, opt Options) (*Service, error) {
	if opt.Subject == "" {
		opt.Subject = DefaultSubject
	}
	if !strings.HasPrefix(opt.Subject, "mailto:") && !strings.HasPrefix(opt.Subject, "https://") {
		return nil, fmt.Errorf("push: VAPID subject must be mailto:… or https://…, got %q", opt.Subject)
	}
	if opt.Egress == nil {
		opt.Egress = egress.Public
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = 5 * time.Second
	}
	if opt.Lease <= 0 {
		opt.Lease = 2 * time.Minute
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 8
	}
	if opt.RetryBase <= 0 {
		opt.RetryBase = time.Minute
	}
	if opt.RetryMax <= 0 {
		opt.RetryMax = 8 * time.Hour
	}
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.MaxDevices <= 0 {
		opt.MaxDevices = 10
	}
	s := &Service{st: st, log: log, now: now, opt: opt, client: newClient(opt.Egress, opt.RootCAs),
		sender: subscriber(opt.Subject), wake: make(chan struct{}, 1)}
	pub, priv, err := loadKeys(context.Background(), st, opt.PublicKey, opt.PrivateKey)
	if err != nil {
		return nil, err
	}
	s.public, s.private = pub, priv
	return s, nil
}

// newClient is the client that posts to push services: it connects only to addresses
// allow accepts (checked after resolution, on every address tried), directly and not
// through a proxy from the environment (whose address the check would see instead of
// the push service's), follows no redirects, and gives up after sendTimeout.
func newClient(allow egress.Policy, roots *x509.CertPool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: egress.Control(allow)}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = dialer.DialContext
	tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	return &http.Client{
		Transport:     tr,
		Timeout:       sendTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// PublicKey is the VAPID public key clients subscribe with (base64url, no padding).
func (s *Service) PublicKey() string { return s.public }

// subscriber is the subject in the form webpush-go takes: it adds "mailto:" to
// anything that is not an https URL, so an address is passed without it.
func subscriber(subject string) string {
	if rest, ok := strings.CutPrefix(subject, "mailto:"); ok {
		return rest
	}
	return subject
}

// Enqueue queues msg for every subscription of each user and returns how many
// pushes it queued (0 for people with no device subscribed). The worker on this node
// is woken at once.
func (s *Service) Enqueue(ctx context.Context, userIDs []int64, msg Message) (int, error) {
	payload, err := EncodePayload(msg.Payload)
	if err != nil {
		return 0, err
	}
	ttl := msg.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	ttl = min(ttl, MaxTTL).Truncate(time.Second)
	urgency := "normal"
	if msg.Urgent {
		urgency = "high"
	}
	now := s.now()
	n, err := s.st.EnqueuePush(ctx, userIDs, store.PushJob{
		Payload: string(payload), TTL: ttl, Urgency: urgency, Topic: Topic(msg.Topic), CreatedAt: now, NextAt: now,
	})
	if err != nil {
		return 0, fmt.Errorf("push: enqueue: %w", err)
	}
	if n > 0 {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return n, nil
}
