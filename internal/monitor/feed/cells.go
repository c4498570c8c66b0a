package feed

import (
	"bytes"
	"errors"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
)

// The cell parsers work on the bytes of a trimmed, non-empty cell and store into a value without
// allocating: this is the inner loop of a ten-million-row file. They return a message key (and
// its arguments) instead of an error value, which the caller turns into a *RowError.

// parseCell parses one cell of field f into v; r.xlsx says the cell came raw from a workbook.
func (r *Reader) parseCell(f *Field, col column, b []byte, v *value) (key string, args []any) {
	switch f.Type {
	case TypeID:
		if key, args := r.parseID(col.rawID, b); key != "" {
			return key, args
		}
	case TypeDate:
		y, m, d, ok := parseDate(b, r.xlsx)
		switch {
		case !ok:
			return "feed.date_format", nil
		case y < minYear || y > maxYear:
			return "feed.date_range", []any{minYear, maxYear}
		}
		v.n = int64(y*10000 + m*100 + d)
		if !f.Future && v.n > r.today {
			return "feed.date_future", []any{r.opt.Today.String()}
		}
	case TypeMonth:
		y, m, ok := parseMonth(b, r.xlsx)
		switch {
		case !ok:
			return "feed.month_format", nil
		case y < minYear || y > maxYear:
			return "feed.date_range", []any{minYear, maxYear}
		}
		v.n = int64(y*100 + m)
		if !f.Future && v.n > r.today/100 {
			return "feed.month_future", []any{civil.MonthOf(r.opt.Today).String()}
		}
	case TypeMoney:
		fen, ok := parseFen(b, r.xlsx)
		switch {
		case !ok:
			return "feed.money_format", nil
		case fen < 0 && !f.Negative:
			return "feed.money_negative", nil
		}
		v.n = int64(fen)
	case TypeInt:
		n, ok := parseInt(b, r.xlsx)
		switch {
		case !ok:
			return "feed.int_format", nil
		case n < f.Min || n > f.Max:
			return "feed.int_range", []any{f.Min, f.Max}
		}
		v.n = n
	case TypeEnum:
		i := enumIndex(f, b)
		if i < 0 {
			return "feed.enum", []any{quote(b), enumChoices(f)}
		}
		v.n = int64(i)
	case TypeRegion:
		if n := len(b); (n != 6 && n != 9 && n != 12) || !allDigits(b) {
			return "feed.region", nil
		}
		r.row.keep(b, v)
	case TypeText:
		if key, args := checkText(f, b); key != "" {
			return key, args
		}
		r.row.keep(b, v)
	}
	v.set = true
	return "", nil
}

// parseID turns the identity cell into the row's hash. A raw number is checked by idcard (the
// same rules as every other entry point) and hashed at once, so it goes no further than here.
func (r *Reader) parseID(raw bool, b []byte) (string, []any) {
	if !raw {
		if len(b) != 64 {
			return "feed.id_hash", nil
		}
		var low [64]byte
		for i, c := range b {
			if low[i] = hexLower[c]; low[i] == 0 {
				return "feed.id_hash", nil
			}
		}
		r.row.id = low
		return "", nil
	}
	n, err := idcard.ParseAt(string(b), r.opt.Today)
	if err != nil {
		// Excel keeps 15 significant digits of a number: an ID typed into a General cell comes
		// back as 3.70212E+17 or with its last digits zeroed.
		if bytes.ContainsAny(b, "Ee") && bytes.Contains(b, []byte("+")) {
			return "feed.id.excel", nil
		}
		var ie *idcard.Error
		if errors.As(err, &ie) {
			return "feed.id." + ie.Code, nil
		}
		return "feed.id.length", nil
	}
	h := r.opt.Hasher(n.String())
	if len(h) != len(r.row.id) {
		return "feed.id_hash", nil
	}
	copy(r.row.id[:], h)
	return "", nil
}

// hexLower maps a hex digit to its lower-case form and anything else to 0: one table look-up
// per character keeps hash checking off the top of the profile.
var hexLower = func() (t [256]byte) {
	for _, c := range []byte("0123456789abcdef") {
		t[c] = c
	}
	for _, c := range []byte("ABCDEF") {
		t[c] = c + 'a' - 'A'
	}
	return t
}()

// checkText accepts valid text without control characters or replacement characters (the mark
// of a mis-decoded file), up to the field's length.
func checkText(f *Field, b []byte) (string, []any) {
	n := 0
	for i := 0; i < len(b); n++ {
		if c := b[i]; c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				return "feed.text_control", nil
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError {
			return "feed.text_encoding", nil
		}
		if r >= 0x80 && r < 0xA0 || r == 0x2028 || r == 0x2029 {
			return "feed.text_control", nil
		}
		i += size
	}
	if n > f.MaxLen {
		return "feed.text_long", []any{f.MaxLen}
	}
	return "", nil
}

// enumIndex matches a value case-insensitively, or a Chinese label exactly.
func enumIndex(f *Field, b []byte) int {
	for i, v := range f.Values {
		if len(v) == len(b) && bytes.EqualFold(b, []byte(v)) {
			return i
		}
	}
	for i, l := range f.ValueLabels {
		if string(b) == l {
			return i
		}
	}
	return -1
}

// enumChoices lists what a field accepts, for the error message.
func enumChoices(f *Field) string {
	out := ""
	for i, v := range f.Values {
		if i > 0 {
			out += "、"
		}
		if f.ValueLabels != nil {
			out += f.ValueLabels[i] + "（" + v + "）"
		} else {
			out += v
		}
	}
	return out
}

// quote shows a rejected value, cut short. Only used for values that identify nobody.
func quote(b []byte) string {
	s := []rune(string(b))
	if len(s) > 20 {
		return string(s[:20]) + "…"
	}
	return string(s)
}
