package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// Helpers shared by the chat tests.

func newChannel(t *testing.T, s store.Store, name string, members ...int64) store.Channel {
	t.Helper()
	c := store.Channel{Kind: store.ChannelGroup, Name: name, CreatedAt: t0}
	ms := make([]store.ChannelMember, len(members))
	for i, id := range members {
		ms[i] = store.ChannelMember{UserID: id}
	}
	if err := s.CreateChannel(t.Context(), &c, ms); err != nil {
		t.Fatalf("CreateChannel(%q): %v", name, err)
	}
	return c
}

// users creates n staff accounts named prefix1 … prefixN and returns their IDs.
func users(t *testing.T, s store.Store, prefix string, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range n {
		ids[i] = newUser(t, s, fmt.Sprintf("%s%d", prefix, i+1), store.RoleStaff).ID
	}
	return ids
}

// clientSeqN makes client ids unique across a test binary's sends.
var clientSeqN atomic.Int64

func clientSeq() string { return fmt.Sprintf("c-%d", clientSeqN.Add(1)) }

// post appends one message and fails the test on any error.
func post(t *testing.T, s store.Store, channelID, sender int64, text string) store.Message {
	t.Helper()
	return postAt(t, s, channelID, sender, text, time.Time{})
}

func postAt(t *testing.T, s store.Store, channelID, sender int64, text string, at time.Time) store.Message {
	t.Helper()
	rs, err := s.AppendMessages(t.Context(), []store.NewMessage{{
		ChannelID: channelID, SenderID: sender, ClientID: clientSeq(), Text: text, CreatedAt: at,
	}})
	if err != nil {
		t.Fatalf("AppendMessages: %v", err)
	}
	if rs[0].Err != nil || rs[0].Duplicate {
		t.Fatalf("AppendMessages: result %+v", rs[0])
	}
	return rs[0].Message
}

