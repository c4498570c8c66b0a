package roster

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// golden compares got with testdata/name, rewriting the file under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); if the change is intended, run go test -update:\n%s", path, diff)
	}
}

func TestWriteCSVGolden(t *testing.T) {
	for _, mask := range []bool{false, true} {
		var b bytes.Buffer
		if err := WriteCSV(&b, sampleRows(), mask); err != nil {
			t.Fatal(err)
		}
		golden(t, map[bool]string{false: "export.csv", true: "export-masked.csv"}[mask], b.Bytes())
	}
}

// TestWriteXLSXGolden compares the cells read back, not the zip bytes, which carry timestamps.
func TestWriteXLSXGolden(t *testing.T) {
	for _, mask := range []bool{false, true} {
		var b bytes.Buffer
		if err := WriteXLSX(&b, sampleRows(), mask); err != nil {
			t.Fatal(err)
		}
		golden(t, map[bool]string{false: "export.xlsx.txt", true: "export-masked.xlsx.txt"}[mask], dumpXLSX(t, b.Bytes()))
	}
}

// dumpXLSX lists every non-empty cell of the first sheet with its type: "G2 s 370212…".
func dumpXLSX(t *testing.T, data []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	out.WriteString("sheet " + sheet + "\n")
	for r, row := range rows {
		for c, v := range row {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			typ, _ := f.GetCellType(sheet, cell)
			kind := map[excelize.CellType]string{excelize.CellTypeNumber: "n", excelize.CellTypeUnset: "n"}[typ]
			if kind == "" {
				kind = "s"
			}
			out.WriteString(cell + " " + kind + " " + v + "\n")
		}
	}
	return []byte(out.String())
}

func TestExportInjectionGuard(t *testing.T) {
	rows := sampleRows()[:1]
	rows[0].Household.Address = "=HYPERLINK(\"http://x\")"
	rows[0].Person.Phone = "+86 138 0000 0001"
	var b bytes.Buffer
	if err := WriteCSV(&b, rows, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"'=HYPERLINK(""http://x"")"`) || !strings.Contains(b.String(), "'+86 138 0000 0001") {
		t.Errorf("formula-like values not guarded:\n%s", b.String())
	}
	res := parseBytes(t, b.Bytes(), "r.csv")
	if got := res.Households[0].Input; got.Address != rows[0].Household.Address || got.Members[0].Phone != rows[0].Person.Phone {
		t.Errorf("guard not removed on import: %q %q", got.Address, got.Members[0].Phone)
	}
}

// TestMaskedExportIsNotImportable documents that a masked file is refused, not half-imported.
func TestMaskedExportIsNotImportable(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sampleRows(), true); err != nil {
		t.Fatal(err)
	}
	res := parseBytes(t, b.Bytes(), "masked.csv")
	if res.OK() {
		t.Fatal("a masked export was accepted")
	}
	for _, e := range res.Errors {
		if e.Column != "身份证号" && e.Column != "残疾证号" && e.Column != "户编号" && e.Column != "联系电话" {
			t.Errorf("unexpected error %v", e)
		}
	}
}

func TestWriteTemplate(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTemplate(&b); err != nil {
		t.Fatal(err)
	}
	res := parseBytes(t, b.Bytes(), "模板.xlsx")
	if !res.OK() || len(res.Households) != 1 || len(res.Households[0].Input.Members) != 3 {
		t.Fatalf("the template's example does not import cleanly: %v", res.Errors)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !cmp.Equal(got, []string{"花名册", "说明"}) {
		t.Errorf("sheets = %v", got)
	}
	dvs, err := f.GetDataValidations("花名册")
	if err != nil {
		t.Fatal(err)
	}
	lists := 0
	for _, dv := range dvs {
		if dv.Type == "list" {
			lists++
		}
	}
	enums := 0
	for _, c := range columns {
		if c.values != nil {
			enums++
		}
	}
	if lists != enums {
		t.Errorf("%d drop-down lists, want one per closed column (%d)", lists, enums)
	}
	if w, _ := f.GetColWidth("花名册", "C"); w != columns[2].width {
		t.Errorf("width of C = %v, want %v", w, columns[2].width)
	}
	notes, _ := f.GetRows("说明")
	if len(notes) != 1+len(templateNotes)+2+len(columns) {
		t.Errorf("说明 has %d rows", len(notes))
	}
}
