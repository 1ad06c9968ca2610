package store_test

import (
	"maps"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestOrgSchedule(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		got, err := s.GetOrgSchedule(ctx)
		must(t, err)
		if got != "" {
			t.Fatalf("unset schedule = %q", got)
		}
		must(t, s.SetOrgSchedule(ctx, `{"a":1}`))
		must(t, s.SetOrgSchedule(ctx, `{"a":2}`))
		if got, err = s.GetOrgSchedule(ctx); err != nil || got != `{"a":2}` {
			t.Fatalf("schedule = %q, %v", got, err)
		}
	})
}

func TestCalendarYears(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "cal", 1)
		y27 := store.CalendarYear{Year: 2027, Body: `{"year":2027}`, UpdatedBy: u[0], UpdatedAt: t0}
		must(t, s.PutCalendarYear(ctx, &y27))
		y26 := store.CalendarYear{Year: 2026, Body: `{"year":2026}`, UpdatedBy: u[0]}
		must(t, s.PutCalendarYear(ctx, &y26))
		if y26.UpdatedAt.IsZero() {
			t.Error("UpdatedAt not set")
		}
		y27b := store.CalendarYear{Year: 2027, Body: `{"year":2027,"v":2}`, UpdatedBy: u[0], UpdatedAt: t0.Add(time.Hour)}
		must(t, s.PutCalendarYear(ctx, &y27b))
		got, err := s.ListCalendarYears(ctx)
		must(t, err)
		if len(got) != 2 || got[0].Year != 2026 || got[1].Year != 2027 {
			t.Fatalf("years = %+v", got)
		}
		if got[1].Body != y27b.Body || !got[1].UpdatedAt.Equal(ms(t0.Add(time.Hour))) || got[1].UpdatedBy != u[0] {
			t.Errorf("replaced year = %+v", got[1])
		}
	})
}

func TestQuietPersonal(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "qp", 2)
		def, err := s.GetQuietPersonal(ctx, u[0])
		must(t, err)
		if def.UserID != u[0] || def.Schedule != "" || def.Leave != "[]" || def.PushWhenIdle {
			t.Fatalf("defaults = %+v", def)
		}
		p := store.QuietPersonal{UserID: u[0], Schedule: `{"mon":[]}`, Leave: `[{"from":"2026-03-09","to":"2026-03-13"}]`, PushWhenIdle: true}
		must(t, s.SetQuietPersonal(ctx, &p))
		got, err := s.GetQuietPersonal(ctx, u[0])
		must(t, err)
		if got != p {
			t.Fatalf("got %+v, want %+v", got, p)
		}
		p2 := store.QuietPersonal{UserID: u[0]}
		must(t, s.SetQuietPersonal(ctx, &p2))
		got, err = s.GetQuietPersonal(ctx, u[0])
		must(t, err)
		if got.Schedule != "" || got.Leave != "[]" || got.PushWhenIdle {
			t.Fatalf("replaced = %+v", got)
		}
		must(t, s.SetQuietPersonal(ctx, &store.QuietPersonal{UserID: u[1], Schedule: "{}"}))
		all, err := s.ListQuietPersonal(ctx)
		must(t, err)
		if len(all) != 2 || all[0].UserID != u[0] || all[1].UserID != u[1] || all[1].Schedule != "{}" {
			t.Fatalf("list = %+v", all)
		}
		if err := s.SetQuietPersonal(ctx, &store.QuietPersonal{UserID: 999999}); err == nil {
			t.Error("settings for an unknown user were stored")
		}
	})
}

func TestDutySlots(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "duty", 2)
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		a := store.DutySlot{UserID: u[0], Start: h(0), End: h(8), Note: "夜班", CreatedBy: u[1]}
		b := store.DutySlot{UserID: u[1], Start: h(10), End: h(20), CreatedBy: u[1]}
		c := store.DutySlot{UserID: u[0], Start: h(24), End: h(48), CreatedBy: u[1]}
		for _, d := range []*store.DutySlot{&c, &a, &b} {
			must(t, s.CreateDutySlot(ctx, d))
			if d.ID == 0 || d.CreatedAt.IsZero() {
				t.Fatalf("not set: %+v", d)
			}
		}
		got, err := s.GetDutySlot(ctx, a.ID)
		must(t, err)
		if got.UserID != u[0] || !got.Start.Equal(ms(h(0))) || !got.End.Equal(ms(h(8))) || got.Note != "夜班" || got.CreatedBy != u[1] {
			t.Fatalf("got %+v", got)
		}
		ids := func(ds []store.DutySlot) []int64 {
			var out []int64
			for _, d := range ds {
				out = append(out, d.ID)
			}
			return out
		}
		cases := []struct {
			name        string
			from, until time.Time
			want        []int64
		}{
			{"all", time.Time{}, time.Time{}, []int64{a.ID, b.ID, c.ID}},
			{"ending after", h(8), time.Time{}, []int64{b.ID, c.ID}},
			{"starting before", time.Time{}, h(10), []int64{a.ID}},
			{"overlapping a window", h(7), h(25), []int64{a.ID, b.ID, c.ID}},
			{"a gap", h(20), h(24), nil},
		}
		for _, k := range cases {
			list, err := s.ListDutySlots(ctx, k.from, k.until)
			must(t, err)
			if got := ids(list); !equalIDs(got, k.want) {
				t.Errorf("%s: %v, want %v", k.name, got, k.want)
			}
		}
		must(t, s.DeleteDutySlot(ctx, b.ID))
		wantErr(t, s.DeleteDutySlot(ctx, b.ID), store.ErrNotFound)
		_, err = s.GetDutySlot(ctx, b.ID)
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, s.CreateDutySlot(ctx, &store.DutySlot{UserID: 999999, Start: h(0), End: h(1)}), store.ErrConflict)
		if err := s.CreateDutySlot(ctx, &store.DutySlot{UserID: u[0], Start: h(2), End: h(1)}); err == nil {
			t.Error("a slot ending before it starts was stored")
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestChannelNotify(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "cn", 3)
		c := newChannel(t, s, "通知测试", u...)
		lvl, err := s.GetChannelNotify(ctx, c.ID, u[0])
		must(t, err)
		if lvl != store.NotifyAll {
			t.Fatalf("default = %q", lvl)
		}
		must(t, s.SetChannelNotify(ctx, c.ID, u[0], store.NotifyMentions))
		must(t, s.SetChannelNotify(ctx, c.ID, u[1], store.NotifyNone))
		must(t, s.SetChannelNotify(ctx, c.ID, u[1], store.NotifyMentions))
		must(t, s.SetChannelNotify(ctx, c.ID, u[2], store.NotifyNone))
		must(t, s.SetChannelNotify(ctx, c.ID, u[2], store.NotifyAll))
		if lvl, err = s.GetChannelNotify(ctx, c.ID, u[1]); err != nil || lvl != store.NotifyMentions {
			t.Fatalf("level = %q, %v", lvl, err)
		}
		all, err := s.ListChannelNotify(ctx, c.ID)
		must(t, err)
		if want := map[int64]string{u[0]: store.NotifyMentions, u[1]: store.NotifyMentions}; !maps.Equal(all, want) {
			t.Fatalf("levels = %v, want %v", all, want)
		}
		if err := s.SetChannelNotify(ctx, c.ID, u[0], "loud"); err == nil {
			t.Error("an unknown level was stored")
		}
		for _, l := range []string{"all", "mentions", "none"} {
			if !store.ValidNotifyLevel(l) {
				t.Errorf("%q not valid", l)
			}
		}
		if store.ValidNotifyLevel("") {
			t.Error(`"" valid`)
		}
	})
}
