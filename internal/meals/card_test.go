package meals

import "testing"

func TestCardNo(t *testing.T) {
	// 7992739871 is the textbook Luhn example: its check digit is 3.
	if got := luhnDigit("7992739871"); got != '3' {
		t.Fatalf("luhn(7992739871) = %c, want 3", got)
	}
	seen := map[string]bool{}
	for range 200 {
		c, err := newCardNo()
		if err != nil {
			t.Fatal(err)
		}
		if !ValidCardNo(c) || c[0] == '0' || seen[c] {
			t.Fatalf("card %q: invalid, leading zero or repeated", c)
		}
		seen[c] = true
		// Every single-digit typo is caught.
		for i := range 12 {
			for d := byte('0'); d <= '9'; d++ {
				if d == c[i] {
					continue
				}
				typo := c[:i] + string(d) + c[i+1:]
				if ValidCardNo(typo) {
					t.Fatalf("typo %q of %q passes", typo, c)
				}
			}
		}
	}
	for _, bad := range []string{"", "12345678901", "1234567890123", "12345678901a"} {
		if ValidCardNo(bad) {
			t.Errorf("ValidCardNo(%q) = true", bad)
		}
	}
}

func TestQRToken(t *testing.T) {
	a, err := newQRToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := newQRToken()
	if a == b || len(a) != 32 || tokenHash(a) == tokenHash(b) || len(tokenHash(a)) != 64 {
		t.Fatalf("tokens %q %q", a, b)
	}
}
