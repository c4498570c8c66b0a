package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/money"
)

// outcome is the part of a Result the calculator tests of this file and of children_test.go,
// disability_test.go and pricesubsidy_test.go compare; steps are checked by substring.
type outcome struct {
	Eligible   bool
	Monthly    money.Fen
	OneOff     money.Fen
	Standard   money.Fen
	Escalation bool
}

func outcomeOf(r Result) outcome {
	return outcome{Eligible: r.Eligible, Monthly: r.MonthlyAmount, OneOff: r.OneOff, Standard: r.Standard, Escalation: r.Escalation}
}

// mustCalculate runs req against s (the default set when nil) and fails the test on an error.
func mustCalculate(t *testing.T, s *Set, req Request) Result {
	t.Helper()
	if s == nil {
		s = Default()
	}
	r, err := Calculate(s, req)
	if err != nil {
		t.Fatalf("Calculate: %v", err)
	}
	return r
}

// checkSteps fails unless every want appears in some step (or reason) of r.
func checkSteps(t *testing.T, r Result, want ...string) {
	t.Helper()
	all := strings.Join(append(append([]string{}, r.Steps...), r.Reasons...), "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no step or reason contains %q; steps:\n%s", w, all)
		}
	}
}

func tempRequest(on string, tmp Temporary) Request {
	return Request{Program: "temporary", Date: date(on), RegionCode: "370212001001", Hukou: "urban",
		Members: []Member{
			{ID: "a", BirthDate: date("1980-05-01"), MonthlyIncomes: []Income{{Kind: "wage", Amount: 300000}}},
			{ID: "b", BirthDate: date("2010-05-01"), MonthlyIncomes: []Income{{Kind: "basic_pension", Amount: 900000}}},
		},
		Temporary: &tmp}
}

