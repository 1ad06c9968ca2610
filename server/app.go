package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"

	"govchat/internal/account"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/config"
	"govchat/internal/keys"
	"govchat/internal/org"
	"govchat/internal/passwd"
	"govchat/internal/presence"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/internal/todo"
)

// app is the dependency graph shared by serve and the admin commands, built once from
// the configuration.
type app struct {
	cfg      config.Config
	log      *slog.Logger
	now      func() time.Time
	store    *store.DB
	hasher   *passwd.Hasher
	audit    *audit.Recorder
	auth     *auth.Service
	accounts *account.Service
	org      *org.Service
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openApp opens the store (migrating it) and builds the services. Nothing is left open
// when it fails.
func openApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*app, error) {
	sqlitePath := ""
	if cfg.Database == "" {
		if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
			return nil, fmt.Errorf("invalid --data %s: %w", cfg.Data, err)
		}
		sqlitePath = filepath.Join(cfg.Data, "govchat.db")
	}
	db, err := store.Open(ctx, cfg.Database, sqlitePath)
	if err != nil {
		if cfg.Database == "" {
			return nil, fmt.Errorf("cannot open the database in --data %s: %w", cfg.Data, err)
		}
		return nil, fmt.Errorf("cannot open --database %s: %w", config.MaskURL(cfg.Database), err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	if err := openMasterKey(ctx, cfg, db, log); err != nil {
		db.Close()
		return nil, err
	}
	a := &app{cfg: cfg, log: log, now: time.Now, store: db, hasher: passwd.NewHasher(passwd.DefaultParams())}
	a.audit = audit.New(db, a.now, log)
	a.auth = auth.New(store.Narrow(db, func(tx store.Store) auth.Tx { return tx }), a.hasher, passwd.DefaultPolicy(), a.audit, a.now, auth.Options{
		SessionTTL: cfg.SessionTTL, MaxFailures: cfg.LoginMaxFailures, LockFor: cfg.LockoutDuration,
		RequireTOTP: cfg.RequireTOTP, Issuer: "govchat",
	})
	a.accounts = account.New(store.Narrow(db, func(tx store.Store) account.Tx { return tx }), a.hasher, a.auth, a.audit, a.now)
	a.org = org.New(store.Narrow(db, func(tx store.Store) org.Tx { return tx }), a.hasher, a.audit, a.now)
	return a, nil
}

// openBus connects the event bus the configuration names.
func openBus(ctx context.Context, cfg config.Config, log *slog.Logger) (bus.Bus, error) {
	if cfg.Redis == "" {
		return bus.NewMemory(), nil
	}
	return bus.NewRedis(ctx, cfg.Redis, log, bus.WithPrefix(cfg.RedisPrefix))
}

// shared is the state nodes of a cluster must agree on beyond the database: rate
// limit counts and who is online. In memory on one node, in Redis with --redis.
type shared struct {
	loginLimit ratelimit.Allower
	sendLimit  ratelimit.Allower
	reactLimit ratelimit.Allower
	// uploadLimit counts the file uploads each person begins (--uploads-per-minute).
	uploadLimit ratelimit.Allower
	// keyRequests counts each person's requests for a file's key; keyRequestOnce passes
	// the same request (person and file) on to the channel once every 20 s.
	keyRequests, keyRequestOnce ratelimit.Allower
	// todoLimit counts the to-dos each person gives (设为待办).
	todoLimit ratelimit.Allower
	presence  presence.Tracker
	close     func()

	// preloginLimit counts salt look-ups (and key recoveries asked) per address.
	preloginLimit ratelimit.Allower
}

func openShared(cfg config.Config, now func() time.Time, log *slog.Logger) (*shared, error) {
	const (
		loginPerMinute, loginBurst = 10, 10
		sendPerMinute, sendBurst   = 300, 100
		// Reactions: a row of 收到 down a morning's instructions at once, then two a
		// second per person — taps, never a script toggling a chip in a loop.
		reactPerMinute, reactBurst = 120, 30
		presenceTTL                = 60 * time.Second
		// Salt look-ups: a burst of 30, then one every 2 s per address (a login is one).
		preloginPerMinute, preloginBurst = 30, 30
	)
	if cfg.Redis == "" {
		return &shared{
			loginLimit:     ratelimit.New(loginPerMinute, loginBurst, 100_000, now),
			sendLimit:      ratelimit.New(sendPerMinute, sendBurst, 100_000, now),
			reactLimit:     ratelimit.New(reactPerMinute, reactBurst, 100_000, now),
			uploadLimit:    ratelimit.New(cfg.UploadsPerMinute, cfg.UploadsPerMinute, 100_000, now),
			keyRequests:    ratelimit.New(keys.KeyRequestsPerMinute, keys.KeyRequestsBurst, 100_000, now),
			keyRequestOnce: ratelimit.New(keys.KeyRequestRepeatPerMinute, 1, 100_000, now),
			todoLimit:      ratelimit.New(todo.CreatePerMinute, todo.CreatePerMinute, 100_000, now),
			presence:       presence.NewMemory(),
			close:          func() {},

			preloginLimit: ratelimit.New(preloginPerMinute, preloginBurst, 100_000, now),
		}, nil
	}
	opts, err := redis.ParseURL(cfg.Redis)
	if err != nil {
		return nil, fmt.Errorf("invalid --redis: not a Redis URL")
	}
	client := redis.NewClient(opts)
	pr, err := presence.NewRedis(client, cfg.RedisPrefix, presenceTTL, now, log)
	if err != nil {
		client.Close()
		return nil, err
	}
	return &shared{
		loginLimit:     ratelimit.NewRedis(client, cfg.RedisPrefix, loginPerMinute, loginBurst),
		sendLimit:      ratelimit.NewRedis(client, cfg.RedisPrefix, sendPerMinute, sendBurst),
		reactLimit:     ratelimit.NewRedis(client, cfg.RedisPrefix, reactPerMinute, reactBurst),
		uploadLimit:    ratelimit.NewRedis(client, cfg.RedisPrefix, cfg.UploadsPerMinute, cfg.UploadsPerMinute),
		keyRequests:    ratelimit.NewRedis(client, cfg.RedisPrefix, keys.KeyRequestsPerMinute, keys.KeyRequestsBurst),
		keyRequestOnce: ratelimit.NewRedis(client, cfg.RedisPrefix, keys.KeyRequestRepeatPerMinute, 1),
		todoLimit:      ratelimit.NewRedis(client, cfg.RedisPrefix, todo.CreatePerMinute, todo.CreatePerMinute),
		presence:       pr,
		preloginLimit:  ratelimit.NewRedis(client, cfg.RedisPrefix, preloginPerMinute, preloginBurst),
		close: func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			pr.Close(ctx)
			client.Close()
		},
	}, nil
}

func (a *app) Close() error {
	return a.store.Close()
}
