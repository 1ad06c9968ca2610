package alert

import (
	"context"
	"testing"
	"time"

	"govchat/internal/quiet"
	"govchat/internal/store"
	"govchat/protocol"
)

// publish stores a notice from the leader to b and c at the world's clock and hands its
// publication to the dispatcher, as the notice service does.
func (w *world) publish(t *testing.T, priority string) store.Notice {
	t.Helper()
	ctx := context.Background()
	n := store.Notice{AuthorID: w.leader.ID, Title: "防汛紧急通知", Body: "今晚到岗", Priority: priority,
		NeedsConfirm: true, Status: store.NoticeActive, AudienceJSON: "{}", CreatedAt: *w.clock}
	rs := []store.NoticeRecipient{{UserID: w.b, DeliveredAt: *w.clock}, {UserID: w.c, DeliveredAt: *w.clock}}
	if err := w.s.CreateNotice(ctx, &n, rs); err != nil {
		t.Fatal(err)
	}
	w.a.notice(ctx, n, protocol.NoticeEventPublished, protocol.PushNotice, []int64{w.b, w.c})
	return n
}

// outcomes reads what the store recorded per recipient.
func (w *world) outcomes(t *testing.T, n store.Notice) map[int64]string {
	t.Helper()
	rs, err := w.s.ListNoticeReceipts(context.Background(), n.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, r := range rs {
		out[r.UserID] = r.Push
	}
	return out
}

func wantOutcomes(t *testing.T, got map[int64]string, want map[int64]string) {
	t.Helper()
	for u, o := range want {
		if got[u] != o {
			t.Errorf("user %d: outcome %q, want %q (all: %v)", u, got[u], o, got)
		}
	}
}

func TestPublicationOutcomesAreRecordedPerRecipient(t *testing.T) {
	friday := at(2026, 4, 24, 22, 0) // off duty for everyone
	monday := at(2026, 4, 27, 10, 0) // working time

	t.Run("urgent from a leader breaks through quiet hours, then the cap holds it", func(t *testing.T) {
		w := newWorld(t, Options{BreakthroughPerWeek: 1})
		*w.clock = friday
		first := w.publish(t, protocol.NoticeUrgent)
		w.rec.to(w.b, w.c)(t)
		wantOutcomes(t, w.outcomes(t, first), map[int64]string{w.b: store.PushBreakthrough, w.c: store.PushBreakthrough})

		*w.clock = friday.Add(time.Hour)
		second := w.publish(t, protocol.NoticeUrgent)
		w.rec.to()(t)
		wantOutcomes(t, w.outcomes(t, second), map[int64]string{w.b: store.PushHeldCap, w.c: store.PushHeldCap})

		// A week on, the cap has room again.
		*w.clock = friday.Add(7*24*time.Hour + time.Minute)
		third := w.publish(t, protocol.NoticeUrgent)
		w.rec.to(w.b, w.c)(t)
		wantOutcomes(t, w.outcomes(t, third), map[int64]string{w.b: store.PushBreakthrough, w.c: store.PushBreakthrough})
	})

	t.Run("a normal notice off duty is held for the digest", func(t *testing.T) {
		w := newWorld(t, Options{BreakthroughPerWeek: 3})
		*w.clock = friday
		n := w.publish(t, protocol.NoticeNormal)
		w.rec.to()(t)
		wantOutcomes(t, w.outcomes(t, n), map[int64]string{w.b: store.PushHeld, w.c: store.PushHeld})
	})

	t.Run("with no cap an urgent notice is held, not capped", func(t *testing.T) {
		w := newWorld(t, Options{})
		*w.clock = friday
		n := w.publish(t, protocol.NoticeUrgent)
		w.rec.to()(t)
		wantOutcomes(t, w.outcomes(t, n), map[int64]string{w.b: store.PushHeld, w.c: store.PushHeld})
	})

	t.Run("in working time: pushed, connected, no device", func(t *testing.T) {
		w := newWorld(t, Options{BreakthroughPerWeek: 3})
		*w.clock = monday
		w.online[w.b] = true
		if err := w.s.DeletePushSubscription(context.Background(), w.c, "https://push.example/2"); err != nil {
			t.Fatal(err)
		}
		n := w.publish(t, protocol.NoticeUrgent)
		w.rec.to()(t)
		wantOutcomes(t, w.outcomes(t, n), map[int64]string{w.b: store.PushConnected, w.c: store.PushNoDevice})

		delete(w.online, w.b)
		n = w.publish(t, protocol.NoticeNormal)
		w.rec.to(w.b)(t)
		wantOutcomes(t, w.outcomes(t, n), map[int64]string{w.b: store.PushPushed, w.c: store.PushNoDevice})
	})

	t.Run("off duty with the app open, or without a device: still a break-through", func(t *testing.T) {
		w := newWorld(t, Options{BreakthroughPerWeek: 3})
		*w.clock = friday
		w.online[w.b] = true
		if err := w.s.DeletePushSubscription(context.Background(), w.c, "https://push.example/2"); err != nil {
			t.Fatal(err)
		}
		n := w.publish(t, protocol.NoticeUrgent)
		w.rec.to()(t)
		wantOutcomes(t, w.outcomes(t, n), map[int64]string{w.b: store.PushConnected, w.c: store.PushNoDevice})
		if bt, err := w.s.BrokeThrough(context.Background(), w.leader.ID, n.ID); err != nil || !bt {
			t.Fatalf("broke through: %v %v; the open app sounds only for a break-through", bt, err)
		}
	})

	t.Run("the app open reads as connected, device or not", func(t *testing.T) {
		w := newWorld(t, Options{BreakthroughPerWeek: 3})
		*w.clock = monday
		w.online[w.b], w.online[w.c] = true, true
		if err := w.s.DeletePushSubscription(context.Background(), w.c, "https://push.example/2"); err != nil {
			t.Fatal(err)
		}
		n := w.publish(t, protocol.NoticeNormal)
		w.rec.to()(t)
		wantOutcomes(t, w.outcomes(t, n), map[int64]string{w.b: store.PushConnected, w.c: store.PushConnected})
	})

	t.Run("one at work, one on leave: pushed and broken through", func(t *testing.T) {
		w := newWorld(t, Options{BreakthroughPerWeek: 3})
		*w.clock = monday
		onLeave := *w.policy
		day := quiet.DateOf(monday)
		onLeave.Personal = map[int64]quiet.Personal{w.c: {Leave: []quiet.Leave{{From: day, To: day}}}}
		w.policy = &onLeave
		n := w.publish(t, protocol.NoticeUrgent)
		w.rec.to(w.b, w.c)(t)
		wantOutcomes(t, w.outcomes(t, n), map[int64]string{w.b: store.PushPushed, w.c: store.PushBreakthrough})
	})

	t.Run("a revision records nothing new", func(t *testing.T) {
		w := newWorld(t, Options{BreakthroughPerWeek: 1})
		*w.clock = friday
		n := w.publish(t, protocol.NoticeUrgent)
		w.rec.take()
		w.a.notice(context.Background(), n, protocol.NoticeEventRevised, protocol.PushNotice, []int64{w.b, w.c})
		w.rec.to()(t)
		wantOutcomes(t, w.outcomes(t, n), map[int64]string{w.b: store.PushBreakthrough, w.c: store.PushBreakthrough})
	})
}

func TestForecastMatchesWhatPublishingDoes(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, Options{BreakthroughPerWeek: 1})
	*w.clock = at(2026, 4, 24, 22, 0)
	people := []int64{w.b, w.c}

	f, err := w.a.Forecast(ctx, w.leader.ID, true, people)
	if err != nil {
		t.Fatal(err)
	}
	if f != (Forecast{OffDuty: 2, Breakthrough: protocol.BreakthroughWill, WeekUsed: 0, WeekCap: 1}) {
		t.Fatalf("before: %+v", f)
	}
	if f, _ := w.a.Forecast(ctx, w.leader.ID, false, people); f.Breakthrough != protocol.BreakthroughNone || f.OffDuty != 2 {
		t.Fatalf("normal notice: %+v", f)
	}
	if f, _ := w.a.Forecast(ctx, w.b, true, []int64{w.c}); f.Breakthrough != protocol.BreakthroughNone {
		t.Fatalf("staff author: %+v", f)
	}
	n := w.publish(t, protocol.NoticeUrgent)
	wantOutcomes(t, w.outcomes(t, n), map[int64]string{w.b: store.PushBreakthrough})
	f, err = w.a.Forecast(ctx, w.leader.ID, true, people)
	if err != nil {
		t.Fatal(err)
	}
	if f != (Forecast{OffDuty: 2, Breakthrough: protocol.BreakthroughCapReached, WeekUsed: 1, WeekCap: 1}) {
		t.Fatalf("after: %+v", f)
	}
	*w.clock = at(2026, 4, 27, 10, 0)
	if f, _ := w.a.Forecast(ctx, w.leader.ID, true, people); f.OffDuty != 0 || f.Breakthrough != protocol.BreakthroughNone {
		t.Fatalf("working time: %+v", f)
	}
}

func TestOutcomeWordsAreTheProtocols(t *testing.T) {
	for s, p := range map[string]string{
		store.PushPushed: protocol.PushOutcomePushed, store.PushBreakthrough: protocol.PushOutcomeBreakthrough,
		store.PushHeld: protocol.PushOutcomeHeld, store.PushHeldCap: protocol.PushOutcomeHeldCap,
		store.PushConnected: protocol.PushOutcomeConnected, store.PushNoDevice: protocol.PushOutcomeNoDevice,
		store.PushFailed: protocol.PushOutcomeFailed,
	} {
		if s != p {
			t.Errorf("store %q, protocol %q", s, p)
		}
	}
}
