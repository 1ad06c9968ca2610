// Package httpapi is govchat's REST surface: routing (stdlib ServeMux with method
// patterns, all in routes.go), authentication and authorisation of every request,
// bounded JSON decoding and the one mapping from errors to responses.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"govchat/internal/account"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/blob"
	"govchat/internal/chat"
	"govchat/internal/collect"
	"govchat/internal/files"
	"govchat/internal/holds"
	"govchat/internal/keys"
	"govchat/internal/metrics"
	"govchat/internal/notice"
	"govchat/internal/org"
	"govchat/internal/origin"
	"govchat/internal/presence"
	"govchat/internal/push"
	"govchat/internal/quiet"
	"govchat/internal/ratelimit"
	"govchat/internal/recovery"
	"govchat/internal/secrecy"
	"govchat/internal/store"
	"govchat/internal/todo"
)

// Pinger is something /readyz checks (the store, the bus, the blob store).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Store is the part of the store the handlers read themselves; changes go through the
// services (auth, account, org, chat, notice, push, quiet), which declare their own.
type Store interface {
	GetUser(ctx context.Context, id int64) (store.User, error)
	ListUsers(ctx context.Context, f store.UserFilter) ([]store.User, error)
	orgReader
	ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error)
	GetMeta(ctx context.Context, key string) (string, error)
	Ping(ctx context.Context) error
}

// Deps is what the API needs; the server wires it.
type Deps struct {
	Store    Store
	Bus      Pinger
	Auth     *auth.Service
	Accounts *account.Service
	Org      *org.Service
	Audit    *audit.Recorder
	Metrics  *metrics.Metrics
	Log      *slog.Logger
	Now      func() time.Time

	// PublicOrigin is the public URL's origin (config.PublicOrigin); none: a browser's
	// Origin is compared with the Host header. https makes cookies Secure.
	PublicOrigin origin.Origin
	TrustProxy   bool
	OrgName      string // overrides the stored name when set
	Version      string
	Locale       string
	TimeZone     string
	// RecallWindow and EditWindow are the chat service's, told to clients in /info.
	RecallWindow, EditWindow time.Duration
	Reactions                []string          // the chat service's allowed set, told to clients in /info
	LoginLimit               ratelimit.Allower // per client address; shared through Redis in a cluster
	WebClient                http.Handler      // serves the embedded client for everything not under /api
	Chat                     *chat.Service
	Notices                  *notice.Service
	// Collections (收集, 接龙); nil leaves their endpoints out.
	Collections *collect.Service
	WS          http.Handler // the WebSocket hub at /api/v1/ws
	Presence    presence.Tracker
	Push        *push.Service // Web Push; nil leaves the push endpoints out
	// Quiet is working time (工作时间); nil leaves the quiet-hours endpoints out.
	Quiet *quiet.Service
	// Blobs keeps files' ciphertext (a local folder or S3); /readyz pings it. nil: no
	// blob check (tests that serve no files).
	Blobs blob.Store
	// Keys are the keys of end-to-end encrypted files; nil leaves their endpoints out.
	Keys *keys.Service
	// Files are uploads and downloads of encrypted files; nil leaves them out.
	Files *files.Service
	// Holds are legal holds (§4.19); nil leaves their endpoints out.
	Holds *holds.Service
	// Secrecy is the secrecy ladder and the channels' ceilings; nil leaves its
	// endpoints out.
	Secrecy *secrecy.Service
	// Todos is the 待办 list and message to-dos; nil leaves their endpoints out.
	Todos *todo.Service

	// PreloginLimit counts salt look-ups and key recoveries asked, per client address;
	// nil: no limit.
	PreloginLimit ratelimit.Allower
	// Recovery is key recovery (§4.23); nil leaves its endpoints out.
	Recovery *recovery.Service
}

// API serves HTTP.
type API struct {
	store       Store
	bus         Pinger
	auth        *auth.Service
	accounts    *account.Service
	org         *org.Service
	audit       *audit.Recorder
	metrics     *metrics.Metrics
	log         *slog.Logger
	now         func() time.Time
	loginLimit  ratelimit.Allower
	web         http.Handler
	chat        *chat.Service
	notices     *notice.Service
	collections *collect.Service
	ws          http.Handler
	presenceOf  presence.Tracker
	quiet       *quiet.Service
	push        *push.Service
	blobs       blob.Store
	keys        *keys.Service
	files       *files.Service
	holds       *holds.Service
	secrecy     *secrecy.Service
	todos       *todo.Service

	preloginLimit ratelimit.Allower
	recovery      *recovery.Service

	secure       bool          // public URL is https: cookies get Secure, responses HSTS
	publicOrigin origin.Origin // what a browser's Origin must be; none: the request's host
	trustProxy   bool
	orgName      string
	version      string
	locale       string
	timeZone     string
	recallWindow time.Duration
	editWindow   time.Duration
	reactions    []string
}

// New builds the handler.
func New(d Deps) http.Handler {
	a := &API{
		store: d.Store, bus: d.Bus, auth: d.Auth, accounts: d.Accounts, org: d.Org, audit: d.Audit,
		metrics: d.Metrics, log: d.Log, now: d.Now, loginLimit: d.LoginLimit, web: d.WebClient, chat: d.Chat, notices: d.Notices, ws: d.WS, presenceOf: d.Presence, push: d.Push,
		trustProxy: d.TrustProxy, orgName: d.OrgName, version: d.Version, locale: d.Locale, timeZone: d.TimeZone,
		recallWindow: d.RecallWindow, editWindow: d.EditWindow,
	}
	a.reactions = append([]string{}, d.Reactions...) // [] rather than null when off
	a.quiet = d.Quiet
	a.collections = d.Collections
	a.blobs = d.Blobs
	a.keys = d.Keys
	a.files = d.Files
	a.holds = d.Holds
	a.secrecy = d.Secrecy
	a.todos = d.Todos
	a.preloginLimit, a.recovery = d.PreloginLimit, d.Recovery
	a.publicOrigin, a.secure = d.PublicOrigin, d.PublicOrigin.Secure()
	return a.outer(a.routes())
}
