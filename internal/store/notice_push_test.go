package store_test

import (
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestNoticePushOutcomes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		author := newUser(t, s, "pushauthor", store.RoleLeader)
		people := bulkUsers(t, s, "pushee", 620) // more than one 500-id batch
		n := publish(t, s, author.ID, "防汛紧急通知", nil, people...)
		other := publish(t, s, author.ID, "另一条", nil, people[0])

		outcomes := func(id int64) map[int64]string {
			t.Helper()
			rs, err := s.ListNoticeReceipts(ctx, id)
			must(t, err)
			out := map[int64]string{}
			for _, r := range rs {
				out[r.UserID] = r.Push
			}
			return out
		}

		t.Run("undecided reads as empty", func(t *testing.T) {
			for u, o := range outcomes(n.ID) {
				if o != "" {
					t.Fatalf("user %d: %q before any decision", u, o)
				}
			}
		})
		t.Run("each recipient keeps the outcome given, on this notice only", func(t *testing.T) {
			must(t, s.SetNoticePush(ctx, n.ID, people[:600], store.PushBreakthrough))
			must(t, s.SetNoticePush(ctx, n.ID, people[600:610], store.PushHeldCap))
			must(t, s.SetNoticePush(ctx, n.ID, []int64{author.ID}, store.PushPushed)) // not a recipient: ignored
			got := outcomes(n.ID)
			for i, u := range people {
				want := ""
				switch {
				case i < 600:
					want = store.PushBreakthrough
				case i < 610:
					want = store.PushHeldCap
				}
				if got[u] != want {
					t.Fatalf("person %d: %q, want %q", i, got[u], want)
				}
			}
			if _, ok := got[author.ID]; ok {
				t.Fatal("the author became a recipient")
			}
			if o := outcomes(other.ID)[people[0]]; o != "" {
				t.Fatalf("another notice's outcome changed to %q", o)
			}
			r, err := s.GetNoticeReceipt(ctx, n.ID, people[605])
			must(t, err)
			if r.Push != store.PushHeldCap {
				t.Fatalf("GetNoticeReceipt push %q", r.Push)
			}
		})
		t.Run("an unknown outcome is refused", func(t *testing.T) {
			if err := s.SetNoticePush(ctx, n.ID, people[:1], "maybe"); err == nil {
				t.Fatal("stored an unknown outcome")
			}
		})
	})
}

func TestCountNoticesConfirmed(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		author := newUser(t, s, "cntauthor", store.RoleLeader)
		people := bulkUsers(t, s, "cnt", 5)
		a := publish(t, s, author.ID, "甲", nil, people...)
		b := publish(t, s, author.ID, "乙", nil, people...)
		none := publish(t, s, author.ID, "丙", nil, people...)
		for i, u := range people[:3] {
			_, err := s.ConfirmNotice(ctx, a.ID, u, 1, "", t0.Add(time.Duration(i)*time.Minute))
			must(t, err)
		}
		_, err := s.ConfirmNotice(ctx, b.ID, people[0], 1, "", t0)
		must(t, err)
		_, err = s.ConfirmNotice(ctx, b.ID, people[1], 1, "", t0)
		must(t, err)
		// A revision asks everyone again: confirmations of revision 1 no longer count.
		_, err = s.ReviseNotice(ctx, &store.NoticeRevision{NoticeID: b.ID, Title: "乙（修改）", Body: "新", ChangeNote: "改期", CreatedAt: t0.Add(time.Hour)}, "normal", time.Time{})
		must(t, err)
		_, err = s.ConfirmNotice(ctx, b.ID, people[4], 2, "", t0.Add(2*time.Hour))
		must(t, err)

		got, err := s.CountNoticesConfirmed(ctx, []int64{a.ID, b.ID, none.ID})
		must(t, err)
		if got[a.ID] != 3 || got[b.ID] != 1 || got[none.ID] != 0 {
			t.Fatalf("counts %v, want %d:3 %d:1 %d:0", got, a.ID, b.ID, none.ID)
		}
		if got, err := s.CountNoticesConfirmed(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("no notices: %v %v", got, err)
		}
	})
}
