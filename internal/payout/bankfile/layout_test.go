package bankfile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLayout(t *testing.T) {
	cols := []Column{{"序号", Seq}, {"账号", Account}, {"金额", AmountYuan}}
	tests := []struct {
		name string
		in   string
		want Layout
	}{
		{"json object", `{"name": "某银行", "rows": "line", "no_trailer": true, "bom": true,
			"columns": [{"header": "序号", "field": "seq"}, {"header": " 账号 ", "field": "account"}, {"header": "金额", "field": "amount_yuan"}]}`,
			Layout{Name: "某银行", Rows: PerLine, NoTrailer: true, BOM: true, Columns: cols}},
		{"json list", `[{"header": "序号", "field": "seq"}, {"header": "账号", "field": "account"}, {"header": "金额", "field": "amount_yuan"}]`,
			Layout{Rows: PerHousehold, Columns: cols}},
		{"csv with header line and comments", "\uFEFF表头,字段\r\n# 某银行代发格式\r\n序号,seq\r\n\r\n账号,account\r\n金额, amount_yuan\r\n",
			Layout{Rows: PerHousehold, Columns: cols}},
		{"csv without header line", "序号,seq\n账号,account\n金额,amount_yuan\n", Layout{Rows: PerHousehold, Columns: cols}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLayout([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("layout (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseLayoutErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown field", "账号,account\n金额,amount_yuan\n身份证,id_number\n", "第 3 列的字段“id_number”不认识"},
		{"no account", "金额,amount_yuan\n", "须包含银行账号（account）和金额"},
		{"no amount", `[{"header": "账号", "field": "account"}]`, "须包含银行账号（account）和金额"},
		{"repeated header", "账号,account\n账号,amount_yuan\n", "表头“账号”重复"},
		{"empty header", "账号,account\n,amount_yuan\n", "第 2 列的表头为空"},
		{"three cells", "账号,account,x\n", "第 1 行应为“表头,字段”两项"},
		{"unknown json key", `{"columnz": []}`, "不是正确的 JSON"},
		{"bad rows", `{"rows": "page", "columns": [{"header": "账号", "field": "account"}, {"header": "金额", "field": "amount_fen"}]}`,
			"rows 应为 household"},
		{"empty", "", "须有 1 至 40 列"},
		{"not utf-8", "\xd5\xcb\xba\xc5,account\n", "须为 UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLayout([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDefaultLayoutValid(t *testing.T) {
	l := DefaultLayout()
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	if !l.Has(LineID) {
		t.Error("the default layout must carry the line id the return file quotes")
	}
}
