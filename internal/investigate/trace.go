package investigate

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/store"
	"govchat/protocol"
)

// forwardSlack is how far apart a forward's entry and the message it made may be
// (both are written in the forward's one request).
const forwardSlack = 10 * time.Second

// MessageTrace traces the file a message carries: its attachment, or a forwarded
// message's first forwarded one.
func (s *Service) MessageTrace(ctx context.Context, actor store.User, channelID, seq int64) (protocol.FileTrace, error) {
	m, err := s.store.GetMessage(ctx, channelID, seq)
	if err != nil {
		return protocol.FileTrace{}, notFound(err, "message")
	}
	blobID := ""
	if m.Attachment != nil {
		blobID = m.Attachment.BlobID
	} else if m.Forward != nil {
		for _, it := range m.Forward.Items {
			if it.Attachment != nil {
				blobID = it.Attachment.BlobID
				break
			}
		}
	}
	if blobID == "" {
		return protocol.FileTrace{}, apperr.New(protocol.CodeNotFound, "the message carries no file")
	}
	return s.FileTrace(ctx, actor, blobID)
}

// FileTrace is who had a file, how it travelled and who opened it.
func (s *Service) FileTrace(ctx context.Context, actor store.User, blobID string) (protocol.FileTrace, error) {
	blob, err := s.store.GetBlob(ctx, blobID)
	if err != nil {
		return protocol.FileTrace{}, notFound(err, "file")
	}
	t := tracer{s: s, blobID: blobID, channels: map[int64]store.Channel{}}
	if err := t.carriers(ctx); err != nil {
		return protocol.FileTrace{}, err
	}
	if err := t.holders(ctx); err != nil {
		return protocol.FileTrace{}, err
	}
	if err := t.events(ctx); err != nil {
		return protocol.FileTrace{}, err
	}
	ids := []int64{blob.UploaderID}
	for _, m := range t.msgs {
		ids = append(ids, m.SenderID)
	}
	for _, n := range t.notices {
		ids = append(ids, n.AuthorID)
	}
	for _, k := range t.keys {
		ids = append(ids, k.UserID)
	}
	for _, e := range t.audit {
		ids = append(ids, e.ActorID)
	}
	for _, c := range t.channels {
		ids = append(ids, directPeople(c)...)
	}
	ps, err := s.loadPeople(ctx, ids)
	if err != nil {
		return protocol.FileTrace{}, err
	}
	out := t.build(ps, blob)
	if err := s.read(ctx, actor, "blob", blobID, map[string]any{"investigation": "file_trace",
		"messages": len(out.Path), "events": len(out.Events)}); err != nil {
		return protocol.FileTrace{}, err
	}
	return out, nil
}

// tracer gathers one file's trace.
type tracer struct {
	s         *Service
	blobID    string
	msgs      []store.Message
	noticeIDs []int64
	notices   []store.NoticeFacts
	keys      []store.KeyHolder
	audit     []store.AuditEvent
	channels  map[int64]store.Channel
	truncated bool
}

// carriers reads the messages and notices that carry the file.
func (t *tracer) carriers(ctx context.Context) error {
	refs, err := t.s.store.ListBlobRefs(ctx, t.blobID)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if r.NoticeID > 0 {
			if len(t.noticeIDs) < protocol.MaxTracePath {
				t.noticeIDs = append(t.noticeIDs, r.NoticeID)
			} else {
				t.truncated = true
			}
			continue
		}
		if len(t.msgs) >= protocol.MaxTracePath {
			t.truncated = true
			continue
		}
		m, err := t.s.store.GetMessage(ctx, r.ChannelID, r.Seq)
		if errors.Is(err, store.ErrNotFound) {
			continue // removed meanwhile (retention)
		}
		if err != nil {
			return err
		}
		if _, ok := t.channels[m.ChannelID]; !ok {
			c, err := t.s.store.GetChannel(ctx, m.ChannelID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			c.ID = m.ChannelID
			t.channels[m.ChannelID] = c
		}
		t.msgs = append(t.msgs, m)
	}
	slices.SortFunc(t.msgs, func(a, b store.Message) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		if a.ChannelID != b.ChannelID {
			return compare(a.ChannelID, b.ChannelID)
		}
		return compare(a.Seq, b.Seq)
	})
	t.notices, err = t.s.store.ListNoticeFacts(ctx, t.noticeIDs)
	return err
}

func (t *tracer) holders(ctx context.Context) error {
	keys, more, err := t.s.store.ListKeyHolders(ctx, t.blobID, protocol.MaxTracePath)
	t.keys, t.truncated = keys, t.truncated || more
	return err
}

// events reads every entry about the blob, and the forwards that carried it (their
// entry's target is the source channel; the detail names the seqs).
func (t *tracer) events(ctx context.Context) error {
	es, more, err := t.s.store.ListAuditAbout(ctx, "blob", t.blobID, protocol.MaxTraceEvents)
	if err != nil {
		return err
	}
	t.truncated = t.truncated || more
	seen := map[int64]bool{}
	for _, e := range es {
		seen[e.ID] = true
	}
	for _, m := range t.msgs {
		from := forwardedFrom(m, t.blobID)
		if from == nil {
			continue
		}
		at := m.CreatedAt
		near, err := t.s.store.ListAuditNear(ctx, "chat.forward", "channel", strconv.FormatInt(from.ChannelID, 10), m.SenderID,
			at.Add(-forwardSlack).UnixMilli(), at.Add(forwardSlack).UnixMilli(), 10)
		if err != nil {
			return err
		}
		for _, e := range near {
			if !seen[e.ID] && forwardNames(e.Detail, from.Seq, m.ChannelID) {
				seen[e.ID] = true
				es = append(es, e)
			}
		}
	}
	slices.SortFunc(es, func(a, b store.AuditEvent) int { return compare(a.ID, b.ID) })
	if len(es) > protocol.MaxTraceEvents {
		es, t.truncated = es[:protocol.MaxTraceEvents], true
	}
	t.audit = es
	return nil
}

