package jobs

import (
	"errors"
	"fmt"
	"time"
)

// Schedule says when the periods of a periodic job begin. A run belongs to one period and is
// named by the period's start, so every process computes the same name for it: that is what lets
// River's unique jobs keep a period from running twice. Build one with Every, Daily or Monthly;
// the zero Schedule is invalid.
type Schedule struct {
	kind   scheduleKind
	every  time.Duration
	day    int // day of the month, 1–31 (Monthly); a short month uses its last day
	hour   int
	minute int
	loc    *time.Location
}

type scheduleKind int

const (
	kindNone scheduleKind = iota
	kindEvery
	kindDaily
	kindMonthly
	kindOnDemand
)

// Every starts a period at every multiple of d since the zero time, so periods line up the same
// way in every process whenever it started (Every(time.Hour) begins on the hour; Every(24*time.Hour)
// at midnight UTC — use Daily for a local time of day). d must be at least a second, River's
// floor for periodic jobs.
func Every(d time.Duration) Schedule { return Schedule{kind: kindEvery, every: d} }

// Daily starts a period every day at hour:minute in loc. loc is required, never implied, because
// every process must agree on when a day begins (normally Asia/Shanghai).
func Daily(hour, minute int, loc *time.Location) Schedule {
	return Schedule{kind: kindDaily, hour: hour, minute: minute, loc: loc}
}

// Monthly starts a period every month on day (1–31) at hour:minute in loc; a month shorter than
// day uses its last day, so Monthly(31, …) means "month end". loc is required, as for Daily.
func Monthly(day, hour, minute int, loc *time.Location) Schedule {
	return Schedule{kind: kindMonthly, day: day, hour: hour, minute: minute, loc: loc}
}

// OnDemand is no schedule at all: the job runs only when Enqueue asks for it, once for each
// request time (a request repeated with the very same time is one run, so a retried call does
// not run twice); a run is durable like any other (queued in the database, retried, taken up by
// another process if this one stops).
func OnDemand() Schedule { return Schedule{kind: kindOnDemand} }

// validate rejects a schedule that River could not honour or processes could disagree on.
func (s Schedule) validate() error {
	switch s.kind {
	case kindOnDemand:
		return nil
	case kindEvery:
		if s.every < time.Second {
			return fmt.Errorf("interval %s is under one second", s.every)
		}
		return nil
	case kindDaily, kindMonthly:
		if s.loc == nil {
			return errors.New("no time zone: every process must agree on when a day begins")
		}
		if s.hour < 0 || s.hour > 23 || s.minute < 0 || s.minute > 59 {
			return fmt.Errorf("time of day %02d:%02d is impossible", s.hour, s.minute)
		}
		if s.kind == kindMonthly && (s.day < 1 || s.day > 31) {
			return fmt.Errorf("day of month %d is impossible", s.day)
		}
		return nil
	}
	return errors.New("no schedule: use Every, Daily or Monthly")
}

// Prev returns the start of the period that contains t: the latest start at or before t.
func (s Schedule) Prev(t time.Time) time.Time {
	switch s.kind {
	case kindOnDemand:
		return t
	case kindEvery:
		return t.Truncate(s.every)
	case kindDaily:
		lt := t.In(s.loc)
		c := s.clock(lt.Year(), lt.Month(), lt.Day())
		if c.After(t) {
			c = s.clock(lt.Year(), lt.Month(), lt.Day()-1)
		}
		return c
	case kindMonthly:
		lt := t.In(s.loc)
		c := s.inMonth(lt.Year(), lt.Month())
		if c.After(t) {
			c = s.inMonth(lt.Year(), lt.Month()-1)
		}
		return c
	}
	return t
}

// Next returns the first period start strictly after t. It makes Schedule a
// river.PeriodicSchedule: River calls it to time the next run.
func (s Schedule) Next(t time.Time) time.Time {
	switch s.kind {
	case kindEvery:
		return t.Truncate(s.every).Add(s.every)
	case kindDaily:
		lt := t.In(s.loc)
		c := s.clock(lt.Year(), lt.Month(), lt.Day())
		if !c.After(t) {
			c = s.clock(lt.Year(), lt.Month(), lt.Day()+1)
		}
		return c
	case kindMonthly:
		lt := t.In(s.loc)
		c := s.inMonth(lt.Year(), lt.Month())
		if !c.After(t) {
			c = s.inMonth(lt.Year(), lt.Month()+1)
		}
		return c
	}
	return t
}

// String describes the schedule for logs.
func (s Schedule) String() string {
	switch s.kind {
	case kindEvery:
		return "every " + s.every.String()
	case kindDaily:
		return fmt.Sprintf("daily at %02d:%02d %s", s.hour, s.minute, s.loc)
	case kindMonthly:
		return fmt.Sprintf("monthly on day %d at %02d:%02d %s", s.day, s.hour, s.minute, s.loc)
	}
	return "no schedule"
}

// clock is hour:minute on the given day in the schedule's zone; time.Date normalises day 0 or
// day 32 into the neighbouring month.
func (s Schedule) clock(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, s.hour, s.minute, 0, 0, s.loc)
}

// inMonth is the period start in month m of year y (m may be 0 or 13: normalised here), with the
// day clamped to the month's length.
func (s Schedule) inMonth(y int, m time.Month) time.Time {
	first := time.Date(y, m, 1, 0, 0, 0, 0, s.loc)
	y, m = first.Year(), first.Month()
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, s.loc).Day()
	return s.clock(y, m, min(s.day, last))
}

// margin is how far ahead of the clock a run looks for its period. River fires a periodic job up
// to 100 ms before its time (to batch jobs due together), so a run at 09:59:59.95 must still be
// named 10:00. The margin stays well under the interval so it never skips a whole period.
func (s Schedule) margin() time.Duration {
	if s.kind == kindEvery {
		return min(2*time.Second, s.every/4)
	}
	return 2 * time.Second
}
