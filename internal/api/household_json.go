package api

import (
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// JSON shapes of the registry. Money is integer fen in fields ending _fen; dates are yyyy-mm-dd;
// identifiers are masked (the reveal endpoint opens an ID number, audited).

type incomeJSON struct {
	Kind       string `json:"kind"`
	MonthlyFen int64  `json:"monthly_fen"`
}

type personJSON struct {
	ID             int64        `json:"id,omitempty"`
	HouseholdID    int64        `json:"household_id,omitempty"`
	Name           string       `json:"name"`
	IDMasked       string       `json:"id_masked"`
	BirthDate      string       `json:"birth_date"`
	Sex            string       `json:"sex"`
	Relation       string       `json:"relation"`
	PhoneMasked    string       `json:"phone_masked,omitempty"`
	Marital        string       `json:"marital,omitempty"`
	Education      string       `json:"education,omitempty"`
	InSchool       bool         `json:"in_school"`
	Employment     string       `json:"employment,omitempty"`
	WorkCapacity   string       `json:"work_capacity,omitempty"`
	Disability     *disabilityJ `json:"disability,omitempty"`
	SeriousIllness bool         `json:"serious_illness"`
	Illness        string       `json:"illness,omitempty"`
	SelfCareFailed int          `json:"self_care_failed_activities"`
	Incomes        []incomeJSON `json:"incomes,omitempty"`
	Address        string       `json:"address,omitempty"`
	RegionCode     string       `json:"region_code,omitempty"`
}

type disabilityJ struct {
	Certificate string `json:"certificate,omitempty"`
	Kind        string `json:"kind"`
	Grade       int    `json:"grade"`
}

func toPersonJSON(p registry.Person) personJSON {
	out := personJSON{ID: p.ID, HouseholdID: p.HouseholdID, Name: p.Name, IDMasked: p.IDMasked, BirthDate: p.BirthDate.String(),
		Sex: p.Sex, Relation: string(p.Relation), PhoneMasked: p.PhoneMasked, Marital: p.Marital, Education: p.Education,
		InSchool: p.InSchool, Employment: p.Employment, WorkCapacity: p.WorkCapacity, SeriousIllness: p.SeriousIllness,
		Illness: p.Illness, SelfCareFailed: p.SelfCare.Failed()}
	if p.Disability.Grade > 0 {
		out.Disability = &disabilityJ{Certificate: p.Disability.Certificate, Kind: string(p.Disability.Kind), Grade: p.Disability.Grade}
	}
	for _, inc := range p.Incomes {
		out.Incomes = append(out.Incomes, incomeJSON{Kind: string(inc.Kind), MonthlyFen: int64(inc.Monthly)})
	}
	return out
}

type tierJSON struct {
	Tier      string `json:"tier"`
	PersonID  int64  `json:"person_id,omitempty"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to,omitempty"`
}

type assetsJSON struct {
	FinancialAssetsFen int64 `json:"financial_assets_fen"`
	Vehicles           int   `json:"vehicles"`
	Homes              int   `json:"homes"`
	FloorAreaM2        int   `json:"floor_area_m2"`
	BusinessRegistered bool  `json:"business_registered"`
}

type spendingJSON struct {
	Kind         string `json:"kind"`
	Amount12mFen int64  `json:"amount_12m_fen"`
}

type householdJSON struct {
	ID          int64          `json:"id"`
	Version     int            `json:"version"`
	RegionCode  string         `json:"region_code"`
	Address     string         `json:"address"`
	Hukou       string         `json:"hukou"`
	HukouRegion string         `json:"hukou_region"`
	Assets      assetsJSON     `json:"assets"`
	Spending    []spendingJSON `json:"spending"`
	Members     []personJSON   `json:"members"`
	Tiers       []tierJSON     `json:"tiers"`
}

func toHouseholdJSON(h *registry.Household) householdJSON {
	out := householdJSON{ID: h.ID, Version: h.Version, RegionCode: h.RegionCode, Address: h.Address, Hukou: string(h.Hukou),
		HukouRegion: h.HukouRegion, Spending: []spendingJSON{}, Members: []personJSON{}, Tiers: []tierJSON{},
		Assets: assetsJSON{FinancialAssetsFen: int64(h.Assets.FinancialAssets), Vehicles: h.Assets.Vehicles, Homes: h.Assets.Homes,
			FloorAreaM2: h.Assets.FloorAreaM2, BusinessRegistered: h.Assets.BusinessRegistered}}
	for _, s := range h.Spending {
		out.Spending = append(out.Spending, spendingJSON{Kind: string(s.Kind), Amount12mFen: int64(s.Amount)})
	}
	for _, m := range h.Members {
		out.Members = append(out.Members, toPersonJSON(m))
	}
	for _, t := range h.Tiers {
		out.Tiers = append(out.Tiers, tierJSON{Tier: string(t.Tier), PersonID: t.PersonID, ValidFrom: t.ValidFrom.String(), ValidTo: t.ValidTo.String()})
	}
	return out
}

// householdInputJSON is the body of POST /households and PUT /households/{id}.
type householdInputJSON struct {
	Version     int               `json:"version"`
	RegionCode  string            `json:"region_code"`
	Address     string            `json:"address"`
	Hukou       string            `json:"hukou"`
	HukouRegion string            `json:"hukou_region"`
	Assets      assetsJSON        `json:"assets"`
	Spending    []spendingJSON    `json:"spending"`
	Members     []memberInputJSON `json:"members"`
	Tiers       []tierInputJSON   `json:"tiers"`
}

type memberInputJSON struct {
	Name           string       `json:"name"`
	IDNumber       string       `json:"id_number"`
	Relation       string       `json:"relation"`
	Phone          string       `json:"phone"`
	Marital        string       `json:"marital"`
	Education      string       `json:"education"`
	InSchool       bool         `json:"in_school"`
	Employment     string       `json:"employment"`
	WorkCapacity   string       `json:"work_capacity"`
	Disability     *disabilityJ `json:"disability"`
	SeriousIllness bool         `json:"serious_illness"`
	Illness        string       `json:"illness"`
	SelfCareFailed []string     `json:"self_care_failed"` // eat, dress, transfer, toilet, walk, bathe
	Incomes        []incomeJSON `json:"incomes"`
}

type tierInputJSON struct {
	Tier        string `json:"tier"`
	MemberIndex *int   `json:"member_index"` // absent for the whole household
	ValidFrom   string `json:"valid_from"`
}

func (in householdInputJSON) input() registry.HouseholdInput {
	out := registry.HouseholdInput{RegionCode: in.RegionCode, Address: in.Address, Hukou: registry.HukouType(in.Hukou),
		HukouRegion: in.HukouRegion, Assets: registry.Assets{FinancialAssets: money.Fen(in.Assets.FinancialAssetsFen),
			Vehicles: in.Assets.Vehicles, Homes: in.Assets.Homes, FloorAreaM2: in.Assets.FloorAreaM2,
			BusinessRegistered: in.Assets.BusinessRegistered}}
	for _, s := range in.Spending {
		out.Spending = append(out.Spending, registry.Spending{Kind: registry.SpendingKind(s.Kind), Amount: money.Fen(s.Amount12mFen)})
	}
	for _, m := range in.Members {
		p := registry.PersonInput{Name: m.Name, IDNumber: m.IDNumber, Relation: registry.Relation(m.Relation), Phone: m.Phone,
			Marital: m.Marital, Education: m.Education, InSchool: m.InSchool, Employment: m.Employment, WorkCapacity: m.WorkCapacity,
			SeriousIllness: m.SeriousIllness, Illness: m.Illness, SelfCare: registry.ParseSelfCare(m.SelfCareFailed)}
		if m.Disability != nil {
			p.Disability = registry.Disability{Certificate: m.Disability.Certificate, Kind: registry.DisabilityKind(m.Disability.Kind), Grade: m.Disability.Grade}
		}
		for _, inc := range m.Incomes {
			p.Incomes = append(p.Incomes, registry.Income{Kind: registry.IncomeKind(inc.Kind), Monthly: money.Fen(inc.MonthlyFen)})
		}
		out.Members = append(out.Members, p)
	}
	for _, t := range in.Tiers {
		idx := -1
		if t.MemberIndex != nil {
			idx = *t.MemberIndex
		}
		out.Tiers = append(out.Tiers, registry.TierInput{Tier: registry.Tier(t.Tier), MemberIndex: idx, ValidFrom: parseDate(t.ValidFrom)})
	}
	return out
}
