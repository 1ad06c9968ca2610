// Package secrecy owns the secrecy ladder (密级, PROTOCOL.md §4.18) and the channels'
// ceilings: what each level is called, its colour and the rules it decides (retention,
// push text, forwarding, download, copy, watermark, browser storage), and which levels
// each channel takes. The security officer alone changes them (authz.ManageSecrecy);
// every session reads the ladder, and the services that enforce it — chat, notices,
// pushes, downloads, retention — ask Levels, which answers from a cache that each
// change drops on every node (busevent.SecrecyTopic).
package secrecy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/authz"
	"govchat/internal/bus"
	"govchat/internal/buscache"
	"govchat/internal/busevent"
	"govchat/internal/store"
	"govchat/protocol"
)

// Tx is the part of the store a change is written through, with its audit entry.
type Tx interface {
	PutSecrecyLevels(ctx context.Context, levels []store.SecrecyLevel) error
	SetChannelSecrecy(ctx context.Context, channelID int64, maxSecrecy, defaultSecrecy int) error
	GetChannel(ctx context.Context, id int64) (store.Channel, error)
	audit.Appender
}

// Store is what the service reads, and its transactions.
type Store interface {
	ListSecrecyLevels(ctx context.Context) ([]store.SecrecyLevel, error)
	ListChannelSecrecy(ctx context.Context) ([]store.ChannelSecrecy, error)
	ListMembers(ctx context.Context, channelID int64) ([]store.ChannelMember, error)
	ListUsers(ctx context.Context, f store.UserFilter) ([]store.User, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Bus is what the service needs of the bus: publishing changes, hearing other nodes'.
type Bus interface {
	busevent.Bus
	Subscribe(ctx context.Context, topic string, h bus.Handler) (unsubscribe func(), err error)
}

// DefaultTTL bounds how long a node trusts its cached ladder without hearing of a
// change: the bus carries changes at most once, so a node that missed one (Redis
// reconnecting) catches up within it.
const DefaultTTL = time.Minute

// Deps are the service's dependencies.
type Deps struct {
	Store Store
	Bus   Bus
	Audit *audit.Recorder
	Log   *slog.Logger
	Now   func() time.Time
	TTL   time.Duration // ≤ 0: DefaultTTL
}

// Service is the ladder and the channels' ceilings.
type Service struct {
	d   Deps
	pub *busevent.Publisher

	cache *buscache.Cache[*protocol.SecrecyConfig]
}

// New returns a Service; Listen makes it hear other nodes' changes.
func New(d Deps) *Service {
	if d.TTL <= 0 {
		d.TTL = DefaultTTL
	}
	return &Service{d: d, pub: busevent.NewPublisher(d.Bus, d.Log), cache: buscache.New[*protocol.SecrecyConfig](d.TTL, d.Now)}
}

// Listen subscribes to changes made on any node; the returned func stops it.
func (s *Service) Listen(ctx context.Context) (func(), error) {
	unsub, err := s.cache.Listen(ctx, s.d.Bus, busevent.SecrecyTopic)
	if err != nil {
		return nil, fmt.Errorf("secrecy: listen for changes: %w", err)
	}
	return unsub, nil
}

// Levels returns the ladder, level 0 first; callers must not modify it. It satisfies
// the small interfaces chat, notice, alert and files declare.
func (s *Service) Levels(ctx context.Context) ([]protocol.SecrecyLevel, error) {
	c, err := s.config(ctx)
	if err != nil {
		return nil, err
	}
	return c.Levels, nil
}

// Config answers GET /api/v1/secrecy.
func (s *Service) Config(ctx context.Context) (protocol.SecrecyConfig, error) {
	c, err := s.config(ctx)
	if err != nil {
		return protocol.SecrecyConfig{}, err
	}
	out := *c
	out.Levels = slices.Clone(c.Levels)
	return out, nil
}

// config is the cached ladder, loaded again when a change was heard of or the TTL ran
// out.
func (s *Service) config(ctx context.Context) (*protocol.SecrecyConfig, error) {
	return s.cache.Get(ctx, func(ctx context.Context) (*protocol.SecrecyConfig, error) {
		rows, err := s.d.Store.ListSecrecyLevels(ctx)
		if err != nil {
			return nil, fmt.Errorf("secrecy: load levels: %w", err)
		}
		c := fromRows(rows)
		return &c, nil
	})
}

// fromRows is the ladder from stored rows: a level without a row keeps its default.
func fromRows(rows []store.SecrecyLevel) protocol.SecrecyConfig {
	c := protocol.SecrecyConfig{Levels: protocol.DefaultSecrecyLevels()}
	for _, r := range rows {
		if r.Level < 0 || r.Level >= len(c.Levels) {
			continue // the schema forbids it; a row from the future is not ours to read
		}
		c.Levels[r.Level] = protocol.SecrecyLevel{Level: r.Level, Name: r.Name, NameEn: r.NameEn, Color: r.Color,
			RetentionDays: r.RetentionDays, PushText: r.PushText, Forward: r.Forward, Download: r.Download,
			Copy: r.Copy, Watermark: r.Watermark, Store: r.Store}
		if c.UpdatedAt == nil || r.UpdatedAt.After(*c.UpdatedAt) {
			at := r.UpdatedAt
			c.UpdatedAt, c.UpdatedBy = &at, r.UpdatedBy
		}
	}
	return c
}

// PutLevels replaces the ladder (PUT /api/v1/secrecy/levels), audited as
// secrecy.levels_changed with each changed level before and after, and tells every
// node and every client.
func (s *Service) PutLevels(ctx context.Context, p auth.Principal, req protocol.PutSecrecyLevelsRequest) (protocol.SecrecyConfig, error) {
	if err := may(p); err != nil {
		return protocol.SecrecyConfig{}, err
	}
	levels, err := checkLevels(req.Levels)
	if err != nil {
		return protocol.SecrecyConfig{}, err
	}
	before, err := s.config(ctx)
	if err != nil {
		return protocol.SecrecyConfig{}, err
	}
	var changes []map[string]any
	for i, l := range levels {
		if l != before.Levels[i] {
			changes = append(changes, map[string]any{"level": i, "before": before.Levels[i], "after": l})
		}
	}
	if len(changes) == 0 {
		return s.Config(ctx) // nothing to write, nothing to tell
	}
	now := s.d.Now()
	rows := make([]store.SecrecyLevel, len(levels))
	for i, l := range levels {
		rows[i] = store.SecrecyLevel{Level: l.Level, Name: l.Name, NameEn: l.NameEn, Color: l.Color,
			RetentionDays: l.RetentionDays, PushText: l.PushText, Forward: l.Forward, Download: l.Download,
			Copy: l.Copy, Watermark: l.Watermark, Store: l.Store, UpdatedAt: now, UpdatedBy: p.User.ID}
	}
	err = s.d.Store.InTx(ctx, func(tx Tx) error {
		if err := tx.PutSecrecyLevels(ctx, rows); err != nil {
			return err
		}
		return s.d.Audit.In(tx).Record(ctx, audit.Event{ActorID: p.User.ID, ActorName: p.User.Username,
			Action: audit.SecrecyLevelsChanged, TargetType: "secrecy", TargetID: "levels",
			Detail: map[string]any{"changes": changes}})
	})
	if err != nil {
		return protocol.SecrecyConfig{}, fmt.Errorf("secrecy: put levels: %w", err)
	}
	s.cache.Changed() // this node at once, whatever the bus does
	cfg, err := s.Config(ctx)
	if err != nil {
		return protocol.SecrecyConfig{}, err
	}
	s.announce(ctx, cfg)
	return cfg, nil
}

// announce tells every node (their caches) and every account's clients (the new
// ladder, as a secrecy frame) of a change.
func (s *Service) announce(ctx context.Context, cfg protocol.SecrecyConfig) {
	s.pub.ToNodes(ctx, busevent.SecrecyTopic, protocol.TypeSecrecy, struct{}{})
	users, err := s.d.Store.ListUsers(ctx, store.UserFilter{})
	if err != nil {
		s.d.Log.Warn("secrecy: clients not told of the new ladder; they read it when they reconnect", "err", err)
		return
	}
	ids := make([]int64, 0, len(users))
	for _, u := range users {
		if !u.Disabled {
			ids = append(ids, u.ID)
		}
	}
	s.pub.ToUsers(ctx, ids, protocol.TypeSecrecy, cfg)
}

// Channels lists every channel's ceiling and usual level (GET /api/v1/secrecy/channels):
// names and member counts, never content.
func (s *Service) Channels(ctx context.Context, p auth.Principal) (protocol.ChannelSecrecyList, error) {
	if err := may(p); err != nil {
		return protocol.ChannelSecrecyList{}, err
	}
	cs, err := s.d.Store.ListChannelSecrecy(ctx)
	if err != nil {
		return protocol.ChannelSecrecyList{}, fmt.Errorf("secrecy: list channels: %w", err)
	}
	out := protocol.ChannelSecrecyList{Channels: make([]protocol.ChannelSecrecy, 0, len(cs))}
	for _, c := range cs {
		out.Channels = append(out.Channels, toWire(c))
	}
	return out, nil
}

func toWire(c store.ChannelSecrecy) protocol.ChannelSecrecy {
	return protocol.ChannelSecrecy{ChannelID: c.ID, Kind: string(c.Kind), Name: c.Name, Members: c.Members,
		MaxSecrecy: c.MaxSecrecy, DefaultSecrecy: c.DefaultSecrecy}
}

// SetChannel sets a channel's ceiling and usual level (PUT /api/v1/secrecy/channels/{id}),
// audited as secrecy.channel_changed, and tells the channel's members' clients
// (channel updated). Lowering a ceiling leaves messages already sent at their level.
func (s *Service) SetChannel(ctx context.Context, p auth.Principal, channelID int64, req protocol.PutChannelSecrecyRequest) (protocol.ChannelSecrecy, error) {
	if err := may(p); err != nil {
		return protocol.ChannelSecrecy{}, err
	}
	if err := checkChannel(req); err != nil {
		return protocol.ChannelSecrecy{}, err
	}
	var ch store.Channel
	changed := false
	err := s.d.Store.InTx(ctx, func(tx Tx) error {
		var err error
		if ch, err = tx.GetChannel(ctx, channelID); err != nil {
			return err
		}
		if ch.MaxSecrecy == req.MaxSecrecy && ch.DefaultSecrecy == req.DefaultSecrecy {
			return nil
		}
		changed = true
		if err := tx.SetChannelSecrecy(ctx, channelID, req.MaxSecrecy, req.DefaultSecrecy); err != nil {
			return err
		}
		return s.d.Audit.In(tx).Record(ctx, audit.Event{ActorID: p.User.ID, ActorName: p.User.Username,
			Action: audit.SecrecyChannelChanged, TargetType: "channel", TargetID: strconv.FormatInt(channelID, 10),
			Detail: map[string]any{
				"before": map[string]int{"max_secrecy": ch.MaxSecrecy, "default_secrecy": ch.DefaultSecrecy},
				"after":  map[string]int{"max_secrecy": req.MaxSecrecy, "default_secrecy": req.DefaultSecrecy},
			}})
	})
	if errors.Is(err, store.ErrNotFound) {
		return protocol.ChannelSecrecy{}, &apperr.Error{Code: protocol.CodeNotFound, Message: fmt.Sprintf("no channel %d", channelID), Err: err}
	}
	if err != nil {
		return protocol.ChannelSecrecy{}, fmt.Errorf("secrecy: set channel %d: %w", channelID, err)
	}
	ms, err := s.d.Store.ListMembers(ctx, channelID)
	if err != nil {
		return protocol.ChannelSecrecy{}, fmt.Errorf("secrecy: members of channel %d: %w", channelID, err)
	}
	if changed {
		ids := make([]int64, len(ms))
		for i, m := range ms {
			ids[i] = m.UserID
		}
		s.pub.Membership(ctx, ids, protocol.ChannelEvent{ChannelID: channelID, Event: protocol.ChannelUpdated})
	}
	ch.MaxSecrecy, ch.DefaultSecrecy = req.MaxSecrecy, req.DefaultSecrecy
	return protocol.ChannelSecrecy{ChannelID: ch.ID, Kind: string(ch.Kind), Name: ch.Name, Members: len(ms),
		MaxSecrecy: ch.MaxSecrecy, DefaultSecrecy: ch.DefaultSecrecy}, nil
}

// may is the service's own check of secrecy.manage: the routes check it first (and
// audit a refusal), this keeps the service safe whoever calls it.
func may(p auth.Principal) error {
	if !authz.Can(p.User.Role, authz.ManageSecrecy) {
		return apperr.New(protocol.CodeForbidden, "only the security officer (保密员) sets secrecy levels and ceilings")
	}
	return nil
}
