package meals

import (
	"slices"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/monitor/feed"
	"github.com/minzheng/minzheng/internal/policy"
)

// TestFraudRulesFile checks the rules file: every kind, each threshold named and labelled and
// holding the project default [D] (not official) in the shipped parameters, the
// monitoring rules and fields the deceased rule reads, and that a broken file is refused.
func TestFraudRulesFile(t *testing.T) {
	rules := FraudRules()
	set := policy.Default()
	var kinds []string
	for _, r := range rules {
		kinds = append(kinds, r.Kind)
		for _, p := range r.Params {
			if !strings.HasPrefix(p.Name, "meals.fraud."+r.ID+".") || p.Label == "" {
				t.Errorf("rule %s parameter %+v: want a labelled parameter named meals.fraud.%s.*", r.ID, p, r.ID)
			}
			var rows []policy.Param
			for _, q := range set.All() {
				if q.Name == p.Name {
					rows = append(rows, q)
				}
			}
			if len(rows) != 1 || rows[0].Official || rows[0].Region != "3702" || rows[0].Hukou != "" ||
				rows[0].ValidFrom != day(2023, 1, 1) || !rows[0].ValidTo.IsZero() || !strings.Contains(rows[0].Source, "[D]") {
				t.Errorf("rule %s parameter %s: shipped rows %+v, want one [D] default for 3702 from 2023-01-01", r.ID, p.Name, rows)
			}
		}
		for _, short := range fraudRequiredParams[r.Kind] {
			if _, ok := fraudLimitFields[short]; !ok {
				t.Errorf("rule %s: threshold %s has no place in fraudLimits", r.ID, short)
			}
		}
	}
	for _, k := range []string{KindDailyCap, KindDeceased, KindVolumeJump, KindTwoCanteens, KindClosedDay} {
		if !slices.Contains(kinds, k) {
			t.Errorf("no rule of kind %s", k)
		}
	}
	for id, want := range map[string]map[string]int64{
		"daily_cap":    {"max_meals": 3, "max_subsidised": 1},
		"volume_jump":  {"factor": 2000, "history_days": 28, "min_average": 30},
		"two_canteens": {"window_minutes": 30},
	} {
		r, _ := FraudRuleByID(id)
		for short, v := range want {
			name, ok := r.ParamName(short)
			if !ok {
				t.Errorf("%s declares no %s", id, short)
				continue
			}
			p, err := set.Lookup(name, "370212001001", "", day(2026, 1, 1))
			if err != nil || p.Value != v {
				t.Errorf("%s = %d, %v; want the default %d", name, p.Value, err, v)
			}
			if f := fraudLimitFields[short]; v < f.min || f.max > 0 && v > f.max {
				t.Errorf("%s: the default %d is outside its own range", name, v)
			}
		}
	}
	// The deceased rule reads monitoring warnings: their rules must exist, read the death or
	// cremation feed, and those feeds must carry the date fields named.
	dead, _ := FraudRuleByID("deceased")
	for _, id := range dead.MonitorRules {
		i := slices.IndexFunc(monitor.Rules(), func(r monitor.Rule) bool { return r.ID == id })
		if i < 0 {
			t.Fatalf("monitor rule %s does not exist", id)
		}
		for _, src := range monitor.Rules()[i].Sources {
			s, _ := feed.Lookup(src)
			if !slices.ContainsFunc(dead.DeathFields, func(f string) bool { return s.Index(f) >= 0 }) {
				t.Errorf("monitor rule %s reads %s, which has none of the fields %v", id, src, dead.DeathFields)
			}
		}
	}
	for _, bad := range []string{`[{"id":"x","title":"X","kind":"nope","params":[]}]`,
		`[{"id":"x","title":"X","kind":"two_canteens","params":[]}]`,
		`[{"id":"x","title":"X","kind":"closed_day"},{"id":"x","title":"Y","kind":"closed_day"}]`,
		`[{"id":"x","title":"X","kind":"two_canteens","params":[{"name":"a.window_minutes","label":"窗口","value":30}]}]`,
		`[{"id":"x","title":"X","kind":"two_canteens","params":[{"name":"a.window_minutes"}]}]`,
		`[{"id":"x","title":"X","kind":"two_canteens","params":[{"name":"a.window_minutes","label":"窗口"},{"name":"a.window_minutes","label":"窗口"}]}]`} {
		if _, err := parseFraudRules([]byte(bad)); err == nil {
			t.Errorf("rules %s accepted", bad)
		}
	}
	// A rule naming a parameter the shipped file lacks is refused when the rules load.
	unknown := []FraudRule{{ID: "x", Kind: KindTwoCanteens, Params: []FraudParam{{Name: "meals.fraud.x.window_minutes", Label: "窗口"}}}}
	if err := checkFraudParamsKnown(unknown, set, "params.csv"); err == nil {
		t.Error("a parameter with no value accepted")
	}
	if err := checkFraudParamsKnown(rules, set, "params.csv"); err != nil {
		t.Error(err)
	}
}
