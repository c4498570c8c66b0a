package region

import (
	"fmt"
	"strings"
)

// Scope is the part of the division tree a user may see and act on, written as a region code
// prefix: "" is nationwide, "3702" is Qingdao, "370212003" is one street. Every store query that
// lists or reads people's data takes the caller's Scope; because codes are unpadded, a scope is
// a plain prefix of every code below it.
//
// A Scope whose length is not that of a whole code contains and covers nothing. Scopes should
// come from ParseScope; the check guards against one built by conversion from a cut-off string
// ("37021" would otherwise contain 370211 and 370212 alike), failing closed rather than open.
type Scope string

// Nationwide is the scope of the national ministry and of system administrators.
const Nationwide Scope = ""

// ParseScope reads a scope from outside input (a form, a config file, an API token). It accepts
// "" for nationwide and otherwise exactly a whole unpadded code; surrounding spaces are ignored.
// It does not pad or unpad: a mistyped scope should fail, not widen.
func ParseScope(s string) (Scope, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Nationwide, nil
	}
	if err := ValidCode(s); err != nil {
		return "", fmt.Errorf("scope: %w", err)
	}
	return Scope(s), nil
}

// whole reports whether the scope has the length of a whole code (or is nationwide).
func (s Scope) whole() bool { return s == Nationwide || LevelOf(string(s)) != 0 }

// Contains reports whether the division with this code lies inside the scope (the scope's own
// code included).
func (s Scope) Contains(code string) bool {
	return s.whole() && strings.HasPrefix(code, string(s))
}

// Covers reports whether other is the same as s or narrower. Granting a role or issuing a token
// checks granter.Covers(grant), so nobody hands out a wider scope than they hold.
func (s Scope) Covers(other Scope) bool {
	return s.whole() && other.whole() && strings.HasPrefix(string(other), string(s))
}

// Level is the level of the scope's own division: 0 for nationwide, Street for "370212003".
func (s Scope) Level() Level { return LevelOf(string(s)) }

// Code returns the region code of the scope, "" for nationwide, for SQL arguments and templates.
func (s Scope) Code() string { return string(s) }

// String shows the scope in logs and audit rows; nationwide is spelled out because an empty
// string there reads like a bug.
func (s Scope) String() string {
	if s == Nationwide {
		return "nationwide"
	}
	return string(s)
}
