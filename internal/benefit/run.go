package benefit

import (
	"context"
	"slices"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
)

// Scenario is a "what if": a parameter changes by Permille from From; Program is calculated on
// Date before and after.
type Scenario struct {
	Program  string
	Date     civil.Date
	Param    string
	From     civil.Date
	Permille int64
}

// Run checks a scenario, builds its parameter set from the stored one, and simulates it over the
// caller's scope. The UI, the API and the benchmark share it.
func Run(ctx context.Context, reg *registry.Store, params *paramdb.Store, p *auth.Principal, sc Scenario) (*Report, error) {
	switch {
	case !slices.Contains(policy.Programs(), sc.Program):
		return nil, apperr.FieldMsg("program", "sim.program_invalid")
	case sc.Date.IsZero():
		return nil, apperr.FieldMsg("date", "field.date_invalid")
	case sc.From.IsZero():
		return nil, apperr.FieldMsg("from", "field.date_invalid")
	case sc.Permille < -500 || sc.Permille > 1000:
		return nil, apperr.FieldMsg("change_permille", "sim.change_range")
	}
	base, err := params.Load(ctx)
	if err != nil {
		return nil, err
	}
	known := false
	for _, q := range base.All() {
		known = known || q.Name == sc.Param
	}
	if !known {
		return nil, apperr.FieldMsg("parameter", "sim.param_unknown", sc.Param)
	}
	scenario, err := policy.Scaled(base, sc.Param, sc.From, sc.Permille)
	if err != nil {
		return nil, apperr.FieldMsg("parameter", "policy.rejected", err.Error())
	}
	return Simulate(ctx, reg, p, base, scenario, sc.Program, sc.Date)
}
