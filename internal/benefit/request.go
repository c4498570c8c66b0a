// Package benefit applies the policy calculators to households of the low-income population
// database: it turns a stored household into a calculation request, and runs "what if"
// simulations of a parameter change over every household in the caller's scope. The policy
// package stays pure; the registry stays ignorant of rules; this package joins them.
package benefit

import (
	"slices"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/registry"
)

// Request builds the calculation of program on date for a stored household. Every member is
// covered; the household's current tiers tell the calculators which programs it already receives.
func Request(h *registry.Household, program string, date civil.Date) policy.Request {
	req := policy.Request{Program: program, Date: date, RegionCode: h.RegionCode, Hukou: string(h.Hukou),
		Assets: policy.Assets{FinancialAssets: h.Assets.FinancialAssets, Vehicles: h.Assets.Vehicles, Homes: h.Assets.Homes,
			FloorAreaM2: h.Assets.FloorAreaM2, BusinessRegistered: h.Assets.BusinessRegistered}}
	var receives []string
	for _, t := range h.Tiers {
		if t.ValidTo.IsZero() && !slices.Contains(receives, string(t.Tier)) {
			receives = append(receives, string(t.Tier))
		}
	}
	var spending money.Fen
	for _, s := range h.Spending {
		spending += s.Amount
	}
	req.RigidSpending12m = spending
	for _, m := range h.Members {
		pm := policy.Member{ID: m.IDMasked, BirthDate: m.BirthDate, Covered: true, SeriousIllness: m.SeriousIllness,
			SelfCareFailed: m.SelfCare.Failed(), InSchool: m.InSchool, Receives: receives}
		if m.Disability.Grade > 0 {
			pm.Disability = &policy.Disability{Kind: string(m.Disability.Kind), Grade: m.Disability.Grade}
		}
		for _, inc := range m.Incomes {
			pm.MonthlyIncomes = append(pm.MonthlyIncomes, policy.Income{Kind: string(inc.Kind), Amount: inc.Monthly})
		}
		req.Members = append(req.Members, pm)
	}
	return req
}
