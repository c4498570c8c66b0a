package synth

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// The reference values the household generator needs to draw incomes that really fit a tier: the
// 低保 standards (DOMAIN.md §3) and the placeholder per-capita disposable incomes (§5). They are
// data, not constants, because they change every year and by district; the file has the columns
// the policy engine will use (region, hukou, valid_from, source, official).
//
// The policy engine (a later issue) becomes the authority for these values. When it exists, the
// generator should read the standards from it instead of this file, so the demo city and the
// calculators can never disagree; until then this file is the single copy.
//
//go:embed data/reference.csv
var referenceCSV []byte

// Names of the reference rows.
const (
	// RefDibaoStandard is the monthly 低保 standard per person, by district and hukou type.
	RefDibaoStandard = "dibao_standard"
	// RefDisposableIncome is last year's per-capita disposable income, per person and year; the
	// 刚性支出困难 income test compares a household's yearly per-capita income with it.
	RefDisposableIncome = "disposable_income_per_capita"
)

// Reference is one row of the embedded reference file. Official is false for project defaults
// ([D] in DOMAIN.md), which the UI must label 默认配置.
type Reference struct {
	Name       string
	RegionCode string // a prefix of the district code it applies to: 3702 for the whole city
	Hukou      registry.HukouType
	ValidFrom  civil.Date
	Value      money.Fen
	Source     string
	Official   bool
}

// ReferenceTable is the parsed reference file with its look-up.
type ReferenceTable struct {
	rows []Reference
}

var (
	refOnce  sync.Once
	refTable *ReferenceTable
	refErr   error
)

// LoadReference returns the embedded reference values, parsed once. An error means the shipped
// file is broken, which a test catches before release.
func LoadReference() (*ReferenceTable, error) {
	refOnce.Do(func() { refTable, refErr = ParseReference(bytes.NewReader(referenceCSV)) })
	return refTable, refErr
}

// mustReference is LoadReference for the generator, which has no error to return: the embedded
// file is checked by tests, so a failure here is a broken build.
func mustReference() *ReferenceTable {
	t, err := LoadReference()
	if err != nil {
		panic(err)
	}
	return t
}

// ParseReference reads a reference file with the header
// name,region_code,hukou,valid_from,value_fen,source,official. It is exported so that an
// administrator's edited copy can be checked with the same rules as the shipped one.
func ParseReference(r io.Reader) (*ReferenceTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 7
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("reference values: %w", err)
	}
	want := "name,region_code,hukou,valid_from,value_fen,source,official"
	if len(recs) == 0 || strings.Join(recs[0], ",") != want {
		return nil, fmt.Errorf("reference values: header must be %s", want)
	}
	t := &ReferenceTable{}
	for i, rec := range recs[1:] {
		row, err := parseReferenceRow(rec)
		if err != nil {
			return nil, fmt.Errorf("reference values, line %d: %w", i+2, err)
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func parseReferenceRow(rec []string) (Reference, error) {
	from, err := civil.ParseDate(rec[3])
	if err != nil {
		return Reference{}, err
	}
	fen, err := strconv.ParseInt(rec[4], 10, 64)
	if err != nil || fen <= 0 {
		return Reference{}, fmt.Errorf("value_fen %q is not a positive whole number", rec[4])
	}
	official, err := strconv.ParseBool(rec[6])
	if err != nil {
		return Reference{}, fmt.Errorf("official %q is not true or false", rec[6])
	}
	h := registry.HukouType(rec[2])
	if h != registry.Urban && h != registry.Rural {
		return Reference{}, fmt.Errorf("hukou %q is neither urban nor rural", rec[2])
	}
	if rec[0] == "" || rec[1] == "" || rec[5] == "" {
		return Reference{}, fmt.Errorf("name, region_code and source are required")
	}
	return Reference{Name: rec[0], RegionCode: rec[1], Hukou: h, ValidFrom: from, Value: money.Fen(fen),
		Source: rec[5], Official: official}, nil
}

// Rows returns a copy of every row, for a settings page or an export.
func (t *ReferenceTable) Rows() []Reference { return append([]Reference(nil), t.rows...) }

// Value returns the value of name for a district (6-digit code) and hukou type on a day. The
// most specific region wins (a district row over the city row), then the latest valid_from not
// after on. ok is false when no row applies, e.g. rural hukou in 市南, which has no villages.
func (t *ReferenceTable) Value(name, district string, hukou registry.HukouType, on civil.Date) (v money.Fen, ok bool) {
	var best *Reference
	for i := range t.rows {
		r := &t.rows[i]
		if r.Name != name || r.Hukou != hukou || !strings.HasPrefix(district, r.RegionCode) || r.ValidFrom.After(on) {
			continue
		}
		if best == nil || len(r.RegionCode) > len(best.RegionCode) ||
			(len(r.RegionCode) == len(best.RegionCode) && r.ValidFrom.After(best.ValidFrom)) {
			best = r
		}
	}
	if best == nil {
		return 0, false
	}
	return best.Value, true
}

// ValueOrEarliest is Value, but a day before the first row takes the first row's value: the
// demo may be generated "as of" an early date, and an older standard than the file knows is
// better approximated by the oldest known than by none.
func (t *ReferenceTable) ValueOrEarliest(name, district string, hukou registry.HukouType, on civil.Date) (money.Fen, bool) {
	if v, ok := t.Value(name, district, hukou, on); ok {
		return v, true
	}
	var first civil.Date
	for _, r := range t.rows {
		if r.Name == name && r.Hukou == hukou && strings.HasPrefix(district, r.RegionCode) &&
			(first.IsZero() || r.ValidFrom.Before(first)) {
			first = r.ValidFrom
		}
	}
	if first.IsZero() {
		return 0, false
	}
	return t.Value(name, district, hukou, first)
}
