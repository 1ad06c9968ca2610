package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func newPushSub(t *testing.T, s store.Store, userID int64, endpoint string) store.PushSubscription {
	t.Helper()
	sub := store.PushSubscription{UserID: userID, Endpoint: endpoint, P256dh: "p-" + endpoint, Auth: "a-" + endpoint,
		UserAgent: "Firefox", CreatedAt: t0}
	must(t, s.SavePushSubscription(t.Context(), &sub))
	return sub
}

func pushJob(payload, topic string, due time.Time) store.PushJob {
	return store.PushJob{Payload: payload, TTL: time.Hour, Urgency: "normal", Topic: topic, CreatedAt: t0, NextAt: due}
}

func countJobs(t *testing.T, s store.Store) int {
	t.Helper()
	n, err := s.CountPushJobs(t.Context())
	must(t, err)
	return n
}

func TestPushSubscriptions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		alice := newUser(t, s, "alice", store.RoleStaff)
		bob := newUser(t, s, "bob", store.RoleStaff)

		t.Run("several devices per person, oldest first", func(t *testing.T) {
			a1 := newPushSub(t, s, alice.ID, "https://push.example/a1")
			a2 := newPushSub(t, s, alice.ID, "https://push.example/a2")
			if a1.ID == 0 || a2.ID == 0 || a1.ID == a2.ID {
				t.Fatalf("ids %d, %d", a1.ID, a2.ID)
			}
			got, err := s.ListPushSubscriptions(ctx, alice.ID)
			must(t, err)
			if len(got) != 2 || got[0].Endpoint != a1.Endpoint || got[1].Endpoint != a2.Endpoint {
				t.Fatalf("list = %+v", got)
			}
			if !got[0].CreatedAt.Equal(ms(t0)) || !got[0].LastUsedAt.IsZero() || got[0].UserAgent != "Firefox" ||
				got[0].P256dh != "p-"+a1.Endpoint || got[0].Auth != "a-"+a1.Endpoint {
				t.Fatalf("stored = %+v", got[0])
			}
		})

		t.Run("subscribing again updates keys and keeps one row", func(t *testing.T) {
			sub := store.PushSubscription{UserID: alice.ID, Endpoint: "https://push.example/a1", P256dh: "new-p", Auth: "new-a", UserAgent: "Chrome"}
			must(t, s.SavePushSubscription(ctx, &sub))
			got, err := s.ListPushSubscriptions(ctx, alice.ID)
			must(t, err)
			if len(got) != 2 || got[0].ID != sub.ID || got[0].P256dh != "new-p" || got[0].Auth != "new-a" || got[0].UserAgent != "Chrome" {
				t.Fatalf("list = %+v (saved %+v)", got, sub)
			}
		})

		t.Run("re-subscribing moves the endpoint to the new person and drops what was queued for the old", func(t *testing.T) {
			shared := newPushSub(t, s, alice.ID, "https://push.example/shared")
			n, err := s.EnqueuePush(ctx, []int64{alice.ID}, pushJob(`{"title":"for alice"}`, "", t0))
			must(t, err)
			if n != 3 {
				t.Fatalf("enqueued %d, want 3", n)
			}
			moved := store.PushSubscription{UserID: bob.ID, Endpoint: shared.Endpoint, P256dh: "bp", Auth: "ba", CreatedAt: t0.Add(time.Hour)}
			must(t, s.SavePushSubscription(ctx, &moved))
			if moved.ID != shared.ID || !moved.CreatedAt.Equal(ms(t0.Add(time.Hour))) {
				t.Fatalf("moved = %+v", moved)
			}
			bs, err := s.ListPushSubscriptions(ctx, bob.ID)
			must(t, err)
			as, err := s.ListPushSubscriptions(ctx, alice.ID)
			must(t, err)
			if len(bs) != 1 || bs[0].ID != shared.ID || len(as) != 2 {
				t.Fatalf("bob %+v, alice %+v", bs, as)
			}
			if n := countJobs(t, s); n != 2 {
				t.Fatalf("jobs after move = %d, want alice's other 2", n)
			}
			jobs, err := s.ClaimPushJobs(ctx, t0, t0.Add(time.Minute), 10)
			must(t, err)
			for _, j := range jobs {
				if j.SubscriptionID == shared.ID {
					t.Fatalf("alice's push still queued for the device bob now uses")
				}
				must(t, s.DeletePushJob(ctx, j.ID, j.Attempts))
			}
		})

		t.Run("a person deletes only their own subscription, with its jobs", func(t *testing.T) {
			wantErr(t, s.DeletePushSubscription(ctx, bob.ID, "https://push.example/a1"), store.ErrNotFound)
			_, err := s.EnqueuePush(ctx, []int64{alice.ID}, pushJob("{}", "", t0))
			must(t, err)
			must(t, s.DeletePushSubscription(ctx, alice.ID, "https://push.example/a1"))
			wantErr(t, s.DeletePushSubscription(ctx, alice.ID, "https://push.example/a1"), store.ErrNotFound)
			as, err := s.ListPushSubscriptions(ctx, alice.ID)
			must(t, err)
			if len(as) != 1 || countJobs(t, s) != 1 {
				t.Fatalf("alice %+v, jobs %d", as, countJobs(t, s))
			}
			must(t, s.DeletePushSubscriptionByID(ctx, as[0].ID))
			wantErr(t, s.DeletePushSubscriptionByID(ctx, as[0].ID), store.ErrNotFound)
			if n := countJobs(t, s); n != 0 {
				t.Fatalf("jobs of a deleted subscription: %d", n)
			}
		})

		t.Run("prune keeps the most recently used", func(t *testing.T) {
			carol := newUser(t, s, "carol", store.RoleStaff)
			var subs []store.PushSubscription
			for i := range 4 {
				sub := store.PushSubscription{UserID: carol.ID, Endpoint: fmt.Sprintf("https://push.example/c%d", i), P256dh: "p", Auth: "a",
					CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
				must(t, s.SavePushSubscription(ctx, &sub))
				subs = append(subs, sub)
			}
			must(t, s.TouchPushSubscription(ctx, subs[0].ID, t0.Add(time.Hour)))
			n, err := s.PrunePushSubscriptions(ctx, carol.ID, 2)
			must(t, err)
			if n != 2 {
				t.Fatalf("pruned %d, want 2", n)
			}
			left, err := s.ListPushSubscriptions(ctx, carol.ID)
			must(t, err)
			if len(left) != 2 || left[0].ID != subs[0].ID || left[1].ID != subs[3].ID || !left[0].LastUsedAt.Equal(ms(t0.Add(time.Hour))) {
				t.Fatalf("left %+v", left)
			}
		})
	})
}

