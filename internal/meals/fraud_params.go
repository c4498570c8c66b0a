package meals

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/policy"
)

// The thresholds of the anti-fraud rules are policy parameters (meals.fraud.*), so that a city
// or one district can change a cap from a given day without a release, as the project requires
// of every standard and threshold. A scan spans days (the hourly job the last week, settlement a
// month), so each threshold is resolved for the meal's day and its canteen's region. The
// parameter set is loaded once per scan and each (rule, region, day) resolved once: the rules
// read a quarter of a million meals a month, and looking parameters up per meal would cost more
// than the rules themselves.

// fraudLimits are the thresholds of one rule for one region and day, as the rules read them.
type fraudLimits struct {
	maxMeals, maxSubsidised         int64 // daily_cap
	factor, historyDays, minAverage int64 // volume_jump; factor per mille
	windowMinutes                   int64 // two_canteens
}

// fraudLimitField says where a threshold, by short name, goes in fraudLimits and which values
// make sense: at least min and, when max is not zero, at most max. A value outside would make
// the rule flag every meal (a cap of 0, a factor below 1×, a minimum average of 0, which flags
// a new canteen's whole first day) or read beyond what a scan loads.
type fraudLimitField struct {
	field    func(*fraudLimits) *int64
	min, max int64
}

// fraudLimitFields are the thresholds of every kind (fraudRequiredParams lists which kind reads
// which). A volume window is bounded like a scan, the history being read in one query; a
// two-canteen window by a day, as a scan reads only the day before its period.
var fraudLimitFields = map[string]fraudLimitField{
	"max_meals":      {field: func(l *fraudLimits) *int64 { return &l.maxMeals }, min: 1},
	"max_subsidised": {field: func(l *fraudLimits) *int64 { return &l.maxSubsidised }, min: 1},
	"factor":         {field: func(l *fraudLimits) *int64 { return &l.factor }, min: 1000},
	"history_days":   {field: func(l *fraudLimits) *int64 { return &l.historyDays }, min: 1, max: maxFraudScanDays},
	"min_average":    {field: func(l *fraudLimits) *int64 { return &l.minAverage }, min: 1},
	"window_minutes": {field: func(l *fraudLimits) *int64 { return &l.windowMinutes }, min: 1, max: 24 * 60},
}

// fraudThresholdKey is one resolution: a rule, the part of a region code its parameters tell
// apart (fraudThresholds.regions), and a day.
type fraudThresholdKey struct {
	rule   string
	region string
	day    civil.Date
}

// fraudThresholds resolves the rules' thresholds during one scan. The first failure (a
// threshold with no value for a meal's region and day, or a value out of range) is kept in err
// and stops the scan before anything is recorded: a rule must not run on a guess.
type fraudThresholds struct {
	set *policy.Set
	// regions are the region codes of the rows of the rules' parameters, longest first. A
	// meal's region is resolved through the longest of them that it starts with: the lookup's
	// answer is the same (no row names a longer prefix of it), and the cache then holds one
	// entry per region the parameters distinguish — the city, the districts that set their own —
	// and day, rather than one per community.
	regions []string
	cache   map[fraudThresholdKey]fraudLimits
	err     error
}

// newFraudThresholds prepares the resolution of rules' thresholds from set.
func newFraudThresholds(set *policy.Set, rules []FraudRule) *fraudThresholds {
	names := map[string]bool{}
	for _, r := range rules {
		for _, p := range r.Params {
			names[p.Name] = true
		}
	}
	seen := map[string]bool{}
	t := &fraudThresholds{set: set, cache: map[fraudThresholdKey]fraudLimits{}}
	for _, p := range set.All() {
		if names[p.Name] && !seen[p.Region] {
			seen[p.Region] = true
			t.regions = append(t.regions, p.Region)
		}
	}
	sort.Slice(t.regions, func(i, j int) bool { return len(t.regions[i]) > len(t.regions[j]) })
	return t
}

// assignRegions sets each meal's paramRegion: the longest region of the parameters' rows its
// canteen's region starts with ("" when none, which no value covers).
func (t *fraudThresholds) assignRegions(meals []fraudMeal) {
	memo := map[string]string{}
	for i := range meals {
		m := &meals[i]
		r, ok := memo[m.region]
		if !ok {
			for _, code := range t.regions {
				if strings.HasPrefix(m.region, code) {
					r = code
					break
				}
			}
			memo[m.region] = r
		}
		m.paramRegion = r
	}
}

// of is rule r's thresholds for meal m's region and day; ok is false once a resolution has
// failed (t.err says why), and the rule then skips the meal.
func (t *fraudThresholds) of(r *FraudRule, m *fraudMeal) (fraudLimits, bool) {
	if t.err != nil {
		return fraudLimits{}, false
	}
	key := fraudThresholdKey{rule: r.ID, region: m.paramRegion, day: m.day}
	if l, ok := t.cache[key]; ok {
		return l, true
	}
	l, err := t.resolve(r, m.region, m.day)
	if err != nil {
		t.err = err
		return fraudLimits{}, false
	}
	t.cache[key] = l
	return l, true
}

// resolve looks up every threshold of r's kind for region on day and checks its range. Its
// errors are the administrator's to fix on the parameter pages, so they say in Chinese which
// threshold, where and when; they are conflicts with the stored parameters, not faults of ours.
func (t *fraudThresholds) resolve(r *FraudRule, region string, day civil.Date) (fraudLimits, error) {
	var l fraudLimits
	for _, short := range fraudRequiredParams[r.Kind] {
		fp, _ := r.param(short) // checkFraudRule made sure it is declared
		f := fraudLimitFields[short]
		p, err := t.set.Lookup(fp.Name, region, "", day)
		if err != nil {
			e := apperr.Msg(apperr.Conflict, "meals.fraud.threshold_missing", r.Title, fp.Label, fp.Name, region, day.Chinese())
			e.Err = err
			return l, e
		}
		if !f.allows(p.Value) {
			return l, apperr.Msg(apperr.Conflict, "meals.fraud.threshold_invalid",
				r.Title, fp.Label, fp.Name, region, day.Chinese(), p.Value, fraudRange(f.min, f.max), p.Label())
		}
		*f.field(&l) = p.Value
	}
	return l, nil
}

// fraudRange writes the values a threshold may take, for an error.
func fraudRange(lo, hi int64) string {
	if hi == 0 {
		return "不小于 " + itoa(lo)
	}
	return itoa(lo) + "–" + itoa(hi)
}

// fraudParamSet is the parameter set a scan reads: the installation's stored parameters, or the
// shipped ones (policy.Default) for a store built without a parameter store, as unit tests
// build it.
func (s *Store) fraudParamSet(ctx context.Context) (*policy.Set, error) {
	if s.Params == nil {
		return policy.Default(), nil
	}
	set, err := s.Params.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("meals: anti-fraud thresholds: %w", err)
	}
	return set, nil
}

// checkFraudParamsKnown reports a parameter the rules name that set (read from where) holds no
// value of at all: a rules file and a parameter file out of step, caught when the rules load
// rather than at the first scan.
func checkFraudParamsKnown(rules []FraudRule, set *policy.Set, where string) error {
	known := map[string]bool{}
	for _, p := range set.All() {
		known[p.Name] = true
	}
	for _, r := range rules {
		for _, p := range r.Params {
			if !known[p.Name] {
				return fmt.Errorf("fraud_rules.json: rule %s: parameter %s (%s) has no value in %s", r.ID, p.Name, p.Label, where)
			}
		}
	}
	return nil
}
