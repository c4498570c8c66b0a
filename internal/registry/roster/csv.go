package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// csvSource reads CSV records. Each record is one row as Excel would show the file, also when a
// quoted value spans lines, so the row numbers in the report match what the user sees.
type csvSource struct {
	r     *csv.Reader
	n     int
	cells []string
	stop  *RowError
}

// openCSV decodes the text and picks the delimiter. Excel on a Chinese Windows saves "CSV" in GBK
// and "CSV UTF-8" with a byte-order mark, and "Unicode 文本" as tab-separated UTF-16; all three
// are read. Text that is neither valid UTF-8 nor GBK (GB18030) is refused rather than guessed.
func openCSV(data []byte) (*csvSource, error) {
	var text string
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, fileError("roster_format", "文件的UTF-16编码有误，请另存为.xlsx或CSV文件")
		}
		text = string(b)
	case utf8.Valid(data):
		text = string(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
	default:
		b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
			return nil, fileError("roster_format", "无法识别文件的文字编码：请另存为.xlsx文件，或UTF-8、GBK编码的CSV文件")
		}
		text = string(b)
	}
	if strings.ContainsRune(text, 0) {
		return nil, fileError("roster_format", "无法识别的文件格式：请上传Excel（.xlsx）或CSV文件")
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sniffDelimiter(text)
	r.FieldsPerRecord = -1
	return &csvSource{r: r}, nil
}

// sniffDelimiter takes a tab when the first line has tabs and no commas (Excel's "文本文件").
func sniffDelimiter(text string) rune {
	line, _, _ := strings.Cut(text, "\n")
	if strings.Contains(line, "\t") && !strings.Contains(line, ",") {
		return '\t'
	}
	return ','
}

func (c *csvSource) next() bool {
	if c.stop != nil {
		return false
	}
	rec, err := c.r.Read()
	if err == io.EOF {
		return false
	}
	c.n++
	if err != nil {
		msg := "CSV格式错误，从这一行起无法继续读取"
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			switch {
			case errors.Is(pe.Err, csv.ErrQuote):
				msg = fmt.Sprintf("CSV格式错误：引号不配对（文本第%d行），从这一行起无法继续读取", pe.StartLine)
			case errors.Is(pe.Err, csv.ErrBareQuote):
				msg = fmt.Sprintf("CSV格式错误：没有用引号括起的内容里出现了引号（文本第%d行），从这一行起无法继续读取", pe.Line)
			}
		}
		c.stop = &RowError{Row: c.n, Message: msg}
		return false
	}
	c.cells = rec
	return true
}

func (c *csvSource) row() (int, []string)      { return c.n, c.cells }
func (c *csvSource) err() error                { return nil }
func (c *csvSource) syntax() *RowError         { return c.stop }
func (c *csvSource) merges() ([]string, error) { return nil, nil }
func (c *csvSource) close()                    {}

// checkMerges reports merged ranges that reach the header or the data: a merged cell leaves all
// but its first row empty, so "the same address for these three people" would silently become
// "no address" for two of them.
func (p *parser) checkMerges(src source) error {
	if p.headerRow == 0 {
		return nil
	}
	refs, err := src.merges()
	if err != nil {
		return fileError("roster_format", "无法读取工作表的合并单元格信息：文件可能已损坏")
	}
	for _, ref := range refs {
		ref = strings.ReplaceAll(ref, "$", "")
		a, b, ok := strings.Cut(ref, ":")
		if !ok {
			continue
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(a)
		c2, r2, err2 := excelize.CellNameToCoordinates(b)
		if err1 != nil || err2 != nil || max(r1, r2) < p.headerRow {
			continue
		}
		e := RowError{Row: max(min(r1, r2), p.headerRow),
			Message: fmt.Sprintf("不能使用合并单元格（%s），请取消合并，并在每一行填上完整的内容", ref)}
		pos := -1
		if c := min(c1, c2) - 1; c < len(p.colOf) && p.colOf[c] >= 0 {
			pos = p.colOf[c]
			e.Column = columns[pos].header
		}
		p.res.errs.add(e, pos)
	}
	return nil
}
