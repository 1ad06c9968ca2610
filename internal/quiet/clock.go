package quiet

import (
	"fmt"
	"strconv"
)

// Clock is a time of day as minutes after midnight, 0 … 1440 (24:00 is allowed as the
// end of a span). Its JSON form is "HH:MM".
type Clock int

// MinutesPerDay is the end of a day, 24:00.
const MinutesPerDay = 24 * 60

// At builds a Clock from hours and minutes.
func At(hour, minute int) Clock { return Clock(hour*60 + minute) }

// String formats c as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// ParseClock reads "HH:MM" (two digits each, 00:00 … 24:00).
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("time of day %q: want HH:MM", s)
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || s[0] == '+' || s[0] == '-' || s[3] == '+' || s[3] == '-' ||
		h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("time of day %q: want HH:MM between 00:00 and 24:00", s)
	}
	return At(h, m), nil
}

// MarshalText writes "HH:MM".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads "HH:MM".
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
