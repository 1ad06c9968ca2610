package quiet

import "time"

// DefaultZone is the organisation's time zone unless configured otherwise.
const DefaultZone = "Asia/Shanghai"

// chinaStandardTime is Asia/Shanghai where the system has no zone database: UTC+8,
// which it has been without daylight saving time since 1991.
var chinaStandardTime = time.FixedZone("CST", 8*60*60)

// LoadLocation resolves a zone name; "" means DefaultZone. Asia/Shanghai resolves even
// on a system without a zone database.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil && name == DefaultZone {
		return chinaStandardTime, nil
	}
	return loc, err
}
