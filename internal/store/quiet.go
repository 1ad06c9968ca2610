package store

import (
	"context"
	"errors"
	"time"
)

// Channel notification levels. No stored row means NotifyAll.
const (
	NotifyAll      = "all"      // every message
	NotifyMentions = "mentions" // mentions, direct messages and notices only
	NotifyNone     = "none"     // notices only (they are never silenced)
)

// ValidNotifyLevel reports whether l is a known channel notification level.
func ValidNotifyLevel(l string) bool {
	return l == NotifyAll || l == NotifyMentions || l == NotifyNone
}

// metaOrgSchedule is the meta key of the organisation's working-time settings (JSON).
const metaOrgSchedule = "quiet.org_schedule"

// CalendarYear is an official calendar year an administrator uploaded; it replaces the
// file embedded for that year. Body is the calendar file, validated before it is stored.
type CalendarYear struct {
	Year      int
	Body      string
	UpdatedBy int64
	UpdatedAt time.Time
}

// QuietPersonal is one person's own working-time settings.
type QuietPersonal struct {
	UserID       int64
	Schedule     string // "" for the organisation's schedule, else a weekly schedule as JSON
	Leave        string // JSON array of leave ranges; "[]" when none
	PushWhenIdle bool   // push while connected but idle, not only when disconnected
	UpdatedAt    time.Time
}

// DutySlot is one stretch of the duty roster (值班), [Start, End).
type DutySlot struct {
	ID        int64
	UserID    int64
	Start     time.Time
	End       time.Time
	Note      string
	CreatedBy int64
	CreatedAt time.Time
}

// Quiet keeps what decides working time: the organisation's schedule, uploaded
// calendar years, personal settings, the duty roster, and channel notification levels.
// The store keeps the schedule, calendar and leave as the JSON internal/quiet reads
// and validates; it does not interpret them.
type Quiet interface {
	// GetOrgSchedule returns the organisation's working-time settings as JSON; "" when
	// never set (the defaults apply).
	GetOrgSchedule(ctx context.Context) (string, error)
	SetOrgSchedule(ctx context.Context, body string) error

	// PutCalendarYear inserts or replaces a year; sets UpdatedAt when zero.
	PutCalendarYear(ctx context.Context, y *CalendarYear) error
	// ListCalendarYears lists the uploaded years in order.
	ListCalendarYears(ctx context.Context) ([]CalendarYear, error)

	// GetQuietPersonal returns the person's settings; someone who never saved any gets
	// the defaults (the organisation's schedule, no leave), not ErrNotFound.
	GetQuietPersonal(ctx context.Context, userID int64) (QuietPersonal, error)
	// SetQuietPersonal inserts or replaces the person's settings; sets UpdatedAt.
	SetQuietPersonal(ctx context.Context, p *QuietPersonal) error
	// ListQuietPersonal lists every stored personal setting, by user id.
	ListQuietPersonal(ctx context.Context) ([]QuietPersonal, error)

	// CreateDutySlot sets d.ID and CreatedAt (when zero); ErrConflict for an unknown user.
	CreateDutySlot(ctx context.Context, d *DutySlot) error
	GetDutySlot(ctx context.Context, id int64) (DutySlot, error)
	DeleteDutySlot(ctx context.Context, id int64) error // ErrNotFound when absent
	// ListDutySlots lists slots that end after from and start before until (a zero
	// bound is open), by start then id.
	ListDutySlots(ctx context.Context, from, until time.Time) ([]DutySlot, error)

	// SetChannelNotify sets the person's level in the channel (NotifyAll removes the row).
	SetChannelNotify(ctx context.Context, channelID, userID int64, level string) error
	// GetChannelNotify returns the person's level in the channel, NotifyAll by default.
	GetChannelNotify(ctx context.Context, channelID, userID int64) (string, error)
	// ListChannelNotify returns the people of a channel whose level is not NotifyAll.
	ListChannelNotify(ctx context.Context, channelID int64) (map[int64]string, error)
}

