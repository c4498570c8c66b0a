package policy

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/money"
)

// means is the part of a Result the means-tested calculators' tests (dibao, tekun, edge)
// compare; steps and reasons are checked by substring with checkSteps.
type means struct {
	Eligible  bool
	Monthly   money.Fen
	Standard  money.Fen
	PerCapita money.Fen
}

func meansOf(r Result) means {
	return means{Eligible: r.Eligible, Monthly: r.MonthlyAmount, Standard: r.Standard, PerCapita: r.PerCapitaIncome}
}

// meansMember is a member born on birth with a monthly wage (none when zero).
func meansMember(id, birth string, wage money.Fen) Member {
	m := Member{ID: id, BirthDate: date(birth)}
	if wage > 0 {
		m.MonthlyIncomes = []Income{{Kind: "wage", Amount: wage}}
	}
	return m
}

// meansAdult is a working-age member (born 1980) with a monthly wage.
func meansAdult(id string, wage money.Fen) Member { return meansMember(id, "1980-05-01", wage) }

// meansRequest is a request of program on date on for a household in region with hukou.
func meansRequest(program, on, region, hukou string, ms ...Member) Request {
	return Request{Program: program, Date: date(on), RegionCode: region, Hukou: hukou, Members: ms}
}

// dibaoCase changes a one-adult urban 市南 household on 2024-03-01 with no income.
func dibaoCase(f func(r *Request)) Request {
	r := meansRequest("dibao", "2024-03-01", "370202001001", "urban", meansAdult("a", 0))
	f(&r)
	return r
}

