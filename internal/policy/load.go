package policy

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
)

//go:embed data/params.csv
var defaultParams []byte

// columns of the parameter file, in order.
var columns = []string{"name", "region_code", "hukou", "valid_from", "valid_to", "value", "unit", "official", "source"}

// Parse reads a parameter file: CSV with the header above, "#" comment lines allowed. Errors name
// the line.
func Parse(r io.Reader) ([]Param, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines = append(lines, l)
		} else {
			lines = append(lines, "") // keep line numbers
		}
	}
	cr := csv.NewReader(strings.NewReader(strings.Join(lines, "\n")))
	cr.FieldsPerRecord = -1
	var out []Param
	header := false
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("第%d行: %w", line, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if !header {
			if strings.Join(rec, ",") != strings.Join(columns, ",") {
				return nil, fmt.Errorf("第%d行: 表头应为 %s", line, strings.Join(columns, ","))
			}
			header = true
			continue
		}
		p, err := parseRow(rec)
		if err != nil {
			return nil, fmt.Errorf("第%d行: %w", line, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func parseRow(rec []string) (Param, error) {
	if len(rec) != len(columns) {
		return Param{}, fmt.Errorf("应有 %d 列，实有 %d 列", len(columns), len(rec))
	}
	p := Param{Name: rec[0], Region: rec[1], Hukou: rec[2], Unit: Unit(rec[6]), Source: rec[8]}
	var err error
	if p.ValidFrom, err = civil.ParseDate(rec[3]); err != nil {
		return p, fmt.Errorf("valid_from: %w", err)
	}
	if rec[4] != "" {
		if p.ValidTo, err = civil.ParseDate(rec[4]); err != nil {
			return p, fmt.Errorf("valid_to: %w", err)
		}
	}
	if p.Value, err = strconv.ParseInt(rec[5], 10, 64); err != nil {
		return p, fmt.Errorf("value %q 不是整数", rec[5])
	}
	switch p.Unit {
	case FenPerMonth, FenPerYear, FenOnce, Permille, Count:
	default:
		return p, fmt.Errorf("unit %q 不正确", rec[6])
	}
	if p.Official, err = strconv.ParseBool(rec[7]); err != nil {
		return p, fmt.Errorf("official %q 应为 true 或 false", rec[7])
	}
	if strings.Trim(p.Region, "0123456789") != "" {
		return p, fmt.Errorf("region_code %q 只能包含数字", p.Region)
	}
	return p, nil
}

// Default is the parameter set shipped with the binary. It panics only if the embedded file is
// broken, which a test rules out.
func Default() *Set {
	ps, err := Parse(bytes.NewReader(defaultParams))
	if err != nil {
		panic(err)
	}
	s, err := NewSet(ps)
	if err != nil {
		panic(err)
	}
	return s
}
