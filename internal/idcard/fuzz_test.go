package idcard

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"370212198001011235", "37021219800101003x", " 370284720815032 ", "370212198001011234",
		"", "x", "３７０２１２１９８００１０１１２３５", "370205197002290012", "99021219800101123X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseAt(s, today)
		if err != nil {
			if n != "" {
				t.Fatalf("ParseAt(%q) returned %q with error %v", s, n, err)
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("ParseAt(%q) error %T is not *Error", s, err)
			}
			return
		}
		if len(n) != 18 {
			t.Fatalf("ParseAt(%q) = %q, not 18 characters", s, n)
		}
		if CheckChar(string(n[:17])) != n[17] {
			t.Fatalf("ParseAt(%q) = %q with a wrong check character", s, n)
		}
		again, err := ParseAt(string(n), today)
		if err != nil || again != n {
			t.Fatalf("round trip of %q: %q, %v", n, again, err)
		}
		if n.BirthDate().IsZero() || n.Sex() == SexUnknown || n.RegionCode() == "" {
			t.Fatalf("accepted %q but its fields do not read", n)
		}
		if len(strings.TrimSpace(s)) == 18 && !strings.EqualFold(string(n), strings.TrimSpace(s)) {
			t.Fatalf("ParseAt(%q) = %q changed more than case", s, n)
		}
	})
}
