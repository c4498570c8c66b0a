package civil

import (
	"errors"
	"testing"
	"time"
)

// mustDate parses a date known to be valid, for readable tables.
func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Date
		wantErr bool
	}{
		{"ordinary", "2024-03-01", Date{2024, time.March, 1}, false},
		{"leap day", "2024-02-29", Date{2024, time.February, 29}, false},
		{"year end", "2023-12-31", Date{2023, time.December, 31}, false},
		{"first year", "0001-01-01", Date{1, time.January, 1}, false},
		{"non-leap day", "2023-02-29", Date{}, true},
		{"century non-leap", "1900-02-29", Date{}, true},
		{"month 13", "2024-13-01", Date{}, true},
		{"month 0", "2024-00-10", Date{}, true},
		{"day 0", "2024-03-00", Date{}, true},
		{"day 32", "2024-01-32", Date{}, true},
		{"april 31", "2024-04-31", Date{}, true},
		{"year 0", "0000-01-01", Date{}, true},
		{"empty", "", Date{}, true},
		{"no padding", "2024-3-1", Date{}, true},
		{"slashes", "2024/03/01", Date{}, true},
		{"with time", "2024-03-01T00:00:00Z", Date{}, true},
		{"signed", "+024-03-01", Date{}, true},
		{"spaces", " 2024-03-01", Date{}, true},
		{"chinese", "2024年3月1日", Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidDate) {
					t.Fatalf("ParseDate(%q) = %v, %v; want ErrInvalidDate", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestDateFormat(t *testing.T) {
	tests := []struct {
		name         string
		in           Date
		str, chinese string
	}{
		{"ordinary", Date{2024, time.March, 1}, "2024-03-01", "2024年3月1日"},
		{"two digits", Date{2024, time.December, 25}, "2024-12-25", "2024年12月25日"},
		{"small year", Date{987, time.January, 2}, "0987-01-02", "987年1月2日"},
		{"zero", Date{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.in.Chinese(); got != tt.chinese {
				t.Errorf("Chinese() = %q, want %q", got, tt.chinese)
			}
		})
	}
}

func TestDateOf(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	instant := time.Date(2024, 2, 29, 17, 30, 0, 0, time.UTC) // 01:30 on 1 March in Beijing
	if got, want := DateOf(instant), (Date{2024, time.February, 29}); got != want {
		t.Errorf("DateOf(UTC) = %v, want %v", got, want)
	}
	if got, want := DateOf(instant.In(shanghai)), (Date{2024, time.March, 1}); got != want {
		t.Errorf("DateOf(Shanghai) = %v, want %v", got, want)
	}
	d := Date{2024, time.March, 1}
	if got, want := d.Time(shanghai), time.Date(2024, 3, 1, 0, 0, 0, 0, shanghai); !got.Equal(want) {
		t.Errorf("Time = %v, want %v", got, want)
	}
	if got := DateOf(d.Time(shanghai)); got != d {
		t.Errorf("DateOf(Time) = %v, want %v", got, d)
	}
}

func TestAddDays(t *testing.T) {
	tests := []struct {
		name, from string
		n          int
		want       string
	}{
		{"zero", "2024-03-01", 0, "2024-03-01"},
		{"next day", "2024-03-01", 1, "2024-03-02"},
		{"into leap day", "2024-02-28", 1, "2024-02-29"},
		{"over leap day", "2024-02-28", 2, "2024-03-01"},
		{"non-leap february", "2023-02-28", 1, "2023-03-01"},
		{"year end", "2023-12-31", 1, "2024-01-01"},
		{"back over year end", "2024-01-01", -1, "2023-12-31"},
		{"back a month", "2024-03-31", -31, "2024-02-29"},
		{"a leap year", "2024-01-01", 366, "2025-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustDate(t, tt.from).AddDays(tt.n); got.String() != tt.want {
				t.Errorf("%s.AddDays(%d) = %v, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestDateCompare(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       int
	}{
		{"equal", "2024-03-01", "2024-03-01", 0},
		{"day", "2024-03-01", "2024-03-02", -1},
		{"month beats day", "2024-04-01", "2024-03-31", 1},
		{"year beats month", "2023-12-31", "2024-01-01", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := mustDate(t, tt.a), mustDate(t, tt.b)
			if got := a.Compare(b); got != tt.want {
				t.Errorf("Compare = %d, want %d", got, tt.want)
			}
			if got := b.Compare(a); got != -tt.want {
				t.Errorf("reverse Compare = %d, want %d", got, -tt.want)
			}
			if a.Before(b) != (tt.want < 0) || a.After(b) != (tt.want > 0) {
				t.Errorf("Before/After disagree with Compare %d", tt.want)
			}
		})
	}
}

func TestWeekday(t *testing.T) {
	tests := []struct {
		in   string
		want time.Weekday
	}{
		{"2024-09-29", time.Sunday},
		{"2024-10-12", time.Saturday},
		{"2024-10-01", time.Tuesday},
		{"2026-02-14", time.Saturday},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := mustDate(t, tt.in).Weekday(); got != tt.want {
				t.Errorf("Weekday = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsZero(t *testing.T) {
	if !(Date{}).IsZero() {
		t.Error("zero Date is not IsZero")
	}
	if (Date{2024, time.January, 1}).IsZero() {
		t.Error("2024-01-01 is IsZero")
	}
}

// FuzzParseDate checks that ParseDate never panics and that whatever it
// accepts survives every textual and database round trip unchanged.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-01", "2024-02-29", "2023-02-29", "0000-00-00", "9999-12-31", "2024-1-01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidDate) {
				t.Fatalf("ParseDate(%q) error %v does not wrap ErrInvalidDate", s, err)
			}
			return
		}
		if d.String() != s {
			t.Errorf("ParseDate(%q).String() = %q", s, d.String())
		}
		if got := DateOf(d.Time(time.UTC)); got != d {
			t.Errorf("DateOf(Time(%v)) = %v", d, got)
		}
		var back Date
		v, _ := d.Value()
		if err := back.Scan(v); err != nil || back != d {
			t.Errorf("Scan(Value(%v)) = %v, %v", d, back, err)
		}
	})
}