func seqsOf(ms []store.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

func myChannel(t *testing.T, s store.Store, userID, channelID int64) store.MyChannel {
	t.Helper()
	mine, err := s.ListMyChannels(t.Context(), userID)
	must(t, err)
	for _, mc := range mine {
		if mc.ID == channelID {
			return mc
		}
	}
	t.Fatalf("channel %d not in user %d's list", channelID, userID)
	return store.MyChannel{}
}

func TestChannels(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "ch", 3)

		t.Run("create and get round-trip every field", func(t *testing.T) {
			d := newDept(t, s, 0, "财政局")
			c := store.Channel{
				Kind: store.ChannelDepartment, Name: "财政局", Topic: "全局通知", DepartmentID: d.ID,
				IncludeSubDepartments: true, PostPolicy: store.PolicyAdmins, MentionAll: store.PolicyAdmins,
				MaxSecrecy: 2, DefaultSecrecy: 1, CreatedBy: u[0], CreatedAt: t0, Archived: true,
			}
			members := []store.ChannelMember{
				{UserID: u[0], Role: store.MemberAdmin},
				{UserID: u[1], JoinedAt: t0.Add(time.Hour)},
			}
			must(t, s.CreateChannel(ctx, &c, members))
			if c.ID == 0 || c.Epoch != 1 || c.LastSeq != 0 || !c.CreatedAt.Equal(ms(t0)) || c.CreatedAt.Location() != time.UTC {
				t.Fatalf("after create: %+v", c)
			}
			got, err := s.GetChannel(ctx, c.ID)
			must(t, err)
			if !reflect.DeepEqual(got, c) {
				t.Fatalf("GetChannel =\n%+v\nwant\n%+v", got, c)
			}
			gotMembers, err := s.ListMembers(ctx, c.ID)
			must(t, err)
			want := []store.ChannelMember{
				{ChannelID: c.ID, UserID: u[0], Role: store.MemberAdmin, JoinedAt: ms(t0)},
				{ChannelID: c.ID, UserID: u[1], Role: store.MemberNormal, JoinedAt: ms(t0.Add(time.Hour))},
			}
			if !reflect.DeepEqual(gotMembers, want) {
				t.Fatalf("ListMembers =\n%+v\nwant\n%+v", gotMembers, want)
			}
		})

		t.Run("unset policies default to everyone", func(t *testing.T) {
			c := newChannel(t, s, "defaults")
			if c.PostPolicy != store.PolicyEveryone || c.MentionAll != store.PolicyEveryone {
				t.Fatalf("policies %q, %q", c.PostPolicy, c.MentionAll)
			}
		})

		t.Run("one direct channel per pair", func(t *testing.T) {
			key := fmt.Sprintf("%d:%d", u[0], u[1])
			c := store.Channel{Kind: store.ChannelDirect, DirectKey: key}
			must(t, s.CreateChannel(ctx, &c, []store.ChannelMember{{UserID: u[0]}, {UserID: u[1]}}))
			got, err := s.GetDirectChannel(ctx, key)
			must(t, err)
			if got.ID != c.ID || got.DirectKey != key {
				t.Fatalf("GetDirectChannel = %+v, want channel %d", got, c.ID)
			}
			again := store.Channel{Kind: store.ChannelDirect, DirectKey: key}
			wantErr(t, s.CreateChannel(ctx, &again, nil), store.ErrConflict)
			_, err = s.GetDirectChannel(ctx, fmt.Sprintf("%d:%d", u[0], u[2]))
			wantErr(t, err, store.ErrNotFound)
			_, err = s.GetDirectChannel(ctx, "")
			wantErr(t, err, store.ErrNotFound)
		})

		t.Run("refuses malformed channels", func(t *testing.T) {
			cases := map[string]store.Channel{
				"unknown kind":          {Kind: "broadcast"},
				"direct without key":    {Kind: store.ChannelDirect},
				"group with direct key": {Kind: store.ChannelGroup, DirectKey: "1:2"},
				"unknown post policy":   {Kind: store.ChannelGroup, PostPolicy: "leaders"},
				"unknown mention all":   {Kind: store.ChannelGroup, MentionAll: "nobody"},
			}
			for name, c := range cases {
				t.Run(name, func(t *testing.T) {
					if err := s.CreateChannel(ctx, &c, nil); err == nil {
						t.Fatalf("CreateChannel(%+v) succeeded", c)
					}
				})
			}
			c := store.Channel{Kind: store.ChannelGroup, Name: "bad member"}
			if err := s.CreateChannel(ctx, &c, []store.ChannelMember{{UserID: u[0], Role: "owner"}}); err == nil {
				t.Fatal("CreateChannel with an unknown member role succeeded")
			}
		})

		t.Run("a failed member rolls the channel back", func(t *testing.T) {
			c := store.Channel{Kind: store.ChannelGroup, Name: "rolled back"}
			err := s.CreateChannel(ctx, &c, []store.ChannelMember{{UserID: u[0]}, {UserID: 99999}})
			wantErr(t, err, store.ErrConflict)
			groups, err := s.ListChannelsByKind(ctx, store.ChannelGroup)
			must(t, err)
			for _, g := range groups {
				if g.Name == "rolled back" {
					t.Fatalf("channel %d survived its failed creation", g.ID)
				}
			}
		})

		t.Run("update writes the mutable fields only", func(t *testing.T) {
			c := newChannel(t, s, "before", u[0])
			post(t, s, c.ID, u[0], "hello")
			upd := c
			upd.Name, upd.Topic, upd.PostPolicy, upd.MentionAll = "after", "topic", store.PolicyAdmins, store.PolicyAdmins
			upd.MaxSecrecy, upd.DefaultSecrecy, upd.Archived, upd.IncludeSubDepartments = 3, 2, true, true
			upd.Kind, upd.DepartmentID, upd.CreatedBy, upd.LastSeq, upd.Epoch = store.ChannelParty, 7, 7, 100, 9
			must(t, s.UpdateChannel(ctx, upd))
			got, err := s.GetChannel(ctx, c.ID)
			must(t, err)
			want := c
			want.Name, want.Topic, want.PostPolicy, want.MentionAll = "after", "topic", store.PolicyAdmins, store.PolicyAdmins
			want.Archived, want.IncludeSubDepartments = true, true // the ceiling is SetChannelSecrecy's alone
			want.LastSeq = 1
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after update\n%+v\nwant\n%+v", got, want)
			}
		})

		t.Run("list by kind", func(t *testing.T) {
			var ids []int64
			for i := range 3 {
				p := store.PartyOrg{Name: fmt.Sprint("第", i, "党支部"), Kind: store.PartyBranch}
				must(t, s.CreatePartyOrg(ctx, &p))
				c := store.Channel{Kind: store.ChannelParty, Name: fmt.Sprint("支部", i), PartyOrgID: p.ID, Archived: i == 1}
				must(t, s.CreateChannel(ctx, &c, nil))
				ids = append(ids, c.ID)
				// One channel per party organisation: a second is a conflict.
				again := store.Channel{Kind: store.ChannelParty, Name: "重复", PartyOrgID: p.ID}
				if err := s.CreateChannel(ctx, &again, nil); !errors.Is(err, store.ErrConflict) {
					t.Fatalf("a second channel for one party organisation: %v, want ErrConflict", err)
				}
			}
			got, err := s.ListChannelsByKind(ctx, store.ChannelParty)
			must(t, err)
			var gotIDs []int64
			for _, c := range got {
				if c.Kind != store.ChannelParty {
					t.Fatalf("ListChannelsByKind(party) returned a %s channel", c.Kind)
				}
				gotIDs = append(gotIDs, c.ID)
			}
			if !slices.Equal(gotIDs, ids) {
				t.Fatalf("party channels %v, want %v (archived included, by id)", gotIDs, ids)
			}
		})

		t.Run("missing channel is not found", func(t *testing.T) {
			const id = 987654
			cases := map[string]func() error{
				"GetChannel":    func() error { _, err := s.GetChannel(ctx, id); return err },
				"UpdateChannel": func() error { return s.UpdateChannel(ctx, store.Channel{ID: id}) },
				"ListMembers":   func() error { _, err := s.ListMembers(ctx, id); return err },
				"AddMember":     func() error { return s.AddMember(ctx, store.ChannelMember{ChannelID: id, UserID: u[0]}) },
				"SyncMembers":   func() error { _, _, err := s.SyncMembers(ctx, id, []int64{u[0]}, t0); return err },
				"SetReadSeq":    func() error { _, _, err := s.SetReadSeq(ctx, id, u[0], 1); return err },
				"History": func() error {
					_, err := s.History(ctx, store.HistoryQuery{ChannelID: id, Limit: 10})
					return err
				},
				"GetMessage":    func() error { _, err := s.GetMessage(ctx, id, 1); return err },
				"EditMessage":   func() error { _, err := s.EditMessage(ctx, id, 1, "x", nil, t0); return err },
				"RecallMessage": func() error { _, err := s.RecallMessage(ctx, id, 1, u[0], t0); return err },
			}
			for name, call := range cases {
				t.Run(name, func(t *testing.T) { wantErr(t, call(), store.ErrNotFound) })
			}
		})
	})
}

