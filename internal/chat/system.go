package chat

import (
	"context"
	"fmt"
	"sort"

	"govchat/internal/store"
	"govchat/protocol"
)

// System lines (PROTOCOL.md §4.9, "System lines"): what happens to a group — created,
// renamed, people invited, gone, removed — is written into its sequence as a message
// of kind "system", through the same group commit and bus as people's messages, so it
// has a seq, is replayed on resume and paged in history. It never counts as unread,
// is never pushed, and cannot be edited, recalled or replied to.
//
// Department and party channels get none: their members follow the org tree, where an
// import or a reorganisation moves hundreds of people at once, and nobody in the
// channel did it (the administrator's change is in the audit trail). A line per person
// would bury a department's work under "… joined" in its largest channels.

// writeSystemLine commits a system line and returns it. The change it reports has
// already happened; a line that cannot be written is logged, not undone.
func (s *Service) writeSystemLine(ctx context.Context, channelID int64, ev store.SystemEvent) (store.Message, bool) {
	res, err := s.commits.submit(ctx, store.NewMessage{
		ChannelID: channelID, Kind: store.MessageKindSystem, System: &ev, CreatedAt: s.now(),
	})
	if err == nil {
		err = res.Err
	}
	if err != nil {
		s.log.Error("system line not written", "channel_id", channelID, "event", ev.Event, "err", err)
		return store.Message{}, false
	}
	return res.Message, true
}

// systemToWire is a stored system event as clients see it.
func systemToWire(e *store.SystemEvent) *protocol.SystemEvent {
	if e == nil {
		return nil
	}
	return &protocol.SystemEvent{Event: e.Event, ActorID: e.ActorID, UserIDs: e.UserIDs, Name: e.Name}
}

// isSystem reports whether m is a line the server wrote.
func isSystem(m store.Message) bool { return m.Kind == store.MessageKindSystem }

// nameFromMembers is the name of an unnamed group with these members: the creator
// first while a member, then the others in the order they joined (at the same moment:
// by account id), as protocol.GroupNameFromMembers lays them out.
func (s *Service) nameFromMembers(ctx context.Context, creatorID int64, members []store.ChannelMember) (string, error) {
	ms := append([]store.ChannelMember(nil), members...)
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if (a.UserID == creatorID) != (b.UserID == creatorID) {
			return a.UserID == creatorID
		}
		if !a.JoinedAt.Equal(b.JoinedAt) {
			return a.JoinedAt.Before(b.JoinedAt)
		}
		return a.UserID < b.UserID
	})
	var names []string
	for _, m := range ms {
		// Only as many as the name can show are read.
		if len(names) > protocol.GroupNameMaxPeople {
			break
		}
		u, err := s.store.GetUser(ctx, m.UserID)
		if err != nil {
			return "", fmt.Errorf("chat: name of member %d: %w", m.UserID, err)
		}
		names = append(names, u.DisplayName)
	}
	return protocol.GroupNameFromMembers(names), nil
}

// followMembers renames a group named from its members after they changed, and tells
// every member when the name moved. A group left empty keeps its last name.
func (s *Service) followMembers(ctx context.Context, channelID int64) {
	ch, err := s.store.GetChannel(ctx, channelID)
	if err != nil || !ch.AutoName || ch.Kind != store.ChannelGroup {
		return
	}
	ms, err := s.store.ListMembers(ctx, channelID)
	if err != nil || len(ms) == 0 {
		return
	}
	name, err := s.nameFromMembers(ctx, ch.CreatedBy, ms)
	if err != nil || name == "" || name == ch.Name {
		return
	}
	ch.Name = name
	if err := s.store.UpdateChannel(ctx, ch); err != nil {
		s.log.Warn("group name not updated", "channel_id", channelID, "err", err)
		return
	}
	s.announceToMembers(ctx, channelID)
}

// NotifyChanged tells the user's connections that their notification level in a
// channel changed, so their other devices show it (muted or not) at once.
func (s *Service) NotifyChanged(ctx context.Context, userID, channelID int64) {
	s.announce(ctx, channelID, []int64{userID}, protocol.ChannelUpdated)
}
