package db

import "strings"

// PrefixRange is a WHERE condition that column starts with prefix, written as a range so that an
// index on column serves it (substr(column, …) = ? or LIKE 'p%' would scan on one engine or the
// other). Region codes and scopes are prefixes, so every scoped query over a large table uses
// this. prefix must consist of digits or letters; "" matches everything.
func PrefixRange(column, prefix string) (string, []any) {
	if prefix == "" {
		return "1 = 1", nil
	}
	upper := prefixUpper(prefix)
	if upper == "" {
		return column + " >= ?", []any{prefix}
	}
	return "(" + column + " >= ? AND " + column + " < ?)", []any{prefix, upper}
}

// prefixUpper is the smallest string greater than every string starting with prefix, for prefixes
// of digits: "370212" → "370213", "370219" → "37022". It is "" when there is none ("999").
func prefixUpper(prefix string) string {
	p := strings.TrimRight(prefix, "9")
	if p == "" {
		return ""
	}
	return p[:len(p)-1] + string(p[len(p)-1]+1)
}
