package store_test

import (
	"errors"
	"reflect"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// appendSystem writes a system line and fails the test on any error.
func appendSystem(t *testing.T, s store.Store, channelID int64, ev store.SystemEvent) store.Message {
	t.Helper()
	rs, err := s.AppendMessages(t.Context(), []store.NewMessage{{ChannelID: channelID, Kind: store.MessageKindSystem, System: &ev, CreatedAt: t0}})
	must(t, err)
	if rs[0].Err != nil {
		t.Fatalf("AppendMessages(system line): %v", rs[0].Err)
	}
	return rs[0].Message
}

func TestSystemLines(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		ids := users(t, s, "sys", 3)
		zhang, li, wang := ids[0], ids[1], ids[2]
		c := newChannel(t, s, "张静、李华", zhang, li)

		t.Run("take their place in the sequence and read back as written", func(t *testing.T) {
			ev := store.SystemEvent{Event: "group_created", ActorID: zhang, UserIDs: []int64{li}}
			line := appendSystem(t, s, c.ID, ev)
			if line.Seq != 1 || line.SenderID != 0 || line.Text != "" || line.Kind != store.MessageKindSystem {
				t.Fatalf("line = %+v", line)
			}
			msg := post(t, s, c.ID, li, "大家好")
			if msg.Seq != 2 || msg.Kind != "" || msg.System != nil {
				t.Fatalf("message after the line = %+v", msg)
			}
			hist, err := s.History(ctx, store.HistoryQuery{ChannelID: c.ID, Limit: 10})
			must(t, err)
			if len(hist) != 2 || hist[0].Kind != store.MessageKindSystem || !reflect.DeepEqual(*hist[0].System, ev) {
				t.Fatalf("history = %+v", hist)
			}
			got, err := s.GetMessage(ctx, c.ID, 1)
			must(t, err)
			if got.System == nil || got.System.Event != "group_created" {
				t.Fatalf("GetMessage = %+v", got)
			}
		})

		t.Run("never count as unread but are the latest", func(t *testing.T) {
			appendSystem(t, s, c.ID, store.SystemEvent{Event: "renamed", ActorID: zhang, Name: "预算组"})
			mc := myChannel(t, s, zhang, c.ID)
			// Only 李华's 大家好 is unread for 张静; the two lines are not.
			if mc.Unread != 1 {
				t.Fatalf("unread = %d, want 1", mc.Unread)
			}
			if mc.Latest == nil || mc.Latest.Kind != store.MessageKindSystem || mc.Latest.System.Name != "预算组" {
				t.Fatalf("latest = %+v", mc.Latest)
			}
		})

		t.Run("cannot be edited or recalled", func(t *testing.T) {
			if _, err := s.EditMessage(ctx, c.ID, 1, "改", nil, t0); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("EditMessage(system line) = %v, want ErrConflict", err)
			}
			if _, err := s.RecallMessage(ctx, c.ID, 1, zhang, t0); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("RecallMessage(system line) = %v, want ErrConflict", err)
			}
		})

		t.Run("refuse a kind without its event and an event without its kind", func(t *testing.T) {
			rs, err := s.AppendMessages(ctx, []store.NewMessage{
				{ChannelID: c.ID, Kind: store.MessageKindSystem, CreatedAt: t0},
				{ChannelID: c.ID, SenderID: wang, ClientID: clientSeq(), Text: "x", System: &store.SystemEvent{Event: "renamed"}, CreatedAt: t0},
				{ChannelID: c.ID, Kind: "bogus", System: &store.SystemEvent{Event: "renamed"}, CreatedAt: t0},
			})
			must(t, err)
			for i, r := range rs {
				if r.Err == nil {
					t.Errorf("message %d appended: %+v", i, r.Message)
				}
			}
		})

		t.Run("are not found by search", func(t *testing.T) {
			ms, err := s.SearchMessages(ctx, store.SearchQuery{UserID: zhang, Text: "预算组", Limit: 10})
			must(t, err)
			if len(ms) != 0 {
				t.Fatalf("search found %+v", ms)
			}
		})
	})
}

func TestGroupAutoNameAndNotifyLevelInList(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		ids := users(t, s, "auto", 2)
		c := store.Channel{Kind: store.ChannelGroup, Name: "甲、乙", AutoName: true, CreatedBy: ids[0], CreatedAt: t0}
		must(t, s.CreateChannel(ctx, &c, []store.ChannelMember{{UserID: ids[0]}, {UserID: ids[1]}}))
		got, err := s.GetChannel(ctx, c.ID)
		must(t, err)
		if !got.AutoName {
			t.Fatal("auto_name not stored")
		}
		got.AutoName, got.Name = false, "预算组"
		must(t, s.UpdateChannel(ctx, got))
		if again, err := s.GetChannel(ctx, c.ID); err != nil || again.AutoName || again.Name != "预算组" {
			t.Fatalf("after naming: %+v, %v", again, err)
		}

		if mc := myChannel(t, s, ids[1], c.ID); mc.Notify != store.NotifyAll {
			t.Fatalf("notify = %q, want all", mc.Notify)
		}
		must(t, s.SetChannelNotify(ctx, c.ID, ids[1], store.NotifyMentions))
		if mc := myChannel(t, s, ids[1], c.ID); mc.Notify != store.NotifyMentions {
			t.Fatalf("notify = %q, want mentions", mc.Notify)
		}
		if mc := myChannel(t, s, ids[0], c.ID); mc.Notify != store.NotifyAll {
			t.Fatalf("someone else's level leaked: %q", mc.Notify)
		}
	})
}