func TestMembers(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "mem", 5)

		t.Run("add, get, set role, remove", func(t *testing.T) {
			c := newChannel(t, s, "members")
			must(t, s.AddMember(ctx, store.ChannelMember{ChannelID: c.ID, UserID: u[0], JoinedAt: t0, ReadSeq: 0}))
			m, err := s.GetMember(ctx, c.ID, u[0])
			must(t, err)
			want := store.ChannelMember{ChannelID: c.ID, UserID: u[0], Role: store.MemberNormal, JoinedAt: ms(t0)}
			if !reflect.DeepEqual(m, want) {
				t.Fatalf("GetMember = %+v, want %+v", m, want)
			}
			wantErr(t, s.AddMember(ctx, store.ChannelMember{ChannelID: c.ID, UserID: u[0]}), store.ErrConflict)
			must(t, s.SetMemberRole(ctx, c.ID, u[0], store.MemberAdmin))
			m, err = s.GetMember(ctx, c.ID, u[0])
			must(t, err)
			if m.Role != store.MemberAdmin {
				t.Fatalf("role %q after SetMemberRole(admin)", m.Role)
			}
			gotC, gotM, err := s.GetMembership(ctx, c.ID, u[0])
			must(t, err)
			wantC, err := s.GetChannel(ctx, c.ID)
			must(t, err)
			if !reflect.DeepEqual(gotC, wantC) || !reflect.DeepEqual(gotM, m) {
				t.Fatalf("GetMembership = %+v, %+v; want %+v, %+v", gotC, gotM, wantC, m)
			}
			if err := s.SetMemberRole(ctx, c.ID, u[0], "owner"); err == nil {
				t.Fatal("SetMemberRole accepted an unknown role")
			}
			must(t, s.RemoveMember(ctx, c.ID, u[0]))
			_, err = s.GetMember(ctx, c.ID, u[0])
			wantErr(t, err, store.ErrNotFound)
		})

		t.Run("non-members and unknown users are not found", func(t *testing.T) {
			c := newChannel(t, s, "strangers", u[0])
			cases := map[string]func() error{
				"GetMember":                   func() error { _, err := s.GetMember(ctx, c.ID, u[1]); return err },
				"GetMembership":               func() error { _, _, err := s.GetMembership(ctx, c.ID, u[1]); return err },
				"GetMembership of no channel": func() error { _, _, err := s.GetMembership(ctx, c.ID+1000, u[0]); return err },
				"RemoveMember":                func() error { return s.RemoveMember(ctx, c.ID, u[1]) },
				"SetMemberRole":               func() error { return s.SetMemberRole(ctx, c.ID, u[1], store.MemberAdmin) },
				"SetReadSeq":                  func() error { _, _, err := s.SetReadSeq(ctx, c.ID, u[1], 1); return err },
				"AddMember unknown user": func() error {
					return s.AddMember(ctx, store.ChannelMember{ChannelID: c.ID, UserID: 99999})
				},
			}
			for name, call := range cases {
				t.Run(name, func(t *testing.T) { wantErr(t, call(), store.ErrNotFound) })
			}
		})

		t.Run("sync members adds and removes, keeping roles and read positions", func(t *testing.T) {
			c := newChannel(t, s, "sync", u[0], u[1], u[2])
			must(t, s.SetMemberRole(ctx, c.ID, u[1], store.MemberAdmin))
			for range 4 {
				post(t, s, c.ID, u[0], "消息")
			}
			_, _, err := s.SetReadSeq(ctx, c.ID, u[1], 3)
			must(t, err)

			at := t0.Add(24 * time.Hour)
			// u[4] twice: duplicates are ignored.
			added, removed, err := s.SyncMembers(ctx, c.ID, []int64{u[4], u[1], u[3], u[2], u[4]}, at)
			must(t, err)
			if !slices.Equal(added, []int64{u[3], u[4]}) || !slices.Equal(removed, []int64{u[0]}) {
				t.Fatalf("SyncMembers added %v removed %v; want %v and %v", added, removed, []int64{u[3], u[4]}, []int64{u[0]})
			}
			got, err := s.ListMembers(ctx, c.ID)
			must(t, err)
			want := []store.ChannelMember{
				{ChannelID: c.ID, UserID: u[1], Role: store.MemberAdmin, JoinedAt: ms(t0), ReadSeq: 3},
				{ChannelID: c.ID, UserID: u[2], Role: store.MemberNormal, JoinedAt: ms(t0), ReadSeq: 0},
				// Newcomers start read up to the newest message.
				{ChannelID: c.ID, UserID: u[3], Role: store.MemberNormal, JoinedAt: ms(at), ReadSeq: 4},
				{ChannelID: c.ID, UserID: u[4], Role: store.MemberNormal, JoinedAt: ms(at), ReadSeq: 4},
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("members after sync\n%+v\nwant\n%+v", got, want)
			}

			added, removed, err = s.SyncMembers(ctx, c.ID, []int64{u[1], u[2], u[3], u[4]}, at)
			must(t, err)
			if len(added) != 0 || len(removed) != 0 {
				t.Fatalf("second identical sync added %v removed %v", added, removed)
			}
			added, removed, err = s.SyncMembers(ctx, c.ID, nil, at)
			must(t, err)
			if len(added) != 0 || !slices.Equal(removed, []int64{u[1], u[2], u[3], u[4]}) {
				t.Fatalf("sync to nobody added %v removed %v", added, removed)
			}
		})

		t.Run("sync with an unknown user changes nothing", func(t *testing.T) {
			c := newChannel(t, s, "sync unknown", u[0])
			_, _, err := s.SyncMembers(ctx, c.ID, []int64{u[1], 99999}, t0)
			wantErr(t, err, store.ErrConflict)
			got, err := s.ListMembers(ctx, c.ID)
			must(t, err)
			if len(got) != 1 || got[0].UserID != u[0] {
				t.Fatalf("members after failed sync: %+v", got)
			}
		})

		t.Run("deleting a user removes their memberships", func(t *testing.T) {
			v := newUser(t, s, "leaver", store.RoleStaff)
			c := newChannel(t, s, "leaving", u[0], v.ID)
			post(t, s, c.ID, v.ID, "再见")
			must(t, store.ExecRaw(ctx, s, `DELETE FROM users WHERE id = ?`, v.ID))
			got, err := s.ListMembers(ctx, c.ID)
			must(t, err)
			if len(got) != 1 || got[0].UserID != u[0] {
				t.Fatalf("members after deleting user: %+v", got)
			}
			if _, err := s.GetMessage(ctx, c.ID, 1); err != nil {
				t.Fatalf("the deleted user's message went too: %v", err)
			}
		})
	})
}

