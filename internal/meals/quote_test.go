package meals

import (
	"slices"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

func day(y, m, d int) civil.Date { return civil.Date{Year: y, Month: timeMonth(m), Day: d} }

// TestQuote prices meals under the demo default, 市南区's 2023 rules, a fixed-price rule in the
// shape of 城阳区's and Beijing's "only when the bill exceeds the subsidy".
func TestQuote(t *testing.T) {
	ps := DefaultPolicies()
	cal := civil.DefaultCalendar()
	def, _ := PolicyFor(ps, "370212001001", day(2024, 3, 5))
	shinan, _ := PolicyFor(ps, "370202009001", day(2023, 3, 6))
	if def.ID != "qingdao-default" || shinan.ID != "shinan-2023" {
		t.Fatalf("policies picked: %s, %s", def.ID, shinan.ID)
	}
	if p, _ := PolicyFor(ps, "370202009001", day(2024, 3, 6)); p.ID != "qingdao-default" {
		t.Fatalf("市南区 in 2024: %s", p.ID)
	}
	chengyang := &Policy{ID: "chengyang", Name: "城阳", Region: "370214", ValidFrom: day(2023, 1, 1), Rules: []Rule{
		{ID: "60", When: When{MinAge: 60, MaxAge: 69}, DinerPays: money.Yuan(8), Shares: []Share{{Source: SourceCity, Amount: money.Yuan(3)}, {Source: SourceDistrict}}},
		{ID: "80", When: When{MinAge: 80}, DinerPays: money.Yuan(6), Shares: []Share{{Source: SourceCity, Amount: money.Yuan(3)}, {Source: SourceDistrict}}},
		{ID: "hard", When: When{Categories: []string{"dibao", "tekun"}}, DinerPays: money.Yuan(2), Shares: []Share{{Source: SourceCity, Amount: money.Yuan(5)}, {Source: SourceDistrict}}},
	}}
	beijing := &Policy{ID: "bj", Name: "北京", Region: "1101", ValidFrom: day(2023, 1, 1), OnlyAboveSubsidy: true,
		Rules: []Rule{{ID: "60", When: When{MinAge: 60}, Shares: []Share{{Source: SourceCity, Amount: money.Yuan(6)}}}}}
	laoshan := "370212001001"
	home := Diner{Age: 72, HukouRegion: "370212", HomeRegion: laoshan}
	tests := []struct {
		name      string
		p         *Policy
		d         Diner
		m         Meal
		pays      money.Fen
		city, dis money.Fen
		reason    bool
	}{
		{"60+ at home pays 6", def, home, Meal{Date: day(2024, 3, 5), Type: "lunch", Price: money.Yuan(12), CanteenRegion: laoshan}, money.Yuan(6), money.Yuan(3), money.Yuan(3), false},
		{"80+ pays 5", def, Diner{Age: 85, HomeRegion: laoshan}, Meal{Date: day(2024, 3, 5), Type: "lunch", Price: money.Yuan(12), CanteenRegion: laoshan}, money.Yuan(5), money.Yuan(3), money.Yuan(4), false},
		{"低保 pays 2", def, Diner{Age: 66, Categories: []string{"dibao"}, HomeRegion: laoshan}, Meal{Date: day(2024, 3, 5), Type: "lunch", Price: money.Yuan(12), CanteenRegion: laoshan}, money.Yuan(2), money.Yuan(5), money.Yuan(5), false},
		{"another district loses the district share", def, home, Meal{Date: day(2024, 3, 5), Type: "lunch", Price: money.Yuan(12), CanteenRegion: "370202009001"}, money.Yuan(9), money.Yuan(3), 0, false},
		{"second subsidised meal of the day is full price", def, home, Meal{Date: day(2024, 3, 5), Type: "lunch", Price: money.Yuan(12), CanteenRegion: laoshan, SubsidisedToday: 1}, money.Yuan(12), 0, 0, true},
		{"dinner is not subsidised", def, home, Meal{Date: day(2024, 3, 5), Type: "dinner", Price: money.Yuan(12), CanteenRegion: laoshan}, money.Yuan(12), 0, 0, true},
		{"dinner after a subsidised lunch is full price but not a second subsidised meal", def, home, Meal{Date: day(2024, 3, 5), Type: "dinner", Price: money.Yuan(12), CanteenRegion: laoshan, SubsidisedToday: 1}, money.Yuan(12), 0, 0, true},
		{"a deceased diner is not subsidised", def, Diner{Age: 72, HomeRegion: laoshan, Deceased: true}, Meal{Date: day(2024, 3, 5), Type: "lunch", Price: money.Yuan(12), CanteenRegion: laoshan}, money.Yuan(12), 0, 0, true},
		{"under 60 pays in full", def, Diner{Age: 59, HomeRegion: laoshan}, Meal{Date: day(2024, 3, 5), Type: "lunch", Price: money.Yuan(12), CanteenRegion: laoshan}, money.Yuan(12), 0, 0, true},
		{"市南 70+ local on a weekday: 3 off", shinan, Diner{Age: 75, HukouRegion: "370202", HomeRegion: "370202009001"}, Meal{Date: day(2023, 3, 6), Type: "lunch", Price: money.Yuan(12), CanteenRegion: "370202009001"}, money.Yuan(9), 0, money.Yuan(3), false},
		{"市南 70+ local on a Saturday: nothing", shinan, Diner{Age: 75, HukouRegion: "370202", HomeRegion: "370202009001"}, Meal{Date: day(2023, 3, 4), Type: "lunch", Price: money.Yuan(12), CanteenRegion: "370202009001"}, money.Yuan(12), 0, 0, true},
		{"市南 70+ local on National Day: nothing", shinan, Diner{Age: 75, HukouRegion: "370202", HomeRegion: "370202009001"}, Meal{Date: day(2023, 10, 2), Type: "lunch", Price: money.Yuan(12), CanteenRegion: "370202009001"}, money.Yuan(12), 0, 0, true},
		{"市南 hardship every day: 14 off, never below zero", shinan, Diner{Age: 62, Categories: []string{"tekun"}, HukouRegion: "370202", HomeRegion: "370202009001"}, Meal{Date: day(2023, 3, 4), Type: "lunch", Price: money.Yuan(12), CanteenRegion: "370202009001"}, 0, 0, money.Yuan(12), false},
		{"市南 non-local 75: nothing", shinan, Diner{Age: 75, HukouRegion: "370212", HomeRegion: "370202009001"}, Meal{Date: day(2023, 3, 6), Type: "lunch", Price: money.Yuan(12), CanteenRegion: "370202009001"}, money.Yuan(12), 0, 0, true},
		{"城阳 60–69 pays 8 of 15", chengyang, Diner{Age: 65}, Meal{Date: day(2023, 3, 6), Type: "lunch", Price: money.Yuan(15), CanteenRegion: "370214001001"}, money.Yuan(8), money.Yuan(3), money.Yuan(4), false},
		{"城阳 低保 pays 2 of 15", chengyang, Diner{Age: 61, Categories: []string{"dibao"}}, Meal{Date: day(2023, 3, 6), Type: "lunch", Price: money.Yuan(15), CanteenRegion: "370214001001"}, money.Yuan(2), money.Yuan(5), money.Yuan(8), false},
		{"北京 a bill above the subsidy", beijing, Diner{Age: 70}, Meal{Date: day(2023, 3, 6), Type: "lunch", Price: money.Yuan(15), CanteenRegion: "110101001001"}, money.Yuan(9), money.Yuan(6), 0, false},
		{"北京 a bill not above the subsidy is paid in full", beijing, Diner{Age: 70}, Meal{Date: day(2023, 3, 6), Type: "lunch", Price: money.Yuan(6), CanteenRegion: "110101001001"}, money.Yuan(6), 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.p.Quote(tc.d, tc.m, cal)
			var city, dis money.Fen
			for _, s := range q.Shares {
				switch s.Source {
				case SourceCity:
					city += s.Amount
				case SourceDistrict:
					dis += s.Amount
				}
			}
			if capped := tc.m.SubsidisedToday > 0 && tc.reason && tc.m.Type == "lunch"; capped != slices.Contains(q.Flags, "second_meal_today") {
				t.Errorf("flags %v: second_meal_today expected %v", q.Flags, capped)
			}
			if q.DinerPays != tc.pays || city != tc.city || dis != tc.dis || (q.Reason != "") != tc.reason || q.DinerPays+q.Subsidy() != q.Price {
				t.Fatalf("quote %+v: pays %s city %s district %s, want %s %s %s (reason expected %v)", q, q.DinerPays, city, dis,
					tc.pays, tc.city, tc.dis, tc.reason)
			}
		})
	}
}

// TestPolicyCheck: broken policies are refused with what is wrong.
func TestPolicyCheck(t *testing.T) {
	for name, data := range map[string]string{
		"bad json":     `[{`,
		"no rules":     `[{"id":"x","name":"x","region":"3702","valid_from":"2023-01-01","rules":[]}]`,
		"bad source":   `[{"id":"x","name":"x","region":"3702","valid_from":"2023-01-01","rules":[{"id":"r","shares":[{"source":"town","amount_fen":1}]}]}]`,
		"bad region":   `[{"id":"x","name":"x","region":"qd","valid_from":"2023-01-01","rules":[{"id":"r","shares":[{"source":"city","amount_fen":1}]}]}]`,
		"empty period": `[{"id":"x","name":"x","region":"3702","valid_from":"2023-01-01","valid_to":"2023-01-01","rules":[{"id":"r","shares":[{"source":"city","amount_fen":1}]}]}]`,
	} {
		if _, err := ParsePolicies([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func timeMonth(m int) time.Month { return time.Month(m) }
