package meals

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// The checked form of a statistics filter and the tables and condition of the meals it covers.

// statsQuery is a checked filter: the region, the level and code width of the rows, the region's
// children, the days and months, and the canteen of an operator.
type statsQuery struct {
	region   string
	level    region.Level
	width    int
	children []string
	from, to civil.Date
	months   []civil.Month
	canteen  int64
}

// statsQuery checks f against p — who may read statistics, a sound range, a region in scope —
// and lists the region's children, which are rows even when nothing happened there.
func (s *Store) statsQuery(ctx context.Context, p *auth.Principal, f StatsFilter) (*statsQuery, error) {
	q := &statsQuery{}
	switch {
	case p != nil && p.Role == auth.CanteenOperator:
		if p.OrgID == 0 {
			return nil, apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		q.canteen = p.OrgID
	case !readsByRegion(p):
		return nil, apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	switch {
	case f.From.IsZero():
		return nil, apperr.FieldMsg("from", "meals.stats.bad_month")
	case f.To.IsZero():
		return nil, apperr.FieldMsg("to", "meals.stats.bad_month")
	case f.To.Before(f.From) || f.From.AddMonths(StatsMaxMonths-1).Before(f.To):
		return nil, apperr.FieldMsg("to", "meals.stats.bad_range", StatsMaxMonths)
	}
	q.region = strings.TrimSpace(f.Region)
	if q.region == "" {
		q.region = p.Scope.Code()
	}
	if q.region != "" && region.ValidCode(q.region) != nil {
		return nil, apperr.FieldMsg("region", "meals.stats.bad_region")
	}
	if !p.Sees(q.region) {
		return nil, apperr.Msg(apperr.NotFound, "meals.stats.region_notfound")
	}
	q.level = min(region.LevelOf(q.region)+1, region.Community)
	q.width = q.level.Len()
	q.from, q.to = f.From.FirstDay(), f.To.LastDay()
	for m := f.From; !m.After(f.To); m = m.Next() {
		q.months = append(q.months, m)
	}
	if q.canteen != 0 {
		return q, nil // an operator's rows are where their canteen is, not every community around it
	}
	if q.level == region.LevelOf(q.region) {
		q.children = []string{q.region}
		return q, nil
	}
	where, args := `parent_code = ?`, []any{q.region}
	if q.region == "" {
		where, args = `parent_code IS NULL`, nil
	}
	children, err := db.Column[string](s.DB.Query(ctx, `SELECT code FROM regions WHERE `+where+` ORDER BY code`, args...))
	if err != nil {
		return nil, fmt.Errorf("list the regions below %s: %w", q.region, err)
	}
	q.children = children
	return q, nil
}

// byCanteen reports whether the query's canteens must also lie in its region today: below the
// city, and for one canteen. A meal counts where it was served (its region_code); a canteen that
// moved keeps its meals where they were served, and below the city both must lie in the region.
func (q *statsQuery) byCanteen() bool {
	return q.canteen != 0 || region.LevelOf(q.region) >= region.County
}

// canteenIDs lists the canteens whose meals the query counts, in id order: the pass over the
// meals reaches them through the index on (canteen_id, served_on), so that a few days of a city
// cost a few days' meals where a scan by day would read the whole table.
func (q *statsQuery) canteenIDs(ctx context.Context, d *db.DB) ([]int64, error) {
	where, args := "1 = 1", []any(nil)
	if q.byCanteen() {
		where, args = db.PrefixRange("region_code", q.region)
	}
	if q.canteen != 0 {
		where += ` AND id = ?`
		args = append(args, q.canteen)
	}
	ids, err := db.Column[int64](d.Query(ctx, `SELECT id FROM canteens WHERE `+where+` ORDER BY id`, args...))
	if err != nil {
		return nil, fmt.Errorf("list the canteens: %w", err)
	}
	return ids, nil
}

// summaryFilter is the tables and condition of the summary rows (alias s) in the query's region
// and canteen that also meet cond, with their arguments.
func (q *statsQuery) summaryFilter(cond string, args ...any) (string, string, []any) {
	rc, all := db.PrefixRange("s.region_code", q.region)
	where := rc + ` AND ` + cond
	all = append(all, args...)
	if !q.byCanteen() {
		return `meal_stats s`, where, all
	}
	cc, cargs := db.PrefixRange("c.region_code", q.region)
	where = `c.id = s.canteen_id AND ` + cc + ` AND ` + where
	all = append(cargs, all...)
	if q.canteen != 0 {
		where += ` AND c.id = ?`
		all = append(all, q.canteen)
	}
	return `meal_stats s CROSS JOIN canteens c`, where, all
}
