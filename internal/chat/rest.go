package chat

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"govchat/internal/account"
	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Limits of the REST operations.
const (
	maxGroupMembers = 2000
	maxHistory      = 200 // per REST page; one more is asked of the store to see if there is more
)

func toChannel(c store.MyChannel, userID int64) protocol.Channel {
	out := protocol.Channel{
		ID: c.ID, Kind: string(c.Kind), Name: c.Name, Topic: c.Topic, PostPolicy: string(c.PostPolicy),
		MentionAll: string(c.MentionAll), MaxSecrecy: c.MaxSecrecy, DefaultSecrecy: c.DefaultSecrecy,
		Archived: c.Archived, LastSeq: c.LastSeq,
		Epoch: c.Epoch, Role: string(c.Role), ReadSeq: c.ReadSeq, Unread: c.Unread,
		IncludeSubDepartments: c.Kind == store.ChannelDepartment && c.IncludeSubDepartments,
		AutoName:              c.Kind == store.ChannelGroup && c.AutoName, Notify: c.Notify,
	}
	if c.Latest != nil {
		m := toWire(*c.Latest)
		out.Latest = &m
	}
	if c.Kind == store.ChannelDirect {
		out.PeerID = peerOf(c.DirectKey, userID)
	}
	return out
}

// directKey names the one direct channel of two people.
func directKey(a, b int64) string {
	if a > b {
		a, b = b, a
	}
	return fmt.Sprintf("%d:%d", a, b)
}

func peerOf(key string, me int64) int64 {
	var a, b int64
	if _, err := fmt.Sscanf(key, "%d:%d", &a, &b); err != nil {
		return 0
	}
	if a == me {
		return b
	}
	return a
}

// ListMine lists the user's channels with unread counts.
func (s *Service) ListMine(ctx context.Context, userID int64) (protocol.Channels, error) {
	mine, err := s.store.ListMyChannels(ctx, userID)
	if err != nil {
		return protocol.Channels{}, fmt.Errorf("chat: channels of %d: %w", userID, err)
	}
	out := protocol.Channels{Channels: make([]protocol.Channel, 0, len(mine))}
	for _, c := range mine {
		out.Channels = append(out.Channels, toChannel(c, userID))
	}
	return out, nil
}

// Members lists a channel's members to one of them.
func (s *Service) Members(ctx context.Context, userID, channelID int64) (protocol.ChannelMembers, error) {
	if _, _, err := s.member(ctx, channelID, userID); err != nil {
		return protocol.ChannelMembers{}, err
	}
	ms, err := s.store.ListMembers(ctx, channelID)
	if err != nil {
		return protocol.ChannelMembers{}, err
	}
	// One query for the people rather than one per member: a department channel can
	// hold hundreds.
	users, err := s.store.ListUsers(ctx, store.UserFilter{})
	if err != nil {
		return protocol.ChannelMembers{}, err
	}
	byID := make(map[int64]store.User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	out := protocol.ChannelMembers{Members: make([]protocol.ChannelMember, 0, len(ms))}
	for _, m := range ms {
		u := byID[m.UserID]
		out.Members = append(out.Members, protocol.ChannelMember{UserID: m.UserID, Username: u.Username, DisplayName: u.DisplayName, Title: u.Title, Role: string(m.Role)})
	}
	return out, nil
}

// History pages through a channel for one of its members.
func (s *Service) History(ctx context.Context, userID int64, q store.HistoryQuery) (protocol.Messages, error) {
	if q.Limit < 1 || q.Limit > maxHistory {
		return protocol.Messages{}, apperr.BadField("limit", "limit must be from 1 to %d", maxHistory)
	}
	if q.AfterSeq < 0 || q.BeforeSeq < 0 {
		return protocol.Messages{}, apperr.BadField("after", "sequence numbers are not negative")
	}
	if _, _, err := s.member(ctx, q.ChannelID, userID); err != nil {
		return protocol.Messages{}, err
	}
	// Ask for one more than wanted to tell whether there is more in that direction.
	want := q.Limit
	q.Limit = want + 1 // the store pages up to 500, above the REST maximum
	msgs, err := s.store.History(ctx, q)
	if err != nil {
		return protocol.Messages{}, err
	}
	out := protocol.Messages{Messages: []protocol.Message{}}
	if len(msgs) > want {
		out.HasMore = true
		if q.BeforeSeq != 0 && q.AfterSeq == 0 {
			msgs = msgs[len(msgs)-want:] // paging back: keep the newest, drop the extra oldest
		} else {
			msgs = msgs[:want]
		}
	}
	for _, m := range msgs {
		out.Messages = append(out.Messages, toWire(m))
	}
	if err := s.withReactions(ctx, out.Messages); err != nil {
		return protocol.Messages{}, err
	}
	return out, nil
}

func policy(v, field string, def store.PostPolicy) (store.PostPolicy, error) {
	switch store.PostPolicy(v) {
	case "":
		return def, nil
	case store.PolicyEveryone, store.PolicyAdmins:
		return store.PostPolicy(v), nil
	}
	return "", apperr.BadField(field, "%s must be everyone or admins", field)
}

func checkChannelName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", apperr.BadField("name", "the group needs a name")
	}
	return name, account.CheckText("name", name, 64)
}