// forwardNames reports whether a chat.forward entry's detail names seq among its
// messages and toChannel among its targets.
func forwardNames(detail string, seq, toChannel int64) bool {
	var d struct {
		Seqs []int64 `json:"seqs"`
		To   []int64 `json:"to_channel_ids"`
	}
	if json.Unmarshal([]byte(detail), &d) != nil {
		return false
	}
	return slices.Contains(d.Seqs, seq) && (len(d.To) == 0 || slices.Contains(d.To, toChannel))
}

// forwardedFrom is the message m forwarded the blob from, if it is a forward of it.
func forwardedFrom(m store.Message, blobID string) *protocol.MessageRef {
	if m.Forward == nil {
		return nil
	}
	for _, it := range m.Forward.Items {
		if it.Attachment != nil && (it.Attachment.BlobID == blobID || it.Attachment.ThumbID == blobID) {
			return &protocol.MessageRef{ChannelID: m.Forward.FromChannelID, Seq: it.Seq}
		}
	}
	return nil
}

// thumbOf is the picture whose thumbnail blobID is, according to m; "" when it is not one.
func thumbOf(m store.Message, blobID string) string {
	atts := []*store.Attachment{m.Attachment}
	if m.Forward != nil {
		for _, it := range m.Forward.Items {
			atts = append(atts, it.Attachment)
		}
	}
	for _, a := range atts {
		if a != nil && a.ThumbID == blobID && a.BlobID != blobID {
			return a.BlobID
		}
	}
	return ""
}

func (t *tracer) build(ps people, blob store.Blob) protocol.FileTrace {
	out := protocol.FileTrace{
		File: protocol.TracedFile{BlobID: blob.ID, Uploader: ps.person(blob.UploaderID, ""), UploadedAt: blob.CreatedAt, Size: blob.Size},
		Path: []protocol.TracedMessage{}, Notices: []protocol.TracedNotice{}, Recipients: []protocol.FileRecipient{},
		Events: []protocol.TracedEvent{}, Truncated: t.truncated,
	}
	level := -1
	for _, m := range t.msgs {
		c := t.channels[m.ChannelID]
		out.Path = append(out.Path, protocol.TracedMessage{
			Channel: protocol.TracedChannel{ID: c.ID, Name: channelName(c, ps), Kind: string(c.Kind)},
			Seq:     m.Seq, Sender: ps.person(m.SenderID, ""), At: m.CreatedAt, Level: m.Secrecy,
			ForwardedFrom: forwardedFrom(m, t.blobID), Recalled: !m.RecalledAt.IsZero(),
		})
		level = max(level, m.Secrecy)
		if out.File.ThumbOf == "" {
			out.File.ThumbOf = thumbOf(m, t.blobID)
		}
	}
	for _, n := range t.notices {
		out.Notices = append(out.Notices, protocol.TracedNotice{ID: n.ID, Author: ps.person(n.AuthorID, ""), PublishedAt: n.PublishedAt, Level: n.Secrecy})
		level = max(level, n.Secrecy)
	}
	if level >= 0 {
		out.File.Level = &level
	}
	for _, k := range t.keys {
		out.Recipients = append(out.Recipients, protocol.FileRecipient{User: ps.person(k.UserID, ""), Context: k.Context, WrappedAt: k.WrappedAt})
	}
	for _, e := range t.audit {
		out.Events = append(out.Events, tracedEvent(e, ps))
	}
	return out
}

func tracedEvent(e store.AuditEvent, ps people) protocol.TracedEvent {
	te := protocol.TracedEvent{ID: e.ID, At: e.At, Action: e.Action, Outcome: e.Outcome, Actor: ps.person(e.ActorID, e.ActorName),
		ActorRole: e.ActorRole, IP: e.IP, Level: e.Level}
	var d struct {
		Purpose   string `json:"purpose"`
		Context   string `json:"context"`
		ChannelID int64  `json:"channel_id"`
	}
	if e.Detail != "" && json.Unmarshal([]byte(e.Detail), &d) == nil {
		te.Purpose = d.Purpose
		te.ChannelID = d.ChannelID
		if id, ok := strings.CutPrefix(d.Context, "channel:"); ok {
			te.ChannelID, _ = strconv.ParseInt(id, 10, 64)
		}
	}
	if e.Action == "chat.forward" && te.ChannelID == 0 {
		te.ChannelID, _ = strconv.ParseInt(e.TargetID, 10, 64)
	}
	return te
}

// channelName is a channel's name; a direct channel's is its two people's.
func channelName(c store.Channel, ps people) string {
	if c.Kind != store.ChannelDirect {
		return c.Name
	}
	var names []string
	for _, id := range directPeople(c) {
		names = append(names, ps.person(id, "").Name)
	}
	return strings.Join(names, " ↔ ")
}

// directPeople are the two people of a direct channel (its key is "min:max").
func directPeople(c store.Channel) []int64 {
	if c.Kind != store.ChannelDirect {
		return nil
	}
	a, b, ok := strings.Cut(c.DirectKey, ":")
	if !ok {
		return nil
	}
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return nil
	}
	return []int64{x, y}
}

func compare(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
