package db

import "strings"

// Qualify prefixes each name of a comma-separated column list with a table alias ("p" and
// "id, name" give "p.id, p.name"), for joins that reuse a store's column list.
func Qualify(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
