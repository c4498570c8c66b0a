package assistance

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/benefit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/registry"
)

// AgencyCheck consults other agencies' data about a household for 家庭经济状况核对 and reports
// what each source said. The dynamic-monitoring module provides it; until it is wired in, the
// check says plainly that no agency data was consulted.
type AgencyCheck func(ctx context.Context, householdID int64) ([]CheckItem, error)

// calculate runs the program's calculator on the household as the registry holds it on date.
func (s *Store) calculate(ctx context.Context, q db.Querier, a *Application, on civil.Date) (*registry.Household, policy.Result, error) {
	h, err := s.Registry.GetIn(ctx, q, auth.System(), a.HouseholdID)
	if err != nil {
		return nil, policy.Result{}, err
	}
	if err := childOf(h, a); err != nil {
		return nil, policy.Result{}, err
	}
	req := benefit.Request(h, a.Program, on)
	req.Expenditure = a.Details.Expenditure
	if a.Program == "temporary" {
		req.Temporary = &policy.Temporary{Type: a.Subtype, Severity: a.Details.Severity, Expense: a.Details.Expense,
			Requested: a.Details.Requested}
	}
	if a.Details.ChildPersonID != 0 {
		for _, m := range h.Members {
			if m.ID == a.Details.ChildPersonID {
				req.Child = &policy.Child{MemberID: m.IDMasked, Institutional: a.Details.Institutional}
			}
		}
	}
	set, err := s.params(ctx)
	if err != nil {
		return nil, policy.Result{}, err
	}
	res, err := policy.Calculate(set, req)
	if err != nil {
		return nil, policy.Result{}, fmt.Errorf("calculation of case %d: %w", a.ID, err)
	}
	return h, res, nil
}

// childPrograms are the programs paid for one child of the household (DOMAIN.md §7).
var childPrograms = map[string]bool{"orphan": true, "de_facto_orphan": true, "vulnerable_child": true}

// childOf checks that a children's allowance names its child among the household's members —
// which may be left out only when the child lives alone — so that the calculator never pays for
// the wrong person and a missing child is the applicant's error, not the system's.
func childOf(h *registry.Household, a *Application) error {
	if !childPrograms[a.Program] {
		return nil
	}
	if a.Details.ChildPersonID == 0 {
		if len(h.Members) == 1 {
			return nil
		}
		return apperr.FieldMsg("child_person_id", "case.child_required")
	}
	for _, m := range h.Members {
		if m.ID == a.Details.ChildPersonID {
			return nil
		}
	}
	return apperr.FieldMsg("child_person_id", "case.child_not_member")
}

// check is 家庭经济状况核对: the registry's record of the household — residence, incomes,
// property, assistance already received — and, when connected, other agencies' data, run
// through the program's calculator. It reports every source it consulted.
func (s *Store) check(ctx context.Context, q db.Querier, a *Application) (*CheckReport, error) {
	today := s.today()
	t := msg.Default().T
	if a.HouseholdID == 0 {
		// An appeal against a refusal to accept (不予受理): the application never had a
		// household linked, so there is nothing to check until it is accepted.
		none := t("case.check.no_household")
		return &CheckReport{On: today, Reasons: []string{none}, Steps: []string{}, Items: []CheckItem{
			{Source: t("case.check.household"), OK: false, Result: none}}}, nil
	}
	h, res, err := s.calculate(ctx, q, a, today)
	if err != nil {
		return nil, err
	}
	r := &CheckReport{On: today, Eligible: res.Eligible, MonthlyAmount: res.MonthlyAmount, OneOff: res.OneOff,
		PerCapita: res.PerCapitaIncome, Standard: res.Standard, Escalation: res.Escalation, Reasons: res.Reasons, Steps: res.Steps}
	var counted money.Fen
	for _, m := range h.Members {
		counted += m.CountedIncome()
	}
	var tiers []string
	for _, sp := range h.Tiers {
		if sp.ValidTo.IsZero() {
			tiers = append(tiers, t("tier."+string(sp.Tier)))
		}
	}
	a2 := h.Assets
	r.Items = []CheckItem{
		{Source: t("case.check.residence"), OK: true, Result: fmt.Sprintf(t("case.check.residence_result"), t("hukou."+string(h.Hukou)), h.RegionCode, len(h.Members))},
		{Source: t("case.check.income"), OK: true, Result: fmt.Sprintf(t("case.check.income_result"), counted, res.PerCapitaIncome)},
		{Source: t("case.check.assets"), OK: true, Result: fmt.Sprintf(t("case.check.assets_result"), a2.FinancialAssets, a2.Vehicles, a2.Homes, a2.FloorAreaM2)},
		{Source: t("case.check.tiers"), OK: true, Result: orNone(strings.Join(tiers, "、"), t("case.none"))},
	}
	if s.AgencyCheck == nil {
		r.Items = append(r.Items, CheckItem{Source: t("case.check.agencies"), OK: false, Result: t("case.check.agencies_missing")})
	} else {
		items, err := s.AgencyCheck(ctx, h.ID)
		if err != nil {
			return nil, err
		}
		r.Items = append(r.Items, items...)
	}
	return r, nil
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}
