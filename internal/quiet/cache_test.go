package quiet

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"govchat/internal/store"
)

// fakeSource is a store in memory that counts loads.
type fakeSource struct {
	mu       sync.Mutex
	org      string
	years    []store.CalendarYear
	personal []store.QuietPersonal
	duty     []store.DutySlot
	loads    int
	fail     error
}

var _ Source = (*fakeSource)(nil)

func (f *fakeSource) GetOrgSchedule(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads++
	return f.org, f.fail
}

func (f *fakeSource) ListCalendarYears(context.Context) ([]store.CalendarYear, error) {
	return f.years, nil
}

func (f *fakeSource) ListQuietPersonal(context.Context) ([]store.QuietPersonal, error) {
	return f.personal, nil
}

func (f *fakeSource) ListDutySlots(_ context.Context, from, until time.Time) ([]store.DutySlot, error) {
	var out []store.DutySlot
	for _, d := range f.duty {
		if d.End.After(from) && (until.IsZero() || d.Start.Before(until)) {
			out = append(out, d)
		}
	}
	return out, nil
}

func TestLoad(t *testing.T) {
	ctx := t.Context()
	now := at(t, "2026-03-06 22:00")
	t.Run("defaults", func(t *testing.T) {
		p, err := Load(ctx, &fakeSource{}, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Org.Equal(DefaultSchedule()) || p.Location == nil || p.Location.String() != "Asia/Shanghai" && p.Location.String() != "CST" {
			t.Errorf("policy = %+v", p)
		}
		if got := p.NextReachable(staff, now); !got.Equal(at(t, "2026-03-09 08:30")) {
			t.Errorf("next = %v", got)
		}
		if k, _ := p.Calendar.Day(Date{2026, 2, 14}); k != Workday {
			t.Error("the embedded calendar is missing")
		}
	})
	t.Run("everything stored", func(t *testing.T) {
		src := &fakeSource{
			org:   `{"time_zone":"Asia/Shanghai","week":{"mon":[{"start":"09:00","end":"17:00"}],"tue":[{"start":"09:00","end":"17:00"}]}}`,
			years: []store.CalendarYear{{Year: 2026, Body: `{"year":2026,"source":"更正","holidays":[{"name":"测试","dates":["2026-03-09"]}]}`}},
			personal: []store.QuietPersonal{
				{UserID: partTime, Schedule: `{"tue":[{"start":"13:00","end":"15:00"}]}`, Leave: "[]"},
				{UserID: onLeave, Leave: `[{"from":"2026-03-10","to":"2026-03-10"}]`},
				{UserID: nobody, Leave: "[]", PushWhenIdle: true},
			},
			duty: []store.DutySlot{
				{ID: 1, UserID: duty, Start: at(t, "2026-03-07 09:00"), End: at(t, "2026-03-07 12:00")},
				{ID: 2, UserID: duty, Start: at(t, "2026-03-01 09:00"), End: at(t, "2026-03-01 12:00")},
			},
		}
		p, err := Load(ctx, src, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.NextReachable(staff, now); !got.Equal(at(t, "2026-03-10 09:00")) {
			t.Errorf("staff next = %v (the uploaded 2026 makes Monday a holiday)", got)
		}
		if got := p.NextReachable(partTime, now); !got.Equal(at(t, "2026-03-10 13:00")) {
			t.Errorf("part-time next = %v", got)
		}
		if got := p.NextReachable(onLeave, now); !got.Equal(at(t, "2026-03-16 09:00")) {
			t.Errorf("on leave next = %v", got)
		}
		if got := p.NextReachable(duty, now); !got.Equal(at(t, "2026-03-07 09:00")) {
			t.Errorf("duty next = %v", got)
		}
		if len(p.Duty) != 1 {
			t.Errorf("old duty slots loaded: %+v", p.Duty)
		}
		if _, ok := p.Personal[nobody]; ok {
			t.Error("settings without adjustments kept")
		}
	})
	bad := []struct {
		name string
		src  *fakeSource
	}{
		{"bad schedule", &fakeSource{org: `{"week":{"mon":[{"start":"12:00","end":"08:00"}]}}`}},
		{"bad zone", &fakeSource{org: `{"time_zone":"Mars/Olympus","week":{}}`}},
		{"bad year", &fakeSource{years: []store.CalendarYear{{Year: 2026, Body: `{}`}}}},
		{"bad personal", &fakeSource{personal: []store.QuietPersonal{{UserID: 1, Leave: `{`}}}},
		{"store fails", &fakeSource{fail: errors.New("down")}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Load(ctx, c.src, now, nil); err == nil {
				t.Error("loaded")
			}
		})
	}
}

func TestCacheDefaultZone(t *testing.T) {
	src := &fakeSource{}
	s, err := NewCache(src, func() time.Time { return time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC) }, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetDefaultZone("UTC"); err != nil {
		t.Fatal(err)
	}
	p, err := s.Policy(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if p.Location.String() != "UTC" || !p.Reachable(staff, time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("unset settings should follow the default zone: %v", p.Location)
	}
	src.org = `{"time_zone":"Asia/Shanghai","week":{"mon":[{"start":"08:30","end":"12:00"}]}}`
	s.Invalidate()
	if p, _ = s.Policy(t.Context()); p.Location.String() == "UTC" {
		t.Error("stored settings should name their own zone")
	}
}

func TestCache(t *testing.T) {
	ctx := t.Context()
	clock := at(t, "2026-03-09 10:00")
	src := &fakeSource{}
	s, err := NewCache(src, func() time.Time { return clock }, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	get := func() Policy {
		t.Helper()
		p, err := s.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if !get().Reachable(staff, clock) {
		t.Fatal("staff not reachable at 10:00 Monday")
	}
	get()
	clock = clock.Add(29 * time.Second)
	get()
	if src.loads != 1 {
		t.Fatalf("loads = %d within the TTL, want 1", src.loads)
	}

	src.org = `{"week":{"mon":[{"start":"11:00","end":"12:00"}]}}`
	if !get().Reachable(staff, clock) {
		t.Error("a change was seen before the TTL passed or an invalidation")
	}
	s.Invalidate()
	if get().Reachable(staff, clock) {
		t.Error("invalidation did not reload")
	}
	if src.loads != 2 {
		t.Fatalf("loads = %d, want 2", src.loads)
	}
	clock = clock.Add(30 * time.Second)
	get()
	if src.loads != 3 {
		t.Fatalf("loads = %d after the TTL, want 3", src.loads)
	}

	if err := s.SetDefaultZone("Mars/Olympus"); err == nil {
		t.Error("an unknown zone was accepted")
	}
	src.fail = errors.New("down")
	s.Invalidate()
	if _, err := s.Policy(ctx); err == nil {
		t.Error("a failed load returned no error")
	}

	var wg sync.WaitGroup
	src.fail = nil
	for range 8 {
		wg.Go(func() { _, _ = s.Policy(ctx) })
	}
	wg.Wait()
	if src.loads != 5 {
		t.Errorf("loads = %d, want one load for concurrent callers", src.loads)
	}
}
