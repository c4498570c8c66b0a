package feed

import (
	"bytes"
	"math"
	"strconv"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// The value parsers read the bytes of one trimmed cell with no allocation on the usual
// spellings; a workbook's raw values (xlsx) are also understood.

// minYear and maxYear bound dates: anything outside is a typo or a placeholder such as
// 0001-01-01 or 9999-12-31 that a source system writes for "unknown".
const (
	minYear = 1900
	maxYear = 2100
)

// excelEpoch is day 0 of Excel's 1900 date system as it counts after February 1900; date cells
// of an .xlsx file are read raw, as serial day numbers from it.
var excelEpoch = civil.Date{Year: 1899, Month: 12, Day: 30}

// parseDate reads YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, and from a workbook a date serial.
func parseDate(b []byte, xlsx bool) (y, m, d int, ok bool) {
	if xlsx && len(b) != 8 && isDecimal(b) {
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil || f < 1 || f >= 2958466 {
			return 0, 0, 0, false
		}
		dt := excelEpoch.AddDays(int(f))
		return dt.Year, int(dt.Month), dt.Day, true
	}
	switch {
	case len(b) == 10 && (b[4] == '-' || b[4] == '/') && b[7] == b[4]:
		y, m, d = num(b[0:4]), num(b[5:7]), num(b[8:10])
	case len(b) == 8:
		y, m, d = num(b[0:4]), num(b[4:6]), num(b[6:8])
	default:
		return 0, 0, 0, false
	}
	if y < 0 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// parseMonth reads YYYY-MM, YYYY/MM or YYYYMM, and from a workbook a date serial (Excel turns a
// typed "2024-03" into the first of the month).
func parseMonth(b []byte, xlsx bool) (y, m int, ok bool) {
	if xlsx && len(b) != 6 && isDecimal(b) {
		y, m, _, ok = parseDate(b, true)
		return y, m, ok
	}
	switch {
	case len(b) == 7 && (b[4] == '-' || b[4] == '/'):
		y, m = num(b[0:4]), num(b[5:7])
	case len(b) == 6:
		y, m = num(b[0:4]), num(b[4:6])
	default:
		return 0, 0, false
	}
	return y, m, y >= 0 && m >= 1 && m <= 12
}

// parseFen reads plain amounts ("1234", "1234.5") directly and hands every other spelling
// ("1,234.56", "￥1234.56", "1234元") to money.Parse, the one parser of amounts people type.
func parseFen(b []byte, xlsx bool) (money.Fen, bool) {
	if xlsx {
		b = fixFloat(b)
	}
	whole, frac, dot := bytes.Cut(b, []byte("."))
	if len(whole) > 0 && len(whole) <= 15 && allDigits(whole) && len(frac) <= 2 && allDigits(frac) &&
		(!dot || len(frac) > 0) {
		n := int64(0)
		for _, c := range whole {
			n = n*10 + int64(c-'0')
		}
		for i := range 2 {
			n *= 10
			if i < len(frac) {
				n += int64(frac[i] - '0')
			}
		}
		return money.Fen(n), true
	}
	f, err := money.Parse(string(b))
	return f, err == nil
}

// parseInt reads an optionally negative whole number of at most 18 digits.
func parseInt(b []byte, xlsx bool) (int64, bool) {
	if xlsx {
		b = bytes.TrimSuffix(fixFloat(b), []byte(".0"))
	}
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 || !allDigits(b) {
		return 0, false
	}
	n := int64(0)
	for _, c := range b {
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// fixFloat undoes binary floating-point noise in a number read raw from a workbook: a cell
// holding =0.1+0.2 stores 0.30000000000000004, which is 0.30 to anyone looking at it. Values not
// within a millionth of a whole fen are left alone, to be rejected.
func fixFloat(b []byte) []byte {
	if !bytes.ContainsAny(b, ".eE") {
		return b
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f*100, 0) || math.IsNaN(f) {
		return b
	}
	if c := math.Round(f * 100); math.Abs(f*100-c) < 1e-6 {
		return strconv.AppendFloat(nil, c/100, 'f', -1, 64)
	}
	return b
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isDecimal: digits with at most one dot, the only number shape taken from a workbook cell.
func isDecimal(b []byte) bool {
	whole, frac, _ := bytes.Cut(b, []byte("."))
	return len(whole) > 0 && allDigits(whole) && allDigits(frac)
}

// num reads 1-4 ASCII digits, or returns -1.
func num(b []byte) int {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
