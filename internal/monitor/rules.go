package monitor

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/minzheng/minzheng/internal/monitor/feed"
	"github.com/minzheng/minzheng/internal/registry"
)

// Rule is one warning rule of rules.json: which sources it reads, whom it concerns, the
// conditions that make it fire and what makes one occurrence (the period).
type Rule struct {
	ID      string   `json:"id"`
	Sources []string `json:"sources"`
	Kind    string   `json:"kind"`
	// Subject is "registered" (people in the database, of Tiers; empty Tiers = any tier) or
	// "unregistered" (people not in it: discovery).
	Subject    string      `json:"subject"`
	Tiers      []string    `json:"tiers"`
	Conditions []Condition `json:"conditions"`
	// Period names the field whose value identifies one occurrence (a year, a month, a date),
	// or "once" for an event that happens once in a life.
	Period string `json:"period"`
}

// Condition is one test of a rule. Tests:
//   - at_least / at_most: the money or integer field against Value or the policy parameter
//     Param (ByTier: Param + "." + the person's tier);
//   - equals: an enum or text field equals ValueText;
//   - main_earner: the person has the highest registered income of the household (above 0);
//   - after_tier_start: the date field falls on or after the day the person's tier began;
//   - ongoing: the date field is empty or not before the run's day (a sentence still running);
//   - drop_below_registered: the money field is below the registered monthly income by at least
//     Param per mille of it (the registered income must be above 0);
//   - more_severe_than_registered: the grade field is more severe (lower, 1 worst) than the
//     registered disability grade, or none was registered;
//   - registered_in_school: the registry says the person is in school;
//   - within_months: the date field lies within Param months before the run's day;
//   - no_income: no income or social-insurance row of this run shows the person earning.
type Condition struct {
	Test      string `json:"test"`
	Field     string `json:"field,omitempty"`
	Param     string `json:"param,omitempty"`
	ByTier    bool   `json:"by_tier,omitempty"`
	Value     int64  `json:"value,omitempty"`
	ValueText string `json:"value_text,omitempty"`
}

// Subjects of a rule.
const (
	SubjectRegistered   = "registered"
	SubjectUnregistered = "unregistered"
)

//go:embed rules.json
var rulesJSON []byte

var ruleSet = mustRules(rulesJSON)

// Rules lists the warning rules, in the order of rules.json.
func Rules() []Rule { return slices.Clone(ruleSet) }

func mustRules(data []byte) []Rule {
	rules, err := parseRules(data)
	if err != nil {
		panic(err)
	}
	return rules
}

var conditionTests = map[string]bool{"at_least": true, "at_most": true, "equals": true, "main_earner": true,
	"after_tier_start": true, "ongoing": true, "drop_below_registered": true, "more_severe_than_registered": true,
	"registered_in_school": true, "within_months": true, "no_income": true}

// parseRules reads and checks a rules file: known sources, fields, kinds, subjects and tests.
func parseRules(data []byte) ([]Rule, error) {
	var rules []Rule
	if err := json.Unmarshal(data, &rules); err != nil {
		return nil, fmt.Errorf("rules.json: %w", err)
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if r.ID == "" || seen[r.ID] {
			return nil, fmt.Errorf("rules.json: rule %q: empty or repeated id", r.ID)
		}
		seen[r.ID] = true
		if r.Kind != KindNeed && r.Kind != KindIneligible && r.Kind != KindDiscovery {
			return nil, fmt.Errorf("rules.json: rule %s: kind %q", r.ID, r.Kind)
		}
		if r.Subject != SubjectRegistered && r.Subject != SubjectUnregistered {
			return nil, fmt.Errorf("rules.json: rule %s: subject %q", r.ID, r.Subject)
		}
		for _, t := range r.Tiers {
			if !slices.Contains(registry.Tiers(), registry.Tier(t)) {
				return nil, fmt.Errorf("rules.json: rule %s: tier %q", r.ID, t)
			}
		}
		if len(r.Sources) == 0 {
			return nil, fmt.Errorf("rules.json: rule %s: no source", r.ID)
		}
		for _, name := range r.Sources {
			src, ok := feed.Lookup(name)
			if !ok {
				return nil, fmt.Errorf("rules.json: rule %s: source %q", r.ID, name)
			}
			if r.Period != "once" && src.Index(r.Period) < 0 {
				return nil, fmt.Errorf("rules.json: rule %s: period field %q not in %s", r.ID, r.Period, name)
			}
			for _, c := range r.Conditions {
				if !conditionTests[c.Test] {
					return nil, fmt.Errorf("rules.json: rule %s: test %q", r.ID, c.Test)
				}
				if c.Field != "" && src.Index(c.Field) < 0 {
					return nil, fmt.Errorf("rules.json: rule %s: field %q not in %s", r.ID, c.Field, name)
				}
			}
		}
	}
	return rules, nil
}