func (s *DB) GetOrgSchedule(ctx context.Context) (string, error) {
	v, err := s.GetMeta(ctx, metaOrgSchedule)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return v, err
}

func (s *DB) SetOrgSchedule(ctx context.Context, body string) error {
	return s.SetMeta(ctx, metaOrgSchedule, body)
}

func (s *DB) PutCalendarYear(ctx context.Context, y *CalendarYear) error {
	y.UpdatedAt = s.stamp(y.UpdatedAt)
	_, err := s.exec(ctx, `INSERT INTO quiet_calendar_years (year, body, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (year) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		y.Year, y.Body, y.UpdatedBy, toMillis(y.UpdatedAt))
	if err != nil {
		return s.fail(err, "put calendar year %d", y.Year)
	}
	return nil
}

func (s *DB) ListCalendarYears(ctx context.Context) ([]CalendarYear, error) {
	rows, err := s.query(ctx, `SELECT year, body, updated_by, updated_at FROM quiet_calendar_years ORDER BY year`)
	if err != nil {
		return nil, s.fail(err, "list calendar years")
	}
	defer rows.Close()
	var out []CalendarYear
	for rows.Next() {
		var y CalendarYear
		var at int64
		if err := rows.Scan(&y.Year, &y.Body, &y.UpdatedBy, &at); err != nil {
			return nil, s.fail(err, "list calendar years")
		}
		y.UpdatedAt = fromMillis(at)
		out = append(out, y)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list calendar years")
	}
	return out, nil
}

const quietPersonalCols = `user_id, schedule, leave_ranges, push_when_idle, updated_at`

func scanQuietPersonal(sc scanner) (QuietPersonal, error) {
	var p QuietPersonal
	var at int64
	err := sc.Scan(&p.UserID, &p.Schedule, &p.Leave, &p.PushWhenIdle, &at)
	p.UpdatedAt = fromMillis(at)
	return p, err
}

func (s *DB) GetQuietPersonal(ctx context.Context, userID int64) (QuietPersonal, error) {
	p, err := scanQuietPersonal(s.queryRow(ctx, `SELECT `+quietPersonalCols+` FROM quiet_personal WHERE user_id = ?`, userID))
	if isNoRows(err) {
		return QuietPersonal{UserID: userID, Leave: "[]"}, nil
	}
	if err != nil {
		return QuietPersonal{}, s.fail(err, "get quiet settings of user %d", userID)
	}
	return p, nil
}

func (s *DB) SetQuietPersonal(ctx context.Context, p *QuietPersonal) error {
	if p.Leave == "" {
		p.Leave = "[]"
	}
	p.UpdatedAt = s.stamp(time.Time{})
	_, err := s.exec(ctx, `INSERT INTO quiet_personal (`+quietPersonalCols+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET schedule = excluded.schedule, leave_ranges = excluded.leave_ranges,
			push_when_idle = excluded.push_when_idle, updated_at = excluded.updated_at`,
		p.UserID, p.Schedule, p.Leave, p.PushWhenIdle, toMillis(p.UpdatedAt))
	if err != nil {
		return s.fail(err, "set quiet settings of user %d", p.UserID)
	}
	return nil
}

func (s *DB) ListQuietPersonal(ctx context.Context) ([]QuietPersonal, error) {
	rows, err := s.query(ctx, `SELECT `+quietPersonalCols+` FROM quiet_personal ORDER BY user_id`)
	if err != nil {
		return nil, s.fail(err, "list quiet settings")
	}
	defer rows.Close()
	var out []QuietPersonal
	for rows.Next() {
		p, err := scanQuietPersonal(rows)
		if err != nil {
			return nil, s.fail(err, "list quiet settings")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list quiet settings")
	}
	return out, nil
}

const dutyCols = `id, user_id, start_at, end_at, note, created_by, created_at`

func scanDuty(sc scanner) (DutySlot, error) {
	var d DutySlot
	var start, end, created int64
	err := sc.Scan(&d.ID, &d.UserID, &start, &end, &d.Note, &d.CreatedBy, &created)
	d.Start, d.End, d.CreatedAt = fromMillis(start), fromMillis(end), fromMillis(created)
	return d, err
}

func (s *DB) CreateDutySlot(ctx context.Context, d *DutySlot) error {
	d.CreatedAt = s.stamp(d.CreatedAt)
	d.Start, d.End = asStored(d.Start), asStored(d.End)
	err := s.queryRow(ctx, `INSERT INTO duty_slots (user_id, start_at, end_at, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		d.UserID, toMillis(d.Start), toMillis(d.End), d.Note, d.CreatedBy, toMillis(d.CreatedAt)).Scan(&d.ID)
	if err != nil {
		return s.fail(err, "create duty slot for user %d", d.UserID)
	}
	return nil
}

func (s *DB) GetDutySlot(ctx context.Context, id int64) (DutySlot, error) {
	d, err := scanDuty(s.queryRow(ctx, `SELECT `+dutyCols+` FROM duty_slots WHERE id = ?`, id))
	if err != nil {
		return DutySlot{}, s.fail(err, "get duty slot %d", id)
	}
	return d, nil
}

func (s *DB) DeleteDutySlot(ctx context.Context, id int64) error {
	if err := s.execOne(ctx, `DELETE FROM duty_slots WHERE id = ?`, id); err != nil {
		return s.fail(err, "delete duty slot %d", id)
	}
	return nil
}

func (s *DB) ListDutySlots(ctx context.Context, from, until time.Time) ([]DutySlot, error) {
	q := `SELECT ` + dutyCols + ` FROM duty_slots WHERE end_at > ?`
	args := []any{toMillis(from)}
	if !until.IsZero() {
		q += ` AND start_at < ?`
		args = append(args, toMillis(until))
	}
	rows, err := s.query(ctx, q+` ORDER BY start_at, id`, args...)
	if err != nil {
		return nil, s.fail(err, "list duty slots")
	}
	defer rows.Close()
	var out []DutySlot
	for rows.Next() {
		d, err := scanDuty(rows)
		if err != nil {
			return nil, s.fail(err, "list duty slots")
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list duty slots")
	}
	return out, nil
}

func (s *DB) SetChannelNotify(ctx context.Context, channelID, userID int64, level string) error {
	var err error
	if level == NotifyAll {
		_, err = s.exec(ctx, `DELETE FROM channel_notify WHERE channel_id = ? AND user_id = ?`, channelID, userID)
	} else {
		_, err = s.exec(ctx, `INSERT INTO channel_notify (channel_id, user_id, level) VALUES (?, ?, ?)
			ON CONFLICT (channel_id, user_id) DO UPDATE SET level = excluded.level`, channelID, userID, level)
	}
	if err != nil {
		return s.fail(err, "set notification level of user %d in channel %d", userID, channelID)
	}
	return nil
}

func (s *DB) GetChannelNotify(ctx context.Context, channelID, userID int64) (string, error) {
	var level string
	err := s.queryRow(ctx, `SELECT level FROM channel_notify WHERE channel_id = ? AND user_id = ?`, channelID, userID).Scan(&level)
	if isNoRows(err) {
		return NotifyAll, nil
	}
	if err != nil {
		return "", s.fail(err, "get notification level of user %d in channel %d", userID, channelID)
	}
	return level, nil
}

func (s *DB) ListChannelNotify(ctx context.Context, channelID int64) (map[int64]string, error) {
	rows, err := s.query(ctx, `SELECT user_id, level FROM channel_notify WHERE channel_id = ?`, channelID)
	if err != nil {
		return nil, s.fail(err, "list notification levels in channel %d", channelID)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var uid int64
		var level string
		if err := rows.Scan(&uid, &level); err != nil {
			return nil, s.fail(err, "list notification levels in channel %d", channelID)
		}
		out[uid] = level
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list notification levels in channel %d", channelID)
	}
	return out, nil
}