func TestPushQueue(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		users := bulkUsers(t, s, "q", 3)
		for i, u := range users {
			for d := range i + 1 { // 1, 2 and 3 devices
				newPushSub(t, s, u, fmt.Sprintf("https://push.example/%d/%d", u, d))
			}
		}

		t.Run("one job per subscription of each user", func(t *testing.T) {
			n, err := s.EnqueuePush(ctx, []int64{users[0], users[2], users[2], 999999}, pushJob(`{"n":1}`, "", t0))
			must(t, err)
			if n != 4 {
				t.Fatalf("enqueued %d, want 1+3", n)
			}
			n, err = s.EnqueuePush(ctx, nil, pushJob(`{}`, "", t0))
			must(t, err)
			if n != 0 {
				t.Fatalf("enqueued %d for nobody", n)
			}
		})

		t.Run("claim takes due jobs once and leases them", func(t *testing.T) {
			wantNone := func(at time.Time) {
				t.Helper()
				jobs, err := s.ClaimPushJobs(ctx, at, at.Add(time.Minute), 10)
				must(t, err)
				if len(jobs) != 0 {
					t.Fatalf("claimed %d at %v, want none", len(jobs), at)
				}
			}
			jobs, err := s.ClaimPushJobs(ctx, t0, t0.Add(2*time.Minute), 3)
			must(t, err)
			if len(jobs) != 3 {
				t.Fatalf("claimed %d, want the limit 3", len(jobs))
			}
			j := jobs[0]
			if j.Attempts != 1 || j.Payload != `{"n":1}` || j.TTL != time.Hour || j.Urgency != "normal" ||
				j.Subscription.ID != j.SubscriptionID || j.Subscription.Endpoint == "" || j.Subscription.P256dh == "" ||
				!j.NextAt.Equal(ms(t0.Add(2*time.Minute))) {
				t.Fatalf("claimed job %+v", j)
			}
			rest, err := s.ClaimPushJobs(ctx, t0, t0.Add(2*time.Minute), 10)
			must(t, err)
			if len(rest) != 1 {
				t.Fatalf("second claim got %d, want the 1 left", len(rest))
			}
			wantNone(t0.Add(time.Minute))

			// j is delivered; jobs[1] fails and is retried later; jobs[2]'s worker dies.
			must(t, s.DeletePushJob(ctx, j.ID, j.Attempts))
			must(t, s.RetryPushJob(ctx, jobs[1].ID, jobs[1].Attempts, t0.Add(10*time.Minute)))
			must(t, s.DeletePushJob(ctx, rest[0].ID, rest[0].Attempts))

			again, err := s.ClaimPushJobs(ctx, t0.Add(2*time.Minute), t0.Add(4*time.Minute), 10)
			must(t, err)
			if len(again) != 1 || again[0].ID != jobs[2].ID || again[0].Attempts != 2 {
				t.Fatalf("after the lease: %+v, want job %d on attempt 2", again, jobs[2].ID)
			}
			// The dead worker comes back late: its claim no longer counts.
			wantErr(t, s.DeletePushJob(ctx, jobs[2].ID, jobs[2].Attempts), store.ErrNotFound)
			wantErr(t, s.RetryPushJob(ctx, jobs[2].ID, jobs[2].Attempts, t0), store.ErrNotFound)
			must(t, s.DeletePushJob(ctx, again[0].ID, again[0].Attempts))

			wantNone(t0.Add(9 * time.Minute))
			retried, err := s.ClaimPushJobs(ctx, t0.Add(10*time.Minute), t0.Add(12*time.Minute), 10)
			must(t, err)
			if len(retried) != 1 || retried[0].ID != jobs[1].ID || retried[0].Attempts != 2 {
				t.Fatalf("retry: %+v", retried)
			}
			must(t, s.DeletePushJob(ctx, retried[0].ID, retried[0].Attempts))
			if n := countJobs(t, s); n != 0 {
				t.Fatalf("queue left %d", n)
			}
		})

		t.Run("a newer push with the same topic replaces the queued one", func(t *testing.T) {
			_, err := s.EnqueuePush(ctx, []int64{users[1]}, pushJob(`{"v":1}`, "c12", t0))
			must(t, err)
			_, err = s.EnqueuePush(ctx, []int64{users[1]}, pushJob(`{"other":1}`, "c13", t0))
			must(t, err)
			n, err := s.EnqueuePush(ctx, []int64{users[1]}, pushJob(`{"v":2}`, "c12", t0))
			must(t, err)
			if n != 2 || countJobs(t, s) != 4 {
				t.Fatalf("enqueued %d, queue %d; want 2 and 4", n, countJobs(t, s))
			}
			jobs, err := s.ClaimPushJobs(ctx, t0, t0.Add(time.Minute), 10)
			must(t, err)
			var payloads []string
			for _, j := range jobs {
				payloads = append(payloads, j.Payload)
				must(t, s.DeletePushJob(ctx, j.ID, j.Attempts))
			}
			slices.Sort(payloads)
			if !slices.Equal(payloads, []string{`{"other":1}`, `{"other":1}`, `{"v":2}`, `{"v":2}`}) {
				t.Fatalf("payloads %v", payloads)
			}
		})

		t.Run("concurrent claimers never share a job", func(t *testing.T) {
			for range 20 {
				_, err := s.EnqueuePush(ctx, users, pushJob(`{}`, "", t0))
				must(t, err)
			}
			total := countJobs(t, s)
			var (
				mu   sync.Mutex
				seen = map[int64]int{}
				wg   sync.WaitGroup
			)
			for range 4 {
				wg.Go(func() {
					for {
						jobs, err := s.ClaimPushJobs(ctx, t0, t0.Add(time.Hour), 7)
						if err != nil {
							t.Error(err)
							return
						}
						if len(jobs) == 0 {
							return
						}
						mu.Lock()
						for _, j := range jobs {
							seen[j.ID]++
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(seen) != total {
				t.Fatalf("claimed %d distinct jobs, want %d", len(seen), total)
			}
			for id, n := range seen {
				if n != 1 {
					t.Fatalf("job %d claimed %d times", id, n)
				}
			}
		})
	})
}
