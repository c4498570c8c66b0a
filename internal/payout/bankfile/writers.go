package bankfile

import (
	"bufio"
	"encoding/csv"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// rowWriter is a file format: the header when made, then rows, the trailer, and close.
type rowWriter interface {
	row(cells []any) error
	trailer(cells []any) error
	close() error
	// abort releases what a writer holds when the file is given up.
	abort()
}

// gbkSafe reports whether GBK can represent s.
func gbkSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			_, err := simplifiedchinese.GBK.NewEncoder().String(s)
			return err == nil
		}
	}
	return true
}

type csvWriter struct {
	buf  *bufio.Writer
	w    *csv.Writer
	rec  []string
	gbkW io.WriteCloser
}

func newCSVWriter(w io.Writer, l Layout, encoding string) (*csvWriter, error) {
	c := &csvWriter{}
	target := w
	if encoding == GBK {
		// Every text was checked by the first pass; the encoder fails on nothing.
		c.gbkW = transform.NewWriter(w, simplifiedchinese.GBK.NewEncoder())
		target = c.gbkW
	}
	c.buf = bufio.NewWriterSize(target, 64<<10)
	if encoding == UTF8 && l.BOM {
		if _, err := c.buf.WriteString("\uFEFF"); err != nil {
			return nil, err
		}
	}
	c.w = csv.NewWriter(c.buf)
	c.w.UseCRLF = true
	c.rec = make([]string, len(l.Columns))
	for i, col := range l.Columns {
		c.rec[i] = col.Header
	}
	return c, c.w.Write(c.rec)
}

func (c *csvWriter) row(cells []any) error {
	for i, v := range cells {
		c.rec[i] = text(v)
	}
	return c.w.Write(c.rec)
}

func (c *csvWriter) trailer(cells []any) error { return c.row(cells) }

func (c *csvWriter) close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	if err := c.buf.Flush(); err != nil {
		return err
	}
	if c.gbkW != nil {
		return c.gbkW.Close()
	}
	return nil
}

func (c *csvWriter) abort() {}

// xlsxMaxRows is the most rows a worksheet holds.
const xlsxMaxRows = 1048576

// sheetName is the data sheet's name.
const sheetName = "代发明细"

type xlsxWriter struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	layout Layout
	n      int
	text   int
	bold   int
	vals   []any
}

func newXLSXWriter(w io.Writer, l Layout) (*xlsxWriter, error) {
	x := &xlsxWriter{out: w, f: excelize.NewFile(), layout: l, vals: make([]any, len(l.Columns))}
	fail := func(err error) (*xlsxWriter, error) { x.f.Close(); return nil, err }
	if err := x.f.SetSheetName("Sheet1", sheetName); err != nil {
		return fail(err)
	}
	var err error
	if x.text, err = x.f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil { // 49 is "@", text
		return fail(err)
	}
	if x.bold, err = x.f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}}); err != nil {
		return fail(err)
	}
	if x.sw, err = x.f.NewStreamWriter(sheetName); err != nil {
		return fail(err)
	}
	for i, c := range l.Columns {
		width := 12.0
		switch c.Field {
		case Account, Memo, Reason, Program:
			width = 28
		case Bank, Kind:
			width = 18
		case Seq:
			width = 8
		}
		if err := x.sw.SetColWidth(i+1, i+1, width); err != nil {
			return fail(err)
		}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	header := make([]any, len(l.Columns))
	for i, c := range l.Columns {
		header[i] = excelize.Cell{StyleID: x.bold, Value: c.Header}
	}
	if err := x.sw.SetRow("A1", header); err != nil {
		return fail(err)
	}
	x.n = 1
	return x, nil
}

// put writes one row: text as text cells (an account number stays exact), numbers as numbers.
func (x *xlsxWriter) put(cells []any, style int) error {
	for i, v := range cells {
		switch v := v.(type) {
		case string:
			if v == "" {
				x.vals[i] = nil
			} else {
				x.vals[i] = excelize.Cell{StyleID: style, Value: v}
			}
		default:
			x.vals[i] = v
		}
	}
	x.n++
	cell, err := excelize.CoordinatesToCellName(1, x.n)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, x.vals)
}

func (x *xlsxWriter) row(cells []any) error     { return x.put(cells, x.text) }
func (x *xlsxWriter) trailer(cells []any) error { return x.put(cells, x.bold) }

func (x *xlsxWriter) abort() { x.f.Close() }

func (x *xlsxWriter) close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.out)
}
