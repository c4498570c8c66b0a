// Package civil provides calendar dates and months without a time of day or a
// time zone, and working-day arithmetic against the official holiday calendar.
//
// Civil-affairs records are about days and months: a birth date, the date an
// application was accepted, the month a subsidy is paid for. Storing them as
// time.Time invites off-by-one-day bugs whenever a zone converts midnight, so
// they live here as plain values that compare with == and serve as map keys,
// are stored as "2024-03-01" / "2024-03" text, and appear in JSON the same way.
//
// Statutory deadlines ("在受理之日起10个工作日内") count working days, which
// depend on the State Council's yearly holiday notice. The notices are data,
// shipped as CSV files under calendar/ and embedded, so a new year is added by
// adding a file, not by changing code. Only the standard library is used.
package civil

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidDate is wrapped by every date parsing error, so callers can tell
// bad input (a 400-style answer) from other failures with errors.Is.
var ErrInvalidDate = errors.New("日期格式不正确")

// Date is a day in the proleptic Gregorian calendar, with no time or zone.
// The zero Date means "not set"; build others with ParseDate or DateOf, since
// a literal such as Date{2024, 2, 30} is not normalized.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads the ISO form "2024-03-01" used in forms, files and the
// database. It accepts nothing else, so that a parsed date always formats back
// to the same text, and rejects days that do not exist such as "2023-02-29".
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%w: %q", ErrInvalidDate, s)
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, fmt.Errorf("%w: %q", ErrInvalidDate, s)
	}
	return Date{y, time.Month(m), d}, nil
}

// DateOf returns the day t falls on in t's own location, so a caller decides
// the zone explicitly (normally Asia/Shanghai) by converting t first.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date, which means "not set".
func (d Date) IsZero() bool { return d == Date{} }

// String returns "2024-03-01", or "" for the zero Date so that an unset date
// prints as nothing in templates and exports.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Chinese returns the form used on printed notices, "2024年3月1日", or "" for
// the zero Date.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// Time returns midnight at the start of d in loc; it panics if loc is nil,
// like time.Date.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days after d (before, if n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(d.Time(time.UTC).AddDate(0, 0, n))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time(time.UTC).Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e, for use
// with slices.SortFunc.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month - e.Month))
	}
	return sign(d.Day - e.Day)
}

// Before reports whether d is strictly earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// atoi parses a fixed-width run of ASCII digits; unlike strconv.Atoi it
// rejects signs, so "+024" or "-1" can never pass as a year or day.
func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