func TestAppendMessages(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "app", 3)

		t.Run("round-trips every field", func(t *testing.T) {
			c := newChannel(t, s, "fields", u[0], u[1])
			rs, err := s.AppendMessages(ctx, []store.NewMessage{{
				ChannelID: c.ID, SenderID: u[0], ClientID: "round-trip", Text: "请审阅附件", ReplyTo: 0,
				Mentions: []int64{u[1], u[2]}, MentionAll: true, Secrecy: 1, CreatedAt: t0,
			}})
			must(t, err)
			want := store.Message{
				ChannelID: c.ID, Seq: 1, SenderID: u[0], ClientID: "round-trip", Text: "请审阅附件",
				Mentions: []int64{u[1], u[2]}, MentionAll: true, Secrecy: 1, CreatedAt: ms(t0),
			}
			if len(rs) != 1 || rs[0].Err != nil || rs[0].Duplicate || !reflect.DeepEqual(rs[0].Message, want) {
				t.Fatalf("AppendMessages = %+v\nwant message %+v", rs, want)
			}
			got, err := s.GetMessage(ctx, c.ID, 1)
			must(t, err)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("GetMessage =\n%+v\nwant\n%+v", got, want)
			}
			reply := post(t, s, c.ID, u[1], "收到")
			if reply.Mentions != nil || reply.CreatedAt.IsZero() || reply.CreatedAt.Location() != time.UTC {
				t.Fatalf("defaults: %+v", reply)
			}
			ch, err := s.GetChannel(ctx, c.ID)
			must(t, err)
			if ch.LastSeq != 2 {
				t.Fatalf("LastSeq = %d, want 2", ch.LastSeq)
			}
		})

		t.Run("numbers each channel in batch order", func(t *testing.T) {
			a, b := newChannel(t, s, "a"), newChannel(t, s, "b")
			post(t, s, b.ID, u[0], "first in b")
			batch := []store.NewMessage{
				{ChannelID: a.ID, SenderID: u[0], ClientID: "order-1", Text: "a1"},
				{ChannelID: b.ID, SenderID: u[0], ClientID: "order-2", Text: "b2"},
				{ChannelID: a.ID, SenderID: u[1], ClientID: "order-3", Text: "a2"},
				{ChannelID: a.ID, SenderID: u[0], Text: "a3"},
				{ChannelID: b.ID, SenderID: u[1], ClientID: "order-5", Text: "b3"},
			}
			rs, err := s.AppendMessages(ctx, batch)
			must(t, err)
			want := []struct {
				ch, seq int64
				text    string
			}{{a.ID, 1, "a1"}, {b.ID, 2, "b2"}, {a.ID, 2, "a2"}, {a.ID, 3, "a3"}, {b.ID, 3, "b3"}}
			for i, w := range want {
				r := rs[i]
				if r.Err != nil || r.Duplicate || r.Message.ChannelID != w.ch || r.Message.Seq != w.seq || r.Message.Text != w.text {
					t.Errorf("result %d = %+v, want %s at %d/%d", i, r, w.text, w.ch, w.seq)
				}
			}
		})

		t.Run("a retried client id is a duplicate and writes nothing", func(t *testing.T) {
			c := newChannel(t, s, "retry")
			first := post(t, s, c.ID, u[0], "原文")
			cases := []struct {
				name  string
				batch []store.NewMessage
			}{
				{"in a later batch", []store.NewMessage{{ChannelID: c.ID, SenderID: u[0], ClientID: first.ClientID, Text: "改了也不算"}}},
				{"even naming another channel", []store.NewMessage{{ChannelID: newChannel(t, s, "other").ID, SenderID: u[0], ClientID: first.ClientID}}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					rs, err := s.AppendMessages(ctx, tc.batch)
					must(t, err)
					if !rs[0].Duplicate || rs[0].Err != nil || !reflect.DeepEqual(rs[0].Message, first) {
						t.Fatalf("result %+v, want duplicate of %+v", rs[0], first)
					}
				})
			}
			t.Run("within one batch", func(t *testing.T) {
				rs, err := s.AppendMessages(ctx, []store.NewMessage{
					{ChannelID: c.ID, SenderID: u[1], ClientID: "twice", Text: "one"},
					{ChannelID: c.ID, SenderID: u[1], ClientID: "twice", Text: "two"},
					{ChannelID: c.ID, SenderID: u[2], ClientID: "twice", Text: "another sender's id"},
				})
				must(t, err)
				if rs[0].Duplicate || !rs[1].Duplicate || rs[2].Duplicate || !reflect.DeepEqual(rs[1].Message, rs[0].Message) {
					t.Fatalf("results %+v", rs)
				}
				if rs[0].Message.Seq != 2 || rs[2].Message.Seq != 3 {
					t.Fatalf("seqs %d, %d; want 2, 3", rs[0].Message.Seq, rs[2].Message.Seq)
				}
			})
			ch, err := s.GetChannel(ctx, c.ID)
			must(t, err)
			if ch.LastSeq != 3 {
				t.Fatalf("LastSeq = %d, want 3: duplicates took numbers", ch.LastSeq)
			}
		})

		t.Run("an empty client id is never a duplicate", func(t *testing.T) {
			c := newChannel(t, s, "no client id")
			m := store.NewMessage{ChannelID: c.ID, SenderID: u[0], Text: "same"}
			rs, err := s.AppendMessages(ctx, []store.NewMessage{m, m})
			must(t, err)
			if rs[0].Duplicate || rs[1].Duplicate || rs[1].Message.Seq != 2 || rs[1].Message.ClientID != "" {
				t.Fatalf("results %+v", rs)
			}
		})

		t.Run("a bad message fails alone", func(t *testing.T) {
			c := newChannel(t, s, "partial")
			rs, err := s.AppendMessages(ctx, []store.NewMessage{
				{ChannelID: c.ID, SenderID: u[0], ClientID: "p1", Text: "ok 1"},
				{ChannelID: 987654, SenderID: u[0], ClientID: "p2", Text: "no such channel"},
				{ChannelID: c.ID, SenderID: u[0], ClientID: "p3", Text: "nul \x00 byte"},
				{ChannelID: c.ID, SenderID: u[0], ClientID: "p4", Text: "bad utf-8 \xff"},
				{ChannelID: c.ID, SenderID: u[0], ClientID: "p5", Text: "ok 2"},
			})
			must(t, err)
			wantErr(t, rs[1].Err, store.ErrNotFound)
			for _, i := range []int{2, 3} {
				if rs[i].Err == nil {
					t.Errorf("result %d: no error for bad text", i)
				}
			}
			if rs[0].Err != nil || rs[4].Err != nil || rs[0].Message.Seq != 1 || rs[4].Message.Seq != 2 {
				t.Fatalf("good messages: %+v, %+v; want seqs 1, 2", rs[0], rs[4])
			}
			got, err := s.History(ctx, store.HistoryQuery{ChannelID: c.ID, Limit: 10})
			must(t, err)
			if !slices.Equal(seqsOf(got), []int64{1, 2}) {
				t.Fatalf("history seqs %v, want [1 2]", seqsOf(got))
			}
			// The failed client ids were not consumed.
			rs, err = s.AppendMessages(ctx, []store.NewMessage{{ChannelID: c.ID, SenderID: u[0], ClientID: "p2", Text: "now"}})
			must(t, err)
			if rs[0].Duplicate || rs[0].Message.Seq != 3 {
				t.Fatalf("resend of failed p2: %+v", rs[0])
			}
		})

		t.Run("an empty batch is fine", func(t *testing.T) {
			rs, err := s.AppendMessages(ctx, nil)
			must(t, err)
			if len(rs) != 0 {
				t.Fatalf("results %+v", rs)
			}
		})

		t.Run("joins an outer transaction", func(t *testing.T) {
			c := newChannel(t, s, "in tx")
			err := s.InTx(ctx, func(tx store.Store) error {
				rs, err := tx.AppendMessages(ctx, []store.NewMessage{{ChannelID: c.ID, SenderID: u[0], ClientID: "tx-1", Text: "回滚"}})
				if err != nil {
					return err
				}
				if rs[0].Message.Seq != 1 {
					t.Errorf("seq %d inside tx", rs[0].Message.Seq)
				}
				return errBoom
			})
			wantErr(t, err, errBoom)
			ch, err := s.GetChannel(ctx, c.ID)
			must(t, err)
			if ch.LastSeq != 0 {
				t.Fatalf("LastSeq = %d after rollback", ch.LastSeq)
			}
			if m := post(t, s, c.ID, u[0], "again"); m.Seq != 1 {
				t.Fatalf("seq after rollback %d, want 1", m.Seq)
			}
		})
	})
}

