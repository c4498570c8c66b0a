package citizen

import (
	"strings"
	"unicode"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/pii"
)

// maxInput bounds what the parsers read: a phone number with a country code and separators
// fits easily, and a megabyte posted to the form is refused before any work.
const maxInput = 40

// codeLen is the number of digits in a code, the length every SMS platform in China uses.
const codeLen = 6

// ParsePhone reads a mainland mobile number as people type it — "138 1234 5678",
// "138-1234-5678", "+86 13812345678", full-width digits from a Chinese input method — and returns
// its 11 digits. Only numbers that can receive an SMS code are accepted: 11 digits starting with
// 13–19. Letters or other punctuation are refused rather than dropped, so that a mistyped number
// is corrected by its owner instead of silently becoming someone else's. The error is Invalid on
// field "phone" with a message for the form.
func ParsePhone(s string) (string, error) {
	bad := apperr.FieldMsg("phone", "citizen.phone_invalid")
	if len(s) > maxInput {
		return "", bad
	}
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		r = fold(r)
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case r == '-' || unicode.IsSpace(r):
		default:
			return "", bad
		}
	}
	// pii.Normalize drops the +86 / 0086 country code exactly as the stored hash expects.
	d := pii.Normalize(pii.Phone, b.String())
	if !isMobile(d) {
		return "", bad
	}
	return d, nil
}

// isMobile reports whether d is 11 ASCII digits starting 1[3-9].
func isMobile(d string) bool {
	if len(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9' {
		return false
	}
	return allDigits(d)
}

// parseCode reads a code as typed: white space around it and full-width digits are forgiven.
func parseCode(s string) (string, error) {
	bad := apperr.FieldMsg("code", "citizen.code_format")
	if len(s) > maxInput {
		return "", bad
	}
	c := strings.Map(fold, strings.TrimSpace(s))
	if len(c) != codeLen || !allDigits(c) {
		return "", bad
	}
	return c, nil
}

// fold turns the full-width forms a Chinese input method produces (１３８, －, ＋) into ASCII.
func fold(r rune) rune {
	switch {
	case r >= '０' && r <= '９':
		return r - '０' + '0'
	case r == '－':
		return '-'
	case r == '＋':
		return '+'
	}
	return r
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
