package registry

import (
	"context"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// HouseholdsBelow counts the households below each direct child of a region, for the home page's
// live figures.
func (s *Store) HouseholdsBelow(ctx context.Context, parent string) (map[string]int, error) {
	return s.countBelow(ctx, "households", parent)
}

// PersonsBelow counts the persons below each direct child of a region.
func (s *Store) PersonsBelow(ctx context.Context, parent string) (map[string]int, error) {
	return s.countBelow(ctx, "persons", parent)
}

// countBelow groups a table's rows by the region code cut to the length of parent's children.
func (s *Store) countBelow(ctx context.Context, table, parent string) (map[string]int, error) {
	out := map[string]int{}
	next := region.LevelOf(parent) + 1
	if next > region.Community {
		return out, nil
	}
	width := next.Len()
	cond, args := db.PrefixRange("region_code", parent)
	// GROUP BY 1: PostgreSQL would not match two separately bound substr(…, ?) expressions.
	rows, err := s.DB.Query(ctx, `SELECT substr(region_code, 1, ?), COUNT(*) FROM `+table+` WHERE `+cond+
		` GROUP BY 1`, append([]any{width}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, err
		}
		out[code] = n
	}
	return out, rows.Err()
}