// CreateGroup creates a work group; the creator administers it. Without a name it is
// named from its members and follows them (AutoName). Its first line says who created
// it and whom they invited.
func (s *Service) CreateGroup(ctx context.Context, creatorID int64, req protocol.CreateGroupRequest) (protocol.Channel, error) {
	name, auto := strings.TrimSpace(req.Name), false
	var err error
	if name == "" {
		auto = true
	} else if name, err = checkChannelName(name); err != nil {
		return protocol.Channel{}, err
	}
	if err := account.CheckText("topic", req.Topic, 256); err != nil {
		return protocol.Channel{}, err
	}
	post, err := policy(req.PostPolicy, "post_policy", store.PolicyEveryone)
	if err != nil {
		return protocol.Channel{}, err
	}
	mentionAll, err := policy(req.MentionAll, "mention_all", store.PolicyEveryone)
	if err != nil {
		return protocol.Channel{}, err
	}
	if len(req.Members) > maxGroupMembers {
		return protocol.Channel{}, apperr.BadField("members", "a group has at most %d members", maxGroupMembers)
	}
	now := s.now()
	members := []store.ChannelMember{{UserID: creatorID, Role: store.MemberAdmin, JoinedAt: now}}
	ids, err := s.activeUsers(ctx, "members", req.Members, creatorID)
	if err != nil {
		return protocol.Channel{}, err
	}
	for _, id := range ids {
		members = append(members, store.ChannelMember{UserID: id, Role: store.MemberNormal, JoinedAt: now})
	}
	if auto {
		if name, err = s.nameFromMembers(ctx, creatorID, members); err != nil {
			return protocol.Channel{}, err
		}
	}
	c := store.Channel{Kind: store.ChannelGroup, Name: name, Topic: strings.TrimSpace(req.Topic), PostPolicy: post, MentionAll: mentionAll,
		MaxSecrecy: defaultMaxSecrecy, CreatedBy: creatorID, CreatedAt: now, AutoName: auto}
	if err := s.store.CreateChannel(ctx, &c, members); err != nil {
		return protocol.Channel{}, fmt.Errorf("chat: create group: %w", err)
	}
	s.record(ctx, creatorID, audit.ChatChannelCreate, c.ID, map[string]any{"kind": string(c.Kind), "members": len(members)})
	// The line goes in before anyone is told: whatever they fetch then holds it. They
	// joined before it, at 0, so their connections are sent it too.
	if line, ok := s.writeSystemLine(ctx, c.ID, store.SystemEvent{Event: protocol.SystemGroupCreated, ActorID: creatorID, UserIDs: ids}); ok {
		c.LastSeq = line.Seq
	}
	all := append([]int64{creatorID}, ids...)
	s.announceJoined(ctx, c.ID, all, 0)
	return toChannel(store.MyChannel{Channel: c, Role: store.MemberAdmin}, creatorID), nil
}

