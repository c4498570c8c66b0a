package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/money"
)

// tekunElder is a person of 70 on 2024-03-01 with no income who cares for themself.
func tekunElder(id string) Member { return meansMember(id, "1954-01-01", 0) }

func TestTekunBasicStandard(t *testing.T) {
	tests := []struct {
		name, region, hukou, on string
		basic                   int64 // fen
	}{
		{"2021 urban published 904 → 1356", "370202001001", "urban", "2021-07-01", 135600},
		{"2021 rural Pingdu published 680 → 1020", "370283100201", "rural", "2022-12-31", 102000},
		{"2021 rural Jimo 904 → 1356", "370215100201", "rural", "2022-01-01", 135600},
		{"2023 urban 1045 → 1567.5 → 1568", "370212001001", "urban", "2023-06-01", 156800},
		{"2023 rural Jiaozhou 791 → 1186.5 → 1187", "370281100201", "rural", "2023-06-01", 118700},
		{"2024 urban 1115 → 1672.5 → 1673", "370202001001", "urban", "2024-03-01", 167300},
		{"2024 rural Laixi 860 → 1290", "370285100201", "rural", "2024-03-01", 129000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCalculate(t, nil, meansRequest("tekun", tt.on, tt.region, tt.hukou, tekunElder("e")))
			want := means{Eligible: true, Monthly: money.Fen(tt.basic + 44000), Standard: money.Fen(tt.basic)} // + self-care 440
			if diff := cmp.Diff(want, meansOf(r)); diff != "" {
				t.Errorf("(-want +got):\n%s\nsteps:\n%s\nreasons: %q", diff, strings.Join(r.Steps, "\n"), r.Reasons)
			}
			checkSteps(t, r, "四舍五入到元")
		})
	}
	t.Run("before the first standard", func(t *testing.T) {
		r := mustCalculate(t, nil, meansRequest("tekun", "2021-06-30", "370202001001", "urban", tekunElder("e")))
		if diff := cmp.Diff(means{}, meansOf(r)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		checkSteps(t, r, "没有适用的参数 dibao.standard")
	})
}

func TestTekunCareLevels(t *testing.T) {
	for _, tt := range []struct {
		name   string
		failed int
		care   int64
	}{
		{"self-care", 0, 44000}, {"one activity failed", 1, 99000}, {"three failed", 3, 99000},
		{"four failed", 4, 132000}, {"all six failed", 6, 132000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := tekunElder("e")
			m.SelfCareFailed = tt.failed
			r := mustCalculate(t, nil, meansRequest("tekun", "2024-03-01", "370202001001", "urban", m))
			if diff := cmp.Diff(means{true, 167300 + money.Fen(tt.care), 167300, 0}, meansOf(r)); diff != "" {
				t.Errorf("(-want +got):\n%s\nreasons: %q", diff, r.Reasons)
			}
		})
	}
	m := tekunElder("e")
	m.SelfCareFailed = 7
	if _, err := Calculate(Default(), meansRequest("tekun", "2024-03-01", "370202001001", "urban", m)); err == nil {
		t.Error("7 failed activities of 6 accepted")
	}
}

func TestTekunEligibility(t *testing.T) {
	with := func(m Member, f func(m *Member)) Member { f(&m); return m }
	disabled := func(kind string, grade int) Member {
		return with(meansAdult("d", 0), func(m *Member) { m.Disability = &Disability{Kind: kind, Grade: grade} })
	}
	one := int64(167300 + 44000)
	tests := []struct {
		name    string
		members []Member
		assets  Assets
		monthly int64 // 0: not eligible
		says    string
	}{
		{"60 on the birthday", []Member{meansMember("e", "1964-03-01", 0)}, Assets{}, one, "年满 60 周岁"},
		{"59 the day before", []Member{meansMember("e", "1964-03-02", 0)}, Assets{}, 0, "不属于无劳动能力人员"},
		{"child under 16", []Member{meansMember("c", "2010-01-01", 0)}, Assets{}, one, "未满 16 周岁"},
		{"minor of 17", []Member{meansMember("c", "2006-06-01", 0)}, Assets{}, one, "供养至 18 周岁"},
		{"18 and in school", []Member{with(meansMember("c", "2005-06-01", 0), func(m *Member) { m.InSchool = true })}, Assets{}, one, "仍在校就读"},
		{"18 and out of school", []Member{meansMember("c", "2005-06-01", 0)}, Assets{}, 0, "不属于无劳动能力人员"},
		{"intellectual grade 3", []Member{disabled("intellectual", 3)}, Assets{}, one, "智力三级"},
		{"mental grade 3", []Member{disabled("mental", 3)}, Assets{}, one, "精神三级"},
		{"physical grade 2", []Member{disabled("physical", 2)}, Assets{}, one, "肢体二级"},
		{"physical grade 3", []Member{disabled("physical", 3)}, Assets{}, 0, "不属于无劳动能力人员"},
		{"visual grade 1", []Member{disabled("visual", 1)}, Assets{}, one, "视力一级"},
		{"visual grade 2", []Member{disabled("visual", 2)}, Assets{}, 0, ""},
		{"hearing grade 1 is not on the list", []Member{disabled("hearing", 1)}, Assets{}, 0, ""},
		{"has a supporter", []Member{with(tekunElder("e"), func(m *Member) { m.HasSupporter = true })}, Assets{}, 0, "法定义务人"},
		{"income at the 低保 standard", []Member{with(tekunElder("e"), func(m *Member) {
			m.MonthlyIncomes = []Income{{"transfer", 111500}}
		})}, Assets{}, 0, "不低于低保标准"},
		{"income one fen below", []Member{with(tekunElder("e"), func(m *Member) {
			m.MonthlyIncomes = []Income{{"transfer", 111499}}
		})}, Assets{}, one, ""},
		{"pension is not income", []Member{with(tekunElder("e"), func(m *Member) {
			m.MonthlyIncomes = []Income{{"basic_pension", 500000}}
		})}, Assets{}, one, "不计入家庭收入"},
		{"deposits over the limit", []Member{tekunElder("e")}, Assets{FinancialAssets: 2676001}, 0, "金融资产"},
		{"two elders", []Member{tekunElder("e"), tekunElder("f")}, Assets{}, 2 * one, "月供养金合计 ¥4,226.00"},
		{"covered elder beside an earner", []Member{with(tekunElder("e"), func(m *Member) { m.Covered = true }),
			meansAdult("son", 100000)}, Assets{}, one, ""},
		{"one covered member fails", []Member{tekunElder("e"), meansAdult("a", 0)}, Assets{}, 0, "成员 a（43 周岁）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := meansRequest("tekun", "2024-03-01", "370202001001", "urban", tt.members...)
			req.Assets = tt.assets
			r := mustCalculate(t, nil, req)
			if got := (means{r.Eligible, r.MonthlyAmount, r.Standard, 0}); got != (means{tt.monthly > 0, money.Fen(tt.monthly), 167300, 0}) {
				t.Errorf("got %+v, want monthly %d\nsteps:\n%s\nreasons: %q", got, tt.monthly, strings.Join(r.Steps, "\n"), r.Reasons)
			}
			checkSteps(t, r, tt.says)
		})
	}
}
