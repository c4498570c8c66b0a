package policy

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// runMeans calculates each case and compares eligibility, standard and per-capita income; the
// §5 statuses never pay a monthly amount.
func runMeans(t *testing.T, req Request, eligible bool, standard, perCapita money.Fen, says ...string) {
	t.Helper()
	r := mustCalculate(t, nil, req)
	if diff := cmp.Diff(means{eligible, 0, standard, perCapita}, meansOf(r)); diff != "" {
		t.Errorf("(-want +got):\n%s\nsteps:\n%s\nreasons: %q", diff, strings.Join(r.Steps, "\n"), r.Reasons)
	}
	if r.Eligible != (len(r.Reasons) == 0) {
		t.Errorf("eligible %v with reasons %q", r.Eligible, r.Reasons)
	}
	checkSteps(t, r, append(says, "月金额 ¥0.00")...)
}

func TestDibaoEdge(t *testing.T) {
	// 2024 urban: standard 1115.00, edge line 1.5 × = 1672.50.
	one := func(wage money.Fen, f func(r *Request)) Request {
		r := meansRequest("dibao_edge", "2024-03-01", "370202001001", "urban", meansAdult("a", wage))
		if f != nil {
			f(&r)
		}
		return r
	}
	tests := []struct {
		name     string
		req      Request
		eligible bool
		says     string
	}{
		{"one fen below the 低保 standard", one(111499, nil), false, "应申请低保"},
		{"at the 低保 standard", one(111500, nil), true, "此为身份认定"},
		{"one fen below the edge line", one(167249, nil), true, "低保边缘标准 = 低保标准 ¥1,115.00 × 1.5 倍 = ¥1,672.50"},
		{"at the edge line", one(167250, nil), false, "不低于低保边缘标准 ¥1,672.50"},
		{"already 低保", one(120000, func(r *Request) { r.Members[0].Receives = []string{"dibao"} }), false, "已享受最低生活保障"},
		{"already 特困", one(120000, func(r *Request) { r.Members[0].Receives = []string{"tekun"} }), false, "已享受特困人员救助供养"},
		{"property over the limits", one(120000, func(r *Request) { r.Assets.Vehicles = 1 }), false, "机动车"},
		{"expenditure type", one(200000, func(r *Request) { r.Expenditure, r.RigidSpending12m = true, 1200000 }), true, "按支出型条件认定"},
		{"expenditure type not asked for", one(200000, func(r *Request) { r.RigidSpending12m = 1200000 }), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runMeans(t, tt.req, tt.eligible, 167250, tt.req.Members[0].MonthlyIncomes[0].Amount, tt.says)
		})
	}
	t.Run("rural Pingdu line 1290", func(t *testing.T) {
		req := meansRequest("dibao_edge", "2024-03-01", "370283100201", "rural", meansAdult("a", 100000))
		runMeans(t, req, true, 129000, 100000)
	})
}

func TestRigidExpense(t *testing.T) {
	// Two earners of 3000.00: per capita 3000.00, above the edge line 1672.50 and below the urban
	// disposable income 5000.00 a month; yearly income 72,000.00, of which 50 % is 36,000.00.
	two := func(on string, wage, rigid money.Fen, f func(r *Request)) Request {
		r := meansRequest("rigid_expense", on, "370202001001", "urban", meansAdult("a", wage), meansAdult("b", wage))
		r.RigidSpending12m = rigid
		if f != nil {
			f(&r)
		}
		return r
	}
	tests := []struct {
		name      string
		req       Request
		eligible  bool
		perCapita money.Fen
		says      string
	}{
		{"2024-12-31 before the policy", two("2024-12-31", 300000, 4000000, nil), false, 300000, "刚性支出困难家庭认定政策自2025年1月1日起施行"},
		{"2025-01-01 the policy starts", two("2025-01-01", 300000, 4000000, nil), true, 300000, "认定有效期 12 个月，自2025年1月1日至2025年12月31日"},
		{"spending exactly 50 %", two("2025-03-01", 300000, 3600000, nil), false, 300000, "未超过家庭年收入的 50%"},
		{"spending one fen above 50 %", two("2025-03-01", 300000, 3600001, nil), true, 300000, "占比 50%"},
		{"already an edge family", two("2025-03-01", 300000, 4000000, func(r *Request) { r.Members[1].Receives = []string{"dibao_edge"} }),
			false, 300000, "已享受低保边缘家庭认定"},
		{"income within the edge line", two("2025-03-01", 100000, 4000000, nil), false, 100000, "应按低保或低保边缘家庭认定"},
		{"income at disposable income", two("2025-03-01", 500000, 9000000, nil), false, 500000, "不低于上年人均可支配收入"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runMeans(t, tt.req, tt.eligible, 0, tt.perCapita, tt.says) })
	}
}

