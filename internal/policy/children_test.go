package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// childRequest is a one-child request in 崂山 (urban) for program on the date.
func childRequest(program, on string, child Child, receives ...string) Request {
	return Request{Program: program, Date: date(on), RegionCode: "370212001001", Hukou: "urban",
		Members: []Member{{ID: "c", BirthDate: date("2015-06-01"), Receives: receives}}, Child: &child}
}

func TestChildAllowance(t *testing.T) {
	inst := Child{MemberID: "c", Institutional: true}
	scat := Child{MemberID: "c"}
	tests := []struct {
		name  string
		req   Request
		want  outcome
		steps []string
	}{
		// 2021 published figures: the growth mechanism is not yet in force.
		{"2021 institutional orphan", childRequest("orphan", "2021-10-01", inst),
			outcome{Eligible: true, Monthly: 198000, Standard: 198000}, []string{"机构养育孤儿", "自然增长机制尚未施行"}},
		{"2021 scattered orphan", childRequest("orphan", "2021-10-01", scat),
			outcome{Eligible: true, Monthly: 165000, Standard: 165000}, []string{"散居孤儿"}},
		{"2021 de facto orphan", childRequest("de_facto_orphan", "2021-10-01", scat),
			outcome{Eligible: true, Monthly: 165000, Standard: 165000}, []string{"不进行公示"}},
		{"2021 vulnerable child", childRequest("vulnerable_child", "2021-10-01", scat),
			outcome{Eligible: true, Monthly: 132000, Standard: 132000}, []string{"重点困境儿童"}},
		{"2022-12-31 still the published figure", childRequest("orphan", "2022-12-31", inst),
			outcome{Eligible: true, Monthly: 198000, Standard: 198000}, nil},
		// 2023: urban standard 1045 yuan; 2.5 × 1045 = 2612.5 → 2613.
		{"2023 institutional growth", childRequest("orphan", "2023-01-01", inst),
			outcome{Eligible: true, Monthly: 261300, Standard: 261300}, []string{"× 2.5 倍 = ¥2,613.00", "四舍五入取整到元"}},
		{"2023 scattered growth", childRequest("de_facto_orphan", "2023-06-01", scat),
			outcome{Eligible: true, Monthly: 209000, Standard: 209000}, nil},
		{"2023 vulnerable growth", childRequest("vulnerable_child", "2023-06-01", scat),
			outcome{Eligible: true, Monthly: 167200, Standard: 167200}, nil},
		// 2024: urban standard 1115 yuan; 2.5 × 1115 = 2787.5 → 2788.
		{"2024 institutional growth", childRequest("orphan", "2024-03-01", inst),
			outcome{Eligible: true, Monthly: 278800, Standard: 278800}, []string{"× 2.5 倍 = ¥2,788.00", "高于公布标准"}},
		{"2024 scattered growth", childRequest("orphan", "2024-03-01", scat),
			outcome{Eligible: true, Monthly: 223000, Standard: 223000}, nil},
		{"2024 vulnerable growth", childRequest("vulnerable_child", "2024-03-01", scat),
			outcome{Eligible: true, Monthly: 178400, Standard: 178400}, nil},
		{"institutional flag ignored for de facto orphan", childRequest("de_facto_orphan", "2024-03-01", inst),
			outcome{Eligible: true, Monthly: 223000, Standard: 223000}, nil},
		{"rural child uses the urban standard", func() Request {
			r := childRequest("orphan", "2024-03-01", scat)
			r.RegionCode, r.Hukou = "370283100201", "rural" // 平度: rural standard 860
			return r
		}(), outcome{Eligible: true, Monthly: 223000, Standard: 223000}, []string{"城市低保标准 ¥1,115.00"}},
		// Top-up: only the difference to what 低保/特困 pays the child.
		{"top-up over dibao", childRequest("orphan", "2024-03-01", scat, "dibao"),
			outcome{Eligible: true, Monthly: 111500, Standard: 223000}, []string{"即月低保标准 ¥1,115.00 计", "¥2,230.00 − ¥1,115.00 = ¥1,115.00"}},
		{"top-up over rural dibao", func() Request {
			r := childRequest("de_facto_orphan", "2024-03-01", scat, "dibao")
			r.RegionCode, r.Hukou = "370283100201", "rural"
			return r
		}(), outcome{Eligible: true, Monthly: 137000, Standard: 223000}, nil},
		{"top-up over tekun", childRequest("orphan", "2024-03-01", scat, "tekun"),
			outcome{Eligible: true, Monthly: 55700, Standard: 223000}, []string{"× 1.5 倍 = ¥1,673.00"}},
		{"top-up 2021 vulnerable over dibao", childRequest("vulnerable_child", "2021-10-01", scat, "dibao"),
			outcome{Eligible: true, Monthly: 41600, Standard: 132000}, nil},
		// Age: covered up to the day before the 18th birthday.
		{"day before 18th birthday", func() Request {
			r := childRequest("orphan", "2024-02-29", scat)
			r.Members[0].BirthDate = date("2006-03-01")
			return r
		}(), outcome{Eligible: true, Monthly: 223000, Standard: 223000}, []string{"17 周岁"}},
		{"18th birthday", func() Request {
			r := childRequest("orphan", "2024-03-01", scat)
			r.Members[0].BirthDate = date("2006-03-01")
			return r
		}(), outcome{}, []string{"已年满 18 周岁"}},
		{"29 February birth, 28 February of the 18th year", func() Request {
			r := childRequest("vulnerable_child", "2026-02-28", scat)
			r.Members[0].BirthDate = date("2008-02-29")
			return r
		}(), outcome{Eligible: true, Monthly: 178400, Standard: 178400}, nil},
		{"29 February birth, 1 March of the 18th year", func() Request {
			r := childRequest("vulnerable_child", "2026-03-01", scat)
			r.Members[0].BirthDate = date("2008-02-29")
			return r
		}(), outcome{}, []string{"已年满 18 周岁"}},
		{"child picked by member id", func() Request {
			r := childRequest("vulnerable_child", "2024-03-01", scat)
			grandma := Member{ID: "g", BirthDate: date("1950-01-01"), Receives: []string{"dibao"}}
			r.Members = append([]Member{grandma}, r.Members...)
			return r
		}(), outcome{Eligible: true, Monthly: 178400, Standard: 178400}, []string{"儿童 成员 c"}},
		{"only member without child section", func() Request {
			r := childRequest("orphan", "2024-03-01", scat)
			r.Child = nil
			return r
		}(), outcome{Eligible: true, Monthly: 223000, Standard: 223000}, nil},
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

func TestChildAllowanceCitesUrbanStandard(t *testing.T) {
	r := childRequest("orphan", "2024-03-01", Child{MemberID: "c"})
	r.RegionCode, r.Hukou = "370283100201", "rural"
	res := mustCalculate(t, nil, r)
	var got []string
	for _, p := range res.Parameters {
		got = append(got, p.Name+"/"+p.Hukou)
	}
	want := []string{"child.allowance.scattered/", "child.ratio.scattered/", "dibao.standard/urban"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parameters cited (-want +got):\n%s", diff)
	}
}

func TestChildAllowanceBadRequests(t *testing.T) {
	two := []Member{{ID: "a", BirthDate: date("1980-01-01")}, {ID: "c", BirthDate: date("2015-01-01")}}
	tests := []struct {
		name    string
		members []Member
		child   *Child
		want    string
	}{
		{"no members", nil, &Child{MemberID: "c"}, "members"},
		{"nil child with two members", two, nil, "child.member_id"},
		{"unknown member id", two, &Child{MemberID: "x"}, "child.member_id"},
		{"duplicate member id", []Member{two[1], two[1]}, &Child{MemberID: "c"}, "child.member_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, program := range []string{"orphan", "de_facto_orphan", "vulnerable_child"} {
				req := childRequest(program, "2024-03-01", Child{})
				req.Members, req.Child = tt.members, tt.child
				_, err := Calculate(Default(), req)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: err = %v, want one naming %s", program, err, tt.want)
				}
			}
		})
	}
}
