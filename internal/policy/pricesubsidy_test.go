package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/civil"
)

func month(s string) civil.Month {
	m, err := civil.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// priceRequest is a 崂山 urban request for the month m with one CPI entry and members receiving
// the given programs, one list per member.
func priceRequest(m string, cpi, food int64, receives ...[]string) Request {
	r := Request{Program: "price_subsidy", Date: month(m).FirstDay().AddDays(14), Month: month(m),
		RegionCode: "370212001001", Hukou: "urban",
		CPI: []CPIMonth{{Month: month(m).Prev(), CPI: 99, FoodCPI: 99}, {Month: month(m), CPI: cpi, FoodCPI: food}}}
	for i, rs := range receives {
		r.Members = append(r.Members, Member{ID: string(rune('a' + i)), BirthDate: date("1960-01-01"), Receives: rs})
	}
	return r
}

func TestPriceSubsidy(t *testing.T) {
	dibao := []string{"dibao"}
	tests := []struct {
		name  string
		req   Request
		want  outcome
		steps []string
	}{
		// 2022-09 to 2023-03 the CPI threshold was 3.0 %; 2022 urban standard 904: 904 × 3.2 % = 28.928.
		{"2022-10 CPI 3.2% above temporary 3.0%", priceRequest("2022-10", 32, 20, dibao, dibao),
			outcome{Eligible: true, Monthly: 5786, Standard: 2893}, []string{"3.2% 达到 3%", "¥904.00 × 3.2% = ¥28.93", "¥28.93 × 2 人 = ¥57.86"}},
		{"2023-05 CPI 3.2% below 3.5%", priceRequest("2023-05", 32, 20, dibao),
			outcome{}, []string{"2023年5月 CPI 同比涨幅 3.2% 低于 3.5%，食品 CPI 同比涨幅 2% 低于 6%"}},
		{"2023-03 CPI exactly at 3.0%", priceRequest("2023-03", 30, 0, dibao),
			outcome{Eligible: true, Monthly: 3135, Standard: 3135}, nil},
		{"2023-04 back to 3.5%", priceRequest("2023-04", 34, 59, dibao),
			outcome{}, []string{"低于 3.5%", "低于 6%"}},
		{"2022-08 before the temporary threshold", priceRequest("2022-08", 32, 0, dibao),
			outcome{}, []string{"低于 3.5%"}},
		{"food CPI trigger", priceRequest("2023-05", 20, 65, dibao),
			outcome{Eligible: true, Monthly: 6793, Standard: 6793}, []string{"按食品 CPI 涨幅计算", "¥1,045.00 × 6.5% = ¥67.93"}},
		{"food CPI exactly at 6%", priceRequest("2023-05", 0, 60, dibao),
			outcome{Eligible: true, Monthly: 6270, Standard: 6270}, nil},
		{"both triggered uses CPI", priceRequest("2024-01", 40, 70, dibao),
			outcome{Eligible: true, Monthly: 4460, Standard: 4460}, []string{"按 CPI 涨幅计算"}},
		{"covered counting", priceRequest("2022-10", 32, 0,
			[]string{"dibao", "unemployment"}, []string{"tekun"}, []string{"orphan"}, []string{"de_facto_orphan"},
			[]string{"unemployment"}, []string{"vulnerable_child"}, []string{"dibao_edge"}, nil),
			outcome{Eligible: true, Monthly: 5 * 2893, Standard: 2893}, []string{"享受低保、失业保险金", "× 5 人"}},
		{"nobody covered", priceRequest("2022-10", 32, 0, []string{"dibao_edge"}, nil),
			outcome{Standard: 2893}, []string{"没有低保、特困"}},
		{"rural Pingdu standard", func() Request {
			r := priceRequest("2022-10", 32, 0, dibao)
			r.RegionCode, r.Hukou = "370283100201", "rural"
			return r
		}(), outcome{Eligible: true, Monthly: 2176, Standard: 2176}, nil},
		{"month defaults to the date's", func() Request {
			r := priceRequest("2022-10", 32, 0, dibao)
			r.Month = civil.Month{}
			return r
		}(), outcome{Eligible: true, Monthly: 2893, Standard: 2893}, nil},
		{"figures of the month, not of the date", func() Request {
			r := priceRequest("2022-10", 32, 0, dibao)
			r.Date = date("2023-06-01") // threshold 3.5 %, standard 1045 on that date
			return r
		}(), outcome{Eligible: true, Monthly: 2893, Standard: 2893}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCalculate(t, nil, tt.req)
			if diff := cmp.Diff(tt.want, outcomeOf(r)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s\nsteps: %q\nreasons: %q", diff, r.Steps, r.Reasons)
			}
			checkSteps(t, r, tt.steps...)
		})
	}
}

func TestPriceSubsidyBadRequests(t *testing.T) {
	tests := []struct {
		name string
		cpi  []CPIMonth
	}{
		{"nil series", nil},
		{"month missing", []CPIMonth{{Month: month("2022-09"), CPI: 40}}},
		{"month twice", []CPIMonth{{Month: month("2022-10"), CPI: 40}, {Month: month("2022-10"), CPI: 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := priceRequest("2022-10", 0, 0, []string{"dibao"})
			req.CPI = tt.cpi
			if _, err := Calculate(Default(), req); err == nil || !strings.Contains(err.Error(), "cpi:") {
				t.Fatalf("err = %v, want a cpi error", err)
			}
		})
	}
}

// TestMissingSectionsNeverPanic runs every program of this file's family on a request that
// carries none of the optional sections: each answers with an error or a reason, never a panic.
func TestMissingSectionsNeverPanic(t *testing.T) {
	for _, program := range []string{"temporary", "orphan", "de_facto_orphan", "vulnerable_child",
		"disability_living", "disability_care", "price_subsidy"} {
		for name, members := range map[string][]Member{"no members": nil, "two members": {
			{ID: "a", BirthDate: date("1980-01-01")}, {ID: "b", BirthDate: date("2015-01-01")}}} {
			t.Run(program+"/"+name, func(t *testing.T) {
				req := Request{Program: program, Date: date("2024-03-01"), RegionCode: "370212001001", Hukou: "urban", Members: members}
				r, err := Calculate(Default(), req)
				if err == nil && (r.Eligible || len(r.Reasons) == 0) {
					t.Fatalf("no error and no reason: %+v", r)
				}
			})
		}
	}
}
