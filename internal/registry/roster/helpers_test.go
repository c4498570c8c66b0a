package roster

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite golden files and the column table in docs/roster-template.md")

// id makes a valid synthetic ID number: born on 1960-01-01 plus n days, sequence n.
func id(n int) string {
	d := civil.Date{Year: 1960, Month: 1, Day: 1}.AddDays(n * 37)
	return idcard.Synthesize("370212", d, n%1000).String()
}

func day(s string) civil.Date {
	d, err := civil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// sampleHouseholds covers every column with a value, in the canonical form Parse produces.
func sampleHouseholds() []registry.HouseholdInput {
	return []registry.HouseholdInput{{
		RegionCode: "370212900001", Address: "示例路1号", Hukou: registry.Urban, HukouRegion: "370212",
		Assets:   registry.Assets{FinancialAssets: 1234567, Vehicles: 1, Homes: 2, FloorAreaM2: 88, BusinessRegistered: true},
		Spending: []registry.Spending{{Kind: registry.Medical, Amount: 860000}, {Kind: registry.Rehabilitation, Amount: 5}},
		Tiers:    []registry.TierInput{{Tier: registry.Tekun, MemberIndex: -1, ValidFrom: day("2023-07-01")}},
		Members: []registry.PersonInput{{
			Name: "张示例", IDNumber: id(1), Relation: registry.Head, Phone: "0532-88886666", Marital: "widowed",
			Education: "none", Employment: "retired", WorkCapacity: "none",
			Disability:     registry.Disability{Certificate: id(1) + "71", Kind: registry.Multiple, Grade: 1},
			SeriousIllness: true, Illness: "尿毒症",
			SelfCare: registry.SelfCare{Eat: true, Dress: true, Transfer: true, Toilet: true, Walk: true, Bathe: true},
			Incomes:  incomesOfEveryKind(),
		}, {
			Name: "欧阳示例", IDNumber: id(2), Relation: registry.Grandchild, Phone: "13800000001", Marital: "single",
			Education: "postgraduate", InSchool: true, Employment: "student", WorkCapacity: "full",
		}},
	}, {
		RegionCode: "370212900002", Address: "示例路2号", Hukou: registry.Rural, HukouRegion: "370281",
		Members: []registry.PersonInput{{Name: "李示例", IDNumber: id(3), Relation: registry.Head,
			Disability: registry.Disability{Kind: registry.Mental, Grade: 3}}},
	}}
}

func incomesOfEveryKind() []registry.Income {
	var out []registry.Income
	for i, k := range registry.IncomeKinds() {
		out = append(out, registry.Income{Kind: k, Monthly: money.Fen(100*i + 1)})
	}
	return out
}

func sampleRows() []ExportRow {
	var rows []ExportRow
	for i, h := range sampleHouseholds() {
		rows = append(rows, ExportRows(fmt.Sprintf("H%d", i+1), h)...)
	}
	return rows
}

// csvOf builds a CSV file from records.
func csvOf(t testing.TB, recs [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// xlsxOf builds an .xlsx file whose first sheet holds recs as text cells and the given merges.
func xlsxOf(t testing.TB, recs [][]any, merges ...[2]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// record makes one data row in Headers() order from header → value pairs.
func record(kv map[string]string) []string {
	out := make([]string, len(columns))
	for h, v := range kv {
		i := indexOf(Headers(), h)
		if i < 0 {
			panic("no column " + h)
		}
		out[i] = v
	}
	return out
}

// base is a valid two-person household, rows 2 and 3 of a file.
func base() []map[string]string {
	return []map[string]string{{
		"户编号": "H1", "所在村（社区）代码": "370212900001", "家庭住址": "示例路1号", "户籍类型": "城镇",
		"户籍所在县区代码": "370212", "姓名": "张示例", "身份证号": id(1), "与户主关系": "户主",
	}, {
		"户编号": "H1", "姓名": "李示例", "身份证号": id(2), "与户主关系": "配偶",
	}}
}

func parseBytes(t testing.TB, data []byte, name string) *Result {
	t.Helper()
	res, err := Parse(bytes.NewReader(data), name, Limits{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}
