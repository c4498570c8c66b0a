package meals

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// Funding sources of a subsidy share.
const (
	SourceCity     = "city"
	SourceDistrict = "district"
	SourceStreet   = "street"
)

// Policy is one region's subsidy rules in force from ValidFrom up to (not including) ValidTo.
type Policy struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Region    string     `json:"region"` // a division code prefix: the canteens it covers
	ValidFrom civil.Date `json:"valid_from"`
	ValidTo   civil.Date `json:"valid_to"` // zero: open-ended
	// Default marks a project default [D], shown as such wherever the policy is named.
	Default bool   `json:"default"`
	Source  string `json:"source"`
	Rules   []Rule `json:"rules"`
	// DailyCap is how many subsidised meals a diner may have a day (0: no limit).
	DailyCap int `json:"daily_cap"`
	// OnlyAboveSubsidy takes the subsidy only when the bill exceeds it (Beijing's rule); a
	// cheaper meal is paid in full.
	OnlyAboveSubsidy bool `json:"only_above_subsidy"`
}

// Rule is one way a diner qualifies, with what the funding sources then pay. When several rules
// apply to a meal, the one giving the most subsidy counts.
type Rule struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	When  When   `json:"when"`
	// DinerPays, when set, fixes what the diner pays (城阳区: a 15-yuan meal costs 8); the
	// subsidy is the rest of the price, split by Shares in order, the last share taking what
	// remains.
	DinerPays money.Fen `json:"diner_pays_fen"`
	Shares    []Share   `json:"shares"`
}

// When says to whom and to which meals a rule applies; empty fields do not restrict.
type When struct {
	MinAge int `json:"min_age"`
	MaxAge int `json:"max_age"`
	// Categories: the diner holds at least one (dibao, tekun, disabled = 失能).
	Categories []string `json:"categories"`
	// LocalHukou: the diner's hukou is in the policy's region.
	LocalHukou bool     `json:"local_hukou"`
	MealTypes  []string `json:"meal_types"` // breakfast, lunch, dinner
	// WorkingDaysOnly: not on weekends or public holidays (市南区's 70+ rule).
	WorkingDaysOnly bool `json:"working_days_only"`
}

// Share is one funding source's part of a subsidy: an amount, or (in a DinerPays rule) what is
// left. HomeOnly drops the share when the diner eats outside their home district or street
// (Guangzhou: eating in another district loses the district share).
type Share struct {
	Source   string    `json:"source"`
	Amount   money.Fen `json:"amount_fen"`
	HomeOnly bool      `json:"home_only"`
}

// Check reports the first thing wrong with a policy, naming it.
func (p *Policy) Check() error {
	switch {
	case p.ID == "" || p.Name == "":
		return fmt.Errorf("meals policy %q: id and name are required", p.ID)
	case p.Region == "" || strings.Trim(p.Region, "0123456789") != "":
		return fmt.Errorf("meals policy %s: region %q is not a division code", p.ID, p.Region)
	case p.ValidFrom.IsZero() || !p.ValidTo.IsZero() && !p.ValidFrom.Before(p.ValidTo):
		return fmt.Errorf("meals policy %s: valid_from must be set and before valid_to", p.ID)
	case len(p.Rules) == 0:
		return fmt.Errorf("meals policy %s: no rules", p.ID)
	}
	for _, r := range p.Rules {
		if r.ID == "" || len(r.Shares) == 0 {
			return fmt.Errorf("meals policy %s: rule %q needs an id and shares", p.ID, r.ID)
		}
		for _, s := range r.Shares {
			if s.Source != SourceCity && s.Source != SourceDistrict && s.Source != SourceStreet {
				return fmt.Errorf("meals policy %s rule %s: source %q", p.ID, r.ID, s.Source)
			}
			if s.Amount < 0 {
				return fmt.Errorf("meals policy %s rule %s: negative share", p.ID, r.ID)
			}
		}
	}
	return nil
}

// In reports whether the policy is in force on d.
func (p *Policy) In(d civil.Date) bool {
	return !d.Before(p.ValidFrom) && (p.ValidTo.IsZero() || d.Before(p.ValidTo))
}

// ParsePolicies reads and checks a JSON list of policies.
func ParsePolicies(data []byte) ([]Policy, error) {
	var ps []Policy
	if err := json.Unmarshal(data, &ps); err != nil {
		return nil, fmt.Errorf("meals policies: %w", err)
	}
	for i := range ps {
		if err := ps[i].Check(); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// PolicyFor picks the policy in force on d for a canteen in region: the one with the longest
// region prefix of the canteen's code; false when none applies.
func PolicyFor(ps []Policy, region string, d civil.Date) (*Policy, bool) {
	var best *Policy
	for i := range ps {
		p := &ps[i]
		if !strings.HasPrefix(region, p.Region) || !p.In(d) {
			continue
		}
		if best == nil || len(p.Region) > len(best.Region) {
			best = p
		}
	}
	return best, best != nil
}

// containsAny reports whether have holds one of want.
func containsAny(have, want []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

//go:embed policies.json
var defaultPoliciesJSON []byte

// DefaultPolicies are the demo city's policies: the [D] default for Qingdao and 市南区's 2023
// rules as a worked example. A bureau loads its own.
func DefaultPolicies() []Policy {
	ps, err := ParsePolicies(defaultPoliciesJSON)
	if err != nil {
		panic(err) // a broken embedded file is a build mistake, caught by the tests
	}
	return ps
}
