// Package idcard reads, checks and builds 居民身份证号码 (resident identity card numbers, GB
// 11643-1999).
//
// Why a package of its own: the ID number is the key by which a person is found, de-duplicated
// across households and matched against other agencies' data, so every entry point (forms, Excel
// imports, agency files, the API) must accept the same spellings and reject the same mistakes. A
// typo caught by the check character here is a wrong person not paid or paid twice later.
//
// Parse normalises what people type — surrounding spaces, a lower-case x, and the old 15-digit
// numbers still found in legacy records, which it converts to 18 characters — into a Number. The
// checks are deliberately about plausibility, not registry membership: the province must exist,
// but the county part is not looked up, because numbers issued before a re-zoning keep their
// retired county codes for life (370282 即墨市, 370205 四方区, 370284 胶南市 in Qingdao).
//
// Errors never contain the number itself, so they can be logged and shown without leaking it.
package idcard

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/civil"
)

// Error is the reason a number was rejected. The Message is Chinese because it is shown next to
// the form field; Code is a stable key for APIs and import reports.
type Error struct {
	Code    string
	Message string
}

// Error returns the Chinese message.
func (e *Error) Error() string { return e.Message }

// The rejection reasons; compare with errors.Is. Each is a distinct value so an import report
// can count mistakes by kind.
var (
	// ErrLength: neither 18 characters nor a 15-digit legacy number. The message names only
	// 18 because that is what people should type today.
	ErrLength = &Error{"length", "身份证号码应为18位"}
	// ErrChars: a character other than digits (and X in the last place).
	ErrChars = &Error{"chars", "身份证号码只能包含数字，最后一位可以是X"}
	// ErrRegion: the first two digits are not a province-level code.
	ErrRegion = &Error{"region", "身份证号码的地区代码不正确"}
	// ErrBirthDate: the birth date does not exist, is before 1900 or is in the future.
	ErrBirthDate = &Error{"birth_date", "身份证号码中的出生日期不正确"}
	// ErrCheckDigit: the last character does not match the ISO 7064 MOD 11-2 check.
	ErrCheckDigit = &Error{"check_digit", "身份证号码校验位不正确"}
)

// minBirthYear: nobody alive and registered was born earlier, and 15-digit numbers imply 19xx.
const minBirthYear = 1900

// Parse reads an ID number as typed or imported, judging "born in the future" against today's
// date in Beijing. Use ParseAt where the clock is injected.
func Parse(s string) (Number, error) {
	return ParseAt(s, civil.Today(time.Now()))
}

// ParseAt is Parse with an explicit today, so tests and workflows with an injected clock get
// repeatable answers. A zero today skips the "not in the future" check; the pii package uses that
// so that the hash of a number never depends on the day it is computed.
func ParseAt(s string, today civil.Date) (Number, error) {
	s = strings.TrimSpace(s)
	switch utf8.RuneCountInString(s) {
	case 18:
		return parse18(s, today)
	case 15:
		return parse15(s, today)
	}
	return "", ErrLength
}

func parse18(s string, today civil.Date) (Number, error) {
	if len(s) != 18 || !allDigits(s[:17]) {
		return "", ErrChars
	}
	last := s[17]
	switch {
	case last == 'x':
		last = 'X'
	case last == 'X', isDigit(last):
	default:
		return "", ErrChars
	}
	if err := checkFields(s[:17], today); err != nil {
		return "", err
	}
	if CheckChar(s[:17]) != last {
		return "", ErrCheckDigit
	}
	return Number(s[:17] + string(last)), nil
}

// parse15 converts a legacy number: region(6) YYMMDD(6) sequence(3). All were issued to people
// born in the 1900s, and they carry no check character, so one is computed.
func parse15(s string, today civil.Date) (Number, error) {
	if len(s) != 15 || !allDigits(s) {
		return "", ErrChars
	}
	first17 := s[:6] + "19" + s[6:]
	if err := checkFields(first17, today); err != nil {
		return "", err
	}
	return Number(first17 + string(CheckChar(first17))), nil
}

// checkFields validates the region and birth date inside 17 known-ASCII-digit characters.
func checkFields(first17 string, today civil.Date) error {
	if !validProvince(first17[:2]) {
		return ErrRegion
	}
	b := first17[6:14]
	birth, err := civil.ParseDate(b[0:4] + "-" + b[4:6] + "-" + b[6:8])
	if err != nil || birth.Year < minBirthYear {
		return ErrBirthDate
	}
	if !today.IsZero() && birth.After(today) {
		return ErrBirthDate
	}
	return nil
}

// provinces are the province-level codes (the first two digits) in use: the 31 mainland
// provinces, Taiwan (71), Hong Kong (81) and Macao (82). Codes never change at this level.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

func validProvince(code string) bool { return provinces[code] }

// weights are 2^(17-i) mod 11 for positions i = 0..16, from ISO 7064 MOD 11-2.
var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// checkChars maps the weighted sum mod 11 to the check character.
const checkChars = "10X98765432"

// CheckChar computes the 18th character for the first 17 digits by ISO 7064 MOD 11-2. It returns
// 0 when first17 is not exactly 17 ASCII digits, so a caller comparing it with a real character
// can never get a false match.
func CheckChar(first17 string) byte {
	if len(first17) != 17 || !allDigits(first17) {
		return 0
	}
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * weights[i]
	}
	return checkChars[sum%11]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
