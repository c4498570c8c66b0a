package roster

import (
	"container/heap"
	"fmt"
	"slices"

	"github.com/minzheng/minzheng/internal/registry"
)

// MaxErrors caps the errors a Result lists. A file with a wrong column layout can produce an
// error in every cell; the first thousand say all there is to say, and a report of millions
// would cost more memory than the file.
const MaxErrors = 1000

// RowError is one problem in the file, located the way the person who filled it in will look
// for it: the row number Excel shows and the column's header text.
type RowError struct {
	Row     int    // 1-based, as Excel shows it; 1 is the header row of a plain template
	Column  string // header text; "" when the problem concerns the whole row or file
	Message string // Chinese, for the person who fixes the file
}

// String formats the error for a report line: 第12行「身份证号」：身份证号码校验位不正确.
func (e RowError) String() string {
	if e.Column == "" {
		return fmt.Sprintf("第%d行：%s", e.Row, e.Message)
	}
	return fmt.Sprintf("第%d行「%s」：%s", e.Row, e.Column, e.Message)
}

// Household is one household of the file: the rows sharing a 户编号, turned into the input the
// registry stores. Key is kept so the store can make a re-import of the same file idempotent.
type Household struct {
	Key        string
	FirstRow   int                     // the first row of the household in the file
	Input      registry.HouseholdInput // Members in file order
	MemberRows []int                   // MemberRows[i] is the row of Input.Members[i]
	headRow    int
}

// HeadRow is the row the household columns were read from (the 户主's row, or the first row
// when the household has no head), where a store should report a problem with them.
func (h Household) HeadRow() int { return h.headRow }

// Result is what a roster file holds: its households and every problem found in it. The
// households are only fit to store when OK reports true; before that they are a preview.
type Result struct {
	Households []Household
	Errors     []RowError // sorted by row, then column in template order; a final note if capped
	Rows       int        // data rows read (blank rows are not counted)
	errs       collector
}

// OK reports whether the file is free of errors, the condition for an all-or-nothing commit.
func (r Result) OK() bool { return len(r.Errors) == 0 }

// Add merges errors found later, such as the store's "unknown region code" or "ID number already
// in another household", into the report, keeping its order and cap.
func (r *Result) Add(errs ...RowError) {
	for _, e := range errs {
		r.errs.add(e, columnPos(e.Column))
	}
	r.Errors = r.errs.list()
}

// RegionRef is a division code written in the file and where: the parser checks only its shape,
// so the store checks that it exists and reports an unknown one at this cell.
type RegionRef struct {
	Code   string
	Row    int
	Column string
}

// RegionRefs lists the community and hukou county codes of every household, one entry each.
func (r *Result) RegionRefs() []RegionRef {
	var out []RegionRef
	for _, h := range r.Households {
		if c := h.Input.RegionCode; c != "" {
			out = append(out, RegionRef{c, h.headRow, columns[colRegion].header})
		}
		if c := h.Input.HukouRegion; c != "" {
			out = append(out, RegionRef{c, h.headRow, columns[colHukouReg].header})
		}
	}
	return out
}

// columnPos orders a header text by its place in the template; unknown texts go last and a
// row-wide error ("") first.
func columnPos(header string) int {
	if header == "" {
		return -1
	}
	for i, c := range columns {
		if c.header == header {
			return i
		}
	}
	return len(columns)
}

// collector keeps the MaxErrors first errors by (row, column) without holding the rest: a
// max-heap whose top is the latest error kept, evicted when an earlier one arrives.
type collector struct {
	h     errHeap
	total int
	seq   int
}

type keyedErr struct {
	RowError
	pos, seq int
}

func (a keyedErr) less(b keyedErr) bool {
	if a.Row != b.Row {
		return a.Row < b.Row
	}
	if a.pos != b.pos {
		return a.pos < b.pos
	}
	return a.seq < b.seq
}

type errHeap []keyedErr

func (h errHeap) Len() int           { return len(h) }
func (h errHeap) Less(i, j int) bool { return h[j].less(h[i]) }
func (h errHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *errHeap) Push(x any)        { *h = append(*h, x.(keyedErr)) }
func (h *errHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (c *collector) add(e RowError, pos int) {
	if e.Row < 1 {
		e.Row = 1
	}
	c.total++
	c.seq++
	k := keyedErr{e, pos, c.seq}
	switch {
	case len(c.h) < MaxErrors:
		heap.Push(&c.h, k)
	case k.less(c.h[0]):
		c.h[0] = k
		heap.Fix(&c.h, 0)
	}
}

// list returns the kept errors in order, with a note when some were left out.
func (c *collector) list() []RowError {
	if c.total == 0 {
		return nil
	}
	kept := slices.Clone(c.h)
	slices.SortFunc(kept, func(a, b keyedErr) int {
		if a.less(b) {
			return -1
		}
		return 1
	})
	out := make([]RowError, 0, len(kept)+1)
	for _, k := range kept {
		out = append(out, k.RowError)
	}
	if c.total > len(kept) {
		last := kept[len(kept)-1].Row
		out = append(out, RowError{Row: last, Message: fmt.Sprintf(
			"错误太多，只列出前%d条（共%d条）；请先改正以上错误再导入", len(kept), c.total)})
	}
	return out
}