// activeUsers checks that every id is an active account, drops duplicates and except;
// field names the request field for the error.
func (s *Service) activeUsers(ctx context.Context, field string, ids []int64, except int64) ([]int64, error) {
	seen := map[int64]bool{except: true}
	var out []int64
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		u, err := s.store.GetUser(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
			return nil, apperr.BadField(field, "user %d does not exist or is disabled", id)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// admin loads a channel its administrator is about to change.
func (s *Service) admin(ctx context.Context, userID, channelID int64) (store.Channel, error) {
	ch, m, err := s.member(ctx, channelID, userID)
	if err != nil {
		return store.Channel{}, err
	}
	if m.Role != store.MemberAdmin {
		return store.Channel{}, apperr.New(protocol.CodeForbidden, "only the channel's administrators may change it")
	}
	return ch, nil
}

// UpdateChannel changes settings; org channels keep the names the tree gives them.
func (s *Service) UpdateChannel(ctx context.Context, userID, channelID int64, req protocol.UpdateChannelRequest) (protocol.Channel, error) {
	ch, err := s.admin(ctx, userID, channelID)
	if err != nil {
		return protocol.Channel{}, err
	}
	oldName := ch.Name
	if req.Name != nil {
		if ch.Kind != store.ChannelGroup {
			return protocol.Channel{}, apperr.BadField("name", "department and party channels are named after the org tree")
		}
		if strings.TrimSpace(*req.Name) == "" {
			// Back to a name made from the members.
			ms, err := s.store.ListMembers(ctx, ch.ID)
			if err != nil {
				return protocol.Channel{}, err
			}
			if ch.Name, err = s.nameFromMembers(ctx, ch.CreatedBy, ms); err != nil {
				return protocol.Channel{}, err
			}
			ch.AutoName = true
		} else {
			if ch.Name, err = checkChannelName(*req.Name); err != nil {
				return protocol.Channel{}, err
			}
			ch.AutoName = false
		}
	}
	if req.Topic != nil {
		if err := account.CheckText("topic", *req.Topic, 256); err != nil {
			return protocol.Channel{}, err
		}
		ch.Topic = strings.TrimSpace(*req.Topic)
	}
	if req.PostPolicy != nil {
		if ch.PostPolicy, err = policy(*req.PostPolicy, "post_policy", ch.PostPolicy); err != nil {
			return protocol.Channel{}, err
		}
	}
	if req.MentionAll != nil {
		if ch.MentionAll, err = policy(*req.MentionAll, "mention_all", ch.MentionAll); err != nil {
			return protocol.Channel{}, err
		}
	}
	if req.Archived != nil {
		if ch.Kind != store.ChannelGroup {
			return protocol.Channel{}, apperr.BadField("archived", "department and party channels follow the org tree")
		}
		ch.Archived = *req.Archived
	}
	resync := false
	if req.IncludeSubDepartments != nil {
		if ch.Kind != store.ChannelDepartment {
			return protocol.Channel{}, apperr.BadField("include_sub_departments", "only department channels have sub-departments")
		}
		resync = ch.IncludeSubDepartments != *req.IncludeSubDepartments
		ch.IncludeSubDepartments = *req.IncludeSubDepartments
	}
	if err := s.store.UpdateChannel(ctx, ch); err != nil {
		return protocol.Channel{}, err
	}
	if resync {
		if err := s.SyncOrgChannels(ctx); err != nil {
			return protocol.Channel{}, err
		}
	}
	s.record(ctx, userID, audit.ChatChannelUpdate, ch.ID, map[string]any{"post_policy": ch.PostPolicy, "mention_all": ch.MentionAll,
		"archived": ch.Archived, "include_sub_departments": ch.IncludeSubDepartments})
	if ch.Name != oldName {
		if line, ok := s.writeSystemLine(ctx, ch.ID, store.SystemEvent{Event: protocol.SystemRenamed, ActorID: userID, Name: ch.Name}); ok {
			ch.LastSeq = line.Seq
		}
	}
	s.announceToMembers(ctx, ch.ID)
	return toChannel(store.MyChannel{Channel: ch, Role: store.MemberAdmin}, userID), nil
}

// AddMembers adds people to a group.
func (s *Service) AddMembers(ctx context.Context, userID, channelID int64, ids []int64) error {
	ch, err := s.admin(ctx, userID, channelID)
	if err != nil {
		return err
	}
	if ch.Kind != store.ChannelGroup {
		return apperr.New(protocol.CodeForbidden, "only groups have members chosen by hand")
	}
	if len(ids) > maxGroupMembers {
		return apperr.BadField("user_ids", "at most %d at once", maxGroupMembers)
	}
	valid, err := s.activeUsers(ctx, "user_ids", ids, 0)
	if err != nil {
		return err
	}
	var added []int64
	for _, id := range valid {
		// A newcomer starts at the newest message, as in department channels, rather
		// than with the group's whole history counted as unread.
		err := s.store.AddMember(ctx, store.ChannelMember{ChannelID: ch.ID, UserID: id, Role: store.MemberNormal, JoinedAt: s.now(), ReadSeq: ch.LastSeq})
		if errors.Is(err, store.ErrConflict) {
			continue // already in it
		}
		if err != nil {
			return err
		}
		added = append(added, id)
	}
	if len(added) > 0 {
		s.record(ctx, userID, audit.ChatMemberAdd, ch.ID, map[string]any{"user_ids": added})
		s.writeSystemLine(ctx, ch.ID, store.SystemEvent{Event: protocol.SystemMembersAdded, ActorID: userID, UserIDs: added})
		s.followMembers(ctx, ch.ID)
	}
	// ch was read before anyone was added: they joined at its last_seq or later.
	s.announceJoined(ctx, ch.ID, added, ch.LastSeq)
	return nil
}

// RemoveMember takes someone out of a group: an administrator removes anyone, a member
// removes themself (leaves).
func (s *Service) RemoveMember(ctx context.Context, userID, channelID, memberID int64) error {
	ch, m, err := s.member(ctx, channelID, userID)
	if err != nil {
		return err
	}
	if ch.Kind != store.ChannelGroup {
		return apperr.New(protocol.CodeForbidden, "department and party channels follow the org tree")
	}
	if memberID != userID && m.Role != store.MemberAdmin {
		return apperr.New(protocol.CodeForbidden, "only the group's administrators may remove others")
	}
	if err := s.keepAnAdmin(ctx, ch.ID, memberID); err != nil {
		return err
	}
	if err := s.store.RemoveMember(ctx, ch.ID, memberID); err != nil {
		return err
	}
	ev := store.SystemEvent{Event: protocol.SystemMemberLeft, ActorID: memberID}
	if memberID == userID {
		s.record(ctx, userID, audit.ChatMemberLeave, ch.ID, nil)
	} else {
		s.record(ctx, userID, audit.ChatMemberRemove, ch.ID, map[string]any{"user_id": memberID})
		ev = store.SystemEvent{Event: protocol.SystemMemberRemoved, ActorID: userID, UserIDs: []int64{memberID}}
	}
	s.announce(ctx, ch.ID, []int64{memberID}, protocol.ChannelLeft)
	s.writeSystemLine(ctx, ch.ID, ev)
	s.followMembers(ctx, ch.ID)
	return nil
}

// keepAnAdmin refuses to take away a group's last administrator while others remain:
// nobody could manage it afterwards.
func (s *Service) keepAnAdmin(ctx context.Context, channelID, leaving int64) error {
	ms, err := s.store.ListMembers(ctx, channelID)
	if err != nil {
		return err
	}
	admins, others := 0, 0
	for _, m := range ms {
		if m.UserID == leaving {
			if m.Role != store.MemberAdmin {
				return nil
			}
			continue
		}
		others++
		if m.Role == store.MemberAdmin {
			admins++
		}
	}
	if admins == 0 && others > 0 {
		return apperr.New(protocol.CodeConflict, "appoint another administrator of the group first")
	}
	return nil
}

// SetMemberRole appoints or removes a group administrator.
func (s *Service) SetMemberRole(ctx context.Context, userID, channelID, memberID int64, role string) error {
	ch, err := s.admin(ctx, userID, channelID)
	if err != nil {
		return err
	}
	if ch.Kind != store.ChannelGroup {
		return apperr.New(protocol.CodeForbidden, "department and party channels take their administrators from the org tree")
	}
	r := store.MemberRole(role)
	if r != store.MemberAdmin && r != store.MemberNormal {
		return apperr.BadField("role", "role must be admin or member")
	}
	if _, err := s.store.GetMember(ctx, ch.ID, memberID); err != nil {
		return apperr.BadField("user", "user %d is not in this group", memberID)
	}
	if r == store.MemberNormal {
		if err := s.keepAnAdmin(ctx, ch.ID, memberID); err != nil {
			return err
		}
	}
	if err := s.store.SetMemberRole(ctx, ch.ID, memberID, r); err != nil {
		return err
	}
	s.record(ctx, userID, audit.ChatMemberRole, ch.ID, map[string]any{"user_id": memberID, "role": r})
	s.announce(ctx, ch.ID, []int64{memberID}, protocol.ChannelUpdated)
	return nil
}

// OpenDirect returns the direct channel of two people, creating it on first use.
func (s *Service) OpenDirect(ctx context.Context, userID, peerID int64) (protocol.Channel, error) {
	if peerID == userID {
		return protocol.Channel{}, apperr.BadField("user_id", "a direct conversation needs someone else")
	}
	if _, err := s.activeUsers(ctx, "user", []int64{peerID}, 0); err != nil {
		return protocol.Channel{}, err
	}
	key := directKey(userID, peerID)
	c, err := s.store.GetDirectChannel(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		now := s.now()
		c = store.Channel{Kind: store.ChannelDirect, Name: "", DirectKey: key, PostPolicy: store.PolicyEveryone, MentionAll: store.PolicyEveryone,
			MaxSecrecy: defaultMaxSecrecy, CreatedBy: userID, CreatedAt: now}
		members := []store.ChannelMember{{UserID: userID, Role: store.MemberNormal, JoinedAt: now}, {UserID: peerID, Role: store.MemberNormal, JoinedAt: now}}
		err = s.store.CreateChannel(ctx, &c, members)
		if errors.Is(err, store.ErrConflict) { // opened by the other person at the same moment
			c, err = s.store.GetDirectChannel(ctx, key)
		} else if err == nil {
			s.announceJoined(ctx, c.ID, []int64{userID, peerID}, 0)
		}
	}
	if err != nil {
		return protocol.Channel{}, fmt.Errorf("chat: direct channel %s: %w", key, err)
	}
	m, err := s.store.GetMember(ctx, c.ID, userID)
	if err != nil {
		return protocol.Channel{}, err
	}
	return toChannel(store.MyChannel{Channel: c, Role: m.Role, ReadSeq: m.ReadSeq}, userID), nil
}
