package chat_test

import (
	"context"
	"testing"

	"govchat/internal/busevent"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// A join says where in the channel the user joined (issue 17): the hub replays the
// channel to the user's connections from there, so it is the channel's last seq at the
// join or before it — never after, and before the line written about the join.
func TestJoinedSaysWhere(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		zhang, li, wang, fengyu := f.users["zhangjing"], f.users["lihua"], f.users["wangjianguo"], f.users["fengyu"]
		for _, u := range []store.User{li, wang, fengyu} {
			f.watch(busevent.UserTopic(u.ID))
		}
		// joinedAt is where the user was told they joined the channel.
		joinedAt := func(t *testing.T, u store.User, channelID int64) int64 {
			t.Helper()
			var since []int64
			for _, e := range f.rec.on(busevent.UserTopic(u.ID)) {
				if e.change == busevent.Joined && e.channel == channelID {
					since = append(since, e.since)
				}
			}
			if len(since) != 1 {
				t.Fatalf("%s was told of joining channel %d %d times", u.Username, channelID, len(since))
			}
			return since[0]
		}
		lastSeq := func(t *testing.T, channelID int64) int64 {
			t.Helper()
			c, err := s.GetChannel(ctx, channelID)
			if err != nil {
				t.Fatal(err)
			}
			return c.LastSeq
		}

		var group protocol.Channel
		t.Run("a new group: at 0, so its creation line is sent too", func(t *testing.T) {
			var err error
			if group, err = f.svc.CreateGroup(ctx, zhang.ID, protocol.CreateGroupRequest{Name: "预算协调", Members: []int64{li.ID}}); err != nil {
				t.Fatal(err)
			}
			if got := joinedAt(t, li, group.ID); got != 0 || group.LastSeq != 1 {
				t.Fatalf("joined at %d of a group whose last seq is %d, want 0 of 1", got, group.LastSeq)
			}
		})
		t.Run("a direct chat: at 0", func(t *testing.T) {
			d, err := f.svc.OpenDirect(ctx, zhang.ID, wang.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := joinedAt(t, wang, d.ID); got != 0 {
				t.Fatalf("joined at %d, want 0", got)
			}
		})
		t.Run("added to a group with history: at its last seq before, not its start", func(t *testing.T) {
			ack(t, f.send("zhangjing", group.ID, "g-1", "第一条"))
			ack(t, f.send("lihua", group.ID, "g-2", "第二条"))
			before := lastSeq(t, group.ID)
			if err := f.svc.AddMembers(ctx, zhang.ID, group.ID, []int64{wang.ID}); err != nil {
				t.Fatal(err)
			}
			if got := joinedAt(t, wang, group.ID); got != before || lastSeq(t, group.ID) != before+1 {
				t.Fatalf("joined at %d; the group was at %d before and %d after (the line saying who was added)", got, before, lastSeq(t, group.ID))
			}
		})
		t.Run("moved into a department: at its channel's last seq before the sync", func(t *testing.T) {
			treasury := f.channel(store.ChannelDepartment, "国库股")
			ack(t, f.send("xulei", treasury.ID, "t-1", "国库股的消息"))
			before := lastSeq(t, treasury.ID)
			if before == 0 {
				t.Fatal("the department channel has no history to skip")
			}
			if err := s.SetUserDepartments(ctx, fengyu.ID, []store.DeptMembership{{UserID: fengyu.ID, DepartmentID: treasury.DepartmentID, Primary: true}}); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.SyncOrgChannels(ctx); err != nil {
				t.Fatal(err)
			}
			if got := joinedAt(t, fengyu, treasury.ID); got != before {
				t.Fatalf("joined at %d, want %d", got, before)
			}
		})
	})
}
