package db

import "time"

// TimeLayout is how instants are stored in TEXT columns: UTC with a fixed-width fraction, so that
// text order is time order on both engines and a value hashes the same wherever it is read.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// FormatTime renders t for a TEXT time column; the zero time is stored as "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

// ParseTime reads a TEXT time column written by FormatTime; "" is the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(TimeLayout, s)
}
