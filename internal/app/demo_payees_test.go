package app

import (
	"context"
	"testing"
)

// TestDemoAccountsAreCardShaped checks the synthetic accounts: 19 digits, a valid Luhn check
// digit, different for different households.
func TestDemoAccountsAreCardShaped(t *testing.T) {
	seen := map[string]bool{}
	for id := int64(1); id <= 2000; id++ {
		a := demoAccount(id)
		if len(a) != 19 || !luhn(a) || seen[a] {
			t.Fatalf("household %d: account %s (luhn %v, seen %v)", id, a, luhn(a), seen[a])
		}
		seen[a] = true
	}
}

func luhn(s string) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// TestDemoHasPayees checks that every demo household can be paid.
func TestDemoHasPayees(t *testing.T) {
	m := startDemo(t, "")
	var households, payees int
	if err := m.DB.QueryRow(context.Background(), `SELECT (SELECT COUNT(*) FROM households), (SELECT COUNT(*) FROM payees)`).Scan(&households, &payees); err != nil {
		t.Fatal(err)
	}
	if households == 0 || payees != households {
		t.Fatalf("%d households, %d payees", households, payees)
	}
}
