package policy

import (
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
)

func date(s string) civil.Date {
	d, err := civil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestDefaultLookups(t *testing.T) {
	s := Default()
	tests := []struct {
		name, region, hukou, on string
		want                    int64
	}{
		{"dibao.standard", "370212001001", "urban", "2022-06-30", 90400},
		{"dibao.standard", "370212001001", "urban", "2023-01-01", 104500},
		{"dibao.standard", "370215100201", "rural", "2024-03-01", 111500}, // 即墨 rural
		{"dibao.standard", "370283100201", "rural", "2024-03-01", 86000},  // 平度 rural
		{"dibao.standard", "370283100201", "rural", "2023-12-31", 79100},
		{"disability.living.grade1", "370202001001", "", "2024-01-01", 37500},
		{"price_subsidy.cpi_threshold", "370202", "", "2022-10-01", 30},
		{"price_subsidy.cpi_threshold", "370202", "", "2023-04-01", 35},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.region+"/"+tt.on, func(t *testing.T) {
			p, err := s.Lookup(tt.name, tt.region, tt.hukou, date(tt.on))
			if err != nil || p.Value != tt.want {
				t.Fatalf("got %d (%v), want %d", p.Value, err, tt.want)
			}
		})
	}
	if _, err := s.Lookup("dibao.standard", "370202001001", "rural", date("2024-01-01")); err == nil {
		t.Fatal("市南区 has no rural standard, but one was found")
	}
	if p, _ := s.Lookup("disability.living.grade1", "370202001001", "", date("2024-01-01")); !p.Official {
		t.Fatal("the district's official value should win over the city default")
	}
}

func TestSetRejectsGapsAndOverlaps(t *testing.T) {
	base := Param{Name: "x", Region: "3702", Value: 1, Unit: Count, ValidFrom: date("2023-01-01"), ValidTo: date("2024-01-01")}
	overlap, gap, open := base, base, base
	overlap.ValidFrom, overlap.ValidTo = date("2023-06-01"), civil.Date{}
	gap.ValidFrom, gap.ValidTo = date("2024-02-01"), civil.Date{}
	open.ValidTo = civil.Date{}
	later := base
	later.ValidFrom, later.ValidTo = date("2024-01-01"), civil.Date{}
	for name, ps := range map[string][]Param{"overlap": {base, overlap}, "gap": {base, gap}, "two open": {open, later}} {
		if _, err := NewSet(ps); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := NewSet([]Param{base, later}); err != nil {
		t.Fatalf("contiguous values rejected: %v", err)
	}
	s, _ := NewSet([]Param{open})
	s2, err := s.With(later)
	if err != nil {
		t.Fatalf("adding next year's value: %v", err)
	}
	if p, _ := s2.Lookup("x", "3702", "", date("2023-12-31")); p.ValidTo != date("2024-01-01") {
		t.Fatalf("the open value was not closed when the next began: %+v", p)
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	bad := strings.Join(columns, ",") + "\ndibao.standard,3702,urban,2024-13-01,,1,fen/month,true,x\n"
	if _, err := Parse(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "第2行") {
		t.Fatalf("err = %v", err)
	}
}
