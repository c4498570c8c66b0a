package meals

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
)

// Anti-fraud checks.
//
// Each check is a rule of fraud_rules.json: an id, a Chinese title, the kind of test it runs and
// its thresholds. The thresholds are the project's defaults [D], labelled as such and named like
// policy parameters (meals.fraud.*): the meals store has no policy-parameter store, so they live
// in the rules file rather than in params.csv; ScanFraudWith takes rules with other values, which
// is how an installation (or its scheduled job) sets its own. A rule that fires on a meal
// writes one meal_flags row per meal and rule, with its evidence — what the rule saw — as JSON.
// An open or confirmed flag holds the meal back from settlement; a cleared one lets it through.

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

// FraudParam is a threshold of a rule. Default marks a project default [D] rather than a value
// taken from a regulation.
type FraudParam struct {
	Name    string `json:"name"`
	Label   string `json:"label"`
	Value   int64  `json:"value"`
	Unit    string `json:"unit"`
	Default bool   `json:"default"`
}

// Param is the value of the rule's parameter whose name ends in "."+short; ok is false when
// the rule has none.
func (r *FraudRule) Param(short string) (int64, bool) {
	for _, p := range r.Params {
		if len(p.Name) > len(short) && p.Name[len(p.Name)-len(short)-1:] == "."+short {
			return p.Value, true
		}
	}
	return 0, false
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

func mustFraudRules(data []byte) []FraudRule {
	rules, err := parseFraudRules(data)
	if err != nil {
		panic(err)
	}
	return rules
}

// fraudRequiredParams are the thresholds each kind reads.
var fraudRequiredParams = map[string][]string{
	KindDailyCap:    {"max_meals", "max_subsidised"},
	KindDeceased:    nil,
	KindVolumeJump:  {"factor", "history_days", "min_average"},
	KindTwoCanteens: {"window_minutes"},
	KindClosedDay:   nil,
}

// parseFraudRules reads and checks a rules file: unique ids, known kinds, the thresholds each
// kind needs, none negative.
func parseFraudRules(data []byte) ([]FraudRule, error) {
	var rules []FraudRule
	if err := json.Unmarshal(data, &rules); err != nil {
		return nil, fmt.Errorf("fraud_rules.json: %w", err)
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
// passes to ScanFraudWith.
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
	for _, p := range r.Params {
		if p.Value < 0 {
			return fmt.Errorf("fraud rules: rule %s: parameter %s is negative", r.ID, p.Name)
		}
	}
	for _, short := range need {
		if _, ok := r.Param(short); !ok {
			return fmt.Errorf("fraud rules: rule %s: parameter %s missing", r.ID, short)
		}
	}
	if n, ok := r.Param("history_days"); ok && r.Kind == KindVolumeJump && (n < 1 || n > maxFraudScanDays) {
		return fmt.Errorf("fraud rules: rule %s: history_days %d out of 1–%d", r.ID, n, maxFraudScanDays)
	}
	return nil
}
