package roster

import (
	"fmt"
	"io"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/xuri/excelize/v2"
)

// styles are the cell styles shared by the template and the exports.
type styles struct{ header, headerReq, text int }

func newStyles(f *excelize.File) (st styles, err error) {
	head := func(color string) *excelize.Style {
		return &excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: color},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			Border: []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
				{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}},
		}
	}
	if st.header, err = f.NewStyle(head("000000")); err != nil {
		return st, err
	}
	if st.headerReq, err = f.NewStyle(head("C00000")); err != nil {
		return st, err
	}
	st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": cells typed later stay text
	return st, err
}

// headerCells is the header row; required columns are in red, as the 说明 sheet explains.
func headerCells(st styles) []any {
	out := make([]any, len(columns))
	for i, c := range columns {
		s := st.header
		if c.required {
			s = st.headerReq
		}
		out[i] = excelize.Cell{StyleID: s, Value: c.header}
	}
	return out
}

// templateNotes open the 说明 sheet and the docs; they say what the column table cannot.
var templateNotes = []string{
	"每一行填一位家庭成员；同一户的成员填相同的“户编号”（如户主身份证号或街道自编序号）。",
	"家庭信息（“范围”为“户”的列）填在户主那一行；同户其他成员的行可以空着，也可以填与户主行完全相同的内容。",
	"每户有且只有一位“户主”；同一身份证号在文件中只能出现一次。",
	"表头用红字标出的列必须有；其他列可以删除，列的顺序可以调整，但不要改列名。",
	"不要合并单元格；身份证号、电话、代码请保持“文本”格式，否则Excel会把长数字改成科学计数法。",
	"金额以元为单位，最多两位小数；收入为每月金额，支出为近12个月合计；不填视为0。",
	"只读取第一个工作表；表头上方可以有不超过9行标题。也可以另存为CSV（UTF-8或GBK编码）导入。",
	"一个文件不超过50 MB、20万行数据。导入前系统会逐行检查，全部正确才会一次性保存。",
	"遮挡了姓名、身份证号的导出文件只供查看，不能再导入。",
}

// WriteTemplate writes the empty roster template people download from the import page: the header
// row, drop-down lists for closed values, text-formatted identifier columns, one example household
// of synthetic people (valid but invented ID numbers) and a 说明 sheet describing every column.
func WriteTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, c := range columns {
		col := colName(i)
		if err := f.SetColWidth(sheetName, col, col, c.width); err != nil {
			return err
		}
		if !c.number {
			if err := f.SetColStyle(sheetName, col, st.text); err != nil {
				return err
			}
		}
		if err := addValidation(f, col, c); err != nil {
			return fmt.Errorf("roster: validation for %s: %w", c.header, err)
		}
	}
	if err := setRow(f, sheetName, 1, headerCells(st)); err != nil {
		return err
	}
	for n, r := range exampleRows() {
		vals := make([]any, len(columns))
		for i, v := range texts(&r, false) {
			vals[i] = cellValue(columns[i], v, st)
		}
		if err := setRow(f, sheetName, n+2, vals); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := writeNotes(f, st); err != nil {
		return err
	}
	return f.Write(w)
}

// setRow writes a row through the non-streaming API, which, unlike StreamWriter.SetRow, takes
// no excelize.Cell values: their styles are applied one by one.
func setRow(f *excelize.File, sheet string, row int, vals []any) error {
	for i, v := range vals {
		cell, err := excelize.CoordinatesToCellName(i+1, row)
		if err != nil {
			return err
		}
		if c, ok := v.(excelize.Cell); ok {
			if err := f.SetCellStyle(sheet, cell, cell, c.StyleID); err != nil {
				return err
			}
			v = c.Value
		}
		if v == nil {
			continue
		}
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
	}
	return nil
}

// addValidation offers the closed list as a drop-down and refuses negative numbers. The error
// style is a warning, not a stop, so an accepted alias ("本人") can still be typed.
func addValidation(f *excelize.File, col string, c column) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows)
	switch {
	case c.values != nil:
		if err := dv.SetDropList(c.values.labels); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleWarning, c.header, "请从下拉列表中选择："+c.values.list())
	case c.number:
		if err := dv.SetRange(0, 1e12, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleWarning, c.header, "请填写不小于0的数字")
	default:
		return nil
	}
	return f.AddDataValidation(sheetName, dv)
}