func TestHistory(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "hist", 1)
		c := newChannel(t, s, "history", u[0])
		for i := range 10 {
			post(t, s, c.ID, u[0], fmt.Sprint("msg ", i+1))
		}
		_, err := s.RecallMessage(ctx, c.ID, 5, u[0], t0)
		must(t, err)

		cases := []struct {
			name string
			q    store.HistoryQuery
			seqs []int64
		}{
			{"from the start", store.HistoryQuery{Limit: 3}, []int64{1, 2, 3}},
			{"forward after a seq", store.HistoryQuery{AfterSeq: 3, Limit: 3}, []int64{4, 5, 6}},
			{"forward to the end", store.HistoryQuery{AfterSeq: 8, Limit: 5}, []int64{9, 10}},
			{"forward past the end", store.HistoryQuery{AfterSeq: 10, Limit: 5}, []int64{}},
			{"newest before a seq", store.HistoryQuery{BeforeSeq: 11, Limit: 3}, []int64{8, 9, 10}},
			{"backwards page", store.HistoryQuery{BeforeSeq: 8, Limit: 3}, []int64{5, 6, 7}},
			{"backwards to the start", store.HistoryQuery{BeforeSeq: 3, Limit: 5}, []int64{1, 2}},
			{"between bounds from the lower", store.HistoryQuery{AfterSeq: 2, BeforeSeq: 9, Limit: 3}, []int64{3, 4, 5}},
			{"between bounds, all", store.HistoryQuery{AfterSeq: 2, BeforeSeq: 6, Limit: 500}, []int64{3, 4, 5}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				q := tc.q
				q.ChannelID = c.ID
				got, err := s.History(ctx, q)
				must(t, err)
				if !slices.Equal(seqsOf(got), tc.seqs) && !(len(got) == 0 && len(tc.seqs) == 0) {
					t.Fatalf("History(%+v) seqs %v, want %v", q, seqsOf(got), tc.seqs)
				}
			})
		}

		t.Run("pages backwards through everything", func(t *testing.T) {
			var all []int64
			before := int64(11)
			for {
				page, err := s.History(ctx, store.HistoryQuery{ChannelID: c.ID, BeforeSeq: before, Limit: 4})
				must(t, err)
				if len(page) == 0 {
					break
				}
				all = append(seqsOf(page), all...)
				before = page[0].Seq
			}
			if !slices.Equal(all, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
				t.Fatalf("paged %v", all)
			}
		})

		t.Run("keeps recalled messages without their text", func(t *testing.T) {
			got, err := s.History(ctx, store.HistoryQuery{ChannelID: c.ID, AfterSeq: 4, Limit: 1})
			must(t, err)
			if len(got) != 1 || got[0].Seq != 5 || got[0].Text != "" || got[0].RecalledBy != u[0] || !got[0].RecalledAt.Equal(ms(t0)) {
				t.Fatalf("recalled message in history: %+v", got)
			}
		})

		t.Run("refuses a bad query", func(t *testing.T) {
			for _, q := range []store.HistoryQuery{
				{ChannelID: c.ID, Limit: 0}, {ChannelID: c.ID, Limit: 501}, {ChannelID: c.ID, Limit: -1},
				{ChannelID: c.ID, Limit: 10, AfterSeq: -1}, {ChannelID: c.ID, Limit: 10, BeforeSeq: -1},
			} {
				if _, err := s.History(ctx, q); err == nil {
					t.Errorf("History(%+v) succeeded", q)
				}
			}
		})

		t.Run("an empty channel has an empty history", func(t *testing.T) {
			e := newChannel(t, s, "empty")
			got, err := s.History(ctx, store.HistoryQuery{ChannelID: e.ID, Limit: 10})
			must(t, err)
			if len(got) != 0 {
				t.Fatalf("history %+v", got)
			}
		})
	})
}

