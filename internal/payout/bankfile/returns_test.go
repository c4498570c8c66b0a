package bankfile

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/payout"
)

func TestReadReturns(t *testing.T) {
	want := []payout.Return{{LineID: 1}, {LineID: 2, Failed: true, Reason: "账户已销户"}, {LineID: 4, Failed: true}}
	csvText := "明细号,状态,原因\r\n1,成功,\r\n2,失败,账户已销户\r\n4,失败,\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(csvText)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, in string }{
		{"utf-8", csvText},
		{"utf-8 with BOM", "\uFEFF" + csvText},
		{"gbk", gbk},
		{"english", "line_id,status,reason\n1,success,\n2,FAILED,账户已销户\n4,failed,\n"},
		{"title lines, extra columns, blank rows and trailer", "某银行代发回盘\n\n序号,明细号,户名,金额（元）,处理结果,失败原因\n" +
			"1,1,张三,1045.00,成功,\n\n2,2,李四,950.00,失败,账户已销户\n3,4,赵六,1500.00,失败,\n3,,合计,3495.00,,\n"},
		{"tab separated", "明细号\t状态\t原因\n1\t成功\t\n2\t失败\t账户已销户\n4\t失败\t\n"},
		{"success keeps no reason", "明细号,状态,原因\n1,成功,已入账\n2,失败,账户已销户\n4.0,失败,\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadReturns([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("returns (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadReturnsXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"明细号", "状态", "原因"}, {int64(1), "成功"}, {"2", "失败", "户名不符"}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReturns(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []payout.Return{{LineID: 1}, {LineID: 2, Failed: true, Reason: "户名不符"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("returns (-want +got):\n%s", diff)
	}
}

// TestReturnsRoundTrip reads our own exported .xlsx with a status column the bank added.
func TestReturnsRoundTrip(t *testing.T) {
	fx := newFixture(t)
	var buf bytes.Buffer
	if _, err := Write(&buf, fx.roster, fx.source, fx.keys, Options{Format: XLSX}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for cell, v := range map[string]string{"J1": "状态", "K1": "原因", "J2": "成功", "J3": "失败", "K3": "账号不存在", "J4": "成功"} {
		if err := f.SetCellValue(sheetName, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, err := ReadReturns(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []payout.Return{{LineID: 1}, {LineID: 2, Failed: true, Reason: "账号不存在"}, {LineID: 4}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("returns (-want +got):\n%s", diff)
	}
}

func TestReadReturnsErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		rows []RowError
		want string
	}{
		{"bad rows, all reported", "明细号,状态,原因\n1,成功,\nx,成功,\n2,不明,\n1,失败,重复\n3,失败," + strings.Repeat("长", 201) + "\n",
			[]RowError{{3, "明细号“x”应为正整数"}, {4, "状态“不明”应为“成功”或“失败”（success 或 failed）"},
				{5, "明细号 1 与第 2 行重复"}, {6, "原因超过 200 字"}},
			"回盘文件有 4 行错误，没有导入任何一行：第 3 行：明细号“x”应为正整数；"},
		{"no header", "1,成功\n2,失败\n", nil, "没有表头"},
		{"header without status", "明细号,原因\n1,\n", nil, "没有表头"},
		{"no data", "明细号,状态\n\n", nil, "没有数据行"},
		{"negative and zero ids", "明细号,状态\n-1,成功\n0,成功\n", []RowError{{2, "明细号“-1”应为正整数"}, {3, "明细号“0”应为正整数"}}, "2 行错误"},
		{"bad quote", "明细号,状态\n1,\"成功\n", nil, "CSV 格式错误"},
		{"not text", "\xff\xfe\x00\x01\x02\x03", nil, "无法识别"},
		{"old excel", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", nil, ".xls"},
		{"broken zip", "PK\x03\x04broken", nil, "无法作为 Excel 工作簿打开"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadReturns([]byte(tt.in))
			if err == nil || got != nil {
				t.Fatalf("got %v, %v; want an error", got, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want %q", err, tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err %T is not a *FileError", err)
			}
			if diff := cmp.Diff(tt.rows, fe.Rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if e := apperr.As(err); e.Kind != apperr.Invalid || e.Message != err.Error() {
				t.Errorf("apperr %v %q", e.Kind, e.Message)
			}
		})
	}
}

func TestReadReturnsManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("明细号,状态\n")
	for range 150 {
		b.WriteString("x,成功\n")
	}
	_, err := ReadReturns([]byte(b.String()))
	var fe *FileError
	if !errors.As(err, &fe) || len(fe.Rows) != maxRowErrors || fe.Total != 150 || !strings.Contains(err.Error(), "另有 50 行错误未列出") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzReadReturns: any input gives either verdicts or a *FileError, never a panic; verdicts have
// positive, distinct line ids, and only failures carry a reason.
func FuzzReadReturns(f *testing.F) {
	f.Add([]byte("明细号,状态,原因\r\n1,成功,\r\n2,失败,账户已销户\r\n"))
	f.Add([]byte("序号,明细号,处理结果\n1,5,success\n2,6,failed\n,合计,\n"))
	f.Add([]byte("line_id\tstatus\n7\tfailed\n"))
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("明细号,状态\n3,失败\n")
	f.Add([]byte(gbk))
	f.Add([]byte("明细号,状态\n1,\"成功\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ReadReturns(data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v is not a *FileError", err, err)
			}
			if got != nil {
				t.Fatal("verdicts returned with an error")
			}
			return
		}
		if len(got) == 0 {
			t.Fatal("no verdicts and no error")
		}
		seen := map[int64]bool{}
		for _, r := range got {
			if r.LineID <= 0 || seen[r.LineID] {
				t.Fatalf("line id %d bad or repeated", r.LineID)
			}
			seen[r.LineID] = true
			if !r.Failed && r.Reason != "" {
				t.Fatalf("success with a reason %q", r.Reason)
			}
		}
	})
}