func TestTemporary(t *testing.T) {
	// 2024 urban standard 1115 yuan: 6 × = 6690 yuan, the town limit 3000 yuan.
	lowCaseCap, err := Default().With(Param{Name: "temporary.case_cap", Region: "3702", ValidFrom: date("2024-01-01"),
		Value: 500000, Unit: FenOnce, Source: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		set   *Set
		req   Request
		want  outcome
		steps []string
	}{
		{"emergency severity 1", nil, tempRequest("2024-03-01", Temporary{Type: "emergency", Severity: 1}),
			outcome{Eligible: true, OneOff: 111500, Standard: 111500}, []string{"× 1 倍", "先行救助", "24 小时", "5 日", "直接审批"}},
		{"emergency severity 2", nil, tempRequest("2024-03-01", Temporary{Type: "emergency", Severity: 2}),
			outcome{Eligible: true, OneOff: 223000, Standard: 111500}, []string{"× 2 倍", "直接审批"}},
		{"emergency severity 3 above town limit", nil, tempRequest("2024-03-01", Temporary{Type: "emergency", Severity: 3}),
			outcome{Eligible: true, OneOff: 334500, Standard: 111500}, []string{"× 3 倍", "报县（区）民政部门审批"}},
		{"emergency 2022 standard 904", nil, tempRequest("2022-12-31", Temporary{Type: "emergency", Severity: 1}),
			outcome{Eligible: true, OneOff: 90400, Standard: 90400}, nil},
		{"emergency rural Pingdu 860", nil, func() Request {
			r := tempRequest("2024-03-01", Temporary{Type: "emergency", Severity: 3})
			r.RegionCode, r.Hukou = "370283100201", "rural"
			return r
		}(), outcome{Eligible: true, OneOff: 258000, Standard: 86000}, nil},
		{"emergency requested below amount", nil, tempRequest("2024-03-01", Temporary{Type: "emergency", Severity: 3, Requested: 150000}),
			outcome{Eligible: true, OneOff: 150000, Standard: 111500}, []string{"按申请金额给予 ¥1,500.00", "直接审批"}},
		{"emergency requested above amount within 6x", nil, tempRequest("2024-03-01", Temporary{Type: "emergency", Severity: 1, Requested: 200000}),
			outcome{Eligible: true, OneOff: 111500, Standard: 111500}, []string{"按规则核定额给予 ¥1,115.00"}},
		{"emergency requested above 6x", nil, tempRequest("2024-03-01", Temporary{Type: "emergency", Severity: 2, Requested: 700000}),
			outcome{Eligible: true, OneOff: 223000, Standard: 111500, Escalation: true}, []string{"一事一议", "记录在案"}},
		{"expense below cap", nil, tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 200000}),
			outcome{Eligible: true, OneOff: 200000, Standard: 111500}, []string{"按实际必需支出", "直接审批"}},
		{"expense exactly at town limit", nil, tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 300000}),
			outcome{Eligible: true, OneOff: 300000, Standard: 111500}, []string{"直接审批"}},
		{"expense one fen above town limit", nil, tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 300001}),
			outcome{Eligible: true, OneOff: 300001, Standard: 111500}, []string{"报县（区）民政部门审批"}},
		{"expense exactly at 6x cap", nil, tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 669000}),
			outcome{Eligible: true, OneOff: 669000, Standard: 111500}, []string{"报县（区）民政部门审批"}},
		{"expense one fen above 6x cap", nil, tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 669001}),
			outcome{Eligible: true, OneOff: 669000, Standard: 111500, Escalation: true}, []string{"按上限核定 ¥6,690.00", "超过 6 倍月低保标准", "一事一议"}},
		{"expense above case cap", nil, tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 1000001}),
			outcome{Eligible: true, OneOff: 669000, Standard: 111500, Escalation: true}, []string{"及一事一议额度 ¥10,000.00"}},
		{"expense requested below cap", nil, tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 900000, Requested: 250000}),
			outcome{Eligible: true, OneOff: 250000, Standard: 111500}, []string{"按申请金额给予 ¥2,500.00", "直接审批"}},
		{"expense exactly at a lower case cap", lowCaseCap, tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 500000}),
			outcome{Eligible: true, OneOff: 500000, Standard: 111500}, nil},
		{"expense one fen above a lower case cap", lowCaseCap, tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 500001}),
			outcome{Eligible: true, OneOff: 500001, Standard: 111500, Escalation: true}, []string{"一事一议额度 ¥5,000.00"}},
		{"expense income just below disposable/12", nil, func() Request {
			r := tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 200000})
			r.Members[0].MonthlyIncomes[0].Amount = 999999 // per capita 4999.995 < 5000, shown rounded as 5000.00
			return r
		}(), outcome{Eligible: true, OneOff: 200000, Standard: 111500}, []string{"月人均收入 ¥5,000.00 低于"}},
		{"expense income at disposable/12", nil, func() Request {
			r := tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 200000})
			r.Members[0].MonthlyIncomes[0].Amount = 1000000 // per capita exactly 5000
			return r
		}(), outcome{Standard: 111500}, []string{"不低于上年人均可支配收入"}},
		{"expense income after deductions", nil, func() Request {
			r := tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 200000})
			r.Members[0].MonthlyIncomes[0].Amount, r.Deductions = 1100000, 200000
			return r
		}(), outcome{Eligible: true, OneOff: 200000, Standard: 111500}, nil},
		{"no rural standard in Shinan", nil, func() Request {
			r := tempRequest("2024-03-01", Temporary{Type: "emergency", Severity: 1})
			r.RegionCode, r.Hukou = "370202001001", "rural"
			return r
		}(), outcome{}, []string{"没有适用的参数 dibao.standard"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCalculate(t, tt.set, tt.req)
			if diff := cmp.Diff(tt.want, outcomeOf(r)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s\nsteps: %q\nreasons: %q", diff, r.Steps, r.Reasons)
			}
			if r.MonthlyAmount != 0 {
				t.Errorf("临时救助 is one-off, monthly = %s", r.MonthlyAmount)
			}
			checkSteps(t, r, tt.steps...)
		})
	}
}

func TestTemporaryBadRequests(t *testing.T) {
	tests := []struct {
		name string
		tmp  *Temporary
		keep bool // keep the members
		want string
	}{
		{"nil temporary", nil, true, "temporary:"},
		{"unknown type", &Temporary{Type: "sudden"}, true, "temporary.type"},
		{"severity 0", &Temporary{Type: "emergency"}, true, "temporary.severity"},
		{"severity 4", &Temporary{Type: "emergency", Severity: 4}, true, "temporary.severity"},
		{"negative expense", &Temporary{Type: "expense", Expense: -1}, true, "temporary.expense_fen"},
		{"negative request", &Temporary{Type: "emergency", Severity: 1, Requested: -1}, true, "temporary.requested_fen"},
		{"expense without members", &Temporary{Type: "expense", Expense: 1}, false, "members"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tempRequest("2024-03-01", Temporary{})
			req.Temporary = tt.tmp
			if !tt.keep {
				req.Members = nil
			}
			_, err := Calculate(Default(), req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %s", err, tt.want)
			}
		})
	}
	t.Run("unknown income kind", func(t *testing.T) {
		req := tempRequest("2024-03-01", Temporary{Type: "expense", Expense: 1})
		req.Members[0].MonthlyIncomes[0].Kind = "lottery"
		if _, err := Calculate(Default(), req); err == nil || !strings.Contains(err.Error(), "monthly_incomes[0].kind") {
			t.Fatalf("err = %v", err)
		}
	})
}
