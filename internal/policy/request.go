package policy

import (
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// Request is one calculation: a program, the date it is for, where and for whom. Its JSON form is
// the body of POST /api/v1/calculations and the stdin of `minzheng calc`; keys follow DOMAIN.md §13.
type Request struct {
	Program    string     `json:"program"`
	Date       civil.Date `json:"date"`
	RegionCode string     `json:"region_code"`
	Hukou      string     `json:"hukou"`
	Members    []Member   `json:"members"`
	Assets     Assets     `json:"assets"`
	// RigidSpending12m is the household's rigid spending (medical after insurance, education,
	// rehabilitation) over the last 12 months.
	RigidSpending12m money.Fen `json:"rigid_spending_12m_fen"`
	// Deductions are monthly extra costs of disability or serious illness that may be deducted
	// from income (DOMAIN.md §3).
	Deductions money.Fen `json:"deductions_fen"`
	// Expenditure asks for the expenditure route of 低保 (支出型).
	Expenditure bool `json:"expenditure"`
	// Temporary describes a 临时救助 case.
	Temporary *Temporary `json:"temporary,omitempty"`
	// Child describes the child of a children's allowance.
	Child *Child `json:"child,omitempty"`
	// CPI is the price series for the price-subsidy linkage.
	CPI []CPIMonth `json:"cpi,omitempty"`
	// Month is the month the price subsidy is computed for.
	Month civil.Month `json:"month"`
}

// Member is one person of the household.
type Member struct {
	ID             string      `json:"id"`
	BirthDate      civil.Date  `json:"birth_date"`
	IDNumber       string      `json:"id_number,omitempty"`
	Covered        bool        `json:"covered"`
	MonthlyIncomes []Income    `json:"monthly_incomes"`
	Disability     *Disability `json:"disability,omitempty"`
	SeriousIllness bool        `json:"serious_illness"`
	// SelfCareFailed counts the activities of daily living the person cannot do alone (0–6).
	SelfCareFailed int  `json:"self_care_failed_activities"`
	InSchool       bool `json:"in_school"`
	// HasSupporter says a legal supporter able to support exists (特困 needs none).
	HasSupporter bool `json:"has_supporter"`
	// Programs the member already receives (dibao, tekun, …), for top-up rules.
	Receives []string `json:"receives,omitempty"`
}

// Income is a monthly income of one kind (DOMAIN.md §13 keys).
type Income struct {
	Kind   string    `json:"kind"`
	Amount money.Fen `json:"amount_fen"`
}

// Disability is a certified disability; grade 1 is the most severe.
type Disability struct {
	Kind  string `json:"kind"`
	Grade int    `json:"grade"`
}

// Assets are the household's property (DOMAIN.md §13).
type Assets struct {
	FinancialAssets    money.Fen `json:"financial_assets_fen"`
	Vehicles           int       `json:"vehicles"`
	Homes              int       `json:"homes"`
	FloorAreaM2        int       `json:"floor_area_m2"`
	BusinessRegistered bool      `json:"business_registered"`
	// CityAverageFloorAreaM2 is the city's average floor area per person, for the second-home rule.
	CityAverageFloorAreaM2 int `json:"city_average_floor_area_m2"`
}

// Temporary is a 临时救助 case.
type Temporary struct {
	Type     string    `json:"type"`     // emergency or expense
	Severity int       `json:"severity"` // 1–3 for emergency
	Expense  money.Fen `json:"expense_fen"`
	// Requested is the amount asked for, if any; the calculator caps it.
	Requested money.Fen `json:"requested_fen"`
}

// Child describes the child of a children's allowance.
type Child struct {
	MemberID      string `json:"member_id"`
	Institutional bool   `json:"institutional"` // raised in a welfare institution (机构养育)
}

// CPIMonth is one month of the CPI series, year-on-year change in per mille (35 = 3.5 %).
type CPIMonth struct {
	Month   civil.Month `json:"month"`
	CPI     int64       `json:"cpi_yoy_permille"`
	FoodCPI int64       `json:"food_cpi_yoy_permille"`
}

// Result is a calculation's answer with its explanation.
type Result struct {
	Program         string      `json:"program"`
	Eligible        bool        `json:"eligible"`
	Reasons         []string    `json:"reasons"`
	MonthlyAmount   money.Fen   `json:"monthly_amount_fen"`
	Standard        money.Fen   `json:"standard_fen"`
	PerCapitaIncome money.Fen   `json:"per_capita_income_fen"`
	Parameters      []ParamUsed `json:"parameters"`
	Steps           []string    `json:"steps"`
	// OneOff is a one-time amount (临时救助), when the program pays once.
	OneOff money.Fen `json:"one_off_fen,omitempty"`
	// Escalation says the case needs 一事一议 at the district.
	Escalation bool `json:"escalation,omitempty"`
}

// ParamUsed is a parameter value a calculation used, cited in the result.
type ParamUsed struct {
	Name      string     `json:"name"`
	Value     int64      `json:"value"`
	Unit      Unit       `json:"unit"`
	Region    string     `json:"region_code"`
	Hukou     string     `json:"hukou,omitempty"`
	ValidFrom civil.Date `json:"valid_from"`
	ValidTo   civil.Date `json:"valid_to"`
	Official  bool       `json:"official"`
	Source    string     `json:"source"`
}
