package meals

import (
	"github.com/minzheng/minzheng/internal/civil"
)

// Adding parts up into the statistics' cells, and counting the distinct diners and canteens of
// every cell, child region, month and the whole range from the parts' sets.

// statsDistinct is how many distinct diners and canteens a group of parts holds.
type statsDistinct struct {
	diners, canteens int
}

// statsTally is what the parts of a query add up to.
type statsTally struct {
	cells   map[statsCellKey]*StatsRow
	regions map[string]statsDistinct
	months  map[civil.Month]statsDistinct
	all     statsDistinct
}

// tally adds the parts up into cells (a part's region cut to the query's width) and counts the
// distinct diners and canteens of each cell, region, month and in all.
func (q *statsQuery) tally(parts []statsPart) *statsTally {
	t := &statsTally{cells: map[statsCellKey]*StatsRow{}}
	cell := func(p *statsPart) statsCellKey { return statsCellKey{p.region[:min(len(p.region), q.width)], p.month} }
	for i := range parts {
		statsCell(t.cells, cell(&parts[i])).add(&parts[i].row)
	}
	marks := newIDMarks(parts)
	for k, d := range statsDistinctBy(parts, cell, marks) {
		t.cells[k].Diners, t.cells[k].Canteens = d.diners, d.canteens
	}
	t.regions = statsDistinctBy(parts, func(p *statsPart) string { return cell(p).region }, marks)
	t.months = statsDistinctBy(parts, func(p *statsPart) civil.Month { return p.month }, marks)
	t.all = statsDistinctBy(parts, func(*statsPart) struct{} { return struct{}{} }, marks)[struct{}{}]
	return t
}

// statsDistinctBy counts the distinct diners and canteens of the parts that share a key, for each
// key. Only parts with meals count: a part can hold nothing but figures from elsewhere.
func statsDistinctBy[K comparable](parts []statsPart, key func(*statsPart) K, marks *idMarks) map[K]statsDistinct {
	groups := map[K][]int{}
	for i := range parts {
		if parts[i].row.Meals > 0 {
			k := key(&parts[i])
			groups[k] = append(groups[k], i)
		}
	}
	out := make(map[K]statsDistinct, len(groups))
	for k, members := range groups {
		marks.next()
		canteens := map[int64]bool{}
		var d statsDistinct
		for _, i := range members {
			for _, id := range parts[i].diners {
				if marks.first(id) {
					d.diners++
				}
			}
			canteens[parts[i].canteen] = true
		}
		d.canteens = len(canteens)
		out[k] = d
	}
	return out
}

// idMarks tells whether an id was seen in the current group: one stamp per id, a new stamp per
// group, so that counting a group costs one look per id it holds and nothing to clear. Diner ids
// are a sequence, so the stamps are a slice indexed by id; far-flung ids fall back to a map.
type idMarks struct {
	dense  []uint32
	sparse map[int64]uint32
	stamp  uint32
}

// idMarksDense bounds the slice of stamps: 64 million ids (256 MB) is beyond any city's diners.
const idMarksDense = 1 << 26

// newIDMarks sizes the stamps for the diners of parts.
func newIDMarks(parts []statsPart) *idMarks {
	top := int64(0)
	for _, p := range parts {
		if n := len(p.diners); n > 0 {
			if p.diners[0] < 0 {
				return &idMarks{sparse: map[int64]uint32{}}
			}
			top = max(top, p.diners[n-1])
		}
	}
	if top >= idMarksDense {
		return &idMarks{sparse: map[int64]uint32{}}
	}
	return &idMarks{dense: make([]uint32, top+1)}
}

// next starts a new group.
func (m *idMarks) next() { m.stamp++ }

// first reports whether id is seen for the first time in the current group, and marks it seen.
func (m *idMarks) first(id int64) bool {
	if m.dense != nil {
		if m.dense[id] == m.stamp {
			return false
		}
		m.dense[id] = m.stamp
		return true
	}
	if m.sparse[id] == m.stamp {
		return false
	}
	m.sparse[id] = m.stamp
	return true
}
