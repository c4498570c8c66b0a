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

// lineDigest is a row's 64-bit digest and its line.
type lineDigest struct {
	digest uint64
	line   int32
}

// duplicates finds repeated rows of a batch: the digests are sorted and equal neighbours are
// candidates, confirmed by re-reading just those lines and comparing their full keys (a 64-bit
// digest may collide; a file must never be rejected for that). Each confirmed repeat is a row
// error naming the first line. Sorting ten million digests costs far less than a hash set of
// them, in time and in memory.
func (s *Store) duplicates(b *Batch, src feed.Source, digests []lineDigest, out *processed) error {
	slices.SortFunc(digests, func(a, b lineDigest) int {
		return cmp.Or(cmp.Compare(a.digest, b.digest), cmp.Compare(a.line, b.line))
	})
	candidates := map[int32]bool{}
	for i := 1; i < len(digests); i++ {
		if digests[i].digest == digests[i-1].digest {
			candidates[digests[i].line], candidates[digests[i-1].line] = true, true
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
		if !candidates[int32(row.Line)] {
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
