package civil

import (
	"errors"
	"testing"
	"time"
)

func TestParseMonth(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Month
		wantErr bool
	}{
		{"ordinary", "2024-03", Month{2024, time.March}, false},
		{"december", "2024-12", Month{2024, time.December}, false},
		{"month 13", "2024-13", Month{}, true},
		{"month 0", "2024-00", Month{}, true},
		{"year 0", "0000-01", Month{}, true},
		{"no padding", "2024-3", Month{}, true},
		{"full date", "2024-03-01", Month{}, true},
		{"empty", "", Month{}, true},
		{"chinese", "2024年3月", Month{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMonth(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidMonth) {
					t.Fatalf("ParseMonth(%q) = %v, %v; want ErrInvalidMonth", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseMonth(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestMonthFormat(t *testing.T) {
	m := Month{2024, time.March}
	if got, want := m.Chinese(), "2024年3月"; got != want {
		t.Errorf("Chinese() = %q, want %q", got, want)
	}
	if got := (Month{}).String() + (Month{}).Chinese(); got != "" {
		t.Errorf("zero Month formats as %q, want empty", got)
	}
	if !(Month{}).IsZero() || m.IsZero() {
		t.Error("IsZero wrong")
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		name string
		from Month
		n    int
		want Month
	}{
		{"zero", Month{2024, time.March}, 0, Month{2024, time.March}},
		{"next", Month{2024, time.March}, 1, Month{2024, time.April}},
		{"over year end", Month{2024, time.December}, 1, Month{2025, time.January}},
		{"back over year start", Month{2024, time.January}, -1, Month{2023, time.December}},
		{"two years", Month{2024, time.June}, 24, Month{2026, time.June}},
		{"back many", Month{2024, time.June}, -30, Month{2021, time.December}},
		{"before year one", Month{1, time.January}, -1, Month{0, time.December}},
		{"well before year one", Month{1, time.January}, -13, Month{-1, time.December}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.from.AddMonths(tt.n); got != tt.want {
				t.Errorf("%v.AddMonths(%d) = %v, want %v", tt.from, tt.n, got, tt.want)
			}
		})
	}
	m := Month{2024, time.December}
	if m.Next() != (Month{2025, time.January}) || m.Next().Prev() != m {
		t.Errorf("Next/Prev of %v wrong: %v, %v", m, m.Next(), m.Next().Prev())
	}
}

func TestMonthDays(t *testing.T) {
	tests := []struct {
		name        string
		m           Month
		first, last string
	}{
		{"leap february", Month{2024, time.February}, "2024-02-01", "2024-02-29"},
		{"february", Month{2023, time.February}, "2023-02-01", "2023-02-28"},
		{"century february", Month{2000, time.February}, "2000-02-01", "2000-02-29"},
		{"april", Month{2024, time.April}, "2024-04-01", "2024-04-30"},
		{"december", Month{2024, time.December}, "2024-12-01", "2024-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.FirstDay().String(); got != tt.first {
				t.Errorf("FirstDay = %s, want %s", got, tt.first)
			}
			if got := tt.m.LastDay().String(); got != tt.last {
				t.Errorf("LastDay = %s, want %s", got, tt.last)
			}
			if MonthOf(tt.m.LastDay()) != tt.m || MonthOf(tt.m.LastDay().AddDays(1)) != tt.m.Next() {
				t.Errorf("MonthOf around LastDay wrong")
			}
		})
	}
}

func TestMonthCompare(t *testing.T) {
	a, b := Month{2023, time.December}, Month{2024, time.January}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare across year wrong")
	}
	if !a.Before(b) || !b.After(a) || a.After(a) {
		t.Error("Before/After wrong")
	}
	c := Month{2024, time.March}
	if b.Compare(c) != -1 {
		t.Error("Compare within year wrong")
	}
}

// FuzzParseMonth checks that ParseMonth never panics and that whatever it
// accepts survives textual and database round trips unchanged.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2024-03", "2024-13", "0000-01", "9999-12", "2024-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidMonth) {
				t.Fatalf("ParseMonth(%q) error %v does not wrap ErrInvalidMonth", s, err)
			}
			return
		}
		if m.String() != s {
			t.Errorf("ParseMonth(%q).String() = %q", s, m.String())
		}
		if MonthOf(m.FirstDay()) != m || MonthOf(m.LastDay()) != m {
			t.Errorf("FirstDay/LastDay of %v fall outside it", m)
		}
		var back Month
		v, _ := m.Value()
		if err := back.Scan(v); err != nil || back != m {
			t.Errorf("Scan(Value(%v)) = %v, %v", m, back, err)
		}
	})
}
