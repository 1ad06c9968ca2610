package quiet

import (
	"context"
	"fmt"
	"sync"
	"time"

	"govchat/internal/store"
)

// Source is the part of the store a Policy is loaded from; store.Store has it.
type Source interface {
	GetOrgSchedule(ctx context.Context) (string, error)
	ListCalendarYears(ctx context.Context) ([]store.CalendarYear, error)
	ListQuietPersonal(ctx context.Context) ([]store.QuietPersonal, error)
	ListDutySlots(ctx context.Context, from, until time.Time) ([]store.DutySlot, error)
}

// dutyLookback is how far back of the load time duty slots are kept: those that ended
// earlier decide nothing any more.
const dutyLookback = 24 * time.Hour

// Load builds the Policy as stored at now: the organisation's settings (defaults when
// never set), the embedded calendar (base; nil loads it) overridden by uploaded years,
// everyone's personal settings, and the duty slots that end after now−24h.
func Load(ctx context.Context, src Source, now time.Time, base *Calendar) (Policy, error) {
	return load(ctx, src, now, base, DefaultZone)
}

// load is Load with the zone that applies while the organisation's settings were never
// stored.
func load(ctx context.Context, src Source, now time.Time, base *Calendar, zone string) (Policy, error) {
	if base == nil {
		var err error
		if base, err = Embedded(); err != nil {
			return Policy{}, err
		}
	}
	body, err := src.GetOrgSchedule(ctx)
	if err != nil {
		return Policy{}, fmt.Errorf("quiet: load: %w", err)
	}
	org, err := ParseOrgSettings(body)
	if err != nil {
		return Policy{}, fmt.Errorf("quiet: load organisation schedule: %w", err)
	}
	if body == "" && zone != "" {
		org.TimeZone = zone
	}
	uploaded, err := src.ListCalendarYears(ctx)
	if err != nil {
		return Policy{}, fmt.Errorf("quiet: load: %w", err)
	}
	years := make([]YearFile, 0, len(uploaded))
	for _, u := range uploaded {
		y, err := ParseYear([]byte(u.Body))
		if err != nil {
			return Policy{}, fmt.Errorf("quiet: load calendar year %d: %w", u.Year, err)
		}
		years = append(years, y)
	}
	cal, err := base.With(years...)
	if err != nil {
		return Policy{}, fmt.Errorf("quiet: load: %w", err)
	}
	ps, err := src.ListQuietPersonal(ctx)
	if err != nil {
		return Policy{}, fmt.Errorf("quiet: load: %w", err)
	}
	personal := make(map[int64]Personal, len(ps))
	for _, sp := range ps {
		p, err := ParsePersonal(sp.Schedule, sp.Leave)
		if err != nil {
			return Policy{}, fmt.Errorf("quiet: load settings of user %d: %w", sp.UserID, err)
		}
		if p.Schedule != nil || len(p.Leave) > 0 {
			personal[sp.UserID] = p
		}
	}
	slots, err := src.ListDutySlots(ctx, now.Add(-dutyLookback), time.Time{})
	if err != nil {
		return Policy{}, fmt.Errorf("quiet: load: %w", err)
	}
	duty := make([]DutySlot, len(slots))
	for i, d := range slots {
		duty[i] = DutySlot{ID: d.ID, UserID: d.UserID, Start: d.Start, End: d.End, Note: d.Note}
	}
	return Policy{Org: org.Week, Calendar: cal, Personal: personal, Duty: duty, Location: org.location()}, nil
}

// DefaultTTL is how long a Cache trusts a loaded Policy. Writes through this node
// invalidate at once; writes on another node of a cluster are seen within the TTL.
const DefaultTTL = 30 * time.Second

// Cache keeps the current Policy, loading it from the store at most once per TTL
// and again after Invalidate, so asking per push decision is cheap.
type Cache struct {
	src  Source
	now  func() time.Time
	ttl  time.Duration
	base *Calendar
	zone string // the zone while the organisation's settings were never stored

	mu     sync.Mutex // held while loading, so one load serves every waiting caller
	cur    Policy
	loaded time.Time
	valid  bool
}

// NewCache loads the embedded calendar once; ttl ≤ 0 means DefaultTTL.
func NewCache(src Source, now func() time.Time, ttl time.Duration) (*Cache, error) {
	base, err := Embedded()
	if err != nil {
		return nil, err
	}
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Cache{src: src, now: now, ttl: ttl, base: base, zone: DefaultZone}, nil
}

// SetDefaultZone sets the zone that applies until an administrator stores the
// organisation's settings (the server's configured --time-zone). Call it before the
// first Policy.
func (s *Cache) SetDefaultZone(name string) error {
	if _, err := LoadLocation(name); err != nil {
		return fmt.Errorf("quiet: default zone: %w", err)
	}
	s.mu.Lock()
	s.zone, s.valid = name, false
	s.mu.Unlock()
	return nil
}

// DefaultZone is the zone that applies while the organisation's settings were never
// stored.
func (s *Cache) DefaultZone() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.zone
}

// Policy returns the current Policy, loading it when stale. The Policy is shared:
// callers must not modify it.
func (s *Cache) Policy(ctx context.Context) (Policy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.valid && !now.Before(s.loaded) && now.Sub(s.loaded) < s.ttl {
		return s.cur, nil
	}
	p, err := load(ctx, s.src, now, s.base, s.zone)
	if err != nil {
		return Policy{}, err
	}
	s.cur, s.loaded, s.valid = p, now, true
	return p, nil
}

// Embedded is the calendar shipped in the binary.
func (s *Cache) Embedded() *Calendar { return s.base }

// Invalidate makes the next Policy call load afresh; Service calls it after each change
// it commits.
func (s *Cache) Invalidate() {
	s.mu.Lock()
	s.valid = false
	s.mu.Unlock()
}
