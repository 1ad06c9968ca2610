package store_test

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestDeferredAlerts(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "dig", 3)

		must(t, s.AddDeferredAlerts(ctx, u[:2], store.AlertMessage, t0))
		must(t, s.AddDeferredAlerts(ctx, u[:1], store.AlertMessage, t0.Add(time.Minute)))
		must(t, s.AddDeferredAlerts(ctx, u[:1], store.AlertNotice, t0))
		must(t, s.AddDeferredAlerts(ctx, nil, store.AlertMention, t0))

		who, err := s.ListDeferredUsers(ctx)
		must(t, err)
		if !slices.Equal(who, u[:2]) {
			t.Fatalf("deferred users %v, want %v", who, u[:2])
		}

		// Several nodes take at once: each alert is taken by one of them.
		var mu sync.Mutex
		var taken []map[string]int
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				got, err := s.TakeDeferredAlerts(ctx, u[0])
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				taken = append(taken, got)
				mu.Unlock()
			})
		}
		wg.Wait()
		total := map[string]int{}
		for _, m := range taken {
			for k, v := range m {
				total[k] += v
			}
		}
		if want := map[string]int{store.AlertMessage: 2, store.AlertNotice: 1}; !maps.Equal(total, want) {
			t.Fatalf("taken %v, want %v", total, want)
		}
		again, err := s.TakeDeferredAlerts(ctx, u[0])
		must(t, err)
		if len(again) != 0 {
			t.Fatalf("taken twice: %v", again)
		}
		if err := s.AddDeferredAlerts(ctx, u[:1], "gossip", t0); err == nil {
			t.Fatal("an unknown kind was stored")
		}
	})
}

func TestBreakthroughs(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "brk", 1)
		for i, want := range []bool{true, false} {
			ok, err := s.AddBreakthrough(ctx, u[0], 7, t0)
			must(t, err)
			if ok != want {
				t.Fatalf("attempt %d: recorded %v, want %v", i, ok, want)
			}
		}
		_, err := s.AddBreakthrough(ctx, u[0], 8, t0.Add(8*24*time.Hour))
		must(t, err)
		for _, tc := range []struct {
			since time.Time
			want  int
		}{{t0, 2}, {t0.Add(time.Hour), 1}, {t0.Add(9 * 24 * time.Hour), 0}} {
			n, err := s.CountBreakthroughs(ctx, u[0], tc.since)
			must(t, err)
			if n != tc.want {
				t.Errorf("since %v: %d, want %d", tc.since, n, tc.want)
			}
		}
	})
}

func TestSubscribedMembers(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "sub", 4)
		c := newChannel(t, s, "推送", u[0], u[1], u[2])
		for i, uid := range []int64{u[1], u[1], u[3]} { // two devices, and someone outside
			sub := store.PushSubscription{UserID: uid, Endpoint: fmt.Sprintf("https://push.example/%d", i), P256dh: "p", Auth: "a", CreatedAt: t0}
			must(t, s.SavePushSubscription(ctx, &sub))
		}
		got, err := s.ListSubscribedMembers(ctx, c.ID)
		must(t, err)
		if !slices.Equal(got, []int64{u[1]}) {
			t.Fatalf("subscribed members %v, want [%d]", got, u[1])
		}
		many := make([]int64, 0, 1200) // crosses the 500-parameter slices
		for i := range 1200 {
			many = append(many, int64(1_000_000+i))
		}
		many = append(many, u[3], u[0])
		got, err = s.ListSubscribed(ctx, many)
		must(t, err)
		if !slices.Equal(got, []int64{u[3]}) {
			t.Fatalf("subscribed %v, want [%d]", got, u[3])
		}
	})
}
