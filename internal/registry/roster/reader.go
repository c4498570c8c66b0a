package roster

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/xuri/excelize/v2"
)

// maxTitleRows is how far down the header row is looked for. Streets often put a title such as
// "××社区低保家庭花名册" and a date line above the header; those rows are skipped.
const maxTitleRows = 10

// Markers in parser.colOf for file columns that are not read.
const (
	ignored  = -1 // unknown or repeated header: already reported once at the header
	noHeader = -2 // empty header: data found below it is reported once
)

// headerIndex maps normalised header spellings to column positions.
var headerIndex = func() map[string]int {
	m := map[string]int{}
	for i, c := range columns {
		for _, h := range append([]string{c.header}, c.aliases...) {
			if _, dup := m[normHeader(h)]; dup {
				panic("roster: header spelling used twice: " + h)
			}
			m[normHeader(h)] = i
		}
	}
	return m
}()

// normHeader folds the differences people introduce into header cells without meaning to: line
// breaks and spaces, half-width brackets, a leading * marking required columns, a BOM.
func normHeader(h string) string {
	h = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '\ufeff':
			return -1
		case r == '(':
			return '（'
		case r == ')':
			return '）'
		}
		return r
	}, h)
	return strings.TrimLeft(h, "*＊")
}

// parser holds the state of one Parse call.
type parser struct {
	l         Limits
	xlsx      bool
	res       *Result
	headerRow int
	colOf     []int  // file column → table column, or ignored / noHeader
	have      uint64 // table columns present in the header
	reported  map[int]bool
	rows      []*rowState
	ids       map[idcard.Number]int // ID number → index in rows
}

func (p *parser) err(row, col int, msg string) {
	p.res.errs.add(RowError{Row: row, Column: columns[col].header, Message: msg}, col)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// run reads every row of src: the header, then the data, then the checks across rows.
func run(src source, l Limits) (*Result, error) {
	_, isXLSX := src.(*xlsxSource)
	p := &parser{l: l, xlsx: isXLSX, res: &Result{}, reported: map[int]bool{}, ids: map[idcard.Number]int{}}
	type pendingRow struct {
		n     int
		cells []string
	}
	var pending []pendingRow
	for src.next() {
		n, cells := src.row()
		if blank(cells) {
			continue
		}
		if p.headerRow != 0 {
			if err := p.data(n, cells); err != nil {
				return nil, err
			}
			continue
		}
		if headerScore(cells) >= 2 {
			p.header(n, cells)
			pending = nil
			continue
		}
		pending = append(pending, pendingRow{n, cells})
		if len(pending) == maxTitleRows {
			break
		}
	}
	if p.headerRow == 0 && len(pending) > 0 {
		// No row looks like the template's header: take the first one, so that the report names
		// its columns as unknown and the missing ones as missing.
		p.header(pending[0].n, pending[0].cells)
		for _, r := range pending[1:] {
			if err := p.data(r.n, r.cells); err != nil {
				return nil, err
			}
		}
		for src.next() {
			if n, cells := src.row(); !blank(cells) {
				if err := p.data(n, cells); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := src.err(); err != nil {
		return nil, err
	}
	if e := src.syntax(); e != nil {
		p.res.errs.add(*e, -1)
	}
	switch {
	case p.headerRow == 0:
		p.res.errs.add(RowError{Row: 1, Message: "文件是空的：没有表头，也没有数据"}, -1)
	case p.res.Rows == 0:
		p.res.errs.add(RowError{Row: p.headerRow, Message: "表头下面没有数据行"}, -1)
	}
	if err := p.checkMerges(src); err != nil {
		return nil, err
	}
	p.group()
	p.res.Errors = p.res.errs.list()
	return p.res, nil
}

// headerScore counts the cells of a row that are template headers.
func headerScore(cells []string) int {
	n := 0
	for _, c := range cells {
		if _, ok := headerIndex[normHeader(c)]; ok {
			n++
		}
	}
	return n
}

// header maps the file's columns to the template's and reports unknown, repeated and missing
// columns, one error each. The order of columns in the file does not matter.
func (p *parser) header(n int, cells []string) {
	p.headerRow = n
	p.colOf = make([]int, len(cells))
	first := map[int]int{}
	for i, raw := range cells {
		h := normHeader(raw)
		t, known := headerIndex[h]
		switch {
		case h == "":
			p.colOf[i] = noHeader
		case !known:
			p.colOf[i] = ignored
			p.res.errs.add(RowError{Row: n, Column: strings.TrimSpace(raw),
				Message: fmt.Sprintf("无法识别的列名（%s列），请使用模板中的列名", colName(i))}, len(columns)+i)
		case p.have&(1<<t) != 0:
			p.colOf[i] = ignored
			p.err(n, t, fmt.Sprintf("这一列出现了两次（%s列和%s列），请删除多余的一列", colName(first[t]), colName(i)))
		default:
			p.colOf[i], first[t] = t, i
			p.have |= 1 << t
		}
	}
	for t, c := range columns {
		if c.required && p.have&(1<<t) == 0 {
			p.err(n, t, "缺少这一必填列，请按模板添加")
		}
	}
}

func colName(i int) string {
	s, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprintf("第%d", i+1)
	}
	return s
}

// data reads one non-blank data row.
func (p *parser) data(n int, cells []string) error {
	p.res.Rows++
	if p.res.Rows > p.l.MaxRows {
		return fileError("roster_too_many_rows", "文件的数据超过%d行的上限，请拆分成几个文件分批导入", p.l.MaxRows)
	}
	s := &rowState{row: n, xlsx: p.xlsx}
	for i, raw := range cells {
		v := clean(raw)
		if v == "" {
			continue
		}
		t := noHeader
		if i < len(p.colOf) {
			t = p.colOf[i]
		}
		switch t {
		case ignored:
			continue
		case noHeader:
			if !p.reported[i] {
				p.reported[i] = true
				p.res.errs.add(RowError{Row: n, Message: fmt.Sprintf("%s列有内容但没有列名，请补上列名或删除这一列", colName(i))}, -1)
			}
			continue
		}
		s.present |= 1 << t
		if err := columns[t].parse(s, v); err != nil {
			s.bad |= 1 << t
			p.err(n, t, err.Error())
		}
	}
	for t, c := range columns {
		if c.required && !c.house && p.have&(1<<t) != 0 && s.present&(1<<t) == 0 {
			p.err(n, t, "必填项，不能为空")
		}
	}
	p.crossCheck(s)
	p.rows = append(p.rows, s)
	return nil
}
