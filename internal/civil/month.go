package civil

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidMonth is wrapped by every month parsing error, for errors.Is.
var ErrInvalidMonth = errors.New("月份格式不正确")

// Month is a calendar month, the period that subsidies, rosters and
// settlements are paid and reported for. The zero Month means "not set".
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads the form "2024-03" and nothing else, so that a parsed
// month always formats back to the same text.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return Month{}, fmt.Errorf("%w: %q", ErrInvalidMonth, s)
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	if !ok1 || !ok2 || y < 1 || m < 1 || m > 12 {
		return Month{}, fmt.Errorf("%w: %q", ErrInvalidMonth, s)
	}
	return Month{y, time.Month(m)}, nil
}

// MonthOf returns the month d falls in.
func MonthOf(d Date) Month { return Month{d.Year, d.Month} }

// IsZero reports whether m is the zero Month, which means "not set".
func (m Month) IsZero() bool { return m == Month{} }

// String returns "2024-03", or "" for the zero Month.
func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
}

// Chinese returns the form used on printed notices, "2024年3月", or "" for
// the zero Month.
func (m Month) Chinese() string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月", m.Year, int(m.Month))
}

// AddMonths returns the month n months after m (before, if n is negative).
func (m Month) AddMonths(n int) Month {
	i := m.Year*12 + int(m.Month) - 1 + n
	y, mm := i/12, i%12
	if mm < 0 { // keep the month in 0..11 for indexes before year 0
		y, mm = y-1, mm+12
	}
	return Month{y, time.Month(mm + 1)}
}

// Next returns the month after m.
func (m Month) Next() Month { return m.AddMonths(1) }

// Prev returns the month before m.
func (m Month) Prev() Month { return m.AddMonths(-1) }

// FirstDay returns the first day of m.
func (m Month) FirstDay() Date { return Date{m.Year, m.Month, 1} }

// LastDay returns the last day of m, which is where monthly deadlines and
// "as of the end of the month" eligibility checks fall.
func (m Month) LastDay() Date { return Date{m.Year, m.Month, daysIn(m.Year, m.Month)} }

// Compare returns -1, 0 or +1 as m is before, equal to or after n.
func (m Month) Compare(n Month) int {
	if m.Year != n.Year {
		return sign(m.Year - n.Year)
	}
	return sign(int(m.Month - n.Month))
}

// Before reports whether m is strictly earlier than n.
func (m Month) Before(n Month) bool { return m.Compare(n) < 0 }

// After reports whether m is strictly later than n.
func (m Month) After(n Month) bool { return m.Compare(n) > 0 }
