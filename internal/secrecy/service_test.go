package secrecy_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/busevent"
	"govchat/internal/secrecy"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// twoNodes are two servers over one database and one bus, with clocks they share.
func twoNodes(t *testing.T, s store.Store, now func() time.Time) (a, b *secrecy.Service, bs *bus.Memory) {
	t.Helper()
	bs = bus.NewMemory()
	t.Cleanup(func() { bs.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mk := func() *secrecy.Service {
		svc := secrecy.New(secrecy.Deps{Store: store.Narrow(s, func(tx store.Store) secrecy.Tx { return tx }), Bus: bs,
			Audit: audit.New(s, now, log), Log: log, Now: now, TTL: time.Hour})
		stop, err := svc.Listen(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		return svc
	}
	return mk(), mk(), bs
}

func TestLadderFollowsChangesOnEveryNode(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := context.Background()
		var mu sync.Mutex
		clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		a, b, bs := twoNodes(t, s, now)
		officer := store.User{Username: "zhaomin", DisplayName: "赵敏", Role: store.RoleSecurity}
		staff := store.User{Username: "zhangjing", DisplayName: "张静", Role: store.RoleStaff}
		if err := s.CreateUser(ctx, &officer); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateUser(ctx, &staff); err != nil {
			t.Fatal(err)
		}
		var frames [][]byte
		var fmu sync.Mutex
		unsub, err := bs.Subscribe(ctx, busevent.UserTopic(staff.ID), func(_ string, p []byte) {
			fmu.Lock()
			frames = append(frames, append([]byte(nil), p...))
			fmu.Unlock()
		})
		if err != nil {
			t.Fatal(err)
		}
		defer unsub()

		// Both nodes have read (and cached) the defaults.
		for _, n := range []*secrecy.Service{a, b} {
			ls, err := n.Levels(ctx)
			if err != nil || ls[3].RetentionDays != 30 {
				t.Fatalf("defaults %+v %v", ls, err)
			}
		}
		ls := protocol.DefaultSecrecyLevels()
		ls[3].RetentionDays = 45
		if _, err := a.PutLevels(ctx, auth.Principal{User: staff}, protocol.PutSecrecyLevelsRequest{Levels: ls}); err == nil {
			t.Fatal("staff changed the ladder through the service")
		}
		if _, err := a.PutLevels(ctx, auth.Principal{User: officer}, protocol.PutSecrecyLevelsRequest{Levels: ls}); err != nil {
			t.Fatal(err)
		}
		// The other node hears of it on the bus, long before its TTL.
		got, err := b.Levels(ctx)
		if err != nil || got[3].RetentionDays != 45 {
			t.Fatalf("node b still has %+v %v", got, err)
		}
		fmu.Lock()
		n := len(frames)
		fmu.Unlock()
		if n != 1 {
			t.Fatalf("the staff member's clients got %d frames, want one secrecy frame", n)
		}
		ev, err := busevent.Decode(frames[0])
		if err != nil {
			t.Fatal(err)
		}
		var f protocol.Frame
		if err := decodeFrame(ev.Frame, &f); err != nil || f.Type != protocol.TypeSecrecy {
			t.Fatalf("frame %s %v", ev.Frame, err)
		}

		t.Run("a change the bus lost is caught up after the TTL", func(t *testing.T) {
			ls[3].RetentionDays = 50
			rows := make([]store.SecrecyLevel, len(ls))
			for i, l := range ls {
				rows[i] = store.SecrecyLevel{Level: l.Level, Name: l.Name, NameEn: l.NameEn, Color: l.Color, RetentionDays: l.RetentionDays,
					PushText: l.PushText, Forward: l.Forward, Download: l.Download, Copy: l.Copy, Watermark: l.Watermark, Store: l.Store}
			}
			if err := s.PutSecrecyLevels(ctx, rows); err != nil { // behind both nodes' backs
				t.Fatal(err)
			}
			if got, _ := b.Levels(ctx); got[3].RetentionDays != 45 {
				t.Fatalf("within the TTL: %d", got[3].RetentionDays)
			}
			mu.Lock()
			clock = clock.Add(time.Hour)
			mu.Unlock()
			if got, _ := b.Levels(ctx); got[3].RetentionDays != 50 {
				t.Fatalf("after the TTL: %d", got[3].RetentionDays)
			}
		})
	})
}
