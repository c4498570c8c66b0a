package civil

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		name, start string
		n           int
		want        string
	}{
		// 09-28 is an ordinary Saturday; 09-29 (Sun) and 10-12 (Sat) are make-up days.
		{"2024 national day", "2024-09-27", 10, "2024-10-16"},
		{"2024 national day make-up sunday", "2024-09-27", 1, "2024-09-29"},
		{"2024 national day make-up saturday", "2024-09-30", 5, "2024-10-12"},
		{"2024 spring festival", "2024-02-08", 5, "2024-02-21"},
		{"2024 spring festival make-up sunday", "2024-02-03", 1, "2024-02-04"},
		{"2025 national day eight days", "2025-09-26", 5, "2025-10-10"},
		{"2025 national day make-up saturday", "2025-09-26", 6, "2025-10-11"},
		{"2026 spring festival nine days", "2026-02-13", 3, "2026-02-25"},
		{"2026 spring festival make-up saturday", "2026-02-27", 1, "2026-02-28"},
		{"across new year 2024", "2023-12-29", 1, "2024-01-02"},
		{"across new year 2026", "2025-12-31", 1, "2026-01-04"},
		{"start on a holiday", "2024-10-01", 1, "2024-10-08"},
		{"start on a weekend", "2024-03-02", 1, "2024-03-04"},
		{"ordinary week", "2024-03-04", 5, "2024-03-11"},
		{"zero keeps a non-working start", "2024-10-03", 0, "2024-10-03"},
		{"back one", "2024-10-08", -1, "2024-09-30"},
		{"back over make-up saturday", "2024-10-14", -2, "2024-10-11"},
		{"back over spring festival", "2025-02-05", -2, "2025-01-26"},
		{"uncovered year is monday to friday", "2030-09-27", 10, "2030-10-11"},
	}
	c := DefaultCalendar()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := mustDate(t, tt.start)
			got := c.AddWorkingDays(start, tt.n)
			if got.String() != tt.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.start, tt.n, got, tt.want)
			}
			if tt.n >= 0 {
				if back := c.WorkingDaysBetween(start, got); back != tt.n {
					t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.start, got, back, tt.n)
				}
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       int
	}{
		{"same day", "2024-10-01", "2024-10-01", 0},
		{"national day block", "2024-09-30", "2024-10-07", 0},
		{"national day deadline", "2024-09-27", "2024-10-16", 10},
		{"reversed", "2024-10-16", "2024-09-27", -10},
		{"spring festival month 2026", "2026-01-31", "2026-02-28", 16},
		{"whole of 2023", "2022-12-31", "2023-12-31", 249},
		{"whole of 2024", "2023-12-31", "2024-12-31", 251},
		{"whole of 2025", "2024-12-31", "2025-12-31", 248},
		{"whole of 2026", "2025-12-31", "2026-12-31", 248},
	}
	c := DefaultCalendar()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.WorkingDaysBetween(mustDate(t, tt.a), mustDate(t, tt.b)); got != tt.want {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestWorkingDaysRoundTrip(t *testing.T) {
	c := DefaultCalendar()
	for d := mustDate(t, "2022-12-01"); d.Before(mustDate(t, "2027-02-01")); d = d.AddDays(1) {
		for _, n := range []int{0, 1, 3, 10, 20} {
			if got := c.WorkingDaysBetween(d, c.AddWorkingDays(d, n)); got != n {
				t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(%s, %d)) = %d", d, d, n, got)
			}
		}
	}
}