func TestDibao(t *testing.T) {
	ill := meansMember("old", "1950-01-01", 0)
	ill.SeriousIllness = true
	disabled := meansAdult("d", 0)
	disabled.Disability = &Disability{Kind: "physical", Grade: 2}
	mental3, physical3 := meansAdult("m3", 0), meansAdult("p3", 0)
	mental3.Disability, physical3.Disability = &Disability{Kind: "mental", Grade: 3}, &Disability{Kind: "physical", Grade: 3}
	soloChild := meansMember("c", "2000-01-01", 0)
	soloChild.Disability, soloChild.Covered = &Disability{Kind: "physical", Grade: 1}, true
	plainChild := meansMember("c", "2000-01-01", 0)
	plainChild.Covered = true
	covered := func(m Member) Member { m.Covered = true; return m }

	tests := []struct {
		name  string
		req   Request
		want  means
		steps []string
	}{
		{"urban two adults", meansRequest("dibao", "2024-03-01", "370202001001", "urban", meansAdult("a", 100000), meansAdult("b", 0)),
			means{true, 123000, 111500, 50000}, []string{"低保标准 ¥1,115.00/人·月（城镇户籍，2024年1月1日起，官方，来源：青岛市民政局 2024 年标准）",
				"(低保标准 ¥1,115.00 − 家庭月人均收入 ¥500.00) × 2 人 = ¥1,230.00"}},
		{"rural Jimo 370215 2024 uses 1115", meansRequest("dibao", "2024-03-01", "370215100201", "rural", meansAdult("a", 60000), meansAdult("b", 0)),
			means{true, 163000, 111500, 30000}, nil},
		{"rural Pingdu 370283 2024 uses 860", meansRequest("dibao", "2024-03-01", "370283100201", "rural", meansAdult("a", 60000), meansAdult("b", 0)),
			means{true, 112000, 86000, 30000}, nil},
		{"rural Shinan 370202 has no standard", meansRequest("dibao", "2024-03-01", "370202001001", "rural", meansAdult("a", 60000), meansAdult("b", 0)),
			means{false, 0, 0, 30000}, []string{"没有适用的参数 dibao.standard", "没有农村人口"}},
		{"income exactly at the standard", dibaoCase(func(r *Request) { r.Members[0] = meansAdult("a", 111500) }),
			means{false, 0, 111500, 111500}, []string{"不低于低保标准 ¥1,115.00"}},
		{"one fen below the standard", dibaoCase(func(r *Request) { r.Members = []Member{meansAdult("a", 111499), meansAdult("b", 111499)} }),
			means{true, 2, 111500, 111499}, nil},
		{"per-capita rounded half up onto the standard", dibaoCase(func(r *Request) {
			r.Members = []Member{meansAdult("a", 334499), meansAdult("b", 0), meansAdult("c", 0)} // 1114.9967 → 1115.00
		}), means{false, 0, 111500, 111500}, []string{"四舍五入到分"}},
		{"2023-12-31 old standard 1045", dibaoCase(func(r *Request) { r.Date, r.Members[0] = date("2023-12-31"), meansAdult("a", 105000) }),
			means{false, 0, 104500, 105000}, nil},
		{"2024-01-01 new standard 1115", dibaoCase(func(r *Request) { r.Date, r.Members[0] = date("2024-01-01"), meansAdult("a", 105000) }),
			means{true, 6500, 111500, 105000}, nil},
		{"excluded income kinds not counted", dibaoCase(func(r *Request) {
			r.Members[0].MonthlyIncomes = []Income{{"wage", 50000}, {"basic_pension", 20000}, {"special_care", 10000},
				{"family_planning_reward", 5000}, {"scholarship", 5000}, {"heroism_award", 100000}, {"social_assistance", 30000}}
		}), means{true, 61500, 111500, 50000}, []string{"不计入家庭收入", "城乡居民基础养老金 ¥200.00", "见义勇为奖励 ¥1,000.00"}},
		{"all counted kinds", dibaoCase(func(r *Request) {
			r.Members[0].MonthlyIncomes = []Income{{"wage", 10000}, {"business", 20000}, {"property", 30000}, {"transfer", 40000}}
		}), means{true, 11500, 111500, 100000}, nil},
		{"deductions of illness costs", dibaoCase(func(r *Request) { r.Members[0], r.Deductions = meansAdult("a", 120000), 20000 }),
			means{true, 11500, 111500, 100000}, []string{"扣除因残疾、重病产生的必要支出 ¥200.00/月"}},
		{"increments only the highest per member", dibaoCase(func(r *Request) {
			r.Members = []Member{ill, meansMember("kid", "2015-06-01", 0), disabled, meansAdult("a", 0)}
		}), means{true, 446000 + 33450 + 11150 + 22300, 111500, 0}, []string{"符合 重病 30%、70 周岁以上 10%，取最高一项 重病 30%"}},
		{"grade 3 mental is severe, grade 3 physical is not", dibaoCase(func(r *Request) { r.Members = []Member{mental3, physical3} }),
			means{true, 223000 + 22300, 111500, 0}, nil},
		{"70 on the birthday", dibaoCase(func(r *Request) { r.Members[0] = meansMember("a", "1954-03-01", 0) }),
			means{true, 111500 + 11150, 111500, 0}, nil},
		{"69 the day before", dibaoCase(func(r *Request) { r.Members[0] = meansMember("a", "1954-03-02", 0) }),
			means{true, 111500, 111500, 0}, nil},
		{"two of three covered", dibaoCase(func(r *Request) {
			r.Members = []Member{covered(meansAdult("a", 0)), covered(meansAdult("b", 0)), meansAdult("c", 0)}
		}), means{true, 223000, 111500, 0}, []string{"保障人数 2 人"}},
		{"single-person household in an edge family", dibaoCase(func(r *Request) {
			r.Members = []Member{meansAdult("f", 200000), meansAdult("m", 200000), soloChild} // 1333.33 per capita
		}), means{true, 111500 + 22300, 111500, 133333}, []string{"单人户", "低保边缘标准 ¥1,672.50"}},
		{"single-person household above the edge line", dibaoCase(func(r *Request) {
			r.Members = []Member{meansAdult("f", 300000), meansAdult("m", 300000), soloChild}
		}), means{false, 0, 111500, 200000}, []string{"不低于低保边缘标准"}},
		{"one covered without grounds for 单人户", dibaoCase(func(r *Request) {
			r.Members = []Member{meansAdult("f", 200000), meansAdult("m", 200000), plainChild}
		}), means{false, 0, 111500, 133333}, []string{"不低于低保标准"}},
		{"expenditure route", dibaoCase(func(r *Request) {
			r.Members, r.Expenditure, r.RigidSpending12m = []Member{meansAdult("a", 150000), meansAdult("b", 150000)}, true, 2400000
		}), means{true, 123000, 111500, 150000}, []string{"按支出型条件认定", "扣除后人均月收入 = (12 × ¥3,000.00 − ¥24,000.00) ÷ 12 ÷ 2 = ¥500.00"}},
		{"same household without the expenditure route", dibaoCase(func(r *Request) {
			r.Members, r.RigidSpending12m = []Member{meansAdult("a", 150000), meansAdult("b", 150000)}, 2400000
		}), means{false, 0, 111500, 150000}, nil},
		{"expenditure route needs income below disposable income", dibaoCase(func(r *Request) {
			r.RegionCode, r.Hukou = "370215100201", "rural" // rural 25,000/year: 2083.33 a month
			r.Members, r.Expenditure, r.RigidSpending12m = []Member{meansAdult("a", 210000), meansAdult("b", 210000)}, true, 5000000
		}), means{false, 0, 111500, 210000}, []string{"不符合支出型条件"}},
		{"expenditure route when the plain route pays less", dibaoCase(func(r *Request) {
			r.Members, r.Expenditure, r.RigidSpending12m = []Member{meansAdult("a", 100000)}, true, 600000 // 1000 vs 500
		}), means{true, 61500, 111500, 100000}, []string{"对家庭更有利"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCalculate(t, nil, tt.req)
			if diff := cmp.Diff(tt.want, meansOf(r)); diff != "" {
				t.Errorf("(-want +got):\n%s\nsteps:\n%s\nreasons: %q", diff, strings.Join(r.Steps, "\n"), r.Reasons)
			}
			if r.Eligible != (len(r.Reasons) == 0) {
				t.Errorf("eligible %v with reasons %q", r.Eligible, r.Reasons)
			}
			checkSteps(t, r, tt.steps...)
		})
	}
}

