package monitor

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/monitor/feed"
	"github.com/minzheng/minzheng/internal/policy"
)

// sourceRules are the rules that read one source, with their fields resolved to row indexes.
type sourceRules struct {
	src    feed.Source
	region int // the optional residence field, for people not in the database
	rules  []boundRule
}

type boundRule struct {
	*Rule
	period int // field index, or -1 for "once"
	conds  []boundCond
	// needsRegion says a condition looks up a parameter, which depends on the area.
	needsRegion bool
}

type boundCond struct {
	Condition
	field int
}

// bindRules resolves every rule reading src.
func bindRules(src feed.Source) *sourceRules {
	sr := &sourceRules{src: src, region: src.Index("region")}
	for i := range ruleSet {
		r := &ruleSet[i]
		if !slices.Contains(r.Sources, src.Name) {
			continue
		}
		b := boundRule{Rule: r, period: -1}
		if r.Period != "once" {
			b.period = src.Index(r.Period)
		}
		for _, c := range r.Conditions {
			field := -1
			if c.Field != "" {
				field = src.Index(c.Field)
			}
			b.conds = append(b.conds, boundCond{Condition: c, field: field})
			b.needsRegion = b.needsRegion || c.Param != ""
		}
		sr.rules = append(sr.rules, b)
	}
	return sr
}

// judge is what rules are evaluated against besides the row: the day, the parameters in force,
// and who was seen earning in this run. One per worker: its cache is not shared.
type judge struct {
	today   civil.Date
	params  *policy.Set
	cache   map[string]int64
	earning []uint64 // sorted
	// facts are the registry facts and thresholds the rule being judged has read, kept only
	// if it fires.
	facts [][2]string
}

func (j *judge) note(name, value string) { j.facts = append(j.facts, [2]string{name, value}) }

// param is the parameter's value for region on the run's day; false when none applies.
func (j *judge) param(name, region string) (int64, bool) {
	district := region
	if len(district) > 6 {
		district = district[:6]
	}
	key := name + "|" + district
	if v, ok := j.cache[key]; ok {
		return v, v != noParam
	}
	v := noParam
	if p, err := j.params.Lookup(name, district, "", j.today); err == nil {
		v = p.Value
	}
	j.cache[key] = v
	return v, v != noParam
}

const noParam int64 = -1 << 62

// hit is a rule that fired on a row.
type hit struct {
	rule     *Rule
	hash     string
	period   string
	person   *person // nil for someone not in the database
	region   string
	evidence map[string]string
}

// eval runs the source's rules on one row about p (nil when not registered) and calls emit for
// each rule that fires.
func (sr *sourceRules) eval(j *judge, row *feed.Row, p *person, emit func(hit)) {
	for i := range sr.rules {
		r := &sr.rules[i]
		if p == nil && r.Subject != SubjectUnregistered || p != nil && r.Subject != SubjectRegistered {
			continue
		}
		if p != nil && (p.Tier == "" || len(r.Tiers) > 0 && !slices.Contains(r.Tiers, string(p.Tier))) {
			continue
		}
		// The registered person's area, else the one the agency gave: read only when a rule
		// needs it, as most rows about strangers fire nothing.
		region := ""
		if p != nil {
			region = p.RegionCode
		} else if sr.region >= 0 && r.needsRegion {
			region, _ = row.Text(sr.region)
		}
		j.facts = j.facts[:0]
		if !sr.holds(j, r, row, p, region) {
			continue
		}
		if p == nil && sr.region >= 0 && !r.needsRegion {
			region, _ = row.Text(sr.region)
		}
		facts := make(map[string]string, len(j.facts)+len(sr.src.Fields)+1)
		for _, kv := range j.facts {
			facts[kv[0]] = kv[1]
		}
		h := hit{rule: r.Rule, hash: row.IDHash(), person: p, region: region, period: "once", evidence: facts}
		if r.period >= 0 {
			h.period = fieldText(&sr.src, row, r.period)
		}
		for f := range sr.src.Fields {
			if sr.src.Fields[f].Type == feed.TypeID {
				continue
			}
			if v := fieldText(&sr.src, row, f); v != "" {
				facts[sr.src.Fields[f].Name] = v
			}
		}
		if p != nil {
			facts["registry.tier"] = string(p.Tier)
		}
		emit(h)
	}
}