// TestDefaultCalendarNetDaysOff checks the embedded data against the law
// rather than against itself: weekday days off minus make-up working days must
// equal the statutory holidays of 《全国年节及纪念日放假办法》, 11 days a year
// until 2024 and 13 from 2025 after the 2024 revision.
func TestDefaultCalendarNetDaysOff(t *testing.T) {
	want := map[int]int{2023: 11, 2024: 11, 2025: 13, 2026: 13}
	c := DefaultCalendar()
	got := map[int]int{}
	for d, e := range c.entries {
		switch {
		case e.Kind == Workday:
			got[d.Year]--
		case !weekend(d):
			got[d.Year]++
		}
		if !strings.HasPrefix(e.Source, "国办发明电〔") {
			t.Errorf("%s: source %q is not a notice number", d, e.Source)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("net statutory days off per year (-want +got):\n%s", diff)
	}
}

func TestDefaultCalendarDays(t *testing.T) {
	working := []string{
		"2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08",
		"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12",
		"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
		"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
		"2024-02-09", "2024-12-31", "2025-01-02", "2026-02-24",
	}
	off := []string{
		"2023-01-02", "2023-04-05", "2023-06-23", "2023-09-29",
		"2024-01-01", "2024-02-16", "2024-04-05", "2024-06-10", "2024-09-16", "2024-10-07",
		"2025-01-01", "2025-02-04", "2025-05-05", "2025-06-02", "2025-10-08",
		"2026-01-02", "2026-02-23", "2026-04-06", "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-07",
		"2024-10-13", "2026-02-22",
	}
	c := DefaultCalendar()
	for _, s := range working {
		t.Run("working "+s, func(t *testing.T) {
			if !c.IsWorkingDay(mustDate(t, s)) {
				t.Errorf("%s is not a working day", s)
			}
		})
	}
	for _, s := range off {
		t.Run("off "+s, func(t *testing.T) {
			if c.IsWorkingDay(mustDate(t, s)) {
				t.Errorf("%s is a working day", s)
			}
		})
	}
}

func TestCoversAndLookup(t *testing.T) {
	c := DefaultCalendar()
	for y, want := range map[string]bool{"2022-06-01": false, "2023-06-01": true, "2026-06-01": true, "2027-06-01": false} {
		if got := c.Covers(mustDate(t, y)); got != want {
			t.Errorf("Covers(%s) = %v, want %v", y, got, want)
		}
	}
	got, ok := c.Lookup(mustDate(t, "2024-10-12"))
	want := Entry{Date: mustDate(t, "2024-10-12"), Kind: Workday, Name: "国庆节", Source: "国办发明电〔2023〕7号"}
	if diff := cmp.Diff(want, got); !ok || diff != "" {
		t.Errorf("Lookup(2024-10-12) ok=%v (-want +got):\n%s", ok, diff)
	}
	if _, ok := c.Lookup(mustDate(t, "2024-10-14")); ok {
		t.Error("Lookup(2024-10-14) found an entry for an ordinary Monday")
	}
}

func TestLoadCalendar(t *testing.T) {
	in := "\uFEFFdate,kind,name,source\n# comment\n\n2024-10-01 , holiday, 国庆节 ,国办发明电〔2023〕7号\n2024-10-12,workday,国庆节,国办发明电〔2023〕7号\n"
	c, err := LoadCalendar(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(mustDate(t, "2024-10-01")) || !c.IsWorkingDay(mustDate(t, "2024-10-12")) || !c.Covers(mustDate(t, "2024-01-01")) {
		t.Error("loaded calendar does not reflect its rows")
	}
	if e, _ := c.Lookup(mustDate(t, "2024-10-01")); e.Name != "国庆节" {
		t.Errorf("fields not trimmed: %+v", e)
	}
}

func TestLoadCalendarErrors(t *testing.T) {
	const ok = "2024-10-01,holiday,国庆节,国办发明电〔2023〕7号\n"
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"bad date", "date,kind,name,source\n" + ok + "2024-13-01,holiday,国庆节,x\n", 3, `第3行: 日期格式不正确: "2024-13-01"`},
		{"bad kind", ok + "2024-10-02,vacation,国庆节,x\n", 2, `第2行: 类别应为 holiday 或 workday: "vacation"`},
		{"weekday workday", "2024-10-08,workday,国庆节,x\n", 1, "第1行: 调休上班日应为周六或周日: 2024-10-08"},
		{"too few columns", ok + "# note\n2024-10-02,holiday,国庆节\n", 3, "第3行: 应有4列（date,kind,name,source），实有3列"},
		{"missing name", "2024-10-02,holiday,,x\n", 1, "第1行: 缺少节日名称"},
		{"missing source", "2024-10-02,holiday,国庆节,\n", 1, "第1行: 缺少依据文件"},
		{"duplicate", ok + ok, 2, "第2行: 日期重复: 2024-10-01"},
		{"header not first", ok + "date,kind,name,source\n", 2, `第2行: 日期格式不正确: "date"`},
		{"bad quote", ok + "2024-10-02,holiday,\"国庆节,x\n", 2, "第2行: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadCalendar(strings.NewReader(tt.in))
			var ce *CalendarError
			if !errors.As(err, &ce) {
				t.Fatalf("LoadCalendar error = %v, want *CalendarError", err)
			}
			if ce.Line != tt.line {
				t.Errorf("line = %d, want %d (%v)", ce.Line, tt.line, err)
			}
			if !strings.HasPrefix(err.Error(), tt.msg) {
				t.Errorf("error = %q, want prefix %q", err, tt.msg)
			}
		})
	}
}

// FuzzLoadCalendar checks that arbitrary CSV never panics the loader and that
// a calendar it accepts answers every query about its own rows.
func FuzzLoadCalendar(f *testing.F) {
	f.Add("date,kind,name,source\n2024-10-01,holiday,国庆节,国办发明电〔2023〕7号\n2024-10-12,workday,国庆节,x\n")
	f.Add("2024-10-08,workday,a,b\n")
	f.Add("\"2024-10-01\",holiday,\"a\"\"b\",c\n#x\n")
	f.Add("2024-13-01,holiday,a,b\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := LoadCalendar(strings.NewReader(in))
		if err != nil {
			return
		}
		for d, e := range c.entries {
			if c.IsWorkingDay(d) != (e.Kind == Workday) || !c.Covers(d) {
				t.Errorf("calendar disagrees with its row %+v", e)
			}
			if got := c.WorkingDaysBetween(d, c.AddWorkingDays(d, 3)); got != 3 {
				t.Errorf("round trip from %s gave %d", d, got)
			}
		}
	})
}
