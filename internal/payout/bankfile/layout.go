package bankfile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
)

// Field is what a column of the bank file holds.
type Field string

// The fields a layout may place in its columns.
const (
	Seq           Field = "seq"            // 序号, 1, 2, 3 … in file order
	LineID        Field = "line_id"        // 明细号: the household's first roster line; the return file quotes it
	HouseholdID   Field = "household_id"   // 户编号
	PayeeName     Field = "payee_name"     // 户名 (the account holder)
	Account       Field = "account"        // the full account number, opened from its sealed form
	AccountMasked Field = "account_masked" // 6222 **** **** 1234
	Bank          Field = "bank"           // 开户银行
	AmountYuan    Field = "amount_yuan"    // "1045.00"
	AmountFen     Field = "amount_fen"     // 104500
	RegionCode    Field = "region_code"    // the household's community code
	Program       Field = "program"        // the program's name, 最低生活保障（低保）
	ProgramCode   Field = "program_code"   // dibao
	Month         Field = "month"          // 2024-06
	Kind          Field = "kind"           // 正常发放, 补发, 追回 …, joined for a household's lines
	Reason        Field = "reason"         // the lines' reasons (arrears months, recovery cause), joined
	Memo          Field = "memo"           // 摘要: "2024年6月最低生活保障（低保）" and the reasons
)

// Fields lists every field in the order the documentation describes them.
func Fields() []Field {
	return []Field{Seq, LineID, HouseholdID, PayeeName, Account, AccountMasked, Bank, AmountYuan, AmountFen, RegionCode,
		Program, ProgramCode, Month, Kind, Reason, Memo}
}

// numeric fields are number cells in .xlsx; everything else is text.
func (f Field) numeric() bool { return f == Seq || f == LineID || f == HouseholdID || f == AmountFen }

// Column is one column of the bank file: its header text and what it holds.
type Column struct {
	Header string `json:"header"`
	Field  Field  `json:"field"`
}

// Row grouping of a layout.
const (
	PerHousehold = "household"
	PerLine      = "line"
)

// Layout is a bank's file layout.
type Layout struct {
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
	// Rows is PerHousehold (the default) or PerLine.
	Rows string `json:"rows,omitempty"`
	// NoTrailer leaves out the control-total row, for banks that want data rows only.
	NoTrailer bool `json:"no_trailer,omitempty"`
	// BOM starts a UTF-8 CSV file with a byte-order mark, which Excel needs to show Chinese.
	BOM bool `json:"bom,omitempty"`
}

// DefaultLayout is the layout used when none is given.
func DefaultLayout() Layout {
	return Layout{Name: "默认格式", Rows: PerHousehold, Columns: []Column{
		{"序号", Seq}, {"明细号", LineID}, {"户编号", HouseholdID}, {"区划代码", RegionCode}, {"户名", PayeeName},
		{"开户银行", Bank}, {"银行账号", Account}, {"金额（元）", AmountYuan}, {"摘要", Memo},
	}}
}

// Has reports whether the layout has a column holding f.
func (l Layout) Has(f Field) bool {
	return slices.ContainsFunc(l.Columns, func(c Column) bool { return c.Field == f })
}

// maxColumns bounds a layout; bank formats have a dozen columns at most.
const maxColumns = 40

// Validate checks a layout: known fields, headers present and distinct, an account and an
// amount (a bank file without them pays nobody).
func (l *Layout) Validate() error {
	if l.Rows == "" {
		l.Rows = PerHousehold
	}
	if l.Rows != PerHousehold && l.Rows != PerLine {
		return apperr.FieldMsg("layout", "payout.bankfile.layout_rows", l.Rows)
	}
	if len(l.Columns) == 0 || len(l.Columns) > maxColumns {
		return apperr.FieldMsg("layout", "payout.bankfile.layout_columns", maxColumns)
	}
	seen := map[string]bool{}
	for i, c := range l.Columns {
		h := strings.TrimSpace(c.Header)
		switch {
		case h == "" || utf8.RuneCountInString(h) > 50 || strings.ContainsAny(h, "\r\n"):
			return apperr.FieldMsg("layout", "payout.bankfile.layout_header", i+1)
		case !slices.Contains(Fields(), c.Field):
			return apperr.FieldMsg("layout", "payout.bankfile.layout_field", i+1, string(c.Field))
		case seen[h]:
			return apperr.FieldMsg("layout", "payout.bankfile.layout_repeated", h)
		}
		seen[h] = true
		l.Columns[i].Header = h
	}
	if !l.Has(Account) || !(l.Has(AmountYuan) || l.Has(AmountFen)) {
		return apperr.FieldMsg("layout", "payout.bankfile.layout_required")
	}
	return nil
}

// ParseLayout reads a layout file: JSON (an object as Layout's fields, or just the list of
// columns) or CSV with one column a line, "header,field" (a first line "header,field" or
// "表头,字段" is skipped, as are blank lines and lines starting with #).
func ParseLayout(data []byte) (Layout, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	trimmed := bytes.TrimSpace(data)
	var l Layout
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		if err := strictJSON(trimmed, &l); err != nil {
			return l, apperr.FieldMsg("layout", "payout.bankfile.layout_json", err.Error())
		}
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := strictJSON(trimmed, &l.Columns); err != nil {
			return l, apperr.FieldMsg("layout", "payout.bankfile.layout_json", err.Error())
		}
	default:
		if !utf8.Valid(data) {
			return l, apperr.FieldMsg("layout", "payout.bankfile.layout_utf8")
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		r.Comment = '#'
		for n := 0; ; n++ {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return l, apperr.FieldMsg("layout", "payout.bankfile.layout_csv", n+1)
			}
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			if len(rec) != 2 {
				line, _ := r.FieldPos(0)
				return l, apperr.FieldMsg("layout", "payout.bankfile.layout_csv", line)
			}
			h, f := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
			if len(l.Columns) == 0 && (strings.EqualFold(f, "field") || f == "字段") {
				continue
			}
			l.Columns = append(l.Columns, Column{Header: h, Field: Field(f)})
		}
	}
	err := l.Validate()
	return l, err
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("extra data after the layout")
	}
	return nil
}
