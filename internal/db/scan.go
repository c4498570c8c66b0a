package db

import "database/sql"

// Int64s reads a query's one-column result of integers (ids, mostly) into a slice and closes
// the rows: the loop that lists the canteens to settle, the orders to void or the canteens a
// statistic reads, written once. It takes the query's two results as they come, so a caller
// writes db.Int64s(d.Query(ctx, …)).
func Int64s(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
