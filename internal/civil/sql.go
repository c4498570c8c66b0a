package civil

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Value stores d as TEXT "2024-03-01", which sorts correctly and reads the
// same in SQLite and PostgreSQL; the zero Date is stored as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date stored as text ("2024-03-01", as string or []byte) or
// returned by the driver as a time.Time (PostgreSQL DATE columns), taking the
// day in the time's own location. NULL and "" scan as the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("%w: 无法从 %T 读取日期", ErrInvalidDate, src)
}

// MarshalText returns "2024-03-01", or "" for the zero Date, so that JSON and
// form values use the same form as the database.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses "2024-03-01"; "" yields the zero Date, so an empty
// form field or JSON "" means "not set" rather than an error.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores m as TEXT "2024-03"; the zero Month is stored as NULL.
func (m Month) Value() (driver.Value, error) {
	if m.IsZero() {
		return nil, nil
	}
	return m.String(), nil
}

// Scan reads a month stored as text ("2024-03", as string or []byte) or
// returned as a time.Time, taking the month in the time's own location.
// NULL and "" scan as the zero Month.
func (m *Month) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*m = Month{}
		return nil
	case time.Time:
		*m = MonthOf(DateOf(v))
		return nil
	case string:
		return m.UnmarshalText([]byte(v))
	case []byte:
		return m.UnmarshalText(v)
	}
	return fmt.Errorf("%w: 无法从 %T 读取月份", ErrInvalidMonth, src)
}

// MarshalText returns "2024-03", or "" for the zero Month.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses "2024-03"; "" yields the zero Month.
func (m *Month) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = Month{}
		return nil
	}
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
