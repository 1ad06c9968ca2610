// Package retention deletes what the secrecy levels say is no longer kept (PROTOCOL.md
// §4.20): expired messages with their search postings, reactions and file references,
// and expired notices' texts, unless a legal hold covers them. The store decides what is
// expired and held, in small transactions; this package runs the sweeps one node at a
// time, tells clients what went (an expired frame per channel) and writes one audit
// event per sweep.
package retention

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Store is what the sweeper asks of the store (store.Retention).
type Store interface {
	ClaimRetentionLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (bool, time.Time, error)
	RaiseRetentionHighWater(ctx context.Context, at time.Time) error
	ReleaseRetentionLease(ctx context.Context, owner string) error
	SweepExpiredMessages(ctx context.Context, level int, cutoff, at time.Time, after store.RetentionCursor, limit int, budget time.Duration) ([]store.MessageKey, store.RetentionCursor, error)
	PurgeExpiredNotices(ctx context.Context, level int, cutoff, at time.Time, after store.RetentionCursor, limit int) ([]int64, store.RetentionCursor, error)
}

// Levels is where the ladder comes from: internal/secrecy's service (secrecy.Static in
// tests).
type Levels interface {
	Levels(ctx context.Context) ([]protocol.SecrecyLevel, error)
}

// KeyShredder destroys the at-rest data keys of a level's buckets that lie wholly before
// `before` and hold no row any more (the store's at-rest encryption, docs/at-rest.md).
type KeyShredder interface {
	ShredDataKeys(ctx context.Context, level int, before time.Time) (int, error)
}

// Publisher puts a frame on a channel's topic (busevent.Publisher).
type Publisher interface {
	ToChannel(ctx context.Context, channelID, seq int64, typ string, data any)
}

// Recorder writes the audit trail (audit.Recorder).
type Recorder interface {
	Record(ctx context.Context, e audit.Event) error
}

// Deps is what a Sweeper needs.
type Deps struct {
	Store  Store
	Levels Levels
	// Shredder is called after each level is swept; nil when the store has no at-rest
	// keys.
	Shredder  KeyShredder
	Publisher Publisher
	Audit     Recorder
	Log       *slog.Logger
	Now       func() time.Time
}

// Options tune a Sweeper; the zero value means the defaults.
type Options struct {
	// Batch is how many rows one transaction deletes at most (1…store.RetentionMaxBatch;
	// default the maximum).
	Batch int
	// BatchTime, when positive, bounds the work of one message batch in time rather
	// than rows: the store stops taking messages once the transaction has run this
	// long, and the sweeper sizes the next batch's read by how many fitted. A send
	// waiting for a lock the batch holds waits at most about this long (plus the
	// commit). Zero: batches of Batch rows.
	BatchTime time.Duration
	// LeaseTTL is how long the lease outlives the last batch: a node that dies while
	// sweeping holds up the next sweep this long. Default 2 minutes.
	LeaseTTL time.Duration
	// ClockTolerance is how far behind the last sweep's time the clock may read before
	// a sweep is refused: nodes' clocks differ by a little. Default 1 minute.
	ClockTolerance time.Duration
	// Rest is how long the sweeper pauses after each batch, as a multiple of the time
	// the batch took: on SQLite a batch holds the one write lock, and sends waiting for
	// it get their turn in the pause. Default 1 (the sweep gives sends half the time);
	// negative: no pause.
	Rest float64
}

// OptionsFor are the options for a store backend. SQLite has one write lock for the
// whole database, held by a batch from start to commit, and a send that arrives
// meanwhile waits for the rest of the batch (the store hands the lock over in Go the
// moment the batch ends): so a batch stops taking messages after 2 ms of work. Its
// read and its commit — writing every page the deletions touched, the postings' pages
// scattered through the index — come on top, about as much again (BENCHMARKS.md,
// "Retention sweep"). PostgreSQL locks only the rows a batch deletes, which no send
// touches, and takes the largest batch.
func OptionsFor(backend string) Options {
	if backend == "sqlite" {
		return Options{Batch: store.RetentionMaxBatch, BatchTime: 2 * time.Millisecond}
	}
	return Options{Batch: store.RetentionMaxBatch}
}

