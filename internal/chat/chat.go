// Package chat is what a frame means: who may send, edit, recall and read in which
// channel, how a message is validated, committed (in group commits) and published on
// the bus (internal/busevent), and how a reconnecting client is caught up. It also
// owns who is in a channel: groups and direct conversations and their administration
// (rest.go), and department and party channels following the org tree (sync.go).
//
// Administration stays beside the messages because every frame is checked against
// what it sets (members, administrators, the secrecy ceiling, archiving) through the
// same helpers, administrators' actions on both go to the same audit trail, and
// changing a department channel's include_sub_departments re-runs the org sync. A
// package of its own would have to export those helpers or copy them.
package chat

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/busevent"
	"govchat/internal/dlp"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Store is what the service keeps its state in.
type Store interface {
	store.Chat
	store.Org
	store.Reactions
	GetUser(ctx context.Context, id int64) (store.User, error)
	ListUsers(ctx context.Context, f store.UserFilter) ([]store.User, error)
}

// Options are the chat rules from the configuration.
type Options struct {
	RecallWindow time.Duration // the sender may recall within it; channel admins any time
	EditWindow   time.Duration // the sender may edit within it
	ReplayLimit  int64         // most messages replayed on the socket on resume; beyond, resync
	CommitDelay  time.Duration // how long a group commit waits to collect more sends
	CommitBatch  int           // most messages in one group commit
	// Audit, when set, records what channel administrators do to others (recalling
	// their messages, removing them, changing channel settings).
	Audit *audit.Recorder
	// SendLimit bounds sends per user across all their connections (and, with Redis,
	// all nodes). Nil: no per-user limit beyond the hub's per-connection one.
	SendLimit ratelimit.Allower
	// Alerts, when set, hears of each new message once committed (for pushes to people
	// not connected). It must not block.
	Alerts Alerter
	// AckAfterBus: a sender's ack waits until the message is on the bus. In a cluster
	// this is what makes "acked" mean "every node's live clients get it": a node that
	// dies between commit and publish would otherwise leave the others' clients without
	// the message until they resume. Costs a bus round trip per ack; with the
	// in-process bus there are no other nodes, so it is off.
	AckAfterBus bool
	// ReadsInterval is how long read-position moves in a channel gather before they
	// go out as one reads frame (protocol.ReadsInterval when 0).
	ReadsInterval time.Duration
	// Reactions is the allowed set of reactions (收到, 👍 …), in display order; empty
	// turns reactions off. ReactLimit bounds reactions per user, like SendLimit.
	Reactions  []string
	ReactLimit ratelimit.Allower
	// Files checks the files messages carry (internal/keys). Nil: a send or forward
	// with a file is refused.
	Files Attacher
	// Secrecy is the secrecy ladder (internal/secrecy), whose forward rule a forward
	// obeys. Nil: the default ladder (protocol.DefaultSecrecyLevels).
	Secrecy Ladder
	// DLP checks the text of sends and edits against the data-loss-prevention rules
	// (internal/dlp) at the message's level. Nil: no checks.
	DLP TextChecker
}

// TextChecker is the data-loss-prevention check of a text about to be sent: a refusal
// (dlp_blocked, dlp_warning) is its error; a finding is recorded with Sent once the
// text is stored.
type TextChecker interface {
	Check(ctx context.Context, sc dlp.Scan) (*dlp.Finding, error)
	Sent(ctx context.Context, f *dlp.Finding, extra map[string]any)
}

// Ladder is the secrecy ladder, level 0 first.
type Ladder interface {
	Levels(ctx context.Context) ([]protocol.SecrecyLevel, error)
}

// Attacher checks the files of messages before they are committed; the store writes a
// message's references to its blobs in the same transaction as the message.
type Attacher interface {
	// Attach checks a file senderID attaches to a message in channelID — uploaded by
	// them, complete, its keys posted for the channel (and the escrow's) — and returns
	// the attachment the message carries. Refusals name their field ("attachment…").
	Attach(ctx context.Context, senderID, channelID int64, ref protocol.AttachmentRef) (store.Attachment, error)
	// Rewrapped checks that userID posted the keys of a file for channelID (and the
	// escrow's), as a forward there needs; a refusal is key_missing naming field.
	Rewrapped(ctx context.Context, userID, channelID int64, a store.Attachment, field string) error
}

// Alerter hears of new messages after they are committed.
type Alerter interface {
	Message(m store.Message)
}

// DefaultOptions are the defaults the configuration starts from.
func DefaultOptions() Options {
	return Options{RecallWindow: 2 * time.Minute, EditWindow: 24 * time.Hour, ReplayLimit: 500, CommitDelay: time.Millisecond, CommitBatch: 256,
		Reactions: DefaultReactions}
}

// Service implements hub.Service and the chat REST operations.
type Service struct {
	store   Store
	pub     *busevent.Publisher
	log     *slog.Logger
	now     func() time.Time
	opt     Options
	commits *committer
	syncMu  sync.Mutex // one org channel sync at a time
	// outbox carries committed batches to the publisher goroutine, which puts them on
	// the bus in commit order. The next commit never waits for it; acks wait only with
	// AckAfterBus.
	outbox        chan pubBatch
	publisherDone chan struct{}
	reads         *readsCoalescer
}

