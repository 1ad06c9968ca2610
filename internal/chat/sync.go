package chat

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"govchat/internal/org"
	"govchat/internal/store"
	"govchat/protocol"
)

// Secrecy ceilings of the channels the org tree creates: 内部 (internal) by default, so
// ordinary work talk fits and anything above it needs a channel set up for it.
const defaultMaxSecrecy = 1

// SyncOrgChannels makes department and party channels follow the org tree: every
// department and party organisation has its channel, named as it is; each channel's
// members are exactly the active people in it (a department channel that includes its
// sub-departments, and a branch channel, count everyone below); leaders of a department
// and the secretaries of a party organisation administer its channel. Channels whose
// department or party organisation is gone are archived. People who join or leave are
// told on their own topic so their open connections follow.
func (s *Service) SyncOrgChannels(ctx context.Context) error {
	// One sync at a time on this node (admin requests and the periodic sync overlap);
	// other nodes are kept apart by the store's one-channel-per-node constraint.
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	snap, err := s.orgSnapshot(ctx)
	if err != nil {
		return err
	}
	if err := s.syncKind(ctx, snap, store.ChannelDepartment); err != nil {
		return err
	}
	return s.syncKind(ctx, snap, store.ChannelParty)
}

type orgSnapshot struct {
	depts        org.Tree[store.Department]
	deptList     []store.Department
	parties      org.Tree[store.PartyOrg]
	partyList    []store.PartyOrg
	active       map[int64]store.User
	deptMembers  map[int64][]store.DeptMembership  // by department
	partyMembers map[int64][]store.PartyMembership // by party org
}

func (s *Service) orgSnapshot(ctx context.Context) (orgSnapshot, error) {
	var snap orgSnapshot
	ds, err := s.store.ListDepartments(ctx)
	if err != nil {
		return snap, fmt.Errorf("chat: sync: %w", err)
	}
	ps, err := s.store.ListPartyOrgs(ctx)
	if err != nil {
		return snap, fmt.Errorf("chat: sync: %w", err)
	}
	dms, err := s.store.ListDeptMemberships(ctx)
	if err != nil {
		return snap, fmt.Errorf("chat: sync: %w", err)
	}
	pms, err := s.store.ListPartyMemberships(ctx)
	if err != nil {
		return snap, fmt.Errorf("chat: sync: %w", err)
	}
	users, err := s.store.ListUsers(ctx, store.UserFilter{})
	if err != nil {
		return snap, fmt.Errorf("chat: sync: %w", err)
	}
	snap = orgSnapshot{depts: org.DeptTree(ds), deptList: ds, parties: org.PartyTree(ps), partyList: ps,
		active: map[int64]store.User{}, deptMembers: map[int64][]store.DeptMembership{}, partyMembers: map[int64][]store.PartyMembership{}}
	for _, u := range users {
		if !u.Disabled {
			snap.active[u.ID] = u
		}
	}
	for _, m := range dms {
		snap.deptMembers[m.DepartmentID] = append(snap.deptMembers[m.DepartmentID], m)
	}
	for _, m := range pms {
		snap.partyMembers[m.PartyOrgID] = append(snap.partyMembers[m.PartyOrgID], m)
	}
	return snap, nil
}

// node is one department or party organisation seen the same way.
type node struct {
	id, parentID int64
	name         string
	hasChildren  bool
}

func (snap orgSnapshot) nodes(kind store.ChannelKind) []node {
	var out []node
	parents := map[int64]bool{}
	if kind == store.ChannelDepartment {
		for _, d := range snap.deptList {
			parents[d.ParentID] = true
		}
		for _, d := range snap.deptList {
			out = append(out, node{id: d.ID, parentID: d.ParentID, name: d.Name, hasChildren: parents[d.ID]})
		}
		return out
	}
	for _, p := range snap.partyList {
		parents[p.ParentID] = true
	}
	for _, p := range snap.partyList {
		out = append(out, node{id: p.ID, parentID: p.ParentID, name: p.Name, hasChildren: parents[p.ID]})
	}
	return out
}

// want computes a channel's members and which of them administer it.
func (snap orgSnapshot) want(kind store.ChannelKind, id int64, includeBelow bool) (members []int64, admins map[int64]bool) {
	ids := []int64{id}
	if includeBelow {
		if kind == store.ChannelDepartment {
			ids = snap.depts.Descendants(id)
		} else {
			ids = snap.parties.Descendants(id)
		}
	}
	set := map[int64]bool{}
	admins = map[int64]bool{}
	for _, nid := range ids {
		if kind == store.ChannelDepartment {
			for _, m := range snap.deptMembers[nid] {
				u, ok := snap.active[m.UserID]
				if !ok {
					continue
				}
				set[u.ID] = true
				if nid == id && u.Role == store.RoleLeader {
					admins[u.ID] = true
				}
			}
			continue
		}
		for _, m := range snap.partyMembers[nid] {
			if _, ok := snap.active[m.UserID]; !ok {
				continue
			}
			set[m.UserID] = true
			if nid == id && (m.PartyRole == "书记" || m.PartyRole == "副书记" || m.PartyRole == "组长") {
				admins[m.UserID] = true
			}
		}
	}
	for uid := range set {
		members = append(members, uid)
	}
	sort.Slice(members, func(i, j int) bool { return members[i] < members[j] })
	return members, admins
}

