package meals

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/policy"
)

// Anti-fraud checks.
//
// Each check is a rule of fraud_rules.json: an id, a Chinese title, the kind of test it runs and
// the names (with Chinese labels) of its thresholds. The thresholds themselves are policy
// parameters (meals.fraud.*), effective-dated and region-scoped like every other figure: the
// shipped values are project defaults [D] in policy/data/params.csv, and an administrator changes
// them, for the city or one district from a given day, on the parameter pages without a release.
// A scan resolves each threshold for the day of the meal and the region of its canteen
// (fraud_params.go). A rule that fires on a meal writes one meal_flags row per meal and rule,
// with its evidence — what the rule saw, the thresholds that applied included — as JSON. An open
// or confirmed flag holds the meal back from settlement; a cleared one lets it through.

// Rule kinds: the test a fraud rule runs.
const (
	// KindDailyCap: more meals, or more subsidised meals, by one diner on one day than the caps.
	KindDailyCap = "daily_cap"
	// KindDeceased: a meal served after the diner's date of death.
	KindDeceased = "deceased"
	// KindVolumeJump: a canteen's day count far above its recent average.
	KindVolumeJump = "volume_jump"
	// KindTwoCanteens: one card at two canteens within minutes.
	KindTwoCanteens = "two_canteens"
	// KindClosedDay: a meal on a day the canteen's opening days say it is closed.
	KindClosedDay = "closed_day"
)

// Flag statuses: open until reviewed; cleared lets the meal be settled, confirmed keeps it out.
const (
	FlagOpen      = "open"
	FlagCleared   = "cleared"
	FlagConfirmed = "confirmed"
)

// FlagStatuses lists the flag statuses in review order.
func FlagStatuses() []string { return []string{FlagOpen, FlagConfirmed, FlagCleared} }

// FraudRule is one anti-fraud check.
type FraudRule struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	Kind        string       `json:"kind"`
	Description string       `json:"description"`
	Params      []FraudParam `json:"params"`
	// MonitorRules are the monitoring warning rules (internal/monitor rules.json) whose warnings
	// report a death, and DeathFields the evidence fields that carry its date, best first
	// (deceased rules only).
	MonitorRules []string `json:"monitor_rules,omitempty"`
	DeathFields  []string `json:"death_fields,omitempty"`
}

// FraudParam names a threshold of a rule: the policy parameter that holds its values and the
// Chinese label pages show beside it. The values are not here: they are in the parameter set.
type FraudParam struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

// ParamName is the name of the rule's parameter whose name ends in "."+short (the threshold
// called short by the rule's kind); ok is false when the rule declares none.
func (r *FraudRule) ParamName(short string) (string, bool) {
	p, ok := r.param(short)
	return p.Name, ok
}

// param is the rule's parameter called short by its kind, with its label for messages.
func (r *FraudRule) param(short string) (FraudParam, bool) {
	for _, p := range r.Params {
		if strings.HasSuffix(p.Name, "."+short) && len(p.Name) > len(short)+1 {
			return p, true
		}
	}
	return FraudParam{}, false
}

//go:embed fraud_rules.json
var fraudRulesJSON []byte

var fraudRuleSet = mustFraudRules(fraudRulesJSON)

// FraudRules lists the anti-fraud rules with their default thresholds, in the file's order.
func FraudRules() []FraudRule {
	out := make([]FraudRule, len(fraudRuleSet))
	for i, r := range fraudRuleSet {
		r.Params = slices.Clone(r.Params)
		out[i] = r
	}
	return out
}

// FraudRuleByID returns the rule with id, as FraudRules has it.
func FraudRuleByID(id string) (FraudRule, bool) {
	for _, r := range FraudRules() {
		if r.ID == id {
			return r, true
		}
	}
	return FraudRule{}, false
}

// mustFraudRules reads the embedded rules file and checks that the shipped parameter file holds
// every threshold it names; either failing is a broken build, which TestFraudRulesFile rules out.
func mustFraudRules(data []byte) []FraudRule {
	rules, err := parseFraudRules(data)
	if err == nil {
		err = checkFraudParamsKnown(rules, policy.Default(), "policy/data/params.csv")
	}
	if err != nil {
		panic(err)
	}
	return rules
}

// fraudRequiredParams are the thresholds each kind reads, by short name.
var fraudRequiredParams = map[string][]string{
	KindDailyCap:    {"max_meals", "max_subsidised"},
	KindDeceased:    nil,
	KindVolumeJump:  {"factor", "history_days", "min_average"},
	KindTwoCanteens: {"window_minutes"},
	KindClosedDay:   nil,
}

// parseFraudRules reads and checks a rules file: no unknown fields (a threshold value left in the
// file would otherwise be silently ignored), unique ids, known kinds, the thresholds each kind
// needs.
func parseFraudRules(data []byte) ([]FraudRule, error) {
	var rules []FraudRule
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rules); err != nil {
		return nil, fmt.Errorf("fraud_rules.json: %w (threshold values belong in the policy parameters, not here)", err)
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if err := checkFraudRule(r); err != nil {
			return nil, err
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("fraud_rules.json: rule %q repeated", r.ID)
		}
		seen[r.ID] = true
	}
	return rules, nil
}

// checkFraudRule reports what is wrong with one rule, for the rules file and for rules a caller
// passes to ScanFraudWith: each parameter named and labelled once, and every threshold its kind
// reads declared.
func checkFraudRule(r FraudRule) error {
	need, ok := fraudRequiredParams[r.Kind]
	switch {
	case r.ID == "" || r.Title == "":
		return fmt.Errorf("fraud rules: rule %q: id and title are required", r.ID)
	case !ok:
		return fmt.Errorf("fraud rules: rule %s: kind %q", r.ID, r.Kind)
	case r.Kind == KindDeceased && len(r.DeathFields) == 0 && len(r.MonitorRules) > 0:
		return fmt.Errorf("fraud rules: rule %s: monitor rules without death fields", r.ID)
	}
	names := map[string]bool{}
	for _, p := range r.Params {
		if p.Name == "" || p.Label == "" {
			return fmt.Errorf("fraud rules: rule %s: parameter %q needs a name and a label", r.ID, p.Name)
		}
		if names[p.Name] {
			return fmt.Errorf("fraud rules: rule %s: parameter %s repeated", r.ID, p.Name)
		}
		names[p.Name] = true
	}
	for _, short := range need {
		if _, ok := r.ParamName(short); !ok {
			return fmt.Errorf("fraud rules: rule %s: parameter %s missing", r.ID, short)
		}
	}
	return nil
}
