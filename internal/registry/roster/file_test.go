package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/apperr"
)

// withHeader builds a CSV whose header is hdr and whose rows are the base household's values
// under those headers (headers outside the template get "x").
func withHeader(t *testing.T, hdr []string) []byte {
	t.Helper()
	recs := [][]string{hdr}
	for _, kv := range base() {
		rec := make([]string, len(hdr))
		for i, h := range hdr {
			if c, known := headerIndex[normHeader(h)]; known {
				rec[i] = kv[columns[c].header]
			} else if h != "" {
				rec[i] = "x"
			}
		}
		recs = append(recs, rec)
	}
	return csvOf(t, recs)
}

func TestParseHeader(t *testing.T) {
	minimal := []string{"户编号", "所在村（社区）代码", "家庭住址", "户籍类型", "户籍所在县区代码", "姓名", "身份证号", "与户主关系"}
	tests := []struct {
		name string
		hdr  []string
		want []RowError
	}{
		{"only required columns", minimal, nil},
		{"any order, marks and spacing", []string{"与户主关系", "*姓名", "身份证号", " 户编号 ", "所在村(社区)代码", "家庭住址",
			"户籍类型", "户籍所在县区\n代码", "工资性收入"}, nil},
		{"missing required column", remove(minimal, "姓名"), []RowError{{1, "姓名", "缺少这一必填列，请按模板添加"}}},
		{"unknown column", append(minimal, "备注"), []RowError{{1, "备注", "无法识别的列名（I列），请使用模板中的列名"}}},
		{"duplicated column", append(minimal, "姓名"), []RowError{{1, "姓名", "这一列出现了两次（F列和I列），请删除多余的一列"}}},
		{"unit left off counts as the same column", append(minimal, "医疗支出（元/近12个月）", "医疗支出"),
			[]RowError{{1, "医疗支出（元/近12个月）", "这一列出现了两次（I列和J列），请删除多余的一列"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := parseBytes(t, withHeader(t, tc.hdr), "r.csv")
			if diff := cmp.Diff(tc.want, res.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if len(res.Households) != 1 || len(res.Households[0].Input.Members) != 2 {
				t.Errorf("households = %+v", res.Households)
			}
		})
	}
}

func remove(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func TestParseFileShapes(t *testing.T) {
	hdr := strings.Join(Headers(), ",")
	row := func(kv map[string]string) string { return strings.Join(record(kv), ",") }
	valid := row(base()[0]) + "\n" + row(base()[1]) + "\n"
	tests := []struct {
		name string
		text string
		want []RowError
		rows int
	}{
		{"empty file", "", []RowError{{1, "", "文件是空的：没有表头，也没有数据"}}, 0},
		{"header only", hdr + "\n\n", []RowError{{1, "", "表头下面没有数据行"}}, 0},
		{"title rows and blank rows are skipped", "张村社区低保花名册,,\n2024年3月\n" + hdr + "\n,,,\n" + valid, nil, 2},
		{"data under no header", hdr + ",\n" + strings.TrimSuffix(row(base()[0]), "\n") + ",备注\n" + row(base()[1]) + "\n",
			[]RowError{{2, "", "AQ列有内容但没有列名，请补上列名或删除这一列"}}, 2},
		{"unclosed quote stops reading", hdr + "\n" + valid + "H2,\"abc\n", []RowError{{4, "", "CSV格式错误：引号不配对（文本第4行），从这一行起无法继续读取"}}, 2},
		{"no header row at all", "a,b\nc,d\n", append(missingRequired(), RowError{1, "a", "无法识别的列名（A列），请使用模板中的列名"},
			RowError{1, "b", "无法识别的列名（B列），请使用模板中的列名"}), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := parseBytes(t, []byte(tc.text), "r.csv")
			if diff := cmp.Diff(tc.want, res.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if res.Rows != tc.rows {
				t.Errorf("Rows = %d, want %d", res.Rows, tc.rows)
			}
		})
	}
}

func missingRequired() []RowError {
	var out []RowError
	for _, c := range columns {
		if c.required {
			out = append(out, RowError{1, c.header, "缺少这一必填列，请按模板添加"})
		}
	}
	return out
}

func TestParseErrorCap(t *testing.T) {
	recs := [][]string{Headers()}
	for i := range 1500 {
		kv := base()[0]
		kv["户编号"], kv["身份证号"] = fmt.Sprint("H", i), "bad"
		recs = append(recs, record(kv))
	}
	res := parseBytes(t, csvOf(t, recs), "r.csv")
	if len(res.Errors) != MaxErrors+1 {
		t.Fatalf("%d errors, want %d and a note", len(res.Errors), MaxErrors+1)
	}
	if first, last := res.Errors[0], res.Errors[MaxErrors-1]; first.Row != 2 || last.Row != MaxErrors+1 {
		t.Errorf("kept rows %d…%d, want the first %d", first.Row, last.Row, MaxErrors)
	}
	want := RowError{MaxErrors + 1, "", "错误太多，只列出前1000条（共1500条）；请先改正以上错误再导入"}
	if got := res.Errors[MaxErrors]; got != want {
		t.Errorf("note = %+v", got)
	}
	res.Add(RowError{Row: 1, Column: "身份证号", Message: "store"})
	if res.Errors[0].Message != "store" || len(res.Errors) != MaxErrors+1 {
		t.Errorf("Add did not keep order and cap: %v … (%d)", res.Errors[0], len(res.Errors))
	}
}

func TestParseLimits(t *testing.T) {
	data := csvOf(t, [][]string{Headers(), record(base()[0]), record(base()[1])})
	t.Run("rows", func(t *testing.T) {
		_, err := Parse(bytes.NewReader(data), "r.csv", Limits{MaxRows: 1})
		assertFileError(t, err, "roster_too_many_rows", "文件的数据超过1行的上限，请拆分成几个文件分批导入")
	})
	t.Run("bytes from an unsized reader", func(t *testing.T) {
		_, err := Parse(io.MultiReader(bytes.NewReader(data)), "r.csv", Limits{MaxBytes: 100})
		assertFileError(t, err, "roster_too_large", "文件超过100字节的上限，请拆分成几个文件分批导入")
	})
	t.Run("200 MB refused before reading", func(t *testing.T) {
		big := io.NewSectionReader(failReaderAt{t}, 0, 200<<20)
		_, err := Parse(big, "big.xlsx", Limits{})
		assertFileError(t, err, "roster_too_large", "文件超过50 MB的上限，请拆分成几个文件分批导入")
	})
}

// failReaderAt stands for a file that must not be read.
type failReaderAt struct{ t *testing.T }

func (f failReaderAt) ReadAt([]byte, int64) (int, error) {
	f.t.Error("the oversized file was read")
	return 0, io.EOF
}

func assertFileError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Kind != apperr.Invalid || e.Code != code || e.Message != msg {
		t.Errorf("err = %#v, want Invalid %s %q", err, code, msg)
	}
}
