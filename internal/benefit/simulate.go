package benefit

import (
	"context"
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

// Simulate calculates program on date for every household in the caller's scope twice — with
// the parameters as they are and with the scenario's — and sums the difference by district.
// Reading and calculating run side by side.
func Simulate(ctx context.Context, reg *registry.Store, p *auth.Principal, base, scenario *policy.Set, program string, date civil.Date) (*Report, error) {
	households := make(chan *registry.Household, 1024)
	lines := map[string]*Line{}
	var calcErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for h := range households {
			if calcErr != nil {
				continue
			}
			req := Request(h, program, date)
			before, err := policy.Calculate(base, req)
			if err != nil {
				calcErr = err
				continue
			}
			after, err := policy.Calculate(scenario, req)
			if err != nil {
				calcErr = err
				continue
			}
			district := h.RegionCode[:6]
			l := lines[district]
			if l == nil {
				l = &Line{Region: district}
				lines[district] = l
			}
			l.add(before, after, len(h.Members))
		}
	}()
	err := reg.Each(ctx, p, func(h *registry.Household) error {
		select {
		case households <- h:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
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
		t := &rep.Total
		t.Households += l.Households
		t.EligibleBefore += l.EligibleBefore
		t.EligibleAfter += l.EligibleAfter
		t.PersonsBefore += l.PersonsBefore
		t.PersonsAfter += l.PersonsAfter
		t.NewlyEligible += l.NewlyEligible
		t.NoLonger += l.NoLonger
		t.MonthlyBefore += l.MonthlyBefore
		t.MonthlyAfter += l.MonthlyAfter
	}
	rep.Total.finish()
	sort.Slice(rep.Lines, func(i, j int) bool { return rep.Lines[i].Region < rep.Lines[j].Region })
	return rep, nil
}
