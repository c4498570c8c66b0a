package civil

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The types must plug into database/sql and encoding/json without adapters.
var (
	_ driver.Valuer = Date{}
	_ sql.Scanner   = (*Date)(nil)
	_ driver.Valuer = Month{}
	_ sql.Scanner   = (*Month)(nil)
)

func TestDateValue(t *testing.T) {
	tests := []struct {
		name string
		in   Date
		want driver.Value
	}{
		{"set", Date{2024, time.March, 1}, "2024-03-01"},
		{"zero is NULL", Date{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Value()
			if err != nil || got != tt.want {
				t.Errorf("Value() = %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
}

func TestDateScan(t *testing.T) {
	want := Date{2024, time.March, 1}
	tests := []struct {
		name    string
		src     any
		want    Date
		wantErr bool
	}{
		{"string", "2024-03-01", want, false},
		{"bytes", []byte("2024-03-01"), want, false},
		{"time in UTC", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), want, false},
		{"time keeps its zone", time.Date(2024, 3, 1, 23, 0, 0, 0, time.FixedZone("CST", 8*3600)), want, false},
		{"NULL", nil, Date{}, false},
		{"empty string", "", Date{}, false},
		{"bad string", "2024-02-30", Date{}, true},
		{"integer", int64(20240301), Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Date{1999, time.January, 1} // Scan must overwrite, not merge
			err := d.Scan(tt.src)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidDate) {
					t.Fatalf("Scan(%#v) error = %v, want ErrInvalidDate", tt.src, err)
				}
				return
			}
			if err != nil || d != tt.want {
				t.Errorf("Scan(%#v) = %v, %v; want %v", tt.src, d, err, tt.want)
			}
		})
	}
}

func TestMonthScan(t *testing.T) {
	want := Month{2024, time.March}
	tests := []struct {
		name    string
		src     any
		want    Month
		wantErr bool
	}{
		{"string", "2024-03", want, false},
		{"bytes", []byte("2024-03"), want, false},
		{"time", time.Date(2024, 3, 31, 23, 59, 0, 0, time.UTC), want, false},
		{"NULL", nil, Month{}, false},
		{"empty string", "", Month{}, false},
		{"bad string", "2024-3", Month{}, true},
		{"float", 2024.03, Month{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Month{1999, time.January}
			err := m.Scan(tt.src)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidMonth) {
					t.Fatalf("Scan(%#v) error = %v, want ErrInvalidMonth", tt.src, err)
				}
				return
			}
			if err != nil || m != tt.want {
				t.Errorf("Scan(%#v) = %v, %v; want %v", tt.src, m, err, tt.want)
			}
		})
	}
	for _, m := range []Month{want, {}} {
		v, err := m.Value()
		var back Month
		if err != nil || back.Scan(v) != nil || back != m {
			t.Errorf("Value/Scan round trip of %v gave %v (value %#v, %v)", m, back, v, err)
		}
	}
}

// record is how the types appear inside API payloads.
type record struct {
	Accepted Date  `json:"accepted"`
	Closed   Date  `json:"closed"`
	Period   Month `json:"period"`
}

func TestJSON(t *testing.T) {
	in := record{Accepted: Date{2024, time.March, 1}, Period: Month{2024, time.March}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"accepted":"2024-03-01","closed":"","period":"2024-03"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var out record
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestJSONErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		{"bad date", `{"accepted":"2024-02-30"}`, ErrInvalidDate},
		{"bad month", `{"period":"2024-00"}`, ErrInvalidMonth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r record
			if err := json.Unmarshal([]byte(tt.in), &r); !errors.Is(err, tt.want) {
				t.Errorf("Unmarshal(%s) error = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}
