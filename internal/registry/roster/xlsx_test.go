package roster

import (
	"archive/zip"
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/registry"
)

func inputs(res *Result) []registry.HouseholdInput {
	var out []registry.HouseholdInput
	for _, h := range res.Households {
		out = append(out, h.Input)
	}
	return out
}

// TestRoundTrip: what an export writes, an import reads back unchanged, in both formats.
func TestRoundTrip(t *testing.T) {
	for name, write := range map[string]func(*bytes.Buffer) error{
		"xlsx": func(b *bytes.Buffer) error { return WriteXLSX(b, sampleRows(), false) },
		"csv":  func(b *bytes.Buffer) error { return WriteCSV(b, sampleRows(), false) },
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			res := parseBytes(t, b.Bytes(), "export."+name)
			if !res.OK() {
				t.Fatalf("errors: %v", res.Errors)
			}
			if diff := cmp.Diff(sampleHouseholds(), inputs(res)); diff != "" {
				t.Errorf("households (-want +got):\n%s", diff)
			}
			h := res.Households[0]
			if h.Key != "H1" || h.FirstRow != 2 || h.HeadRow() != 2 || !cmp.Equal(h.MemberRows, []int{2, 3}) {
				t.Errorf("household 1 = key %q first %d head %d rows %v", h.Key, h.FirstRow, h.HeadRow(), h.MemberRows)
			}
			refs := []RegionRef{{"370212900001", 2, "所在村（社区）代码"}, {"370212", 2, "户籍所在县区代码"},
				{"370212900002", 4, "所在村（社区）代码"}, {"370281", 4, "户籍所在县区代码"}}
			if diff := cmp.Diff(refs, res.RegionRefs()); diff != "" {
				t.Errorf("RegionRefs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseXLSXCells: values as Excel stores them — numbers, date serials, float noise.
func TestParseXLSXCells(t *testing.T) {
	row := func(kv map[string]any) []any {
		out := make([]any, len(columns))
		for h, v := range kv {
			out[indexOf(Headers(), h)] = v
		}
		return out
	}
	hdr := make([]any, len(columns))
	for i, h := range Headers() {
		hdr[i] = h
	}
	b := base()
	head := map[string]any{}
	for k, v := range b[0] {
		head[k] = v
	}
	head["所在村（社区）代码"] = 370212900001                               // a number cell
	head["存款等金融资产（元）"] = 0.1 + 0.2                                 // stored as 0.30000000000000004
	head["家庭类别"], head["类别起始日期"] = "低保", 45292                     // 2024-01-01 as a date serial
	head["住房面积（平方米）"], head["机动车（辆）"], head["残疾等级"] = 56.4, 1.0, 2 // a grade needs a kind
	head["残疾类别"] = "肢体"
	second := map[string]any{}
	for k, v := range b[1] {
		second[k] = v
	}
	second["身份证号"] = 3.70212196001012e17
	data := xlsxOf(t, [][]any{hdr, row(head), row(second)})
	res := parseBytes(t, data, "r.xlsx")
	want := []RowError{{3, "身份证号", "身份证号可能被Excel当成数字保存，后几位已经丢失：请把这一列设为“文本”格式后重新填写"}}
	if diff := cmp.Diff(want, res.Errors); diff != "" {
		t.Fatalf("errors (-want +got):\n%s", diff)
	}
	in := res.Households[0].Input
	if in.RegionCode != "370212900001" || in.Assets.FinancialAssets != 30 || in.Assets.FloorAreaM2 != 56 ||
		in.Assets.Vehicles != 1 || in.Tiers[0].ValidFrom != day("2024-01-01") || in.Members[0].Disability.Grade != 2 {
		t.Errorf("input = %+v", in)
	}
}

func TestParseMergedCells(t *testing.T) {
	hdr := make([]any, len(columns))
	for i, h := range Headers() {
		hdr[i] = h
	}
	rec := func(kv map[string]string) []any {
		out := make([]any, len(columns))
		for i, v := range record(kv) {
			out[i] = v
		}
		return out
	}
	title := []any{"张村社区低保花名册"}
	data := xlsxOf(t, [][]any{title, hdr, rec(base()[0]), rec(base()[1])}, [2]string{"A1", "F1"}, [2]string{"C3", "C4"})
	res := parseBytes(t, data, "r.xlsx")
	want := []RowError{{3, "家庭住址", "不能使用合并单元格（C3:C4），请取消合并，并在每一行填上完整的内容"}}
	if diff := cmp.Diff(want, res.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestParseNotExcel(t *testing.T) {
	csvText := csvOf(t, [][]string{Headers(), record(base()[0])})
	var notBook bytes.Buffer
	zw := zip.NewWriter(&notBook)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<document/>"))
	zw.Close()
	tests := []struct {
		name, file string
		data       []byte
		code, msg  string
	}{
		{"CSV renamed .xlsx", "花名册.xlsx", csvText, "roster_format",
			"文件扩展名是.xlsx，但内容不是Excel文件（可能是其他文件改了扩展名），请上传用Excel保存的.xlsx文件或CSV文件"},
		{"old .xls", `C:\fakepath\花名册.XLS`, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...),
			"roster_format", "这是旧版Excel（.xls）文件或设置了打开密码的Excel文件，请在Excel中另存为不加密的.xlsx文件后再导入"},
		{"zip that is not a workbook", "a.xlsx", notBook.Bytes(), "roster_format", "文件无法作为Excel工作簿打开：文件已损坏或不是.xlsx格式"},
		{"truncated xlsx", "a.xlsx", xlsxOf(t, [][]any{{"户编号"}})[:200], "roster_format", "文件无法作为Excel工作簿打开：文件已损坏或不是.xlsx格式"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(bytes.NewReader(tc.data), tc.file, Limits{})
			assertFileError(t, err, tc.code, tc.msg)
		})
	}
}