func TestDibaoProperty(t *testing.T) {
	tests := []struct {
		name   string
		assets Assets
		ok     bool
		says   string
	}{
		{"deposits at 24 months of the standard", Assets{FinancialAssets: 2676000}, true, "上限 24 × 低保标准 ¥1,115.00 = ¥26,760.00"},
		{"deposits one fen over", Assets{FinancialAssets: 2676001}, false, "超过上限 ¥26,760.00"},
		{"a vehicle", Assets{Vehicles: 1}, false, "机动车 1 辆"},
		{"one home", Assets{Homes: 1, FloorAreaM2: 200}, true, ""},
		{"second home, small per person", Assets{Homes: 2, FloorAreaM2: 39, CityAverageFloorAreaM2: 40}, true, "按例外认可"},
		{"second home, at the city average", Assets{Homes: 2, FloorAreaM2: 40, CityAverageFloorAreaM2: 40}, false, "不低于全市人均 40 m²"},
		{"second home, no city average given", Assets{Homes: 2, FloorAreaM2: 10}, false, "未提供全市人均住房面积"},
		{"three homes", Assets{Homes: 3, CityAverageFloorAreaM2: 1000}, false, "住房 3 套"},
		{"registered business", Assets{BusinessRegistered: true}, false, "市场主体"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCalculate(t, nil, dibaoCase(func(r *Request) { r.Assets = tt.assets }))
			want := means{tt.ok, 0, 111500, 0}
			if tt.ok {
				want.Monthly = 111500
			}
			if diff := cmp.Diff(want, meansOf(r)); diff != "" {
				t.Errorf("(-want +got):\n%s\nreasons: %q", diff, r.Reasons)
			}
			checkSteps(t, r, tt.says)
		})
	}
}