// writeNotes adds the 说明 sheet: the general notes, then one line per column.
func writeNotes(f *excelize.File, st styles) error {
	const notes = "说明"
	if _, err := f.NewSheet(notes); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 26, "B": 8, "C": 8, "D": 70} {
		if err := f.SetColWidth(notes, col, col, width); err != nil {
			return err
		}
	}
	row := 1
	set := func(vals ...any) error {
		err := setRow(f, notes, row, vals)
		row++
		return err
	}
	if err := set("低收入家庭花名册导入模板 填写说明"); err != nil {
		return err
	}
	for i, n := range templateNotes {
		if err := set(fmt.Sprintf("%d. %s", i+1, n)); err != nil {
			return err
		}
	}
	row++
	if err := set(excelize.Cell{StyleID: st.header, Value: "列名"}, excelize.Cell{StyleID: st.header, Value: "必填"},
		excelize.Cell{StyleID: st.header, Value: "范围"}, excelize.Cell{StyleID: st.header, Value: "填写说明"}); err != nil {
		return err
	}
	for _, c := range columns {
		if err := set(c.header, yesNo(c.required), scope(c), describe(c)); err != nil {
			return err
		}
	}
	return nil
}

func yesNo(b bool) string { return map[bool]string{true: "是", false: ""}[b] }

// scope says which row a column is read from: 户 (the head's row) or 人 (every row).
func scope(c column) string {
	if c.house {
		return "户"
	}
	return "人"
}

// describe is a column's hint with its allowed values, as the 说明 sheet and the docs show it.
func describe(c column) string {
	d := c.hint
	if c.values != nil && c.values != yesNoEnum {
		if d != "" {
			d += "；"
		}
		d += "可填：" + c.values.list()
	}
	return d
}

// exampleRows is the template's example household. Everyone in it is invented: the ID numbers
// are built by idcard.Synthesize and the community code is not a real one.
func exampleRows() []ExportRow {
	birth := func(s string) civil.Date { d, _ := civil.ParseDate(s); return d }
	head := idcard.Synthesize("370212", birth("1962-05-08"), 123)
	h := registry.HouseholdInput{
		RegionCode: "370212900001", Address: "崂山区示例街道示例社区1号楼1单元101室", Hukou: registry.Urban,
		HukouRegion: "370212",
		Assets:      registry.Assets{FinancialAssets: money.Yuan(12000), Homes: 1, FloorAreaM2: 56},
		Spending:    []registry.Spending{{Kind: registry.Medical, Amount: money.Yuan(8600)}, {Kind: registry.Education, Amount: money.Yuan(3000)}},
		Tiers:       []registry.TierInput{{Tier: registry.Dibao, MemberIndex: -1, ValidFrom: birth("2024-01-01")}},
		Members: []registry.PersonInput{{
			Name: "王示范", IDNumber: head.String(), Relation: registry.Head, Phone: "13800000000",
			Marital: "married", Education: "junior", Employment: "none", WorkCapacity: "partial",
			Disability:     registry.Disability{Certificate: head.String() + "42", Kind: registry.Physical, Grade: 2},
			SeriousIllness: true, Illness: "慢性肾衰竭", SelfCare: registry.SelfCare{Bathe: true},
			Incomes: []registry.Income{{Kind: registry.Transfer, Monthly: money.Yuan(200)}, {Kind: registry.BasicPension, Monthly: 18050}},
		}, {
			Name: "李示范", IDNumber: idcard.Synthesize("370212", birth("1964-11-20"), 246).String(), Relation: registry.Spouse,
			Marital: "married", Education: "primary", Employment: "employed", WorkCapacity: "full",
			Incomes: []registry.Income{{Kind: registry.Wage, Monthly: money.Yuan(1500)}},
		}, {
			Name: "王小示", IDNumber: idcard.Synthesize("370212", birth("2008-09-01"), 358).String(), Relation: registry.Child,
			Marital: "single", Education: "junior", InSchool: true, Employment: "student", WorkCapacity: "none",
			Incomes: []registry.Income{{Kind: registry.Scholarship, Monthly: money.Yuan(200)}},
		}},
	}
	return ExportRows("H0001", h)
}