// holds tests every condition of r, noting the registry facts and thresholds it used.
func (sr *sourceRules) holds(j *judge, r *boundRule, row *feed.Row, p *person, region string) bool {
	for _, c := range r.conds {
		switch c.Test {
		case "at_least", "at_most":
			v, ok := number(&sr.src, row, c.field)
			limit := c.Value
			if c.Param != "" {
				name := c.Param
				if c.ByTier && p != nil {
					name += "." + string(p.Tier)
				}
				if limit, ok = j.param(name, region); !ok {
					return false
				}
				j.note("threshold."+c.Param, strconv.FormatInt(limit, 10))
			}
			if !ok || c.Test == "at_least" && v < limit || c.Test == "at_most" && v > limit {
				return false
			}
		case "equals":
			if v, _ := row.Text(c.field); v != c.ValueText {
				return false
			}
		case "main_earner":
			if !p.MainEarner {
				return false
			}
			j.note("registry.income", p.Income.String())
		case "after_tier_start":
			d, ok := row.Date(c.field)
			if !ok || p.TierSince.IsZero() || d.Before(p.TierSince) {
				return false
			}
			j.note("registry.tier_since", p.TierSince.String())
		case "ongoing":
			if d, ok := row.Date(c.field); ok && d.Before(j.today) {
				return false
			}
		case "drop_below_registered":
			v, ok := row.Fen(c.field)
			drop, okp := j.param(c.Param, region)
			if !ok || !okp || p.Income <= 0 || v > money.MulRatio(p.Income, 1000-drop, 1000, money.RoundHalfUp) {
				return false
			}
			j.note("registry.income", p.Income.String())
		case "more_severe_than_registered":
			g, ok := row.Int(c.field)
			if !ok || p.DisabilityGrade != 0 && int64(p.DisabilityGrade) <= g {
				return false
			}
			j.note("registry.disability_grade", strconv.Itoa(p.DisabilityGrade))
		case "registered_in_school":
			if !p.InSchool {
				return false
			}
		case "within_months":
			d, ok := row.Date(c.field)
			n, okp := j.param(c.Param, region)
			if !ok || !okp || d.Before(j.today.AddDays(-int(n)*30)) {
				return false
			}
		case "no_income":
			k, ok := hashKey(row.IDHashBytes())
			if _, earns := slices.BinarySearch(j.earning, k); !ok || earns {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// number reads a money (in fen) or integer field.
func number(src *feed.Source, row *feed.Row, i int) (int64, bool) {
	if i < 0 {
		return 0, false
	}
	if src.Fields[i].Type == feed.TypeMoney {
		v, ok := row.Fen(i)
		return int64(v), ok
	}
	return row.Int(i)
}

// fieldText is a field's value as text for evidence and periods; "" when empty.
func fieldText(src *feed.Source, row *feed.Row, i int) string {
	switch src.Fields[i].Type {
	case feed.TypeDate:
		if d, ok := row.Date(i); ok {
			return d.String()
		}
	case feed.TypeMonth:
		if m, ok := row.Month(i); ok {
			return m.String()
		}
	case feed.TypeMoney:
		if v, ok := row.Fen(i); ok {
			return v.String()
		}
	case feed.TypeInt:
		if v, ok := row.Int(i); ok {
			return strconv.FormatInt(v, 10)
		}
	default:
		v, _ := row.Text(i)
		return v
	}
	return ""
}

// summary is the warning's one line: the rule's name and the evidence that matters most.
func (h hit) summary(label string) string {
	if h.person == nil {
		return fmt.Sprintf("%s（未纳入低收入人口库）", label)
	}
	return fmt.Sprintf("%s（%s）", label, string(h.person.Tier))
}