// pubBatch is what one commit (or one edit or recall) puts on the bus; done, when not
// nil, is closed once it is there.
type pubBatch struct {
	items []outgoing
	done  chan struct{}
}

// outgoing is one message frame for a channel's topic.
type outgoing struct {
	channelID int64
	seq       int64 // 0 for an edit or recall
	msg       protocol.Message
}

// outboxBatches bounds how many committed batches may wait for the bus; beyond it the
// committer waits, slowing senders rather than growing memory without bound.
const outboxBatches = 1024

// New returns a Service publishing on b; Close stops its committer.
func New(s Store, b busevent.Bus, log *slog.Logger, now func() time.Time, opt Options) *Service {
	svc := &Service{store: s, pub: busevent.NewPublisher(b, log), log: log, now: now, opt: opt}
	interval := opt.ReadsInterval
	if interval <= 0 {
		interval = protocol.ReadsInterval
	}
	svc.reads = newReadsCoalescer(svc.pub, interval)
	svc.outbox = make(chan pubBatch, outboxBatches)
	svc.publisherDone = make(chan struct{})
	go svc.publisher()
	svc.commits = newCommitter(s, opt.CommitDelay, opt.CommitBatch, log, svc.committed)
	return svc
}

// publisher puts everything a channel's messages go through — new messages, edits,
// recalls — on the bus in the order it was committed, so a recall never overtakes the
// message it recalls.
func (s *Service) publisher() {
	defer close(s.publisherDone)
	var batches []pubBatch
	var frames []busevent.ChannelFrame
	for batch := range s.outbox {
		// Everything committed meanwhile goes out with it, in one bus call: on Redis
		// one pipelined round trip, so while one is in flight the next commits'
		// messages gather behind it, instead of each message waiting for a round
		// trip of its own (PROTOCOL.md §7.6: acks wait for this, see committed).
		batches = append(batches[:0], batch)
	gather:
		for len(batches) < publishGather {
			select {
			case b, ok := <-s.outbox:
				if !ok {
					break gather
				}
				batches = append(batches, b)
			default:
				break gather
			}
		}
		frames = frames[:0]
		for _, b := range batches {
			for _, o := range b.items {
				frames = append(frames, busevent.ChannelFrame{ChannelID: o.channelID, Seq: o.seq, Type: protocol.TypeMessage, Data: o.msg})
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s.pub.ToChannels(ctx, frames)
		cancel()
		for _, b := range batches {
			if b.done != nil {
				close(b.done)
			}
		}
		clear(batches) // let the published frames go
	}
}

// publishGather bounds how many committed batches one bus call carries.
const publishGather = 64

// enqueue hands frames to the publisher.
func (s *Service) enqueue(out ...outgoing) {
	if len(out) > 0 {
		s.outbox <- pubBatch{items: out}
	}
}

// Close stops accepting sends and waits for the commit in flight.
func (s *Service) Close() {
	s.commits.close()
	close(s.outbox) // the committer has stopped; publish what it committed, then stop
	<-s.publisherDone
	s.reads.close()
}

// Channels lists the ids of the user's channels.
func (s *Service) Channels(ctx context.Context, userID int64) ([]int64, error) {
	mine, err := s.store.ListMyChannels(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("chat: channels of user %d: %w", userID, err)
	}
	ids := make([]int64, len(mine))
	for i, c := range mine {
		ids[i] = c.ID
	}
	return ids, nil
}

// levels is the secrecy ladder now.
func (s *Service) levels(ctx context.Context) ([]protocol.SecrecyLevel, error) {
	if s.opt.Secrecy == nil {
		return protocol.DefaultSecrecyLevels(), nil
	}
	ls, err := s.opt.Secrecy.Levels(ctx)
	if err != nil {
		return nil, fmt.Errorf("chat: secrecy levels: %w", err)
	}
	return ls, nil
}

// checkDLP checks a message's text at its level; nil checker, nil finding.
func (s *Service) checkDLP(ctx context.Context, userID, channelID int64, text string, level int, ack bool) (*dlp.Finding, error) {
	if s.opt.DLP == nil || text == "" {
		return nil, nil
	}
	return s.opt.DLP.Check(ctx, dlp.Scan{ActorID: userID, Text: text, Level: level, Ack: ack,
		Context: "channel:" + strconv.FormatInt(channelID, 10), Kind: protocol.DLPKindMessageText, Field: "text"})
}

// sentDLP records a finding once its message is stored.
func (s *Service) sentDLP(ctx context.Context, f *dlp.Finding, op string, seq int64) {
	if s.opt.DLP != nil && f != nil {
		s.opt.DLP.Sent(ctx, f, map[string]any{"op": op, "seq": seq})
	}
}

// toWire is a message as clients see it.
func toWire(m store.Message) protocol.Message {
	w := protocol.Message{
		ChannelID: m.ChannelID, Seq: m.Seq, SenderID: m.SenderID, ClientID: m.ClientID, Text: m.Text,
		ReplyTo: m.ReplyTo, Mentions: m.Mentions, MentionAll: m.MentionAll, Secrecy: m.Secrecy, CreatedAt: m.CreatedAt,
		RecalledBy: m.RecalledBy, Forward: toWireForward(m.Forward), Attachment: toWireAttachment(m.Attachment),
	}
	if !m.EditedAt.IsZero() {
		t := m.EditedAt
		w.EditedAt = &t
	}
	if !m.RecalledAt.IsZero() {
		t := m.RecalledAt
		w.RecalledAt = &t
	}
	if isSystem(m) {
		w.Kind, w.System = protocol.MessageKindSystem, systemToWire(m.System)
	}
	return w
}

// toWireAttachment is an attachment as clients see it.
func toWireAttachment(a *store.Attachment) *protocol.Attachment {
	if a == nil {
		return nil
	}
	return &protocol.Attachment{BlobID: a.BlobID, Size: a.Size, Commitment: a.Commitment, ThumbID: a.ThumbID, ThumbSize: a.ThumbSize}
}

// Resume returns what the user missed in a channel.
func (s *Service) Resume(ctx context.Context, userID int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error) {
	if pos.LastSeq < 0 || pos.Epoch < 0 {
		return nil, 0, nil, apperr.BadField("resume", "last_seq and epoch are not negative")
	}
	if _, err := s.store.GetMember(ctx, pos.ChannelID, userID); err != nil {
		return nil, 0, nil, notMember(err)
	}
	ch, err := s.store.GetChannel(ctx, pos.ChannelID)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("chat: resume channel %d: %w", pos.ChannelID, err)
	}
	resync := func(reason string) *protocol.ResyncData {
		return &protocol.ResyncData{ChannelID: ch.ID, Reason: reason, LastSeq: ch.LastSeq, Epoch: ch.Epoch}
	}
	switch missed := ch.LastSeq - pos.LastSeq; {
	case pos.Epoch != 0 && pos.Epoch != ch.Epoch, pos.LastSeq > ch.LastSeq:
		return nil, ch.LastSeq, resync("epoch_changed"), nil
	case missed > s.opt.ReplayLimit:
		return nil, ch.LastSeq, resync("too_far_behind"), nil
	case missed <= 0:
		return nil, ch.LastSeq, nil, nil
	}
	var frames [][]byte
	after := pos.LastSeq
	for after < ch.LastSeq {
		msgs, err := s.store.History(ctx, store.HistoryQuery{ChannelID: ch.ID, AfterSeq: after, Limit: 500})
		if err != nil {
			return nil, 0, nil, fmt.Errorf("chat: resume channel %d: %w", ch.ID, err)
		}
		if len(msgs) == 0 {
			break
		}
		wire := make([]protocol.Message, len(msgs))
		for i, m := range msgs {
			wire[i] = toWire(m)
		}
		if err := s.withReactions(ctx, wire); err != nil {
			return nil, 0, nil, err
		}
		for _, m := range wire {
			f, err := protocol.EncodeFrame(protocol.TypeMessage, "", m)
			if err != nil {
				return nil, 0, nil, fmt.Errorf("chat: resume channel %d: %w", ch.ID, err)
			}
			frames = append(frames, f)
		}
		after = msgs[len(msgs)-1].Seq
	}
	return frames, after, nil, nil
}

// record puts an administrator's action on a channel in the audit trail: who did what
// in which channel, never message text.
func (s *Service) record(ctx context.Context, actorID int64, action string, channelID int64, detail map[string]any) {
	s.recordOutcome(ctx, actorID, action, audit.OK, channelID, detail)
}

// recordOutcome is record with an outcome: a refusal the trail should show is
// audit.Denied.
func (s *Service) recordOutcome(ctx context.Context, actorID int64, action, outcome string, channelID int64, detail map[string]any) {
	if s.opt.Audit == nil {
		return
	}
	name := ""
	if u, err := s.store.GetUser(ctx, actorID); err == nil {
		name = u.Username
	}
	_ = s.opt.Audit.Record(ctx, audit.Event{ActorID: actorID, ActorName: name, Action: action, TargetType: "channel",
		TargetID: strconv.FormatInt(channelID, 10), Outcome: outcome, Detail: detail})
}

// committed queues the messages a group commit created, in sequence order. Retries
// that found their first message queue nothing: it went out the first time.
// It returns, with AckAfterBus, a channel closed once they are on the bus: the
// committer answers the senders then.
func (s *Service) committed(results []store.AppendResult) <-chan struct{} {
	out := make([]outgoing, 0, len(results))
	for _, r := range results {
		if r.Err != nil || r.Duplicate {
			continue
		}
		m := r.Message
		out = append(out, outgoing{m.ChannelID, m.Seq, toWire(m)})
		if s.opt.Alerts != nil && !isSystem(m) { // system lines are never pushed
			s.opt.Alerts.Message(m)
		}
	}
	if len(out) == 0 {
		return nil
	}
	b := pubBatch{items: out}
	if s.opt.AckAfterBus {
		b.done = make(chan struct{})
	}
	s.outbox <- b
	return b.done
}
