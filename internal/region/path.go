package region

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
)

// PathTo returns code's division and every division above it, from the province down, in one
// query. A page showing one region needs its breadcrumb without loading a whole province's tree.
// An unknown code is ErrNotFound; a malformed one ErrInvalidCode.
func PathTo(ctx context.Context, q db.Querier, code string) ([]Division, error) {
	if err := ValidCode(code); err != nil {
		return nil, err
	}
	var codes []any
	for _, l := range []Level{Province, City, County, Street, Community} {
		if l.Len() <= len(code) {
			codes = append(codes, code[:l.Len()])
		}
	}
	rows, err := q.Query(ctx, `SELECT code, name, parent_code, level, synthetic, source FROM regions
		WHERE code IN (?`+strings.Repeat(", ?", len(codes)-1)+`) ORDER BY level`, codes...)
	if err != nil {
		return nil, fmt.Errorf("path to %s: %w", code, err)
	}
	defer rows.Close()
	var path []Division
	for rows.Next() {
		var d Division
		var parent *string
		var level int
		if err := rows.Scan(&d.Code, &d.Name, &parent, &level, &d.Synthetic, &d.Source); err != nil {
			return nil, fmt.Errorf("path to %s: %w", code, err)
		}
		d.Level = Level(level)
		if parent != nil {
			d.ParentCode = *parent
		}
		path = append(path, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("path to %s: %w", code, err)
	}
	if len(path) == 0 || path[len(path)-1].Code != code {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, code)
	}
	return path, nil
}