func TestDibaoCitesParameters(t *testing.T) {
	r := mustCalculate(t, nil, dibaoCase(func(r *Request) { r.Members[0] = meansMember("a", "1950-01-01", 0) }))
	var names []string
	for _, p := range r.Parameters {
		names = append(names, p.Name)
	}
	want := []string{"dibao.standard", "dibao.asset_months", "dibao.increment.age70"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("parameters (-want +got):\n%s", diff)
	}
	if !r.Parameters[0].Official || r.Parameters[2].Official {
		t.Errorf("official flags wrong: %+v", r.Parameters)
	}
}

// dibaoCeiling is the most a household may be paid: standard × covered members plus, per covered
// member, the largest increment in force (DOMAIN.md §3).
func dibaoCeiling(s *Set, req Request, std money.Fen) (ceiling, covered money.Fen) {
	for _, m := range req.Members {
		if m.Covered {
			covered++
		}
	}
	if covered == 0 {
		covered = money.Fen(len(req.Members))
	}
	var top int64
	for _, k := range increments {
		if p, err := s.Lookup(k.param, req.RegionCode, req.Hukou, req.Date); err == nil {
			top = max(top, p.Value)
		}
	}
	return (std + money.MulRatio(std, top, 1000, money.RoundHalfUp)) * covered, covered
}

// checkDibaoBounds fails unless r is a sound 低保 result for req: never negative, zero when
// ineligible, at least one fen per covered member when eligible, never above the ceiling.
func checkDibaoBounds(t *testing.T, s *Set, req Request, r Result) {
	t.Helper()
	ceiling, covered := dibaoCeiling(s, req, r.Standard)
	switch {
	case r.MonthlyAmount < 0:
		t.Fatalf("negative amount %s for %+v", r.MonthlyAmount, req)
	case !r.Eligible && r.MonthlyAmount != 0:
		t.Fatalf("ineligible but paid %s for %+v", r.MonthlyAmount, req)
	case r.Eligible && r.MonthlyAmount < covered:
		t.Fatalf("eligible but paid %s for %d covered: %+v\n%s", r.MonthlyAmount, covered, req, strings.Join(r.Steps, "\n"))
	case r.MonthlyAmount > ceiling:
		t.Fatalf("paid %s above the ceiling %s for %+v\n%s", r.MonthlyAmount, ceiling, req, strings.Join(r.Steps, "\n"))
	case r.Eligible != (len(r.Reasons) == 0):
		t.Fatalf("eligible %v with reasons %q", r.Eligible, r.Reasons)
	}
}

// randomHousehold is a plausible household, valid input, on a date from 2021-07-01 on.
func randomHousehold(rng *rand.Rand) Request {
	places := [][2]string{{"370202001001", "urban"}, {"370202001001", "rural"}, {"370215100201", "rural"},
		{"370283100201", "rural"}, {"370212001001", "urban"}, {"370285100201", "urban"}}
	kinds := []string{"wage", "business", "property", "transfer", "basic_pension", "social_assistance", "scholarship"}
	dkinds := []string{"physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple"}
	place := places[rng.IntN(len(places))]
	req := Request{Program: "dibao", Date: date("2021-07-01").AddDays(rng.IntN(2000)), RegionCode: place[0], Hukou: place[1],
		Expenditure: rng.IntN(3) == 0, RigidSpending12m: money.Fen(rng.Int64N(10_000_000)),
		Assets: Assets{FinancialAssets: money.Fen(rng.Int64N(8_000_000)), Vehicles: rng.IntN(8) / 7, Homes: rng.IntN(4),
			FloorAreaM2: rng.IntN(300), CityAverageFloorAreaM2: 40 * rng.IntN(2), BusinessRegistered: rng.IntN(20) == 0}}
	if rng.IntN(5) == 0 {
		req.Deductions = money.Fen(rng.Int64N(50_000))
	}
	for i := range 1 + rng.IntN(6) {
		m := Member{ID: string(rune('a' + i)), BirthDate: date("1925-01-01").AddDays(rng.IntN(35000)), Covered: rng.IntN(4) == 0,
			SeriousIllness: rng.IntN(10) == 0}
		for range rng.IntN(3) {
			m.MonthlyIncomes = append(m.MonthlyIncomes, Income{kinds[rng.IntN(len(kinds))], money.Fen(rng.Int64N(300_000))})
		}
		if rng.IntN(5) == 0 {
			m.Disability = &Disability{Kind: dkinds[rng.IntN(len(dkinds))], Grade: 1 + rng.IntN(4)}
		}
		req.Members = append(req.Members, m)
	}
	return req
}

