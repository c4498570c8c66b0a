package feed

import (
	"errors"
	"io"

	"github.com/xuri/excelize/v2"
)

// xlsxRecords reads the first sheet of a workbook with excelize's streaming row iterator, which
// decodes one row at a time (the whole-sheet model would need gigabytes for a large feed). Cells
// are read raw — a date cell is its serial number, an amount its full stored value — and the
// cell parsers undo both, so what counts is what the sheet holds, not its number formats.
type xlsxRecords struct {
	f     *excelize.File
	rows  *excelize.Rows
	n     int // sheet row number of the last row read
	cols  []column
	cells [][]byte
	buf   []byte
	done  bool
}

// unzipLimit bounds the unpacked size of a workbook, against zip bombs; a sheet of ten million
// feed rows stays under it.
const unzipLimit = 8 << 30

var rawCells = excelize.Options{RawCellValue: true}

func openXLSX(src *Source, r io.Reader) (*xlsxRecords, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: unzipLimit})
	if err != nil {
		return nil, fileErr("feed.xlsx")
	}
	x := &xlsxRecords{f: f}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return nil, fileErr("feed.xlsx")
	}
	if x.rows, err = f.Rows(sheets[0]); err != nil {
		_ = f.Close()
		return nil, fileErr("feed.xlsx")
	}
	for {
		cells, err := x.row()
		if err != nil {
			_ = x.close()
			if err == io.EOF {
				return nil, fileErr("feed.no_header")
			}
			return nil, err
		}
		if blank(cells) {
			continue
		}
		head := make([]string, len(cells))
		for i, c := range cells {
			head[i] = string(c)
		}
		cols, ferr := mapHeader(src, head)
		if ferr != nil {
			_ = x.close()
			return nil, ferr
		}
		x.cols = cols
		return x, nil
	}
}

// row reads the next sheet row. The iterator also yields rows missing from the file, so the
// count of calls is the row number Excel shows.
func (x *xlsxRecords) row() ([][]byte, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, fileErr("feed.xlsx_row", x.n+1)
		}
		return nil, io.EOF
	}
	x.n++
	vals, err := x.rows.Columns(rawCells)
	if err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return nil, fileErr("feed.xlsx")
		}
		return nil, fileErr("feed.xlsx_row", x.n)
	}
	// Copy into one buffer first, then slice: appending would move earlier cells.
	x.buf = x.buf[:0]
	for _, v := range vals {
		x.buf = append(x.buf, v...)
	}
	x.cells = x.cells[:0]
	from := 0
	for _, v := range vals {
		x.cells = append(x.cells, x.buf[from:from+len(v)])
		from += len(v)
	}
	return x.cells, nil
}

func (x *xlsxRecords) next() (int, []column, [][]byte, error) {
	for {
		cells, err := x.row()
		if err != nil {
			return 0, nil, nil, err
		}
		if blank(cells) {
			continue
		}
		// A sheet row stops at its last stored cell: pad short rows, and refuse content to the
		// right of the header, which would otherwise be dropped unseen.
		for i := len(x.cols); i < len(cells); i++ {
			if len(trimSpace(cells[i])) > 0 {
				return 0, nil, nil, rowErr(x.n, "feed.unnamed_column", i+1)
			}
		}
		cells = cells[:min(len(cells), len(x.cols))]
		for len(cells) < len(x.cols) {
			cells = append(cells, nil)
		}
		x.cells = cells
		return x.n, x.cols, cells, nil
	}
}

func (x *xlsxRecords) offset() int64 { return int64(x.n) }

func (x *xlsxRecords) close() error {
	if x.done {
		return nil
	}
	x.done = true
	var err error
	if x.rows != nil {
		err = x.rows.Close()
	}
	return errors.Join(err, x.f.Close())
}
