package feed

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Type is the kind of value a field holds; it picks the parser and the accessor of Row.
type Type string

// The field types. Their string values appear in sources.json.
const (
	TypeID     Type = "id"     // the person: raw ID number (hashed on reading) or its keyed hash
	TypeDate   Type = "date"   // a day: YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD
	TypeMonth  Type = "month"  // a month: YYYY-MM (also YYYY/MM, YYYYMM)
	TypeMoney  Type = "money"  // yuan with at most two decimals, read as whole fen
	TypeInt    Type = "int"    // a whole number between Min and Max
	TypeText   Type = "text"   // free text up to MaxLen characters
	TypeEnum   Type = "enum"   // one of Values (or the Chinese ValueLabels)
	TypeRegion Type = "region" // a division code of 6, 9 or 12 digits
)

// IDField is the name of every source's identity field, so callers need not look it up.
const IDField = "id"

// Column headers of the identity field. A file carries one of the two: agencies that may not
// hand over raw numbers send the keyed hash computed with the recipe we give them.
const (
	ColIDNumber      = "id_number"
	ColIDNumberLabel = "身份证号"
	ColIDHash        = "id_hash"
	ColIDHashLabel   = "身份证号哈希"
)

// defaultMaxLen bounds a text field that sets no max_len: longer values are more likely a
// shifted column than a real name or address.
const defaultMaxLen = 100

// Field is one column of a feed. It is data (sources.json) rather than code so that adding a
// column an agency starts sending is a reviewed one-line change.
type Field struct {
	Name     string `json:"name"`     // column header in files and key in JSONL
	Label    string `json:"label"`    // Chinese name: accepted as header, used in messages
	Type     Type   `json:"type"`     // how the value is parsed
	Required bool   `json:"required"` // the column must exist and no row may leave it empty
	// Values are an enum's canonical values; ValueLabels, if set, are their Chinese spellings
	// (same order), which files may use instead.
	Values      []string `json:"values,omitempty"`
	ValueLabels []string `json:"value_labels,omitempty"`
	Min         int64    `json:"min,omitempty"`      // int: smallest value allowed
	Max         int64    `json:"max,omitempty"`      // int: largest value allowed
	Negative    bool     `json:"negative,omitempty"` // money: may be below zero (refunds)
	Future      bool     `json:"future,omitempty"`   // date, month: may lie after today
	MaxLen      int      `json:"max_len,omitempty"`  // text: longest value in characters
}

// Source is one agency's feed: what it is called and which fields its files carry. Every source
// has exactly one identity field, named IDField, and the optional fields "name" and "region"
// (added when sources.json does not declare them), which route people not in the database.
type Source struct {
	Name   string  `json:"name"`   // stable key, used in URLs, job names and stored records
	Label  string  `json:"label"`  // Chinese name of the data
	Agency string  `json:"agency"` // Chinese name of the agency that sends it
	Fields []Field `json:"fields"`
}

// common are the fields every source may carry.
var common = []Field{
	{Name: "name", Label: "姓名", Type: TypeText, MaxLen: 40},
	{Name: "region", Label: "居住地区划代码", Type: TypeRegion},
}

//go:embed sources.json
var sourcesJSON []byte

// catalogue is parsed once at start-up; a broken sources.json is a build mistake, caught by the
// tests, so it panics rather than limping on with fewer feeds.
var catalogue = mustLoad(sourcesJSON)

// Sources returns every feed definition, in the order of sources.json. The result is a copy: a
// caller may change it without affecting other readers.
func Sources() []Source {
	out := make([]Source, len(catalogue))
	for i, s := range catalogue {
		out[i] = s.clone()
	}
	return out
}

// Lookup finds a feed definition by name, as given in an upload form or a job argument.
func Lookup(name string) (Source, bool) {
	for _, s := range catalogue {
		if s.Name == name {
			return s.clone(), true
		}
	}
	return Source{}, false
}

// Index returns the position of the named field in s.Fields, which is the index Row's accessors
// take, or -1 when s has no such field. Look it up once, outside the row loop.
func (s Source) Index(name string) int {
	return slices.IndexFunc(s.Fields, func(f Field) bool { return f.Name == name })
}

func (s Source) clone() Source {
	c := s
	c.Fields = make([]Field, len(s.Fields))
	for i, f := range s.Fields {
		f.Values = slices.Clone(f.Values)
		f.ValueLabels = slices.Clone(f.ValueLabels)
		c.Fields[i] = f
	}
	return c
}

func mustLoad(data []byte) []Source {
	srcs, err := loadSources(data)
	if err != nil {
		panic(err)
	}
	return srcs
}

// loadSources parses and checks feed definitions, adding the common fields.
func loadSources(data []byte) ([]Source, error) {
	var srcs []Source
	if err := json.Unmarshal(data, &srcs); err != nil {
		return nil, fmt.Errorf("feed: sources.json: %w", err)
	}
	seen := map[string]bool{}
	for i := range srcs {
		s := &srcs[i]
		for _, c := range common {
			if s.Index(c.Name) < 0 {
				s.Fields = append(s.Fields, c)
			}
		}
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("feed: sources.json: source %q: %w", s.Name, err)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("feed: sources.json: source %q repeated", s.Name)
		}
		seen[s.Name] = true
	}
	return srcs, nil
}

// check enforces what the reader relies on: one identity field, unique names and labels (they
// are headers), and parameters that make sense for each type.
func (s *Source) check() error {
	if s.Name == "" || s.Label == "" || s.Agency == "" {
		return fmt.Errorf("name, label and agency are required")
	}
	headers := map[string]bool{ColIDNumber: true, ColIDNumberLabel: true, ColIDHash: true, ColIDHashLabel: true}
	ids := 0
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Type == TypeID {
			ids++
			if f.Name != IDField || !f.Required {
				return fmt.Errorf("identity field must be named %q and required", IDField)
			}
			continue
		}
		for _, h := range []string{strings.ToLower(f.Name), f.Label} {
			if h == "" || headers[h] {
				return fmt.Errorf("field %q: empty or repeated name or label %q", f.Name, h)
			}
			headers[h] = true
		}
		if err := f.check(); err != nil {
			return fmt.Errorf("field %q: %w", f.Name, err)
		}
	}
	if ids != 1 {
		return fmt.Errorf("%d identity fields, want exactly 1", ids)
	}
	return nil
}

func (f *Field) check() error {
	switch f.Type {
	case TypeDate, TypeMonth, TypeMoney, TypeRegion:
	case TypeInt:
		if f.Min >= f.Max {
			return fmt.Errorf("int needs min < max")
		}
	case TypeText:
		if f.MaxLen == 0 {
			f.MaxLen = defaultMaxLen
		}
	case TypeEnum:
		if len(f.Values) == 0 || (f.ValueLabels != nil && len(f.ValueLabels) != len(f.Values)) {
			return fmt.Errorf("enum needs values, and one label per value if labels are given")
		}
	default:
		return fmt.Errorf("unknown type %q", f.Type)
	}
	return nil
}
