package meals

import (
	"context"
	"slices"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// The counts that come from the registers: canteens and diners registered by the end of each
// month.

// registered counts, for every cell, the canteens registered in the region by the end of its
// month and the diners living there registered by then (not for an operator, who reads no
// register of diners). Stored times compare as text (db.FormatTime), so a month's end is a bound
// of text too.
func (q *statsQuery) registered(ctx context.Context, d *db.DB, cells map[statsCellKey]*StatsRow) error {
	ends := make([]string, len(q.months))
	for i, m := range q.months {
		ends[i] = statsMonthEnd(m)
	}
	canteens, diners := q.newRegister(ends), q.newRegister(ends)
	cond, args := db.PrefixRange("region_code", q.region)
	if q.canteen != 0 {
		cond += ` AND id = ?`
		args = append(args, q.canteen)
	}
	if err := canteens.read(ctx, d, `SELECT region_code, created_at, 1 FROM canteens WHERE `+cond+` AND created_at < ?`,
		append(args, ends[len(ends)-1])...); err != nil {
		return err
	}
	canteens.into(cells, func(c *StatsRow, n int) { c.CanteensRegistered += n })
	if q.canteen != 0 {
		return nil
	}
	// Most diners were registered before the first month ended: counted by community in index
	// order (diners_home_created), with no sort; those of the months themselves one by one.
	cond, args = db.PrefixRange("home_region", q.region)
	if err := diners.read(ctx, d, `SELECT home_region, '', COUNT(*) FROM diners WHERE `+cond+` AND created_at < ?
		GROUP BY home_region`, append(args, ends[0])...); err != nil {
		return err
	}
	if len(ends) > 1 {
		if err := diners.read(ctx, d, `SELECT home_region, created_at, 1 FROM diners WHERE `+cond+`
			AND created_at >= ? AND created_at < ?`, append(args, ends[0], ends[len(ends)-1])...); err != nil {
			return err
		}
	}
	diners.into(cells, func(c *StatsRow, n int) { c.DinersRegistered += n })
	return nil
}

// statsRegister counts registrations by the child region and the first month by whose end they
// were made.
type statsRegister struct {
	q      *statsQuery
	ends   []string
	counts map[string][]int
}

// newRegister is an empty count by the months ending at ends (one per month of the query).
func (q *statsQuery) newRegister(ends []string) *statsRegister {
	return &statsRegister{q: q, ends: ends, counts: map[string][]int{}}
}

// read adds the rows of query: (region code, time of registration, count); a time before every
// month's end may be "".
func (r *statsRegister) read(ctx context.Context, d *db.DB, query string, args ...any) error {
	rows, err := d.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code, at string
		var n int
		if err := rows.Scan(&code, &at, &n); err != nil {
			return err
		}
		i, _ := slices.BinarySearch(r.ends, at)
		for i < len(r.ends) && r.ends[i] == at {
			i++ // registered at the very end of a month: in the next
		}
		if i == len(r.ends) {
			continue
		}
		code = code[:min(len(code), r.q.width)]
		if r.counts[code] == nil {
			r.counts[code] = make([]int, len(r.ends))
		}
		r.counts[code][i] += n
	}
	return rows.Err()
}

// into adds to each region's cell of every month those registered by its end.
func (r *statsRegister) into(cells map[statsCellKey]*StatsRow, add func(*StatsRow, int)) {
	for code, counts := range r.counts {
		sum := 0
		for i, m := range r.q.months {
			if sum += counts[i]; sum > 0 {
				add(statsCell(cells, statsCellKey{code, m}), sum)
			}
		}
	}
}

// statsCell returns the row of k, creating an empty one.
func statsCell(cells map[statsCellKey]*StatsRow, k statsCellKey) *StatsRow {
	c, ok := cells[k]
	if !ok {
		c = &StatsRow{Region: k.region, Month: k.month}
		cells[k] = c
	}
	return c
}

// statsMonthEnd is the stored form of the instant month m ends in China.
func statsMonthEnd(m civil.Month) string {
	return db.FormatTime(m.Next().FirstDay().Time(civil.China))
}
