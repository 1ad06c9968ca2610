package quiet

import (
	"bytes"
	"encoding/json"
	"io"
	"time"
)

// OrgSettings is the organisation's working time as an administrator sets it: its
// zone and weekly schedule. Stored as JSON; never set means DefaultOrgSettings.
type OrgSettings struct {
	TimeZone string   `json:"time_zone"` // IANA name; "" means Asia/Shanghai
	Week     Schedule `json:"week"`
}

// DefaultOrgSettings is Asia/Shanghai, Monday to Friday 08:30–12:00 and 14:30–18:00.
func DefaultOrgSettings() OrgSettings {
	return OrgSettings{TimeZone: DefaultZone, Week: DefaultSchedule()}
}

// Validate checks the schedule and that the zone is known.
func (o OrgSettings) Validate() error {
	if _, err := LoadLocation(o.TimeZone); err != nil {
		return &FieldError{Field: "time_zone", Msg: "unknown time zone " + o.TimeZone}
	}
	if err := o.Week.Validate(); err != nil {
		if fe, ok := err.(*FieldError); ok {
			return &FieldError{Field: "week." + fe.Field, Msg: fe.Msg}
		}
		return err
	}
	return nil
}

// ParseOrgSettings reads stored settings; "" is DefaultOrgSettings.
func ParseOrgSettings(body string) (OrgSettings, error) {
	if body == "" {
		return DefaultOrgSettings(), nil
	}
	var o OrgSettings
	if err := strictJSON(body, &o); err != nil {
		return OrgSettings{}, &FieldError{Field: "body", Msg: err.Error()}
	}
	if o.TimeZone == "" {
		o.TimeZone = DefaultZone
	}
	return o, o.Validate()
}

// ParsePersonal reads a person's stored schedule ("" for the organisation's) and leave
// (a JSON array; "" for none) and validates them.
func ParsePersonal(schedule, leave string) (Personal, error) {
	var p Personal
	if schedule != "" {
		var s Schedule
		if err := strictJSON(schedule, &s); err != nil {
			return Personal{}, &FieldError{Field: "schedule", Msg: err.Error()}
		}
		p.Schedule = &s
	}
	if leave != "" {
		if err := strictJSON(leave, &p.Leave); err != nil {
			return Personal{}, &FieldError{Field: "leave", Msg: err.Error()}
		}
	}
	return p, p.Validate()
}

// EncodeSchedule is the stored form of a personal schedule: "" for none.
func EncodeSchedule(s *Schedule) string {
	if s == nil {
		return ""
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// EncodeLeave is the stored form of leave ranges: a JSON array.
func EncodeLeave(l []Leave) string {
	if l == nil {
		l = []Leave{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

func strictJSON(s string, v any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &FieldError{Field: "body", Msg: "data after the JSON value"}
	}
	return nil
}

// location resolves the settings' zone, Asia/Shanghai when unknown.
func (o OrgSettings) location() *time.Location {
	loc, err := LoadLocation(o.TimeZone)
	if err != nil {
		loc, _ = LoadLocation(DefaultZone)
	}
	return loc
}