func TestIllnessPoverty(t *testing.T) {
	// Two earners of 2000.00, one seriously ill: per capita 2000.00, above the edge line 1672.50.
	ill := func(rigid money.Fen, sick bool) Request {
		r := meansRequest("illness_poverty", "2024-03-01", "370202001001", "urban", meansAdult("a", 200000), meansAdult("b", 200000))
		r.Members[0].SeriousIllness, r.RigidSpending12m = sick, rigid
		return r
	}
	tests := []struct {
		name     string
		req      Request
		eligible bool
		says     string
	}{
		{"medical costs bring income below the edge line", ill(1200000, true), true, "扣除医疗费用后人均月收入 ¥1,500.00 < 低保边缘标准 ¥1,672.50"},
		{"net income exactly at the edge line", ill(786000, true), false, "¥1,672.50 不低于低保边缘标准"},
		{"net income one fen below", ill(786024, true), true, "¥1,672.49 <"},
		{"no serious illness", ill(1200000, false), false, "没有经认定的重病患者"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runMeans(t, tt.req, tt.eligible, 167250, 200000, tt.says) })
	}
}

func TestMeansTestsRejectBadInput(t *testing.T) {
	tests := []struct {
		name string
		f    func(r *Request)
		want string
	}{
		{"no members", func(r *Request) { r.Members = nil }, "members"},
		{"unknown income kind", func(r *Request) { r.Members[0].MonthlyIncomes = []Income{{"lottery", 1}} }, "monthly_incomes[0].kind"},
		{"negative income", func(r *Request) { r.Members[0].MonthlyIncomes = []Income{{"business", -1}} }, "amount_fen"},
		{"absurd income", func(r *Request) { r.Members[0].MonthlyIncomes = []Income{{"wage", maxFen + 1}} }, "amount_fen"},
		{"income sum out of range", func(r *Request) { r.Members[0].MonthlyIncomes = []Income{{"wage", maxFen}, {"wage", 1}} }, "total income"},
		{"negative deductions", func(r *Request) { r.Deductions = -1 }, "deductions_fen"},
		{"negative rigid spending", func(r *Request) { r.RigidSpending12m = -1 }, "rigid_spending_12m_fen"},
		{"negative vehicles", func(r *Request) { r.Assets.Vehicles = -1 }, "assets"},
		{"disability grade 5", func(r *Request) { r.Members[0].Disability = &Disability{Kind: "physical", Grade: 5} }, "disability"},
		{"unknown disability kind", func(r *Request) { r.Members[0].Disability = &Disability{Kind: "other", Grade: 1} }, "disability"},
	}
	for _, program := range []string{"dibao", "tekun", "dibao_edge", "rigid_expense", "illness_poverty"} {
		for _, tt := range tests {
			t.Run(program+"/"+tt.name, func(t *testing.T) {
				req := dibaoCase(tt.f)
				req.Program, req.Date = program, date("2025-03-01")
				if _, err := Calculate(Default(), req); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("err = %v, want one naming %q", err, tt.want)
				}
			})
		}
	}
}

// TestMeansCalculatorsNeverPanic throws wild requests — out-of-range amounts, unknown keys, odd
// dates and regions — at the means-tested calculators: each must answer or refuse, never panic.
func TestMeansCalculatorsNeverPanic(t *testing.T) {
	s, rng := Default(), rand.New(rand.NewPCG(7, 11))
	amounts := []money.Fen{-1, 0, 1, 111499, 111500, maxFen, maxFen + 1, math.MaxInt64, math.MinInt64}
	amount := func() money.Fen {
		if rng.IntN(2) == 0 {
			return amounts[rng.IntN(len(amounts))]
		}
		return money.Fen(rng.Int64N(1_000_000))
	}
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	for range 20000 {
		req := randomHousehold(rng)
		req.Program = pick("dibao", "tekun", "dibao_edge", "rigid_expense", "illness_poverty")
		req.Date = civil.Date{Year: rng.IntN(3000), Month: time.Month(rng.IntN(13)), Day: rng.IntN(32)}
		req.RegionCode, req.Hukou = pick("", "37", "370202", "370283100201", "999999", "3702x2"), pick("urban", "rural", "urban", "x")
		req.Deductions, req.RigidSpending12m, req.Assets.FinancialAssets = amount(), amount(), amount()
		req.Assets.Vehicles, req.Assets.Homes = rng.IntN(5)-2, rng.IntN(5)-2
		req.Members = req.Members[:rng.IntN(len(req.Members)+1)]
		for i := range req.Members {
			m := &req.Members[i]
			m.MonthlyIncomes = append(m.MonthlyIncomes, Income{pick("wage", "lottery", "", "transfer"), amount()})
			m.Disability = &Disability{Kind: pick("physical", "mental", "x"), Grade: rng.IntN(8) - 1}
			m.SelfCareFailed, m.HasSupporter, m.InSchool = rng.IntN(12)-3, rng.IntN(2) == 0, rng.IntN(2) == 0
			m.Receives = []string{pick("dibao", "tekun", "dibao_edge", "")}
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panic %v for %+v", p, req)
				}
			}()
			_, _ = Calculate(s, req)
		}()
	}
}
