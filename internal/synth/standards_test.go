package synth

import (
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

func TestReferenceValues(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }
	tests := []struct {
		name, ref, district string
		hukou               registry.HukouType
		on                  civil.Date
		want                money.Fen
		ok                  bool
	}{
		{"市南 urban 2024", RefDibaoStandard, "370202", registry.Urban, day(2024, time.March, 1), money.Yuan(1115), true},
		{"市北 urban, day before 2023", RefDibaoStandard, "370203", registry.Urban, day(2022, time.December, 31), money.Yuan(904), true},
		{"崂山 rural 2023", RefDibaoStandard, "370212", registry.Rural, day(2023, time.January, 1), money.Yuan(1045), true},
		{"胶州 rural 2023", RefDibaoStandard, "370281", registry.Rural, day(2023, time.July, 1), money.Yuan(791), true},
		{"莱西 rural 2025", RefDibaoStandard, "370285", registry.Rural, day(2025, time.June, 30), money.Yuan(860), true},
		{"市南 has no rural standard", RefDibaoStandard, "370202", registry.Rural, day(2024, time.March, 1), 0, false},
		{"before the first row", RefDibaoStandard, "370202", registry.Urban, day(2020, time.January, 1), 0, false},
		{"disposable income, urban", RefDisposableIncome, "370211", registry.Urban, day(2025, time.January, 1), money.Yuan(60000), true},
		{"disposable income, rural", RefDisposableIncome, "370283", registry.Rural, day(2025, time.January, 1), money.Yuan(25000), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ref.Value(tt.ref, tt.district, tt.hukou, tt.on)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Value = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	if v, ok := ref.ValueOrEarliest(RefDibaoStandard, "370202", registry.Urban, day(2020, time.January, 1)); !ok || v != money.Yuan(904) {
		t.Errorf("ValueOrEarliest before the first row = %v, %v; want the 2021 standard", v, ok)
	}
	for _, r := range ref.Rows() {
		if r.Name == RefDisposableIncome && r.Official {
			t.Errorf("%s %s is a placeholder and must not be marked official", r.Name, r.Hukou)
		}
	}
}

func TestParseReferenceErrors(t *testing.T) {
	const header = "name,region_code,hukou,valid_from,value_fen,source,official\n"
	tests := map[string]string{
		"header":   "name,region,hukou,valid_from,value_fen,source,official\n",
		"date":     header + "dibao_standard,3702,urban,2021-13-01,90400,x,true\n",
		"value":    header + "dibao_standard,3702,urban,2021-07-01,904.00,x,true\n",
		"negative": header + "dibao_standard,3702,urban,2021-07-01,-1,x,true\n",
		"hukou":    header + "dibao_standard,3702,city,2021-07-01,90400,x,true\n",
		"official": header + "dibao_standard,3702,urban,2021-07-01,90400,x,maybe\n",
		"source":   header + "dibao_standard,3702,urban,2021-07-01,90400,,true\n",
		"columns":  header + "dibao_standard,3702,urban,2021-07-01,90400\n",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseReference(strings.NewReader(in)); err == nil {
				t.Error("accepted")
			}
		})
	}
}
