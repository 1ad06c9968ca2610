package store_test

import (
	"reflect"
	"sync"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func react(t *testing.T, s store.Store, ch, seq, user int64, r string, on bool) (store.MessageReactions, bool) {
	t.Helper()
	got, changed, err := s.SetReaction(t.Context(), store.ReactionChange{ChannelID: ch, Seq: seq, UserID: user, Reaction: r, On: on, At: t0})
	if err != nil {
		t.Fatalf("SetReaction(%d/%d, user %d, %q, %v): %v", ch, seq, user, r, on, err)
	}
	return got, changed
}

func TestReactions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ids := users(t, s, "r", 3)
		a, b, c := ids[0], ids[1], ids[2]
		ch := newChannel(t, s, "办公室", a, b, c)
		m := post(t, s, ch.ID, a, "明天上午九点开会")

		t.Run("toggles on and off, in the order given", func(t *testing.T) {
			got, changed := react(t, s, ch.ID, m.Seq, b, "收到", true)
			want := []store.Reaction{{Reaction: "收到", UserIDs: []int64{b}}}
			if !changed || got.Rev != 1 || !reflect.DeepEqual(got.Reactions, want) {
				t.Fatalf("first reaction: %+v changed=%v, want rev 1 %+v", got, changed, want)
			}
			react(t, s, ch.ID, m.Seq, c, "👍", true)
			got, _ = react(t, s, ch.ID, m.Seq, a, "收到", true)
			want = []store.Reaction{{Reaction: "收到", UserIDs: []int64{b, a}}, {Reaction: "👍", UserIDs: []int64{c}}}
			if got.Rev != 3 || !reflect.DeepEqual(got.Reactions, want) {
				t.Fatalf("three reactions: %+v, want rev 3 %+v", got, want)
			}
		})

		t.Run("on twice is on once", func(t *testing.T) {
			got, changed := react(t, s, ch.ID, m.Seq, b, "收到", true)
			if changed || got.Rev != 3 || len(got.Reactions[0].UserIDs) != 2 {
				t.Fatalf("repeat: %+v changed=%v, want no change at rev 3", got, changed)
			}
		})

		t.Run("removal", func(t *testing.T) {
			got, changed := react(t, s, ch.ID, m.Seq, b, "收到", false)
			// 收到 is now a's, given after c's 👍: the store lists by the earliest
			// holder; the service orders by the allowed set.
			want := []store.Reaction{{Reaction: "👍", UserIDs: []int64{c}}, {Reaction: "收到", UserIDs: []int64{a}}}
			if !changed || got.Rev != 4 || !reflect.DeepEqual(got.Reactions, want) {
				t.Fatalf("removed: %+v changed=%v, want rev 4 %+v", got, changed, want)
			}
			if got, changed := react(t, s, ch.ID, m.Seq, b, "收到", false); changed || got.Rev != 4 {
				t.Fatalf("removing again: %+v changed=%v, want no change", got, changed)
			}
			react(t, s, ch.ID, m.Seq, a, "收到", false)
			got, _ = react(t, s, ch.ID, m.Seq, c, "👍", false)
			if got.Rev != 6 || len(got.Reactions) != 0 {
				t.Fatalf("all removed: %+v, want rev 6 and none", got)
			}
		})

		t.Run("refuses a missing or recalled message", func(t *testing.T) {
			_, _, err := s.SetReaction(t.Context(), store.ReactionChange{ChannelID: ch.ID, Seq: 999, UserID: a, Reaction: "收到", On: true})
			wantErr(t, err, store.ErrNotFound)
			gone := post(t, s, ch.ID, b, "发错了")
			react(t, s, ch.ID, gone.Seq, a, "OK", true)
			_, err = s.RecallMessage(t.Context(), ch.ID, gone.Seq, b, t0)
			must(t, err)
			_, _, err = s.SetReaction(t.Context(), store.ReactionChange{ChannelID: ch.ID, Seq: gone.Seq, UserID: a, Reaction: "OK", On: false})
			wantErr(t, err, store.ErrConflict)
		})
	})
}

func TestListReactionsForAPage(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ids := users(t, s, "p", 4)
		ch := newChannel(t, s, "财务股", ids...)
		other := newChannel(t, s, "综合股", ids...)
		var page []store.MessageKey
		for i := range 200 {
			m := post(t, s, ch.ID, ids[i%4], "第几条")
			page = append(page, store.MessageKey{ChannelID: ch.ID, Seq: m.Seq})
			if i%3 == 0 {
				react(t, s, ch.ID, m.Seq, ids[(i+1)%4], "收到", true)
				react(t, s, ch.ID, m.Seq, ids[(i+2)%4], "收到", true)
			}
		}
		o := post(t, s, other.ID, ids[0], "别的频道")
		react(t, s, other.ID, o.Seq, ids[1], "谢谢", true)

		counted, n := store.CountingQueries(s)
		got, err := counted.ListReactions(t.Context(), append(page, store.MessageKey{ChannelID: other.ID, Seq: o.Seq}))
		must(t, err)
		if q := n.Load(); q != 1 {
			t.Errorf("a page of 201 messages took %d queries, want 1", q)
		}
		if len(got) != 68 {
			t.Fatalf("%d messages with reactions, want 68", len(got))
		}
		first := got[page[0]]
		want := []store.Reaction{{Reaction: "收到", UserIDs: []int64{ids[1], ids[2]}}}
		if !reflect.DeepEqual(first, want) {
			t.Errorf("first message: %+v, want %+v", first, want)
		}
		if _, ok := got[page[1]]; ok {
			t.Errorf("a message without reactions is in the map")
		}
		if r := got[store.MessageKey{ChannelID: other.ID, Seq: o.Seq}]; len(r) != 1 || r[0].Reaction != "谢谢" {
			t.Errorf("other channel: %+v", r)
		}
		none, err := s.ListReactions(t.Context(), nil)
		if err != nil || len(none) != 0 {
			t.Errorf("no keys: %v %v", none, err)
		}
	})
}

// Many people tapping 收到 at once: every change gets its own revision, and the
// final list holds everyone.
func TestReactionsConcurrent(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ids := users(t, s, "k", 12)
		ch := newChannel(t, s, "全局", ids...)
		m := post(t, s, ch.ID, ids[0], "请各股室于周五前报送")
		var wg sync.WaitGroup
		revs := make([]int64, len(ids))
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, _, err := s.SetReaction(t.Context(), store.ReactionChange{ChannelID: ch.ID, Seq: m.Seq, UserID: id, Reaction: "收到", On: true})
				if err != nil {
					t.Error(err)
					return
				}
				revs[i] = got.Rev
				if int64(len(got.Reactions[0].UserIDs)) != got.Rev {
					t.Errorf("rev %d came with %d people", got.Rev, len(got.Reactions[0].UserIDs))
				}
			}()
		}
		wg.Wait()
		seen := map[int64]bool{}
		for _, r := range revs {
			if seen[r] {
				t.Errorf("revision %d given twice: %v", r, revs)
			}
			seen[r] = true
		}
		got, err := s.ListReactions(t.Context(), []store.MessageKey{{ChannelID: ch.ID, Seq: m.Seq}})
		must(t, err)
		if r := got[store.MessageKey{ChannelID: ch.ID, Seq: m.Seq}]; len(r) != 1 || len(r[0].UserIDs) != 12 {
			t.Errorf("after all: %+v", r)
		}
	})
}