func TestEditAndRecall(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "edit", 2)
		c := newChannel(t, s, "edits", u[0], u[1])

		t.Run("edit replaces text and mentions", func(t *testing.T) {
			m := post(t, s, c.ID, u[0], "初稿")
			got, err := s.EditMessage(ctx, c.ID, m.Seq, "定稿", []int64{u[1]}, t0)
			must(t, err)
			want := m
			want.Text, want.Mentions, want.EditedAt = "定稿", []int64{u[1]}, ms(t0)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("EditMessage =\n%+v\nwant\n%+v", got, want)
			}
			read, err := s.GetMessage(ctx, c.ID, m.Seq)
			must(t, err)
			if !reflect.DeepEqual(read, want) {
				t.Fatalf("GetMessage after edit =\n%+v\nwant\n%+v", read, want)
			}
		})

		t.Run("recall clears text and keeps the seq", func(t *testing.T) {
			m := post(t, s, c.ID, u[0], "发错了")
			got, err := s.RecallMessage(ctx, c.ID, m.Seq, u[1], t0)
			must(t, err)
			want := m
			want.Text, want.RecalledAt, want.RecalledBy = "", ms(t0), u[1]
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("RecallMessage =\n%+v\nwant\n%+v", got, want)
			}
			_, err = s.RecallMessage(ctx, c.ID, m.Seq, u[0], t0)
			wantErr(t, err, store.ErrConflict)
			_, err = s.EditMessage(ctx, c.ID, m.Seq, "复活", nil, t0)
			wantErr(t, err, store.ErrConflict)
			read, err := s.GetMessage(ctx, c.ID, m.Seq)
			must(t, err)
			if read.Text != "" {
				t.Fatalf("edit of a recalled message wrote %q", read.Text)
			}
		})

		t.Run("missing message is not found", func(t *testing.T) {
			_, err := s.EditMessage(ctx, c.ID, 999, "x", nil, t0)
			wantErr(t, err, store.ErrNotFound)
			_, err = s.RecallMessage(ctx, c.ID, 999, u[0], t0)
			wantErr(t, err, store.ErrNotFound)
			_, err = s.GetMessage(ctx, c.ID, 999)
			wantErr(t, err, store.ErrNotFound)
		})

		t.Run("edit refuses text the store cannot hold", func(t *testing.T) {
			m := post(t, s, c.ID, u[0], "ok")
			if _, err := s.EditMessage(ctx, c.ID, m.Seq, "\x00", nil, t0); err == nil {
				t.Fatal("EditMessage accepted a NUL")
			}
		})
	})
}

