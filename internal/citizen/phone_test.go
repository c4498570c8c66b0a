package citizen_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/pii"
)

func TestParsePhone(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "13812345678", "13812345678"},
		{"spaces around", "  13812345678\n", "13812345678"},
		{"groups", "138 1234 5678", "13812345678"},
		{"dashes", "138-1234-5678", "13812345678"},
		{"plus 86", "+86 13812345678", "13812345678"},
		{"plus 86 dashes", "+86-138-1234-5678", "13812345678"},
		{"0086", "0086 13812345678", "13812345678"},
		{"86 without plus", "8613812345678", "13812345678"},
		{"full-width", "１３８１２３４５６７８", "13812345678"},
		{"full-width plus and ideographic space", "＋８６\u3000138－1234－5678", "13812345678"},
		{"199", "19912345678", "19912345678"},
		{"empty", "", ""},
		{"too short", "1381234567", ""},
		{"too long", "138123456789", ""},
		{"12x", "12812345678", ""},
		{"landline", "053288886666", ""},
		{"landline with country code", "+86 532 8888 6666", ""},
		{"letter", "138l2345678", ""},
		{"dots", "138.1234.5678", ""},
		{"plus inside", "138+12345678", ""},
		{"brackets", "(138)12345678", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := citizen.ParsePhone(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParsePhone(%q) = %q, want an error", tt.in, got)
				}
				if ae := apperr.As(err); ae.Kind != apperr.Invalid || ae.Field != "phone" {
					t.Fatalf("ParsePhone(%q) error %v, want Invalid on phone", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

var mobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "００８６１３８１２３４５６７８", "0086",
		"+", "86", "12812345678", "138l2345678", "\xff", " \u3000 ", "+8613800000000+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := citizen.ParsePhone(s)
		if err != nil {
			if got != "" {
				t.Fatalf("ParsePhone(%q) = %q with error %v", s, got, err)
			}
			if ae := apperr.As(err); ae.Kind != apperr.Invalid || ae.Field != "phone" {
				t.Fatalf("ParsePhone(%q) error %v, want Invalid on phone", s, err)
			}
			return
		}
		if !mobile.MatchString(got) {
			t.Fatalf("ParsePhone(%q) = %q, not a mobile number", s, got)
		}
		if strings.IndexFunc(s, unicode.IsLetter) >= 0 {
			t.Fatalf("ParsePhone(%q) accepted letters", s)
		}
		if again, err := citizen.ParsePhone(got); err != nil || again != got {
			t.Fatalf("ParsePhone(%q) = %q, %v; not idempotent", got, again, err)
		}
		// The stored hash is of pii's normal form: the two must agree, or the same person
		// would have two hashes.
		if n := pii.Normalize(pii.Phone, got); n != got {
			t.Fatalf("pii.Normalize(%q) = %q", got, n)
		}
	})
}
