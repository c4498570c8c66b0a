package policy

import (
	"fmt"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// Scaled is a "what if" set: every series of parameter name changes by permille (50 = +5 %,
// −30 = −3 %) from the date from on, each new value rounded half up to the whole yuan as standards
// are published. Values that end before from are untouched. The result is marked as a
// simulation in its source.
func Scaled(s *Set, name string, from civil.Date, permille int64) (*Set, error) {
	out := s
	for _, p := range s.All() {
		if p.Name != name || !(p.Covers(from) || p.ValidFrom.After(from)) {
			continue
		}
		q := p
		q.Value = int64(money.MulRatio(money.Fen(p.Value), 1000+permille, 1000, money.RoundHalfUp).RoundTo(money.OneYuan, money.RoundHalfUp))
		q.Official = false
		q.Source = fmt.Sprintf("模拟：%s 调整 %+.1f%%", name, float64(permille)/10)
		if p.ValidFrom.Before(from) {
			q.ValidFrom = from
		}
		var err error
		if p.ValidFrom.Before(from) {
			out, err = out.With(q)
		} else {
			out, err = out.replace(p, q)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// replace returns a set with value old swapped for new (same series and period).
func (s *Set) replace(old, new Param) (*Set, error) {
	all := s.All()
	for i, p := range all {
		if p == old {
			all[i] = new
		}
	}
	return NewSet(all)
}
