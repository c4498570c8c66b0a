package money

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrInvalid is wrapped by every Parse error, so handlers can map a bad amount
// typed by a caseworker or found in an uploaded sheet to a 400-style answer
// with errors.Is, while the message itself tells the user what is wrong.
var ErrInvalid = errors.New("金额格式不正确")

// Parse reads an amount in yuan as people write it in forms and spreadsheets:
// "1045", "1045.5", "1,045.00", "¥1,045.00", "-12.30", "-¥12.30", "1045.00元",
// with surrounding spaces. The yuan sign may be the half-width ¥ or the
// full-width ￥, and a sign, if any, comes first.
//
// It rejects, rather than rounds, anything that is not an exact number of fen
// (more than two decimals), because silently rounding an imported amount would
// move money without anyone deciding to. Commas must be proper thousands
// separators: "10,45" is more likely a typo for 10.45 than 1045.
func Parse(s string) (Fen, error) {
	fail := func(reason string) (Fen, error) {
		return 0, fmt.Errorf("%w: %q（%s）", ErrInvalid, s, reason)
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return fail("金额为空")
	}
	neg := false
	if rest, ok := strings.CutPrefix(t, "-"); ok {
		neg, t = true, rest
	} else if rest, ok := strings.CutPrefix(t, "+"); ok {
		t = rest
	}
	if rest, ok := strings.CutPrefix(t, "¥"); ok {
		t = rest
	} else if rest, ok := strings.CutPrefix(t, "￥"); ok {
		t = rest
	}
	t = strings.TrimSuffix(t, "元")

	whole, frac, hasDot := strings.Cut(t, ".")
	if strings.Contains(whole, ",") {
		var ok bool
		if whole, ok = ungroup(whole); !ok {
			return fail("千分位逗号位置不对")
		}
	}
	switch {
	case whole == "" || !digits(whole) || !digits(frac):
		return fail("不是数字")
	case hasDot && frac == "":
		return fail("小数点后缺少数字")
	case len(frac) > 2:
		return fail("最多两位小数")
	}
	frac += "00"[len(frac):]

	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // the most negative Fen has no positive counterpart
	}
	var mag uint64
	for _, c := range whole + frac {
		d := uint64(c - '0')
		if mag > (limit-d)/10 {
			return fail("金额超出范围")
		}
		mag = mag*10 + d
	}
	if neg {
		return Fen(-mag), nil
	}
	return Fen(mag), nil
}

// ungroup removes thousands separators, reporting false unless the first group
// has one to three digits and every later group exactly three.
func ungroup(s string) (string, bool) {
	groups := strings.Split(s, ",")
	if n := len(groups[0]); n < 1 || n > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// digits reports whether s consists of ASCII digits only (an empty s counts).
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
