package feed

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

func TestSources(t *testing.T) {
	want := []string{"death", "cremation", "medical", "disability", "unemployment", "social_insurance",
		"vehicle", "real_estate", "market_entity", "prison", "schooling", "marriage", "income"}
	for _, name := range want {
		t.Run(name, func(t *testing.T) {
			src := mustLookup(t, name)
			if src.Label == "" || src.Agency == "" {
				t.Errorf("label %q, agency %q", src.Label, src.Agency)
			}
			ids := 0
			for _, f := range src.Fields {
				if f.Type == TypeID {
					ids++
				}
			}
			if ids != 1 || src.Index(IDField) != 0 {
				t.Errorf("%d identity fields, id at %d", ids, src.Index(IDField))
			}
			for _, common := range []string{"name", "region"} {
				if i := src.Index(common); i < 0 || src.Fields[i].Required {
					t.Errorf("common field %q missing or required", common)
				}
			}
		})
	}
	if _, ok := Lookup("no_such_feed"); ok {
		t.Error("Lookup found an unknown feed")
	}
	all := Sources()
	all[0].Fields[0].Label = "changed"
	if Sources()[0].Fields[0].Label == "changed" {
		t.Error("Sources returns shared slices")
	}
}

func TestLoadSourcesRejects(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"no identity", `[{"name":"a","label":"A","agency":"B","fields":[]}]`, "identity"},
		{"two identities", `[{"name":"a","label":"A","agency":"B","fields":[
			{"name":"id","label":"身份证号","type":"id","required":true},
			{"name":"id","label":"身份证号","type":"id","required":true}]}]`, "identity"},
		{"bad type", `[{"name":"a","label":"A","agency":"B","fields":[
			{"name":"id","label":"身份证号","type":"id","required":true},{"name":"x","label":"X","type":"float"}]}]`, "unknown type"},
		{"int without range", `[{"name":"a","label":"A","agency":"B","fields":[
			{"name":"id","label":"身份证号","type":"id","required":true},{"name":"x","label":"X","type":"int"}]}]`, "min < max"},
		{"repeated label", `[{"name":"a","label":"A","agency":"B","fields":[
			{"name":"id","label":"身份证号","type":"id","required":true},{"name":"x","label":"姓名","type":"text"}]}]`, "repeated"},
		{"repeated source", `[{"name":"a","label":"A","agency":"B","fields":[{"name":"id","label":"身份证号","type":"id","required":true}]},
			{"name":"a","label":"A","agency":"B","fields":[{"name":"id","label":"身份证号","type":"id","required":true}]}]`, "repeated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadSources([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want mention of %q", err, tt.want)
			}
		})
	}
}

// TestReadEverySource writes valid files of every source in every format and reads them back.
func TestReadEverySource(t *testing.T) {
	const n = 12
	formats := []struct {
		name   string
		format string
		hashed bool
		make   func(testing.TB, Source, []sample, bool) []byte
	}{
		{"csv raw id", "csv", false, csvFile},
		{"csv hashed", "csv", true, csvFile},
		{"xlsx raw id", "xlsx", false, xlsxFile},
		{"xlsx hashed", "xlsx", true, xlsxFile},
		{"jsonl raw id", "jsonl", false, jsonlFile},
		{"jsonl hashed", "jsonl", true, jsonlFile},
	}
	for _, src := range Sources() {
		for _, ft := range formats {
			t.Run(src.Name+"/"+ft.name, func(t *testing.T) {
				var rows []sample
				var want [][]string
				for i := range n {
					s := makeSample(t, src, i, ft.hashed)
					rows, want = append(rows, s), append(want, s.want)
				}
				res := readAll(t, src, ft.format, ft.make(t, src, rows, ft.hashed), testOptions())
				if len(res.errs) > 0 {
					t.Fatalf("errors: %v", res.errs[0])
				}
				if diff := cmp.Diff(want, res.rows); diff != "" {
					t.Errorf("rows (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// xlsxFile writes samples to the first sheet of a new workbook, header of field names.
func xlsxFile(t testing.TB, src Source, rows []sample, hashed bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetList()[0]
	head := make([]any, len(src.Fields))
	for i, fd := range src.Fields {
		head[i] = fd.Name
		if fd.Type == TypeID {
			head[i] = map[bool]string{true: ColIDHash, false: ColIDNumber}[hashed]
		}
	}
	setRow(t, f, sheet, 1, head)
	for i, r := range rows {
		cells := make([]any, len(r.cells))
		for k, c := range r.cells {
			cells[k] = c
		}
		setRow(t, f, sheet, i+2, cells)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func setRow(t testing.TB, f *excelize.File, sheet string, row int, cells []any) {
	t.Helper()
	cell, err := excelize.CoordinatesToCellName(1, row)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
		t.Fatal(err)
	}
}

func TestRowAccessors(t *testing.T) {
	src := mustLookup(t, "disability")
	data := "身份证号,残疾等级,残疾类别,发证日期,姓名,居住地区划代码\n" +
		synthID(1) + ",2,肢体,2020/05/06,李四,370212001\n"
	rd, err := NewReader(src, "csv", strings.NewReader(data), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	row, err := rd.Next()
	if err != nil {
		t.Fatal(err)
	}
	grade, _ := row.Int(src.Index("grade"))
	cat, _ := row.Text(src.Index("category"))
	issued, _ := row.Date(src.Index("issued_on"))
	name, _ := row.Text(src.Index("name"))
	got := []any{row.Line, row.IDHash(), grade, cat, issued.String(), name}
	want := []any{2, testHash(synthID(1)), int64(2), "physical", "2020-05-06", "李四"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if rd.Rows() != 1 || rd.Offset() != int64(len(data)) {
		t.Errorf("Rows %d, Offset %d of %d", rd.Rows(), rd.Offset(), len(data))
	}
	defer func() {
		if recover() == nil {
			t.Error("Fen on an int field did not panic")
		}
	}()
	row.Fen(src.Index("grade"))
}

func TestRowKey(t *testing.T) {
	src := mustLookup(t, "death")
	id := synthID(7)
	files := []string{ // the same row spelled three ways
		"id_number,death_date\n" + id + ",2024-03-01\n",
		"id_hash,死亡日期\n" + strings.ToUpper(testHash(id)) + ",20240301\n",
		"身份证号 , death_date\n " + strings.ToLower(id) + " ,2024/03/01\n",
	}
	var keys []string
	for _, f := range files {
		rd, err := NewReader(src, "csv", strings.NewReader(f), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		row, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, row.Key())
	}
	if keys[0] != keys[1] || keys[1] != keys[2] || len(keys[0]) != 32 {
		t.Errorf("keys differ for the same row: %q", keys)
	}
}

func TestFormatOf(t *testing.T) {
	tests := map[string]string{"a.CSV": "csv", "b.txt": "csv", "c.xlsx": "xlsx", "d.jsonl": "jsonl",
		"e.ndjson": "jsonl", "f.json": "jsonl", "g.xls": "", "h": ""}
	for name, want := range tests {
		if got := FormatOf(name); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", name, got, want)
		}
	}
}
