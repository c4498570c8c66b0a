package benefit

import (
	"context"
	"errors"
	"sort"
	"sync"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/registry"
)

// Line is one district's (or the total's) outcome of a simulation.
type Line struct {
	Region         string    `json:"region_code"`
	Households     int       `json:"households"`
	EligibleBefore int       `json:"eligible_households_before"`
	EligibleAfter  int       `json:"eligible_households_after"`
	PersonsBefore  int       `json:"eligible_persons_before"`
	PersonsAfter   int       `json:"eligible_persons_after"`
	NewlyEligible  int       `json:"newly_eligible_households"`
	NoLonger       int       `json:"no_longer_eligible_households"`
	MonthlyBefore  money.Fen `json:"monthly_cost_before_fen"`
	MonthlyAfter   money.Fen `json:"monthly_cost_after_fen"`
	MonthlyChange  money.Fen `json:"monthly_change_fen"`
	YearlyChange   money.Fen `json:"yearly_change_fen"`
}

// Report is a simulation's result: a line per district and the total.
type Report struct {
	Program string     `json:"program"`
	Date    civil.Date `json:"date"`
	Lines   []Line     `json:"districts"`
	Total   Line       `json:"total"`
}

func (l *Line) add(before, after policy.Result, persons int) {
	l.Households++
	if before.Eligible {
		l.EligibleBefore++
		l.PersonsBefore += persons
		l.MonthlyBefore += before.MonthlyAmount
	}
	if after.Eligible {
		l.EligibleAfter++
		l.PersonsAfter += persons
		l.MonthlyAfter += after.MonthlyAmount
	}
	if after.Eligible && !before.Eligible {
		l.NewlyEligible++
	}
	if before.Eligible && !after.Eligible {
		l.NoLonger++
	}
}

func (l *Line) finish() {
	l.MonthlyChange = l.MonthlyAfter - l.MonthlyBefore
	l.YearlyChange = l.MonthlyChange * 12
}

// workers is how many goroutines calculate while one reads: the machine's two cores share the
// reading and the calculating.
const workers = 2

// merge adds one worker's line for a district into the totals by district.
func merge(lines map[string]*Line, district string, l *Line) {
	if t := lines[district]; t != nil {
		t.plus(l)
		return
	}
	lines[district] = l
}

// plus adds another line's counts and amounts to l.
func (l *Line) plus(o *Line) {
	l.Households += o.Households
	l.EligibleBefore += o.EligibleBefore
	l.EligibleAfter += o.EligibleAfter
	l.PersonsBefore += o.PersonsBefore
	l.PersonsAfter += o.PersonsAfter
	l.NewlyEligible += o.NewlyEligible
	l.NoLonger += o.NoLonger
	l.MonthlyBefore += o.MonthlyBefore
	l.MonthlyAfter += o.MonthlyAfter
}

// Simulate calculates program on date for every household in the caller's scope twice — with
// the parameters as they are and with the scenario's — and sums the difference by district.
// Reading and calculating run side by side.
func Simulate(ctx context.Context, reg *registry.Store, p *auth.Principal, base, scenario *policy.Set, program string, date civil.Date) (*Report, error) {
	lo, hi, err := reg.IDRange(ctx)
	if err != nil {
		return nil, err
	}
	households := make(chan *registry.Household, 1024)
	lines := map[string]*Line{}
	var mu sync.Mutex // guards lines and calcErr
	var calcErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[string]*Line{}
			var err error
			for h := range households {
				if err != nil {
					continue
				}
				req := Request(h, program, date)
				var before, after policy.Result
				if before, err = policy.Evaluate(base, req); err != nil {
					continue
				}
				if after, err = policy.Evaluate(scenario, req); err != nil {
					continue
				}
				district := h.RegionCode[:6]
				l := local[district]
				if l == nil {
					l = &Line{Region: district}
					local[district] = l
				}
				l.add(before, after, len(h.Members))
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil && calcErr == nil {
				calcErr = err
			}
			for d, l := range local {
				merge(lines, d, l)
			}
		}()
	}
	// Two readers share the city by household id, each on its own read connection.
	mid := lo + (hi-lo)/2 + 1
	send := func(h *registry.Household) error {
		select {
		case households <- h:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	readErrs := make(chan error, 2)
	go func() { readErrs <- reg.EachBetween(ctx, p, lo, mid, send) }()
	go func() { readErrs <- reg.EachBetween(ctx, p, mid, 0, send) }()
	err = errors.Join(<-readErrs, <-readErrs)
	close(households)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if calcErr != nil {
		return nil, calcErr
	}
	rep := &Report{Program: program, Date: date, Total: Line{Region: p.Scope.Code()}}
	for _, l := range lines {
		l.finish()
		rep.Lines = append(rep.Lines, *l)
		rep.Total.plus(l)
	}
	rep.Total.finish()
	sort.Slice(rep.Lines, func(i, j int) bool { return rep.Lines[i].Region < rep.Lines[j].Region })
	return rep, nil
}
