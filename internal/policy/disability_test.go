package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// disabledRequest is a request in region for program with the given members (all urban, 2024).
func disabledRequest(program, region string, members ...Member) Request {
	return Request{Program: program, Date: date("2024-03-01"), RegionCode: region, Hukou: "urban", Members: members}
}

func disabledMember(id string, grade, failed int, receives ...string) Member {
	return Member{ID: id, BirthDate: date("1970-01-01"), Disability: &Disability{Kind: "physical", Grade: grade},
		SelfCareFailed: failed, Receives: receives}
}

func plainMember(id string, receives ...string) Member {
	return Member{ID: id, BirthDate: date("1972-01-01"), Receives: receives}
}

func TestDisabilityLiving(t *testing.T) {
	const shinan, laoshan = "370202001001", "370212001001"
	tests := []struct {
		name  string
		req   Request
		want  outcome
		steps []string
	}{
		{"grade 1 in dibao family", disabledRequest("disability_living", laoshan, disabledMember("a", 1, 0, "dibao")),
			outcome{Eligible: true, Monthly: 37500, Standard: 37500}, []string{"肢体一级，生活补贴 ¥375.00/月", "享受最低生活保障"}},
		{"grade 2", disabledRequest("disability_living", laoshan, disabledMember("a", 2, 0, "dibao")),
			outcome{Eligible: true, Monthly: 29400, Standard: 29400}, nil},
		{"grade 3", disabledRequest("disability_living", laoshan, disabledMember("a", 3, 0, "dibao")),
			outcome{Eligible: true, Monthly: 19300, Standard: 19300}, nil},
		{"grade 4", disabledRequest("disability_living", laoshan, disabledMember("a", 4, 0, "dibao")),
			outcome{Eligible: true, Monthly: 19300, Standard: 19300}, nil},
		{"Shinan edge family official figure", disabledRequest("disability_living", shinan,
			disabledMember("a", 1, 0), plainMember("b", "dibao_edge")),
			outcome{Eligible: true, Monthly: 37500, Standard: 37500}, []string{"低保边缘家庭", "官方，来源：市南区"}},
		{"Laoshan city default", disabledRequest("disability_living", laoshan,
			disabledMember("a", 2, 0, "dibao_edge")),
			outcome{Eligible: true, Monthly: 29400, Standard: 29400}, []string{"默认配置"}},
		{"two disabled members summed", disabledRequest("disability_living", laoshan,
			disabledMember("a", 1, 6, "dibao"), disabledMember("b", 3, 0, "dibao"), plainMember("c", "dibao")),
			outcome{Eligible: true, Monthly: 56800, Standard: 37500}, []string{"家庭合计 2 人，生活补贴 ¥568.00/月"}},
		{"not a dibao or edge family", disabledRequest("disability_living", laoshan, disabledMember("a", 1, 0, "tekun")),
			outcome{}, []string{"不是低保家庭或低保边缘家庭"}},
		{"no tiers at all", disabledRequest("disability_living", laoshan, disabledMember("a", 1, 0)),
			outcome{}, []string{"不是低保家庭或低保边缘家庭"}},
		{"no disabled member", disabledRequest("disability_living", laoshan, plainMember("a", "dibao")),
			outcome{}, []string{"没有持残疾人证"}},
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

func TestDisabilityLivingCitesDistrictValue(t *testing.T) {
	tests := []struct {
		name, region, wantRegion string
		wantOfficial             bool
	}{
		{"Shinan official", "370202001001", "370202", true},
		{"Laoshan default", "370212001001", "3702", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCalculate(t, nil, disabledRequest("disability_living", tt.region, disabledMember("a", 3, 0, "dibao")))
			want := []ParamUsed{{Name: "disability.living.grade34", Value: 19300, Unit: FenPerMonth, Region: tt.wantRegion}}
			got := r.Parameters
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b ParamUsed) bool {
				return a.Name == b.Name && a.Value == b.Value && a.Unit == b.Unit && a.Region == b.Region
			})); diff != "" {
				t.Errorf("parameters (-want +got):\n%s", diff)
			}
			if len(got) == 1 && got[0].Official != tt.wantOfficial {
				t.Errorf("official = %v, want %v", got[0].Official, tt.wantOfficial)
			}
		})
	}
}

func TestDisabilityCare(t *testing.T) {
	const laoshan = "370212001001"
	tests := []struct {
		name  string
		req   Request
		want  outcome
		steps []string
	}{
		{"grade 1 needing care", disabledRequest("disability_care", laoshan, disabledMember("a", 1, 3)),
			outcome{Eligible: true, Monthly: 15000, Standard: 15000}, []string{"3 项日常生活活动不能自理，视为需要长期照护"}},
		{"grade 2 with one failed activity", disabledRequest("disability_care", laoshan, disabledMember("a", 2, 1)),
			outcome{Eligible: true, Monthly: 15000, Standard: 15000}, nil},
		{"grade 1 fully self-caring", disabledRequest("disability_care", laoshan, disabledMember("a", 1, 0)),
			outcome{}, []string{"均能自理", "没有需要长期照护"}},
		{"grade 3 is not severe", disabledRequest("disability_care", laoshan, disabledMember("a", 3, 6)),
			outcome{}, []string{"不属于一、二级重度残疾"}},
		{"grade 4 is not severe", disabledRequest("disability_care", laoshan, disabledMember("a", 4, 6)),
			outcome{}, nil},
		{"two severe members", disabledRequest("disability_care", laoshan, disabledMember("a", 1, 6), disabledMember("b", 2, 4)),
			outcome{Eligible: true, Monthly: 30000, Standard: 15000}, []string{"¥150.00 × 2 = ¥300.00"}},
		{"one severe one not", disabledRequest("disability_care", laoshan, disabledMember("a", 2, 2), disabledMember("b", 3, 2)),
			outcome{Eligible: true, Monthly: 15000, Standard: 15000}, nil},
		{"no income test", disabledRequest("disability_care", laoshan, func() Member {
			m := disabledMember("a", 1, 6)
			m.MonthlyIncomes = []Income{{Kind: "wage", Amount: 5000000}}
			return m
		}()), outcome{Eligible: true, Monthly: 15000, Standard: 15000}, nil},
		{"before 2020 no value", func() Request {
			r := disabledRequest("disability_care", laoshan, disabledMember("a", 1, 6))
			r.Date = date("2019-12-31")
			return r
		}(), outcome{}, []string{"没有适用的参数 disability.care"}},
		{"no disabled member", disabledRequest("disability_care", laoshan, plainMember("a")),
			outcome{}, []string{"没有需要长期照护"}},
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

func TestDisabilityBadRequests(t *testing.T) {
	tests := []struct {
		name string
		m    Member
		want string
	}{
		{"grade 0", disabledMember("a", 0, 0, "dibao"), "disability.grade"},
		{"grade 5", disabledMember("a", 5, 0, "dibao"), "disability.grade"},
		{"unknown kind", func() Member { m := disabledMember("a", 1, 0, "dibao"); m.Disability.Kind = "other"; return m }(), "disability.kind"},
		{"seven failed activities", disabledMember("a", 1, 7, "dibao"), "self_care_failed_activities"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, program := range []string{"disability_living", "disability_care"} {
				_, err := Calculate(Default(), disabledRequest(program, "370212001001", tt.m))
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: err = %v, want one naming %s", program, err, tt.want)
				}
			}
		})
	}
}
