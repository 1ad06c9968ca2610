package protocol

import "time"

// Working time and quiet hours (工作时间): PROTOCOL.md §4.11. Times of day are "HH:MM"
// on the organisation's wall clock (24:00 only as the end of a span), dates are
// "YYYY-MM-DD" in the organisation's zone, instants are RFC 3339.

// Channel notification levels.
const (
	NotifyAll      = "all"      // every message (the default)
	NotifyMentions = "mentions" // mentions, direct messages and notices
	NotifyNone     = "none"     // notices only
)

// Reachability reasons.
const (
	ReasonWorking  = "working"   // inside working time
	ReasonOnDuty   = "on_duty"   // on the duty roster (值班) now
	ReasonOffHours = "off_hours" // a working day, outside its hours (night, lunch break)
	ReasonWeekend  = "weekend"
	ReasonDayOff   = "day_off" // a weekday without working time in the person's own schedule
	ReasonHoliday  = "holiday" // an official holiday (放假)
	ReasonLeave    = "leave"   // on leave (请假)
	ReasonDisabled = "disabled"
)

// Limits.
const (
	MaxReachabilityUsers = 500
	MaxLeaveRanges       = 100
	MaxQuietNote         = 200 // characters of a leave range's or duty slot's note
	MaxDutySlot          = 31 * 24 * time.Hour
)

// TimeSpan is one stretch of working time within a day, [start, end).
type TimeSpan struct {
	Start string `json:"start"` // "08:30"
	End   string `json:"end"`   // "12:00"
}

// WeekSchedule is a weekly schedule: each day's spans, in order, not overlapping. A
// day that is absent, null or [] has no working time.
type WeekSchedule struct {
	Mon []TimeSpan `json:"mon"`
	Tue []TimeSpan `json:"tue"`
	Wed []TimeSpan `json:"wed"`
	Thu []TimeSpan `json:"thu"`
	Fri []TimeSpan `json:"fri"`
	Sat []TimeSpan `json:"sat"`
	Sun []TimeSpan `json:"sun"`
}

// OrgWorkSchedule is the organisation's working time: the body of
// PUT /api/v1/admin/work-schedule and part of GET /api/v1/work-schedule.
type OrgWorkSchedule struct {
	TimeZone string       `json:"time_zone"` // IANA; "" on a PUT means Asia/Shanghai
	Week     WeekSchedule `json:"week"`
}

// CalendarPeriod is a named set of dates in a calendar year.
type CalendarPeriod struct {
	Name  string   `json:"name"`
	Dates []string `json:"dates"`
}

// CalendarYear is one year of the official calendar: the calendar file format
// (internal/quiet/calendar/README.md) and the body of PUT /api/v1/admin/calendar/{year}.
type CalendarYear struct {
	Year     int              `json:"year"`
	Source   string           `json:"source"`
	Holidays []CalendarPeriod `json:"holidays"`
	Workdays []CalendarPeriod `json:"workdays"`
}

// WorkScheduleResponse answers GET /api/v1/work-schedule?year=.
type WorkScheduleResponse struct {
	OrgWorkSchedule
	Year int `json:"year"` // the year asked for, this year by default
	// Calendar is that year's official calendar; null when it is not known (not yet
	// published, nor uploaded): then every day follows the weekly schedule.
	Calendar *CalendarYear `json:"calendar"`
	// CalendarOrigin says where it comes from: "embedded" (shipped in the binary),
	// "uploaded" (by an administrator), or "" when unknown.
	CalendarOrigin string `json:"calendar_origin"`
	Years          []int  `json:"years"` // every year the calendar knows
}

// LeaveRange is whole days off (请假), from and to inclusive.
type LeaveRange struct {
	From string `json:"from"`
	To   string `json:"to"`
	Note string `json:"note,omitempty"`
}

// MyQuietSettings is the body of PUT /api/v1/me/quiet: the person's own choices,
// replacing the previous ones.
type MyQuietSettings struct {
	// OwnSchedule replaces the organisation's weekly schedule for this person (part-time
	// work); null uses the organisation's.
	OwnSchedule *WeekSchedule `json:"own_schedule"`
	Leave       []LeaveRange  `json:"leave"`
	// PushWhenIdle: also push while the app is open but idle, not only when it is closed.
	PushWhenIdle bool `json:"push_when_idle"`
}

// MyQuietResponse answers GET and PUT /api/v1/me/quiet.
type MyQuietResponse struct {
	MyQuietSettings
	Org    OrgWorkSchedule `json:"org"`    // the organisation's schedule, for display
	Status Reachability    `json:"status"` // the person's own state now
}

// ChannelNotifyRequest is the body of PUT /api/v1/channels/{id}/notify.
type ChannelNotifyRequest struct {
	Level string `json:"level"` // all, mentions or none
}

// ChannelNotify answers GET and PUT /api/v1/channels/{id}/notify.
type ChannelNotify struct {
	ChannelID int64  `json:"channel_id"`
	Level     string `json:"level"`
}

// DutySlotRequest is the body of POST /api/v1/admin/duty.
type DutySlotRequest struct {
	UserID int64     `json:"user_id"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Note   string    `json:"note,omitempty"`
}

// DutySlot is one stretch of the duty roster (值班): the person is reachable from start
// until end whatever their working time.
type DutySlot struct {
	ID          int64     `json:"id"`
	UserID      int64     `json:"user_id"`
	DisplayName string    `json:"display_name"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Note        string    `json:"note,omitempty"`
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// DutyList answers GET /api/v1/admin/duty.
type DutyList struct {
	Slots []DutySlot `json:"slots"`
}

// ReachabilityRequest is the body of POST /api/v1/reachability.
type ReachabilityRequest struct {
	UserIDs []int64 `json:"user_ids"` // 1 … 500
}

// Reachability is one person's state at the time of the answer.
type Reachability struct {
	UserID    int64  `json:"user_id"`
	Reachable bool   `json:"reachable"`
	Reason    string `json:"reason"`
	// Next is when they will next be notified (the start of their next working or duty
	// time), when not reachable now; absent when reachable, disabled, or nothing falls
	// within the next 60 days.
	Next *time.Time `json:"next,omitempty"`
}

// ReachabilityResponse answers POST /api/v1/reachability.
type ReachabilityResponse struct {
	At       time.Time      `json:"at"`
	TimeZone string         `json:"time_zone"` // the organisation's, to show next as "08:30"
	People   []Reachability `json:"people"`    // in the order asked, without the unknown
	Unknown  []int64        `json:"unknown,omitempty"`
}
