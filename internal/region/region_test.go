package region_test

import (
	"errors"
	"testing"

	"github.com/minzheng/minzheng/internal/region"
)

func TestLevelOf(t *testing.T) {
	tests := []struct {
		name string
		code string
		want region.Level
	}{
		{"empty", "", 0},
		{"province", "37", region.Province},
		{"city", "3702", region.City},
		{"county", "370212", region.County},
		{"street", "370212003", region.Street},
		{"community", "370212003001", region.Community},
		{"between city and county", "37021", 0},
		{"too long", "3702120030011", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := region.LevelOf(tt.code); got != tt.want {
				t.Errorf("LevelOf(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestLevelString(t *testing.T) {
	want := map[region.Level]string{
		region.Province: "省", region.City: "市", region.County: "县区",
		region.Street: "镇街", region.Community: "村社区", 0: "Level(0)",
	}
	for l, s := range want {
		if got := l.String(); got != s {
			t.Errorf("Level(%d).String() = %q, want %q", int(l), got, s)
		}
	}
}

func TestValidCode(t *testing.T) {
	tests := []struct {
		name string
		code string
		ok   bool
	}{
		{"province", "37", true},
		{"city", "3702", true},
		{"county", "370212", true},
		{"development zone", "370214400", true},
		{"community", "370212003001", true},
		{"empty", "", false},
		{"odd length", "37021", false},
		{"letters", "37a2", false},
		{"full-width digits", "３７", false},
		{"padded city", "370200", false},
		{"padded province", "3700", false},
		{"zero province", "00", false},
		{"town of a prefecture without counties", "441900003", true},
		{"prefecture without counties as county", "441900", false},
		{"zero street segment", "370212000", false},
		{"zero community segment", "370212003000", false},
		{"sign", "+37", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := region.ValidCode(tt.code)
			if (err == nil) != tt.ok {
				t.Fatalf("ValidCode(%q) = %v, want ok=%v", tt.code, err, tt.ok)
			}
			if err != nil && !errors.Is(err, region.ErrInvalidCode) {
				t.Errorf("error %v is not ErrInvalidCode", err)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{"unpadded stays", "370212", "370212", false},
		{"padded 12-digit street", "370212003000", "370212003", false},
		{"padded 12-digit city", "370200000000", "3702", false},
		{"padded 12-digit province", "370000000000", "37", false},
		{"padded 6-digit city", "370200", "3702", false},
		{"padded 9-digit county", "370212000", "370212", false},
		{"community untouched", "370212003001", "370212003001", false},
		{"town of a prefecture without counties", "441900003000", "441900003", false},
		{"spaces", " 370212 ", "370212", false},
		{"all zeros", "000000000000", "", true},
		{"letters", "37AB00", "", true},
		{"odd length", "37021", "", true},
		{"empty", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := region.Normalize(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Normalize(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParentOf(t *testing.T) {
	tests := []struct{ name, code, want string }{
		{"province", "37", ""},
		{"city", "3702", "37"},
		{"county", "370212", "3702"},
		{"street", "370212003", "370212"},
		{"community", "370212003001", "370212003"},
		{"town of a prefecture without counties", "441900003", "4419"},
		{"invalid", "37021", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := region.ParentOf(tt.code); got != tt.want {
				t.Errorf("ParentOf(%q) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}