func TestReadPositionsAndUnread(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "read", 3)

		t.Run("read position only moves forward, clamped to the newest", func(t *testing.T) {
			c := newChannel(t, s, "positions", u[0])
			for range 5 {
				post(t, s, c.ID, u[1], "x")
			}
			steps := []struct {
				set, want int64
				moved     bool
			}{{2, 2, true}, {1, 2, false}, {4, 4, true}, {4, 4, false}, {99, 5, true}, {99, 5, false}, {0, 5, false}, {-3, 5, false}}
			for _, st := range steps {
				got, moved, err := s.SetReadSeq(ctx, c.ID, u[0], st.set)
				must(t, err)
				if got != st.want || moved != st.moved {
					t.Fatalf("SetReadSeq(%d) = %d, moved %v; want %d, moved %v", st.set, got, moved, st.want, st.moved)
				}
			}
			m, err := s.GetMember(ctx, c.ID, u[0])
			must(t, err)
			if m.ReadSeq != 5 {
				t.Fatalf("ReadSeq = %d, want 5", m.ReadSeq)
			}
		})

		t.Run("unread counts others' live messages after the read position", func(t *testing.T) {
			c := newChannel(t, s, "unread", u[0], u[1], u[2])
			post(t, s, c.ID, u[1], "1")          // seq 1
			post(t, s, c.ID, u[0], "2 my own")   // seq 2
			post(t, s, c.ID, u[2], "3")          // seq 3
			post(t, s, c.ID, u[1], "4")          // seq 4
			post(t, s, c.ID, u[1], "5 recalled") // seq 5
			_, err := s.RecallMessage(ctx, c.ID, 5, u[1], t0)
			must(t, err)

			steps := []struct {
				name   string
				do     func()
				unread int64
			}{
				{"nothing read", func() {}, 3},
				{"read to 1", func() { _, _, err := s.SetReadSeq(ctx, c.ID, u[0], 1); must(t, err) }, 2},
				{"read to 3", func() { _, _, err := s.SetReadSeq(ctx, c.ID, u[0], 3); must(t, err) }, 1},
				{"a new message", func() { post(t, s, c.ID, u[2], "6") }, 2},
				{"one recalled", func() { _, err := s.RecallMessage(ctx, c.ID, 4, u[1], t0); must(t, err) }, 1},
				{"my own new message", func() { post(t, s, c.ID, u[0], "7") }, 1},
				{"read everything", func() { _, _, err := s.SetReadSeq(ctx, c.ID, u[0], 1000); must(t, err) }, 0},
			}
			for _, st := range steps {
				st.do()
				mc := myChannel(t, s, u[0], c.ID)
				if mc.Unread != st.unread {
					t.Fatalf("%s: Unread = %d, want %d", st.name, mc.Unread, st.unread)
				}
			}
			// The same channel counts differently for someone else: u[1] sent 1, 4
			// and 5 (both recalled); the others' live messages are 2, 3, 6 and 7.
			if mc := myChannel(t, s, u[1], c.ID); mc.Unread != 4 {
				t.Fatalf("u[1] Unread = %d, want 4", mc.Unread)
			}
		})
	})
}

