package bankfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// source yields a return file's rows with the row numbers a person sees.
type source interface {
	next() bool
	row() (int, []string)
	err() error
	close()
}

// maxUnzipped bounds what an .xlsx may unpack to, against zip bombs.
const maxUnzipped = 512 << 20

// openSource recognises the format from the content: a zip is .xlsx, anything else is CSV text
// in UTF-8 (with or without byte-order mark) or GBK; text that is neither is refused.
func openSource(data []byte) (source, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return openXLSX(data)
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, fileError("payout.bankfile.xls")
	}
	var text string
	switch {
	case utf8.Valid(data):
		text = string(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
	default:
		b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
			return nil, fileError("payout.bankfile.encoding")
		}
		text = string(b)
	}
	if strings.ContainsRune(text, 0) {
		return nil, fileError("payout.bankfile.format")
	}
	r := csv.NewReader(strings.NewReader(text))
	line, _, _ := strings.Cut(text, "\n")
	if strings.Contains(line, "\t") && !strings.Contains(line, ",") {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	return &csvSource{r: r}, nil
}

type csvSource struct {
	r     *csv.Reader
	n     int
	cells []string
	fail  error
}

func (c *csvSource) next() bool {
	if c.fail != nil {
		return false
	}
	rec, err := c.r.Read()
	if err == io.EOF {
		return false
	}
	if err != nil {
		line := c.n + 1
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.StartLine
		}
		c.fail = fileError("payout.bankfile.csv_syntax", line)
		return false
	}
	c.n, _ = c.r.FieldPos(0)
	c.cells = rec
	return true
}

func (c *csvSource) row() (int, []string) { return c.n, c.cells }
func (c *csvSource) err() error           { return c.fail }
func (c *csvSource) close()               {}

// xlsxSource streams the first sheet with excelize's row iterator.
type xlsxSource struct {
	f     *excelize.File
	rows  *excelize.Rows
	n     int
	cells []string
	fail  error
}

func openXLSX(data []byte) (*xlsxSource, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped,
		UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, fileError("payout.bankfile.xlsx")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, fileError("payout.bankfile.xlsx")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, fileError("payout.bankfile.xlsx")
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

// next advances one sheet row; the iterator also yields absent rows, so n is Excel's number.
func (x *xlsxSource) next() bool {
	if x.fail != nil || !x.rows.Next() {
		return false
	}
	x.n++
	x.cells, x.fail = x.rows.Columns(excelize.Options{RawCellValue: true})
	return x.fail == nil
}

func (x *xlsxSource) row() (int, []string) { return x.n, x.cells }

func (x *xlsxSource) err() error {
	if x.fail == nil {
		x.fail = x.rows.Error()
	}
	if x.fail != nil {
		return fileError("payout.bankfile.xlsx_row", x.n+1)
	}
	return nil
}

func (x *xlsxSource) close() {
	_ = x.rows.Close()
	_ = x.f.Close()
}
