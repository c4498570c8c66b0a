package policy

import (
	"fmt"
	"slices"

	"github.com/minzheng/minzheng/internal/idcard"
)

// Programs lists the programs Calculate knows, by key (DOMAIN.md §2).
func Programs() []string {
	return []string{"dibao", "tekun", "dibao_edge", "rigid_expense", "illness_poverty", "temporary",
		"orphan", "de_facto_orphan", "vulnerable_child", "disability_living", "disability_care", "price_subsidy"}
}

// calculators maps a program to its rule.
var calculators = map[string]func(*calc){
	"dibao":             dibao,
	"tekun":             tekun,
	"dibao_edge":        dibaoEdge,
	"rigid_expense":     rigidExpense,
	"illness_poverty":   illnessPoverty,
	"temporary":         temporary,
	"orphan":            childAllowance,
	"de_facto_orphan":   childAllowance,
	"vulnerable_child":  childAllowance,
	"disability_living": disabilityLiving,
	"disability_care":   disabilityCare,
	"price_subsidy":     priceSubsidy,
}

// Calculate runs the program of req against the parameters in s. An unknown program, a missing
// date or region, or a member without a usable birth date is an error; everything about the
// household itself — ineligibility included — is in the Result.
func Calculate(s *Set, req Request) (Result, error) { return run(s, req, true) }

// Evaluate is Calculate without the written explanation: the same verdict, amounts, reasons and
// parameters, several times faster, for simulations over a whole city.
func Evaluate(s *Set, req Request) (Result, error) { return run(s, req, false) }

func run(s *Set, req Request, explain bool) (Result, error) {
	fn, ok := calculators[req.Program]
	if !ok {
		return Result{}, fmt.Errorf("program: %q is not one of %v", req.Program, Programs())
	}
	if req.Date.IsZero() {
		return Result{}, fmt.Errorf("date: required")
	}
	if req.RegionCode == "" || len(req.RegionCode) < 6 {
		return Result{}, fmt.Errorf("region_code: a county code (6 digits) or finer is required")
	}
	if req.Hukou != "urban" && req.Hukou != "rural" {
		return Result{}, fmt.Errorf("hukou: must be urban or rural")
	}
	req.Members = slices.Clone(req.Members) // filled in below; the caller's request stays as it was
	for i := range req.Members {
		m := &req.Members[i]
		if m.IDNumber != "" && m.BirthDate.IsZero() {
			n, err := idcard.Parse(m.IDNumber)
			if err != nil {
				return Result{}, fmt.Errorf("members[%d].id_number: %w", i, err)
			}
			m.BirthDate = n.BirthDate()
		}
		if m.BirthDate.IsZero() {
			return Result{}, fmt.Errorf("members[%d].birth_date: required (or id_number)", i)
		}
	}
	c := &calc{set: s, req: req, explain: explain, res: Result{Program: req.Program, Reasons: []string{}, Steps: []string{}, Parameters: []ParamUsed{}}}
	fn(c)
	if c.err != nil {
		return Result{}, c.err
	}
	return c.res, nil
}

// calc carries one calculation: the parameters it looks up are cited, its steps written down.
type calc struct {
	set     *Set
	req     Request
	res     Result
	err     error
	explain bool
}

// param looks up a parameter for the request's region, hukou and date and cites it. A missing
// value makes the household ineligible with that reason (a standard that does not exist, such as
// a rural one in a district without rural population), not an error.
func (c *calc) param(name string) (Param, bool) {
	p, err := c.set.Lookup(name, c.req.RegionCode, c.req.Hukou, c.req.Date)
	if err != nil {
		c.ineligible("没有适用的参数 %s（区划 %s，%s，%s）", name, c.req.RegionCode, hukouName(c.req.Hukou), c.req.Date.Chinese())
		return Param{}, false
	}
	c.cite(p)
	return p, true
}

func (c *calc) cite(p Param) {
	u := ParamUsed{Name: p.Name, Value: p.Value, Unit: p.Unit, Region: p.Region, Hukou: p.Hukou, ValidFrom: p.ValidFrom,
		ValidTo: p.ValidTo, Official: p.Official, Source: p.Source}
	if !slices.Contains(c.res.Parameters, u) {
		c.res.Parameters = append(c.res.Parameters, u)
	}
}

// step writes one line of the explanation (not when evaluating quietly).
func (c *calc) step(format string, args ...any) {
	if c.explain {
		c.res.Steps = append(c.res.Steps, fmt.Sprintf(format, args...))
	}
}

// ineligible records a reason the household does not qualify.
func (c *calc) ineligible(format string, args ...any) {
	c.res.Reasons = append(c.res.Reasons, fmt.Sprintf(format, args...))
}

// eligible sets the verdict from the reasons gathered: eligible when there are none.
func (c *calc) decide() { c.res.Eligible = len(c.res.Reasons) == 0 }

func hukouName(h string) string {
	if h == "rural" {
		return "农村户籍"
	}
	return "城镇户籍"
}
