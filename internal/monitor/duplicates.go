package monitor

import (
	"cmp"
	"errors"
	"io"
	"os"
	"slices"

	"github.com/minzheng/minzheng/internal/monitor/feed"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/pii"
)

// duplicates finds repeated rows of a batch: the rows' digests are sorted and equal neighbours
// are candidates, confirmed by re-reading the file and comparing the full keys of the rows with
// those digests (a 64-bit digest may collide; a file must never be rejected for that). Each
// confirmed repeat is a row error naming the first line. Sorting ten million digests costs far
// less than a hash set of them, in time and in memory.
func (s *Store) duplicates(b *Batch, src feed.Source, digests []uint64, out *processed) error {
	radixSort(digests)
	candidates := map[uint64]bool{}
	for i := 1; i < len(digests); i++ {
		if digests[i] == digests[i-1] {
			candidates[digests[i]] = true
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	f, err := os.Open(s.spoolPath(b.Source, b.SHA256, b.Format))
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := feed.NewReader(src, b.Format, f, feed.Options{Today: s.today(),
		Hasher: func(id string) string { return s.Keys.Hash(pii.IDNumber, id) }})
	if err != nil {
		return err
	}
	defer r.Close()
	first := map[string]int{}
	var found []RowError
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *feed.RowError
		if errors.As(err, &re) {
			continue
		} else if err != nil {
			return err
		}
		if !candidates[row.Digest()] {
			continue
		}
		key := row.Key()
		if line, dup := first[key]; dup {
			found = append(found, RowError{Line: int64(row.Line), Message: msg.Default().T("monitor.duplicate_row", row.Line, line)})
			continue
		}
		first[key] = row.Line
	}
	for _, e := range found {
		out.addError(e)
	}
	if len(found) > 0 {
		out.hits = nil
		slices.SortFunc(out.errs, func(a, b RowError) int { return cmp.Compare(a.Line, b.Line) })
	}
	return nil
}

// radixSort sorts 64-bit digests in four passes of 16 bits: several times faster than a
// comparison sort for the millions of digests of a large file.
func radixSort(a []uint64) {
	if len(a) < 1<<12 {
		slices.Sort(a)
		return
	}
	buf := make([]uint64, len(a))
	src, dst := a, buf
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, v := range src {
			count[(v>>shift)&0xFFFF]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, v := range src {
			d := (v >> shift) & 0xFFFF
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	// After an even number of passes the result is back in a.
}
