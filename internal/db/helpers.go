package db

import (
	"database/sql"
	"strings"
)

// Column reads a query's one-column result (ids, codes, card numbers) into a slice and closes the
// rows: the loop that lists the canteens to settle, the orders to void or the canteens a
// statistic reads, written once. It takes the query's two results as they come, so a caller
// writes db.Column[int64](d.Query(ctx, …)).
func Column[T any](rows *sql.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Placeholders is n comma-separated placeholders ("?, ?, ?"), for an IN list or one row of a
// multi-row INSERT; Rebind turns them into PostgreSQL's $n.
func Placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// In is the condition that column is one of vals ("column IN (?, ?)") with vals as its
// arguments, for the lists of ids, keys and codes that statements take in chunks. vals must not
// be empty: "IN ()" is not SQL, and a caller with nothing to look for has no query to run.
func In[T any](column string, vals []T) (string, []any) {
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return column + " IN (" + Placeholders(len(vals)) + ")", args
}
