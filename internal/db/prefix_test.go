package db

import "testing"

func TestPrefixUpper(t *testing.T) {
	for in, want := range map[string]string{"370212": "370213", "370219": "37022", "3799": "38", "999": "", "37": "38"} {
		if got := prefixUpper(in); got != want {
			t.Errorf("prefixUpper(%q) = %q, want %q", in, got, want)
		}
	}
}
