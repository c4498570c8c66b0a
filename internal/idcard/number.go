package idcard

import (
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/civil"
)

// Number is a normalised 18-character ID number: 17 digits and a check character (a digit or an
// upper-case X). Values made by Parse, ParseAt or Synthesize are valid; the methods still never
// panic on an arbitrary string converted to Number, they return zero values instead, because a
// bad row in a legacy table must not crash a page.
type Number string

// String returns the full number. Show Mask to people who may not see it.
func (n Number) String() string { return string(n) }

// wellFormed reports whether the fixed-position fields can be read without panicking.
func (n Number) wellFormed() bool { return len(n) == 18 && allDigits(string(n[:17])) }

// RegionCode is the 6-digit division code of the place of first registration. It may be a
// retired code, so look it up leniently.
func (n Number) RegionCode() string {
	if !n.wellFormed() {
		return ""
	}
	return string(n[:6])
}

// BirthDate is the birth date encoded in the number, or the zero Date if n is malformed.
func (n Number) BirthDate() civil.Date {
	if !n.wellFormed() {
		return civil.Date{}
	}
	s := string(n[6:14])
	d, err := civil.ParseDate(s[0:4] + "-" + s[4:6] + "-" + s[6:8])
	if err != nil {
		return civil.Date{}
	}
	return d
}

// Sequence is the 3-digit order code that separates people born on the same day in the same
// place; its parity gives the sex.
func (n Number) Sequence() int {
	if !n.wellFormed() {
		return -1
	}
	return int(n[14]-'0')*100 + int(n[15]-'0')*10 + int(n[16]-'0')
}

// Sex is the sex recorded in an ID number. It is a small type rather than a bool so that
// "unknown" (a malformed number) cannot be mistaken for either.
type Sex int8

// Sex values. SexUnknown is the zero value.
const (
	SexUnknown Sex = iota
	Male
	Female
)

// String returns the Chinese label shown in the UI: "男", "女", or "" when unknown.
func (s Sex) String() string {
	switch s {
	case Male:
		return "男"
	case Female:
		return "女"
	}
	return ""
}

// Key returns the stable key used in the database, API and files: "male", "female" or "".
func (s Sex) Key() string {
	switch s {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return ""
}

// Sex reads the sex from the sequence: odd for men, even for women (GB 11643-1999 §5.3).
func (n Number) Sex() Sex {
	seq := n.Sequence()
	switch {
	case seq < 0:
		return SexUnknown
	case seq%2 == 1:
		return Male
	}
	return Female
}

// AgeOn returns the age in full years (周岁) on day d: it goes up on the birthday itself. Someone
// born on 29 February becomes a year older on 1 March in common years, since their birthday has
// not yet come on 28 February. It returns 0 if d is before the birth date or n is malformed,
// because an age is never negative in eligibility rules.
func (n Number) AgeOn(d civil.Date) int {
	b := n.BirthDate()
	if b.IsZero() || d.Before(b) {
		return 0
	}
	age := d.Year - b.Year
	if d.Month < b.Month || (d.Month == b.Month && d.Day < b.Day) {
		age--
	}
	return age
}

// Mask hides the birth date and part of the sequence as the UI requires: 370212********1234.
// A value that is not 18 ASCII characters is masked completely, so that slicing can never cut a
// multi-byte character or show more than the pattern.
func (n Number) Mask() string {
	if len(n) != 18 || !isASCII(string(n)) {
		return strings.Repeat("*", utf8.RuneCountInString(string(n)))
	}
	return string(n[:6]) + "********" + string(n[14:])
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