func TestDibaoAmountBounds(t *testing.T) {
	s, rng := Default(), rand.New(rand.NewPCG(2024, 5))
	eligible := 0
	const n = 20000
	for range n {
		req := randomHousehold(rng)
		r, err := Calculate(s, req)
		if err != nil {
			t.Fatalf("%v for %+v", err, req)
		}
		checkDibaoBounds(t, s, req, r)
		if r.Eligible {
			eligible++
		}
	}
	t.Logf("%d of %d random households eligible", eligible, n)
	if eligible < n/10 || eligible > n*9/10 {
		t.Errorf("%d of %d eligible: the generator no longer probes both sides", eligible, n)
	}
}

// FuzzDibao checks the bounds on households the fuzzer shapes: wage and pension of each member,
// deductions, rigid spending, deposits, size, who is covered, the date and the route.
func FuzzDibao(f *testing.F) {
	f.Add(int64(100000), int64(0), int64(0), int64(0), int64(0), uint8(2), uint8(0), uint16(1000), false)
	f.Add(int64(111499), int64(5000), int64(100), int64(2400000), int64(2676000), uint8(3), uint8(4), uint16(0), true)
	f.Add(int64(-1), int64(maxFen), int64(-5), int64(1), int64(1), uint8(0), uint8(255), uint16(65535), true)
	s := Default()
	f.Fuzz(func(t *testing.T, wage, pension, deductions, rigid, deposits int64, size, flags uint8, day uint16, expenditure bool) {
		req := Request{Program: "dibao", Date: date("2021-01-01").AddDays(int(day % 3000)), RegionCode: "370283100201",
			Hukou: []string{"urban", "rural"}[flags>>7], Deductions: money.Fen(deductions), RigidSpending12m: money.Fen(rigid),
			Expenditure: expenditure, Assets: Assets{FinancialAssets: money.Fen(deposits)}}
		for i := range int(size % 8) {
			m := Member{BirthDate: date("1940-01-01").AddDays(i * 4000), Covered: flags&(1<<i) != 0, SeriousIllness: i == 1,
				MonthlyIncomes: []Income{{"wage", money.Fen(wage)}, {"basic_pension", money.Fen(pension)}}}
			req.Members = append(req.Members, m)
		}
		r, err := Calculate(s, req)
		if err != nil {
			return // refused input is fine; a panic is not
		}
		checkDibaoBounds(t, s, req, r)
	})
}

// BenchmarkDibao is one 低保 calculation for a four-person household with increments and
// excluded income (issue 5: single calculation p99 under 1 ms).
func BenchmarkDibao(b *testing.B) {
	s := Default()
	req := meansRequest("dibao", "2024-03-01", "370215100201", "rural", meansMember("old", "1950-01-01", 0),
		meansAdult("a", 150000), meansAdult("b", 60000), meansMember("kid", "2015-06-01", 0))
	req.Members[0].SeriousIllness = true
	req.Members[0].MonthlyIncomes = []Income{{"basic_pension", 20000}}
	req.Assets = Assets{FinancialAssets: 1000000, Homes: 1}
	for b.Loop() {
		if _, err := Calculate(s, req); err != nil {
			b.Fatal(err)
		}
	}
}
