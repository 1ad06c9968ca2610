package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestSecrecyLevels(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()

		got, err := s.ListSecrecyLevels(ctx)
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("a new database has stored levels: %+v", got)
		}
		ladder := []store.SecrecyLevel{
			{Level: 0, Name: "公开", NameEn: "public", Color: "#4a7c59", RetentionDays: 1095, PushText: true, Forward: true, Download: true, Copy: true, Store: true},
			{Level: 1, Name: "内部", NameEn: "internal", Color: "#2f6fb0", RetentionDays: 365, Forward: true, Download: true, Copy: true, Store: true},
			{Level: 2, Name: "敏感", NameEn: "sensitive", Color: "#c77700", RetentionDays: 90, Forward: true, Watermark: true},
			{Level: 3, Name: "秘密", NameEn: "restricted", Color: "#b3261e", RetentionDays: 30, Watermark: true},
		}
		for i := range ladder {
			ladder[i].UpdatedAt, ladder[i].UpdatedBy = t0, 7
		}
		must(t, s.PutSecrecyLevels(ctx, ladder))
		got, err = s.ListSecrecyLevels(ctx)
		must(t, err)
		want := make([]store.SecrecyLevel, len(ladder))
		for i, l := range ladder {
			l.UpdatedAt = ms(t0)
			want[i] = l
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip\n%+v\nwant\n%+v", got, want)
		}

		t.Run("a second put replaces the ladder whole", func(t *testing.T) {
			next := append([]store.SecrecyLevel(nil), ladder...)
			next[3].RetentionDays, next[3].Name = 60, "机密"
			must(t, s.PutSecrecyLevels(ctx, next))
			got, err := s.ListSecrecyLevels(ctx)
			must(t, err)
			if len(got) != 4 || got[3].RetentionDays != 60 || got[3].Name != "机密" || got[0].Name != "公开" {
				t.Fatalf("after second put: %+v", got)
			}
		})

		t.Run("the schema refuses a retention of zero", func(t *testing.T) {
			bad := append([]store.SecrecyLevel(nil), ladder...)
			bad[2].RetentionDays = 0
			if err := s.PutSecrecyLevels(ctx, bad); err == nil {
				t.Fatal("a zero retention was stored")
			}
			got, err := s.ListSecrecyLevels(ctx)
			must(t, err)
			if len(got) != 4 || got[2].RetentionDays == 0 {
				t.Fatalf("a refused put changed the ladder: %+v", got)
			}
		})
	})
}

func TestChannelSecrecy(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		a := store.User{Username: "wangfang", DisplayName: "王芳", Role: store.RoleStaff}
		b := store.User{Username: "lihua", DisplayName: "李华", Role: store.RoleStaff}
		must(t, s.CreateUser(ctx, &a))
		must(t, s.CreateUser(ctx, &b))
		g := newChannel(t, s, "预算工作组", a.ID, b.ID)
		d := store.Channel{Kind: store.ChannelDirect, DirectKey: fmt.Sprintf("%d:%d", a.ID, b.ID), CreatedAt: t0}
		must(t, s.CreateChannel(ctx, &d, []store.ChannelMember{{UserID: a.ID}, {UserID: b.ID}}))

		must(t, s.SetChannelSecrecy(ctx, g.ID, 3, 2))
		got, err := s.GetChannel(ctx, g.ID)
		must(t, err)
		if got.MaxSecrecy != 3 || got.DefaultSecrecy != 2 {
			t.Fatalf("after set: %+v", got)
		}
		mine := myChannel(t, s, a.ID, g.ID)
		if mine.MaxSecrecy != 3 || mine.DefaultSecrecy != 2 {
			t.Fatalf("my channel: %+v", mine.Channel)
		}
		if err := s.SetChannelSecrecy(ctx, g.ID, 1, 2); err == nil {
			t.Fatal("a default above the ceiling was stored")
		}
		wantErr(t, s.SetChannelSecrecy(ctx, 99999, 1, 0), store.ErrNotFound)

		list, err := s.ListChannelSecrecy(ctx)
		must(t, err)
		byID := map[int64]store.ChannelSecrecy{}
		for _, c := range list {
			byID[c.ID] = c
		}
		if c := byID[g.ID]; c.Name != "预算工作组" || c.Members != 2 || c.MaxSecrecy != 3 || c.DefaultSecrecy != 2 || c.Kind != store.ChannelGroup {
			t.Fatalf("group: %+v", c)
		}
		if c := byID[d.ID]; c.Name != "王芳、李华" || c.Members != 2 || c.Kind != store.ChannelDirect {
			t.Fatalf("direct: %+v", c)
		}
	})
}

func TestMaxBlobSecrecy(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "bs", 2)
		c := newChannel(t, s, "files", u...)
		must(t, s.SetChannelSecrecy(ctx, c.ID, 3, 0))
		level := func(secrecy int) int64 {
			rs, err := s.AppendMessages(ctx, []store.NewMessage{{ChannelID: c.ID, SenderID: u[0], ClientID: clientSeq(),
				Text: "附件", Secrecy: secrecy}})
			must(t, err)
			must(t, rs[0].Err)
			return rs[0].Message.Seq
		}
		b := newUpload(t, s, u[0], 10)
		_, ok, err := s.MaxBlobSecrecy(ctx, b.ID)
		must(t, err)
		if ok {
			t.Fatal("an upload nobody sent has a level")
		}
		refMessage(t, s, b.ID, c.ID, level(1))
		refMessage(t, s, b.ID, c.ID, level(3)) // forwarded on at 秘密
		got, ok, err := s.MaxBlobSecrecy(ctx, b.ID)
		must(t, err)
		if !ok || got != 3 {
			t.Fatalf("two messages: %d %v, want 3", got, ok)
		}

		n := publish(t, s, u[0], "通知", nil, u[1])
		must(t, store.ExecRaw(ctx, s, `UPDATE notices SET secrecy = 2 WHERE id = ?`, n.ID))
		b2 := newUpload(t, s, u[0], 10)
		refNotice(t, s, b2.ID, n.ID)
		got, ok, err = s.MaxBlobSecrecy(ctx, b2.ID)
		must(t, err)
		if !ok || got != 2 {
			t.Fatalf("a notice's file: %d %v, want 2", got, ok)
		}
		if _, _, err := s.MaxBlobSecrecy(ctx, "nonexistent"); errors.Is(err, store.ErrNotFound) || err != nil {
			t.Fatalf("unknown blob: %v", err)
		}
	})
}
