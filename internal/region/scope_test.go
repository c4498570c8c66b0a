package region_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/region"
)

func TestParseScope(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    region.Scope
		wantErr bool
	}{
		{"nationwide", "", region.Nationwide, false},
		{"blank is nationwide", "  ", region.Nationwide, false},
		{"city", "3702", "3702", false},
		{"county with spaces", " 370212\n", "370212", false},
		{"street", "370212003", "370212003", false},
		{"community", "370212003001", "370212003001", false},
		{"cut-off code", "37021", "", true},
		{"padded city is not unpadded", "370200", "", true},
		{"padded 12 digits", "370212000000", "", true},
		{"wildcard", "3702%", "", true},
		{"sql", "37' OR '1'='1", "", true},
		{"too long", "3702120030011", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := region.ParseScope(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseScope(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, region.ErrInvalidCode) {
				t.Errorf("error %v is not ErrInvalidCode", err)
			}
			if got != tt.want {
				t.Errorf("ParseScope(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestScopeContains(t *testing.T) {
	tests := []struct {
		name  string
		scope region.Scope
		code  string
		want  bool
	}{
		{"nationwide contains a community", region.Nationwide, "370212003001", true},
		{"city contains its county", "3702", "370212", true},
		{"city contains itself", "3702", "3702", true},
		{"city contains a community", "3702", "370212003001", true},
		{"city does not contain its province", "3702", "37", false},
		{"city does not contain another city", "3702", "3703", false},
		{"city does not contain another city's county", "3702", "370302", false},
		{"county does not contain a sibling", "370212", "370211", false},
		{"street does not contain a sibling's community", "370212003", "370212004001", false},
		{"cut-off scope contains nothing", "37021", "370212", false},
		{"cut-off scope does not contain itself", "37021", "37021", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.scope.Contains(tt.code); got != tt.want {
				t.Errorf("Scope(%q).Contains(%q) = %v, want %v", tt.scope, tt.code, got, tt.want)
			}
		})
	}
}

func TestScopeCovers(t *testing.T) {
	tests := []struct {
		name        string
		holder, arg region.Scope
		want        bool
	}{
		{"nationwide covers nationwide", "", "", true},
		{"nationwide covers a city", "", "3702", true},
		{"city covers itself", "3702", "3702", true},
		{"city covers its county", "3702", "370212", true},
		{"city covers a community", "3702", "370212003001", true},
		{"city does not cover nationwide", "3702", "", false},
		{"city does not cover its province", "3702", "37", false},
		{"county does not cover its city", "370212", "3702", false},
		{"county does not cover a sibling", "370212", "370213", false},
		{"city does not cover a cut-off grant", "3702", "37021", false},
		{"cut-off holder covers nothing", "37021", "370212", false},
		{"nationwide does not cover a cut-off grant", "", "3", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.holder.Covers(tt.arg); got != tt.want {
				t.Errorf("Scope(%q).Covers(%q) = %v, want %v", tt.holder, tt.arg, got, tt.want)
			}
		})
	}
}

func TestScopeAccessors(t *testing.T) {
	if got := region.Nationwide.String(); got != "nationwide" {
		t.Errorf("Nationwide.String() = %q", got)
	}
	s := region.Scope("370212")
	if s.String() != "370212" || s.Code() != "370212" || s.Level() != region.County {
		t.Errorf("Scope 370212: String %q Code %q Level %v", s.String(), s.Code(), s.Level())
	}
	if region.Nationwide.Level() != 0 {
		t.Errorf("Nationwide.Level() = %v, want 0", region.Nationwide.Level())
	}
}

// FuzzParseScope checks that whatever a form or token carries, an accepted scope is a whole code
// that contains exactly the codes it prefixes, and covers itself.
func FuzzParseScope(f *testing.F) {
	for _, s := range []string{"", "37", "3702", "37021", "370212", "370212003", "370212003001", "370200", " 3702 ", "3702%", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := region.ParseScope(in)
		if err != nil {
			if !errors.Is(err, region.ErrInvalidCode) {
				t.Fatalf("ParseScope(%q) error %v is not ErrInvalidCode", in, err)
			}
			if s != "" {
				t.Fatalf("ParseScope(%q) returned %q with an error", in, s)
			}
			return
		}
		if s != region.Nationwide {
			if err := region.ValidCode(s.Code()); err != nil {
				t.Fatalf("ParseScope(%q) accepted %q: %v", in, s, err)
			}
			if s.Code() != strings.TrimSpace(in) {
				t.Fatalf("ParseScope(%q) = %q, changed more than spaces", in, s)
			}
		}
		if !s.Covers(s) || !s.Contains(s.Code()) {
			t.Fatalf("scope %q does not cover or contain itself", s)
		}
		again, err := region.ParseScope(s.Code())
		if err != nil || again != s {
			t.Fatalf("round trip of %q: %q, %v", s, again, err)
		}
	})
}
