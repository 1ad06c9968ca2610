package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"govchat/internal/atrest"
	"govchat/internal/audit"
	"govchat/internal/config"
	"govchat/internal/store"
)

// metaAuditOrigin keeps the deployment's checkpoint origin once chosen, so a later
// change of --public-url does not make the old checkpoints another deployment's.
const metaAuditOrigin = "audit_checkpoint_origin"

// auditOrigin is "<deployment>/govchat-audit": the public URL's host at the first start
// that needed one, else a random deployment id; kept in the database from then on.
func auditOrigin(ctx context.Context, cfg config.Config, db *store.DB) (string, error) {
	o, err := db.GetMeta(ctx, metaAuditOrigin)
	if err == nil {
		return o, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	deployment := ""
	if u, err := url.Parse(cfg.PublicURL); err == nil && cfg.PublicURL != "" {
		deployment = u.Host
	}
	if audit.ValidOrigin(deployment+audit.OriginSuffix) != nil {
		var b [6]byte
		_, _ = rand.Read(b[:])
		deployment = "govchat-" + hex.EncodeToString(b[:])
	}
	o = deployment + audit.OriginSuffix
	if err := db.SetMeta(ctx, metaAuditOrigin, o); err != nil {
		return "", err
	}
	// Two nodes starting at once: the first write wins, read it back.
	return db.GetMeta(ctx, metaAuditOrigin)
}

// openTrail builds the checkpointer and the trail service: the key is derived from the
// at-rest master key (no secret file of its own; every node has it).
func openTrail(ctx context.Context, cfg config.Config, db *store.DB, mk *atrest.MasterKey, log *slog.Logger) (*audit.Checkpointer, *audit.Trail, error) {
	origin, err := auditOrigin(ctx, cfg, db)
	if err != nil {
		return nil, nil, fmt.Errorf("audit checkpoint origin: %w", err)
	}
	seed := mk.AuditCheckpointSeed()
	key, err := audit.NewKey(origin, seed)
	clear(seed)
	if err != nil {
		return nil, nil, err
	}
	o := audit.CheckpointOptionsFor(db.Backend())
	o.Every, o.Interval = int64(cfg.AuditCheckpointEvery), cfg.AuditCheckpointInterval
	cp := audit.NewCheckpointer(db, key, time.Now, log, o)
	return cp, audit.NewTrail(db, cp, cfg.AuditRetentionDays), nil
}