func TestListMyChannels(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "my", 3)

		busy := newChannel(t, s, "busy", u[0], u[1])
		empty := newChannel(t, s, "empty", u[0])
		archived := newChannel(t, s, "archived", u[0])
		archived.Archived = true
		must(t, s.UpdateChannel(ctx, archived))
		newChannel(t, s, "not mine", u[1])
		must(t, s.SetMemberRole(ctx, busy.ID, u[0], store.MemberAdmin))

		post(t, s, busy.ID, u[1], "第一条")
		second := postAt(t, s, busy.ID, u[1], "第二条", t0)
		third := post(t, s, busy.ID, u[0], "第三条")
		_, _, err := s.SetReadSeq(ctx, busy.ID, u[0], 1)
		must(t, err)

		t.Run("lists the user's channels with role, position, unread and latest", func(t *testing.T) {
			mine, err := s.ListMyChannels(ctx, u[0])
			must(t, err)
			var ids []int64
			for _, mc := range mine {
				ids = append(ids, mc.ID)
			}
			if !slices.Equal(ids, []int64{busy.ID, empty.ID, archived.ID}) {
				t.Fatalf("channels %v, want %v", ids, []int64{busy.ID, empty.ID, archived.ID})
			}
			b := mine[0]
			wantCh, err := s.GetChannel(ctx, busy.ID)
			must(t, err)
			if !reflect.DeepEqual(b.Channel, wantCh) || b.Role != store.MemberAdmin || b.ReadSeq != 1 || b.Unread != 1 {
				t.Fatalf("busy: %+v", b)
			}
			if b.Latest == nil || !reflect.DeepEqual(*b.Latest, third) {
				t.Fatalf("busy latest = %+v, want %+v", b.Latest, third)
			}
			if mine[1].Latest != nil || mine[1].Unread != 0 || mine[1].Role != store.MemberNormal {
				t.Fatalf("empty: %+v", mine[1])
			}
			if !mine[2].Archived {
				t.Fatalf("archived channel listed without its flag: %+v", mine[2])
			}
		})

		t.Run("latest skips recalled messages", func(t *testing.T) {
			_, err := s.RecallMessage(ctx, busy.ID, third.Seq, u[0], t0)
			must(t, err)
			mc := myChannel(t, s, u[0], busy.ID)
			if mc.Latest == nil || !reflect.DeepEqual(*mc.Latest, second) {
				t.Fatalf("latest after recall = %+v, want %+v", mc.Latest, second)
			}
			edited, err := s.EditMessage(ctx, busy.ID, second.Seq, "第二条（更正）", nil, t0)
			must(t, err)
			mc = myChannel(t, s, u[0], busy.ID)
			if mc.Latest == nil || !reflect.DeepEqual(*mc.Latest, edited) {
				t.Fatalf("latest after edit = %+v, want %+v", mc.Latest, edited)
			}
			for _, seq := range []int64{1, 2} {
				_, err := s.RecallMessage(ctx, busy.ID, seq, u[1], t0)
				must(t, err)
			}
			if mc := myChannel(t, s, u[0], busy.ID); mc.Latest != nil || mc.Unread != 0 {
				t.Fatalf("all recalled: latest %+v unread %d", mc.Latest, mc.Unread)
			}
		})

		t.Run("a user in no channel has none", func(t *testing.T) {
			mine, err := s.ListMyChannels(ctx, u[2])
			must(t, err)
			if len(mine) != 0 {
				t.Fatalf("channels %+v", mine)
			}
		})

		t.Run("scales to hundreds of channels", func(t *testing.T) {
			w := newUser(t, s, "many", store.RoleStaff)
			const n = 200
			var batch []store.NewMessage
			for i := range n {
				c := newChannel(t, s, fmt.Sprint("many ", i), w.ID, u[1])
				for j := range i % 4 {
					batch = append(batch, store.NewMessage{ChannelID: c.ID, SenderID: u[1], Text: fmt.Sprint(i, "/", j)})
				}
			}
			_, err := s.AppendMessages(ctx, batch)
			must(t, err)
			start := time.Now()
			mine, err := s.ListMyChannels(ctx, w.ID)
			must(t, err)
			took := time.Since(start)
			if len(mine) != n {
				t.Fatalf("%d channels, want %d", len(mine), n)
			}
			for i, mc := range mine {
				if mc.Unread != int64(i%4) || (mc.Latest == nil) != (i%4 == 0) {
					t.Fatalf("channel %d: unread %d latest %+v", i, mc.Unread, mc.Latest)
				}
			}
			t.Logf("ListMyChannels over %d channels took %v", n, took)
		})
	})
}