func (s *Service) syncKind(ctx context.Context, snap orgSnapshot, kind store.ChannelKind) error {
	channels, err := s.store.ListChannelsByKind(ctx, kind)
	if err != nil {
		return fmt.Errorf("chat: sync %s channels: %w", kind, err)
	}
	byNode := map[int64]store.Channel{}
	for _, c := range channels {
		byNode[nodeOf(c)] = c
	}
	seen := map[int64]bool{}
	for _, n := range snap.nodes(kind) {
		seen[n.id] = true
		c, ok := byNode[n.id]
		if !ok {
			c = store.Channel{Kind: kind, Name: n.name, IncludeSubDepartments: n.hasChildren, PostPolicy: store.PolicyEveryone,
				MentionAll: store.PolicyAdmins, MaxSecrecy: defaultMaxSecrecy, CreatedAt: s.now()}
			if kind == store.ChannelDepartment {
				c.DepartmentID = n.id
			} else {
				c.PartyOrgID = n.id
				c.IncludeSubDepartments = true // a branch's channel holds its groups' members
			}
			err := s.store.CreateChannel(ctx, &c, nil)
			if errors.Is(err, store.ErrConflict) {
				// Another node created it a moment ago: use theirs.
				c, err = s.channelOf(ctx, kind, n.id)
			}
			if err != nil {
				return fmt.Errorf("chat: create channel for %s %d: %w", kind, n.id, err)
			}
		} else if c.Name != n.name || c.Archived {
			c.Name, c.Archived = n.name, false
			if err := s.store.UpdateChannel(ctx, c); err != nil {
				return fmt.Errorf("chat: rename channel %d: %w", c.ID, err)
			}
			s.announceToMembers(ctx, c.ID)
		}
		members, admins := snap.want(kind, n.id, c.IncludeSubDepartments)
		if err := s.applyMembers(ctx, c.ID, c.LastSeq, members, admins); err != nil {
			return err
		}
	}
	for nodeID, c := range byNode {
		if !seen[nodeID] && !c.Archived {
			c.Archived = true
			if err := s.store.UpdateChannel(ctx, c); err != nil {
				return fmt.Errorf("chat: archive channel %d: %w", c.ID, err)
			}
			s.announceToMembers(ctx, c.ID)
		}
	}
	return nil
}

// channelOf finds the channel of a department or party organisation.
func (s *Service) channelOf(ctx context.Context, kind store.ChannelKind, nodeID int64) (store.Channel, error) {
	cs, err := s.store.ListChannelsByKind(ctx, kind)
	if err != nil {
		return store.Channel{}, err
	}
	for _, c := range cs {
		if nodeOf(c) == nodeID {
			return c, nil
		}
	}
	return store.Channel{}, fmt.Errorf("chat: no %s channel for %d: %w", kind, nodeID, store.ErrNotFound)
}

func nodeOf(c store.Channel) int64 {
	if c.Kind == store.ChannelDepartment {
		return c.DepartmentID
	}
	return c.PartyOrgID
}

// applyMembers sets a channel's members and admins and tells those who joined or left.
// lastSeq is the channel's, read before the members were changed: where those who
// join are told they joined.
func (s *Service) applyMembers(ctx context.Context, channelID, lastSeq int64, members []int64, admins map[int64]bool) error {
	added, removed, err := s.store.SyncMembers(ctx, channelID, members, s.now())
	if err != nil {
		return fmt.Errorf("chat: sync members of channel %d: %w", channelID, err)
	}
	current, err := s.store.ListMembers(ctx, channelID)
	if err != nil {
		return fmt.Errorf("chat: members of channel %d: %w", channelID, err)
	}
	var promoted []int64
	for _, m := range current {
		want := store.MemberNormal
		if admins[m.UserID] {
			want = store.MemberAdmin
		}
		if m.Role != want {
			if err := s.store.SetMemberRole(ctx, channelID, m.UserID, want); err != nil {
				return fmt.Errorf("chat: role in channel %d: %w", channelID, err)
			}
			promoted = append(promoted, m.UserID)
		}
	}
	s.announce(ctx, channelID, promoted, protocol.ChannelUpdated)
	s.announceJoined(ctx, channelID, added, lastSeq)
	s.announce(ctx, channelID, removed, protocol.ChannelLeft)
	return nil
}

// announceToMembers tells every member that the channel itself changed.
func (s *Service) announceToMembers(ctx context.Context, channelID int64) {
	ms, err := s.store.ListMembers(ctx, channelID)
	if err != nil {
		s.log.Warn("channel update not announced", "channel_id", channelID, "err", err)
		return
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	s.announce(ctx, channelID, ids, protocol.ChannelUpdated)
}

// announce tells each user's connections that their channel list changed: event is
// protocol.ChannelLeft or ChannelUpdated (a join is announceJoined).
func (s *Service) announce(ctx context.Context, channelID int64, users []int64, event string) {
	s.pub.Membership(ctx, users, protocol.ChannelEvent{ChannelID: channelID, Event: event})
}

// announceJoined tells users they joined a channel, and where: since is the channel's
// last sequence read before they were made members. Their connections are sent every
// message after it, including those the channel got before the connections had
// subscribed to it (issue 17), so since must not be read after the join.
func (s *Service) announceJoined(ctx context.Context, channelID int64, users []int64, since int64) {
	s.pub.Membership(ctx, users, protocol.ChannelEvent{ChannelID: channelID, Event: protocol.ChannelJoined, LastSeq: &since})
}