// nextLimit sizes the next batch's read from the last: twice as many when all of
// limit fitted in the time, else half as many again as did fit, so few rows are read
// only to be left for the next batch; within 1…most.
func nextLimit(limit, took, most int) int {
	if took >= limit {
		return min(2*limit, most)
	}
	return max(1, min(took+took/2+1, most))
}

// Every is how often the server sweeps; it also sweeps once at start.
const Every = 5 * time.Minute

// ErrClockBackwards: the clock reads earlier than the last sweep's time; nothing was
// deleted.
var ErrClockBackwards = errors.New("retention: the clock went backwards since the last sweep")

// Sweeper deletes what retention says is gone.
type Sweeper struct {
	store     Store
	levels    Levels
	shredder  KeyShredder
	pub       Publisher
	audit     Recorder
	log       *slog.Logger
	now       func() time.Time
	opt       Options
	owner     string
	mu        sync.Mutex // one sweep at a time in this process
	refusedAt time.Time  // the high-water mark of the last clock refusal audited
	renewedAt time.Time  // when this sweep last claimed or renewed its lease
}

// New returns a Sweeper. Its lease owner name is random, so two processes never take
// each other for themselves.
func New(d Deps, o Options) *Sweeper {
	if o.Batch <= 0 || o.Batch > store.RetentionMaxBatch {
		o.Batch = store.RetentionMaxBatch
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 2 * time.Minute
	}
	if o.ClockTolerance <= 0 {
		o.ClockTolerance = time.Minute
	}
	if o.Rest == 0 {
		o.Rest = 1
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return &Sweeper{store: d.Store, levels: d.Levels, shredder: d.Shredder, pub: d.Publisher, audit: d.Audit,
		log: d.Log, now: d.Now, opt: o, owner: "sweeper-" + hex.EncodeToString(b[:])}
}

// ChannelLevel counts one channel's messages of one level a sweep deleted.
type ChannelLevel struct {
	ChannelID int64 `json:"channel_id"`
	Level     int   `json:"level"`
	Messages  int   `json:"messages"`
}

// Result is what one sweep did.
type Result struct {
	// Skipped: the sweep did nothing because another node holds the lease.
	Skipped  bool
	Messages int
	Notices  int
	// Channels counts the messages deleted per channel and level, by channel then level.
	Channels []ChannelLevel
	// NoticesByLevel counts the notices purged per level.
	NoticesByLevel [protocol.NumSecrecyLevels]int
	KeysShredded   int
	Batches        int // transactions that deleted or purged something
	LargestBatch   int
}

func (r Result) deletedAny() bool { return r.Messages > 0 || r.Notices > 0 || r.KeysShredded > 0 }

// Run sweeps at once and then every interval until ctx is done; a sweep in progress
// stops between two batches when it is.
func (s *Sweeper) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, ErrClockBackwards) {
			s.log.Error("retention sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep runs one sweep if this node gets the lease: for each level, expired messages
// then expired notices, in batches, then the level's at-rest keys. It refuses, with
// ErrClockBackwards, when the clock reads earlier than the last sweep did.
func (s *Sweeper) Sweep(ctx context.Context) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	got, highWater, err := s.store.ClaimRetentionLease(ctx, s.owner, now, s.opt.LeaseTTL)
	if err != nil {
		return Result{}, fmt.Errorf("retention: %w", err)
	}
	if !got {
		return Result{Skipped: true}, nil
	}
	s.renewedAt = now
	defer func() {
		if err := s.store.ReleaseRetentionLease(context.WithoutCancel(ctx), s.owner); err != nil {
			s.log.Warn("retention lease not released; it lapses by itself", "err", err)
		}
	}()
	if now.Before(highWater.Add(-s.opt.ClockTolerance)) {
		return Result{}, s.refuseClock(ctx, now, highWater)
	}
	if err := s.store.RaiseRetentionHighWater(ctx, now); err != nil {
		return Result{}, fmt.Errorf("retention: %w", err)
	}
	levels, err := s.levels.Levels(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("retention: read the levels: %w", err)
	}
	var res Result
	perChannel := map[ChannelLevel]int{} // Messages unused in the key
	for _, l := range levels {
		if err = s.sweepLevel(ctx, l, now, &res, perChannel); err != nil {
			break
		}
	}
	for k, n := range perChannel {
		k.Messages = n
		res.Channels = append(res.Channels, k)
	}
	slices.SortFunc(res.Channels, func(a, b ChannelLevel) int {
		return cmp.Or(cmp.Compare(a.ChannelID, b.ChannelID), cmp.Compare(a.Level, b.Level))
	})
	return res, errors.Join(err, s.report(ctx, now, res))
}

// sweepLevel deletes one level's expired messages and notices and shreds its keys.
func (s *Sweeper) sweepLevel(ctx context.Context, l protocol.SecrecyLevel, now time.Time, res *Result, perChannel map[ChannelLevel]int) error {
	if l.Level < 0 || l.Level >= protocol.NumSecrecyLevels || l.RetentionDays < 1 {
		// The levels service refuses such a ladder; never delete by one that slipped by.
		s.log.Error("retention: level skipped, its retention is not a positive number of days", "level", l.Level, "days", l.RetentionDays)
		return nil
	}
	cutoff := now.Add(-time.Duration(l.RetentionDays) * 24 * time.Hour)
	var cur store.RetentionCursor
	limit := s.opt.Batch
	if s.opt.BatchTime > 0 {
		limit = min(limit, 16) // grown below to what fits in BatchTime
	}
	for {
		if err := s.between(ctx); err != nil {
			return err
		}
		began := time.Now()
		keys, next, err := s.store.SweepExpiredMessages(ctx, l.Level, cutoff, now, cur, limit, s.opt.BatchTime)
		s.rest(ctx, began)
		if err != nil {
			return fmt.Errorf("retention: level %d messages: %w", l.Level, err)
		}
		cur = next
		s.counted(res, len(keys))
		res.Messages += len(keys)
		s.announce(ctx, keys, l.Level, perChannel)
		if len(keys) == 0 || (s.opt.BatchTime <= 0 && len(keys) < limit) {
			break // done (a batch cut short by BatchTime says nothing: only an empty one does)
		}
		limit = nextLimit(limit, len(keys), s.opt.Batch)
	}
	cur = store.RetentionCursor{}
	for {
		if err := s.between(ctx); err != nil {
			return err
		}
		began := time.Now()
		ids, next, err := s.store.PurgeExpiredNotices(ctx, l.Level, cutoff, now, cur, s.opt.Batch)
		s.rest(ctx, began)
		if err != nil {
			return fmt.Errorf("retention: level %d notices: %w", l.Level, err)
		}
		cur = next
		s.counted(res, len(ids))
		res.Notices += len(ids)
		res.NoticesByLevel[l.Level] += len(ids)
		if len(ids) < s.opt.Batch {
			break
		}
	}
	if s.shredder != nil {
		n, err := s.shredder.ShredDataKeys(ctx, l.Level, cutoff)
		if err != nil {
			return fmt.Errorf("retention: level %d keys: %w", l.Level, err)
		}
		res.KeysShredded += n
	}
	return nil
}

// between runs between two batches: it stops a sweep whose context ended (a shutdown
// drains the sweeper this way) and renews the lease once a quarter of it has passed,
// stopping when another node took it meanwhile (this one stalled past its lease).
// Not after every batch: a renewal is a write transaction of its own, and batches
// bounded in time are many and short.
func (s *Sweeper) between(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.now()
	if d := now.Sub(s.renewedAt); d >= 0 && d < s.opt.LeaseTTL/4 {
		return nil
	}
	got, _, err := s.store.ClaimRetentionLease(ctx, s.owner, now, s.opt.LeaseTTL)
	if err != nil {
		return fmt.Errorf("retention: renew the lease: %w", err)
	}
	if !got {
		return errors.New("retention: lost the lease to another node")
	}
	s.renewedAt = now
	return nil
}

// rest pauses after a batch that began at began, in proportion to how long it took
// (Options.Rest). It measures and waits in real time, not by the injected clock: it
// paces the database's work, which a clock set in a test does not speed up.
func (s *Sweeper) rest(ctx context.Context, began time.Time) {
	if s.opt.Rest < 0 {
		return
	}
	d := time.Duration(float64(time.Since(began)) * s.opt.Rest)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (s *Sweeper) counted(res *Result, n int) {
	if n > 0 {
		res.Batches++
		res.LargestBatch = max(res.LargestBatch, n)
	}
}

// announce tells each channel's members which of its messages went: one expired frame
// per channel and batch, through the bus to every node.
func (s *Sweeper) announce(ctx context.Context, keys []store.MessageKey, level int, perChannel map[ChannelLevel]int) {
	for i := 0; i < len(keys); {
		j := i
		for j < len(keys) && keys[j].ChannelID == keys[i].ChannelID {
			j++
		}
		seqs := make([]int64, 0, j-i)
		for _, k := range keys[i:j] {
			seqs = append(seqs, k.Seq)
		}
		ch := keys[i].ChannelID
		perChannel[ChannelLevel{ChannelID: ch, Level: level}] += len(seqs)
		if s.pub != nil {
			s.pub.ToChannel(ctx, ch, 0, protocol.TypeExpired, protocol.ExpiredData{ChannelID: ch, Seqs: seqs})
		}
		i = j
	}
}

// report writes the sweep's one audit event when it deleted anything.
func (s *Sweeper) report(ctx context.Context, now time.Time, res Result) error {
	if !res.deletedAny() {
		return nil
	}
	s.log.Info("retention sweep", "messages", res.Messages, "notices", res.Notices, "channels", len(res.Channels),
		"keys_shredded", res.KeysShredded, "batches", res.Batches)
	var notices []map[string]int
	for l, n := range res.NoticesByLevel {
		if n > 0 {
			notices = append(notices, map[string]int{"level": l, "notices": n})
		}
	}
	detail := map[string]any{
		"at": now.UTC().Format(time.RFC3339), "messages": res.Messages, "notices": res.Notices,
		"keys_shredded": res.KeysShredded, "channels": res.Channels, "notice_levels": notices,
	}
	err := s.audit.Record(context.WithoutCancel(ctx), audit.Event{ActorName: "system", Action: audit.RetentionSweep,
		TargetType: "retention", Detail: detail})
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	return nil
}

// refuseClock logs and audits a sweep refused for a clock behind the last sweep's time
// (audited once per high-water mark, logged every time), and returns ErrClockBackwards.
func (s *Sweeper) refuseClock(ctx context.Context, now, highWater time.Time) error {
	s.log.Error("retention sweep refused: the clock reads earlier than the last sweep",
		"now", now.UTC(), "last_sweep", highWater.UTC())
	if !s.refusedAt.Equal(highWater) {
		err := s.audit.Record(context.WithoutCancel(ctx), audit.Event{ActorName: "system", Action: audit.RetentionClockBackwards,
			TargetType: "retention", Outcome: audit.Failed,
			Detail: map[string]any{"now": now.UTC().Format(time.RFC3339Nano), "last_sweep": highWater.UTC().Format(time.RFC3339Nano)}})
		if err != nil {
			return errors.Join(ErrClockBackwards, fmt.Errorf("retention: %w", err))
		}
		s.refusedAt = highWater
	}
	return ErrClockBackwards
}
