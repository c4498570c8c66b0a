// Package policy holds the rules by which the bureau pays: effective-dated, region-scoped
// parameters (standards, ratios, thresholds, amounts) and pure calculators for every program that
// turn a household's circumstances into eligibility, a monthly amount and an explanation a street
// officer can show the family.
//
// Nothing here is a constant in code: every figure is a Param, loaded from a versioned data file
// embedded in the binary (data/params.csv, with the source of each value and whether it is
// official or a project default [D]) and, in a running installation, from the database, where a
// city administrator adds next year's values. Calculators do no I/O; they take a Set and a
// Request and return a Result, so the same calculation runs in the UI, the API, the CLI and the
// policy simulation.
package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
)

// Unit says how a parameter's integer value reads.
type Unit string

// The units. Money is always fen; ratios are per mille so that 1.5 × is 1500, 30 % is 300.
const (
	FenPerMonth Unit = "fen/month"
	FenPerYear  Unit = "fen/year"
	FenOnce     Unit = "fen"
	Permille    Unit = "permille"
	Count       Unit = "count"
)

// Param is one value of one parameter, valid in a region (a code prefix, "" everywhere) for a
// hukou type ("" both) from ValidFrom up to but not including ValidTo (zero: open-ended).
type Param struct {
	Name      string
	Region    string
	Hukou     string
	ValidFrom civil.Date
	ValidTo   civil.Date
	Value     int64
	Unit      Unit
	Official  bool
	Source    string
	label     string // Label, worked out once when the Set is built
}

// Covers reports whether the parameter value applies on date d.
func (p Param) Covers(d civil.Date) bool {
	return !d.Before(p.ValidFrom) && (p.ValidTo.IsZero() || d.Before(p.ValidTo))
}

// Label is how an explanation cites the value: its validity, source and whether it is official.
func (p Param) Label() string {
	if p.label != "" {
		return p.label
	}
	to := "起"
	if !p.ValidTo.IsZero() {
		to = "至" + p.ValidTo.AddDays(-1).Chinese()
	}
	kind := "官方"
	if !p.Official {
		kind = "默认配置"
	}
	return fmt.Sprintf("%s%s，%s，来源：%s", p.ValidFrom.Chinese(), to, kind, p.Source)
}

// key identifies the series a value belongs to: the same parameter for the same region and hukou.
func (p Param) key() string { return p.Name + "|" + p.Region + "|" + p.Hukou }

// Set is a validated collection of parameter values.
type Set struct {
	byName map[string][]Param
}

// NewSet validates params and builds a Set: within each series (name, region, hukou) the
// validity periods must neither overlap nor leave a gap, and only the last may be open-ended.
func NewSet(params []Param) (*Set, error) {
	s := &Set{byName: map[string][]Param{}}
	series := map[string][]Param{}
	for _, p := range params {
		if p.Name == "" || p.ValidFrom.IsZero() {
			return nil, fmt.Errorf("policy: %s: name and valid_from are required", p.Name)
		}
		if !p.ValidTo.IsZero() && !p.ValidFrom.Before(p.ValidTo) {
			return nil, fmt.Errorf("policy: %s %s: valid_to %s is not after valid_from %s", p.Name, p.Region, p.ValidTo, p.ValidFrom)
		}
		if p.Hukou != "" && p.Hukou != "urban" && p.Hukou != "rural" {
			return nil, fmt.Errorf("policy: %s: hukou %q must be urban, rural or empty", p.Name, p.Hukou)
		}
		p.label = ""
		p.label = p.Label()
		series[p.key()] = append(series[p.key()], p)
		s.byName[p.Name] = append(s.byName[p.Name], p)
	}
	for key, ps := range series {
		sort.Slice(ps, func(i, j int) bool { return ps[i].ValidFrom.Before(ps[j].ValidFrom) })
		for i := 1; i < len(ps); i++ {
			prev, cur := ps[i-1], ps[i]
			switch {
			case prev.ValidTo.IsZero() || prev.ValidTo.After(cur.ValidFrom):
				return nil, fmt.Errorf("policy: %s: %s and %s overlap", strings.ReplaceAll(key, "|", " "), prev.ValidFrom, cur.ValidFrom)
			case prev.ValidTo.Before(cur.ValidFrom):
				return nil, fmt.Errorf("policy: %s: gap between %s and %s", strings.ReplaceAll(key, "|", " "), prev.ValidTo, cur.ValidFrom)
			}
		}
	}
	return s, nil
}

// All lists every value, by name, region, hukou and date.
func (s *Set) All() []Param {
	var out []Param
	for _, ps := range s.byName {
		out = append(out, ps...)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Hukou != b.Hukou {
			return a.Hukou < b.Hukou
		}
		return a.ValidFrom.Before(b.ValidFrom)
	})
	return out
}

// ErrNoValue is returned when no value of a parameter applies.
type ErrNoValue struct {
	Name, Region, Hukou string
	On                  civil.Date
}

func (e *ErrNoValue) Error() string {
	return fmt.Sprintf("policy: no value of %s for region %s, hukou %q on %s", e.Name, e.Region, e.Hukou, e.On)
}

// Lookup finds the value of name that applies in region for hukou on date: among the values
// covering the date, the one with the longest region prefix of region wins, and a value for the
// hukou type wins over one for both.
func (s *Set) Lookup(name, region, hukou string, on civil.Date) (Param, error) {
	best, found := Param{}, false
	for _, p := range s.byName[name] {
		if !strings.HasPrefix(region, p.Region) || (p.Hukou != "" && p.Hukou != hukou) || !p.Covers(on) {
			continue
		}
		if !found || len(p.Region) > len(best.Region) || (len(p.Region) == len(best.Region) && p.Hukou != "" && best.Hukou == "") {
			best, found = p, true
		}
	}
	if !found {
		return Param{}, &ErrNoValue{Name: name, Region: region, Hukou: hukou, On: on}
	}
	return best, nil
}

// With returns a new Set with p added. The open-ended value of the same series that p follows is
// closed the day p starts, which is how next year's standard is entered.
func (s *Set) With(p Param) (*Set, error) {
	all := s.All()
	for i, q := range all {
		if q.key() == p.key() && q.ValidTo.IsZero() && q.ValidFrom.Before(p.ValidFrom) {
			all[i].ValidTo = p.ValidFrom
		}
	}
	return NewSet(append(all, p))
}
