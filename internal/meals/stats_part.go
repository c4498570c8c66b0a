package meals

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/minzheng/minzheng/internal/civil"
)

// statsPart is the meals one canteen served in one period — a month, or a day of a month still
// running — in one region (the region recorded on the meals, which differs from the canteen's
// only if it moved): what a summary row holds, and what a pass over the meals gives. Its diners
// are kept as the set of their ids, because the persons who ate cannot be added up over
// canteens, regions, days or months, only counted once over the union of sets.
type statsPart struct {
	canteen int64
	region  string
	// period is "2024-03" for a month, "2024-03-05" for a day; month is the month of either.
	period string
	month  civil.Month
	// row holds the additive figures: meals, online and delivered meals, price and shares.
	row StatsRow
	// diners are the distinct ids of the persons who ate, ascending.
	diners []int64
}

// encodeDiners packs ascending, distinct ids as the varint gaps between them: a month of a city
// canteen's few hundred diners takes a few hundred bytes.
func encodeDiners(ids []int64) []byte {
	out := make([]byte, 0, 2*len(ids))
	prev := int64(0)
	for _, id := range ids {
		out = binary.AppendUvarint(out, uint64(id-prev))
		prev = id
	}
	return out
}

// decodeDiners unpacks n ids packed by encodeDiners, refusing a blob that does not hold exactly
// n of them (a summary written by something else is not silently miscounted).
func decodeDiners(b []byte, n int) ([]int64, error) {
	out := make([]int64, 0, n)
	prev := int64(0)
	for len(b) > 0 {
		gap, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, fmt.Errorf("meal statistics: diners of a summary are corrupt after %d ids", len(out))
		}
		prev += int64(gap)
		out = append(out, prev)
		b = b[k:]
	}
	if len(out) != n {
		return nil, fmt.Errorf("meal statistics: a summary holds %d diners, its count says %d", len(out), n)
	}
	return out, nil
}

// statsParts gathers parts by canteen, region and month, as rows of a pass come in.
type statsParts struct {
	index map[statsPartKey]int
	list  []statsPart
}

// statsPartKey names a part.
type statsPartKey struct {
	canteen int64
	region  string
	period  string
}

// get returns the part of k, adding an empty one.
func (ps *statsParts) get(k statsPartKey) *statsPart {
	if ps.index == nil {
		ps.index = map[statsPartKey]int{}
	}
	i, ok := ps.index[k]
	if !ok {
		i = len(ps.list)
		ps.index[k] = i
		ps.list = append(ps.list, statsPart{canteen: k.canteen, region: k.region, period: k.period, month: periodMonth(k.period)})
	}
	return &ps.list[i]
}

// periodMonth is the month of a period, "2024-03" or "2024-03-05"; zero for anything else.
func periodMonth(period string) civil.Month {
	m, _ := civil.ParseMonth(period[:min(len(period), 7)])
	return m
}

// find returns the part of k, nil if there is none.
func (ps *statsParts) find(k statsPartKey) *statsPart {
	if i, ok := ps.index[k]; ok {
		return &ps.list[i]
	}
	return nil
}

// done sorts each part's diners and drops repeats, and returns the parts.
func (ps *statsParts) done() []statsPart {
	for i := range ps.list {
		p := &ps.list[i]
		slices.Sort(p.diners)
		p.diners = slices.Compact(p.diners)
	}
	return ps.list
}
