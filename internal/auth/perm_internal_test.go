package auth

import (
	"strings"
	"testing"
)

// TestMatrixShape checks every line of the permission table has one X or - per role, and that a
// malformed line stops the program at start rather than granting or denying by accident.
func TestMatrixShape(t *testing.T) {
	for p, line := range matrix {
		if n := len(strings.Fields(line)); n != len(Roles()) {
			t.Errorf("permission %s has %d cells, want %d", p, n, len(Roles()))
		}
	}
	tests := map[string]string{
		"short line": "X X X",
		"long line":  "X X X X X X X X X X",
		"bad cell":   "X X X X X X X X Y",
	}
	for name, line := range tests {
		t.Run(name, func(t *testing.T) {
			saved := matrix
			matrix = map[Permission]string{"test.perm": line}
			defer func() {
				matrix = saved
				if recover() == nil {
					t.Errorf("parseMatrix accepted %q", line)
				}
			}()
			parseMatrix()
		})
	}
}
