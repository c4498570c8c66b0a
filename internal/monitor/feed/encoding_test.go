package feed

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// chineseCSV is a schooling feed with Chinese headers and values, as Excel would save it.
func chineseCSV(t *testing.T) (string, [][]string) {
	t.Helper()
	text := "身份证号,学籍状态,变动日期,学校名称,姓名\r\n" +
		synthID(1) + ",在校,2024-09-01,青岛第一中学,王小明\r\n" +
		synthID(2) + ",离校,2024/07/01,\"崂山区实验小学\",李小红\r\n"
	want := [][]string{
		{testHash(synthID(1)), "enrolled", "2024-09-01", "青岛第一中学", "王小明", ""},
		{testHash(synthID(2)), "left", "2024-07-01", "崂山区实验小学", "李小红", ""},
	}
	return text, want
}

func TestEncodings(t *testing.T) {
	text, want := chineseCSV(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data, encoding string
	}{
		{"UTF-8", text, ""},
		{"UTF-8 with BOM", "\xEF\xBB\xBF" + text, ""},
		{"UTF-8 declared", "\xEF\xBB\xBF" + text, "UTF-8"},
		{"GBK detected", gbk, ""},
		{"GBK declared", gbk, "gbk"},
		{"UTF-16 with BOM", utf16, ""},
	}
	src := mustLookup(t, "schooling")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := testOptions()
			opt.Encoding = tt.encoding
			res := readAll(t, src, "csv", []byte(tt.data), opt)
			if len(res.errs) > 0 {
				t.Fatalf("errors: %v", res.errs[0])
			}
			if diff := cmp.Diff(want, res.rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGBKAfterSniff: text that looked like UTF-8 in the first 64 KB but is not further on gives
// a row error for the text cell instead of garbage.
func TestGBKAfterSniff(t *testing.T) {
	var b strings.Builder
	b.WriteString("id_number,death_date,name\n")
	for b.Len() < sniffSize+100 {
		b.WriteString(synthID(3) + ",2024-01-01,Wang\n")
	}
	gbkName, _ := simplifiedchinese.GBK.NewEncoder().String("王五")
	b.WriteString(synthID(4) + ",2024-01-01," + gbkName + "\n")
	res := readAll(t, mustLookup(t, "death"), "csv", []byte(b.String()), testOptions())
	if len(res.errs) != 1 || res.errs[0].Key != "feed.text_encoding" || res.errs[0].Field != "name" {
		t.Fatalf("errors %v, want one feed.text_encoding on name", res.errs)
	}
}

func TestOffsetGBK(t *testing.T) {
	text, _ := chineseCSV(t)
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(text)
	rd, err := NewReader(mustLookup(t, "schooling"), "csv", strings.NewReader(gbk), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := rd.Next(); err != nil {
			break
		}
	}
	if rd.Offset() != int64(len(gbk)) || rd.Rows() != 2 {
		t.Errorf("Offset %d of %d, Rows %d", rd.Offset(), len(gbk), rd.Rows())
	}
}

// TestXLSXCells: values as Excel stores them — typed numbers, date cells, float noise, blank and
// missing rows, labels as headers — are read as the user sees them, numbered as Excel shows.
func TestXLSXCells(t *testing.T) {
	src := mustLookup(t, "medical")
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetList()[0]
	setRow(t, f, sheet, 2, []any{"身份证号", "年度", "个人自付费用（元）", "医疗总费用（元）", "姓名", "居住地区划代码"})
	setRow(t, f, sheet, 3, []any{synthID(1), 2024, 1234.5, 0.1 + 0.2, "赵六", 370212000000})
	setRow(t, f, sheet, 5, []any{synthID(2), "2023", "1,000.00", nil, nil, "370212"})
	setRow(t, f, sheet, 6, []any{synthID(3), 2024, 10.001})
	setRow(t, f, sheet, 7, []any{synthID(4), 2024, 1, nil, nil, nil, "extra"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res := readAll(t, src, "xlsx", buf.Bytes(), testOptions())
	want := [][]string{
		{testHash(synthID(1)), "2024", "1234.50", "0.30", "赵六", "370212000000"},
		{testHash(synthID(2)), "2023", "1000.00", "", "", "370212"},
	}
	if diff := cmp.Diff(want, res.rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if len(res.errs) != 2 || res.errs[0].Line != 6 || res.errs[0].Field != "out_of_pocket" ||
		res.errs[1].Line != 7 || res.errs[1].Key != "feed.unnamed_column" {
		t.Errorf("errors %v, want row 6 out_of_pocket and row 7 unnamed column", res.errs)
	}
}

func TestXLSXDates(t *testing.T) {
	src := mustLookup(t, "social_insurance")
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetList()[0]
	setRow(t, f, sheet, 1, []any{"id_number", "month", "base"})
	setRow(t, f, sheet, 2, []any{synthID(1), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), 4000})
	setRow(t, f, sheet, 3, []any{synthID(2), "202402", 4000})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res := readAll(t, src, "xlsx", buf.Bytes(), testOptions())
	if len(res.errs) > 0 || len(res.rows) != 2 || res.rows[0][1] != "2024-03" || res.rows[1][1] != "2024-02" {
		t.Errorf("rows %v, errors %v", res.rows, res.errs)
	}
}
