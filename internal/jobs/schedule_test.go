package jobs

import (
	"testing"
	"time"
)

func TestSchedulePrevNext(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, cst)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name       string
		s          Schedule
		t          string
		prev, next string
	}{
		{"hourly mid-hour", Every(time.Hour), "2024-03-10 10:30:00", "2024-03-10 10:00:00", "2024-03-10 11:00:00"},
		{"hourly on the hour", Every(time.Hour), "2024-03-10 10:00:00", "2024-03-10 10:00:00", "2024-03-10 11:00:00"},
		{"every 15m", Every(15 * time.Minute), "2024-03-10 10:44:59", "2024-03-10 10:30:00", "2024-03-10 10:45:00"},
		{"daily before time", Daily(2, 30, cst), "2024-03-10 01:00:00", "2024-03-09 02:30:00", "2024-03-10 02:30:00"},
		{"daily at time", Daily(2, 30, cst), "2024-03-10 02:30:00", "2024-03-10 02:30:00", "2024-03-11 02:30:00"},
		{"daily across new year", Daily(2, 30, cst), "2024-01-01 00:10:00", "2023-12-31 02:30:00", "2024-01-01 02:30:00"},
		{"monthly after day", Monthly(10, 3, 0, cst), "2024-03-15 00:00:00", "2024-03-10 03:00:00", "2024-04-10 03:00:00"},
		{"monthly before day", Monthly(10, 3, 0, cst), "2024-03-05 00:00:00", "2024-02-10 03:00:00", "2024-03-10 03:00:00"},
		{"monthly across new year", Monthly(10, 3, 0, cst), "2024-01-05 00:00:00", "2023-12-10 03:00:00", "2024-01-10 03:00:00"},
		{"month end in leap February", Monthly(31, 0, 0, cst), "2024-03-15 00:00:00", "2024-02-29 00:00:00", "2024-03-31 00:00:00"},
		{"month end in short month", Monthly(31, 0, 0, cst), "2023-04-30 12:00:00", "2023-04-30 00:00:00", "2023-05-31 00:00:00"},
		{"month end before it", Monthly(31, 0, 0, cst), "2023-03-01 00:00:00", "2023-02-28 00:00:00", "2023-03-31 00:00:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.s.validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			tt := at(tc.t)
			if got, want := tc.s.Prev(tt), at(tc.prev); !got.Equal(want) {
				t.Errorf("Prev(%s) = %s, want %s", tc.t, got.In(cst), want)
			}
			if got, want := tc.s.Next(tt), at(tc.next); !got.Equal(want) {
				t.Errorf("Next(%s) = %s, want %s", tc.t, got.In(cst), want)
			}
		})
	}
}

// TestScheduleMargin checks that a run fired a little early (as River does) is named by the
// period about to begin, and that one fired on time is not pushed into the next period.
func TestScheduleMargin(t *testing.T) {
	for _, s := range []Schedule{Every(time.Second), Every(time.Hour), Daily(2, 0, time.UTC), Monthly(1, 0, 0, time.UTC)} {
		t.Run(s.String(), func(t *testing.T) {
			start := s.Next(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))
			early := start.Add(-100 * time.Millisecond)
			if got := s.Prev(early.Add(s.margin())); !got.Equal(start) {
				t.Errorf("fired 100ms early: period %s, want %s", got, start)
			}
			if got := s.Prev(start.Add(s.margin())); !got.Equal(start) {
				t.Errorf("fired on time: period %s, want %s", got, start)
			}
		})
	}
}

func TestScheduleValidate(t *testing.T) {
	tests := []struct {
		name string
		s    Schedule
	}{
		{"zero", Schedule{}},
		{"under a second", Every(500 * time.Millisecond)},
		{"daily without zone", Daily(1, 0, nil)},
		{"hour 24", Daily(24, 0, time.UTC)},
		{"minute 60", Daily(1, 60, time.UTC)},
		{"day 0", Monthly(0, 0, 0, time.UTC)},
		{"day 32", Monthly(32, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.s.validate(); err == nil {
				t.Errorf("%s: validate accepted it", tc.s)
			}
		})
	}
}
