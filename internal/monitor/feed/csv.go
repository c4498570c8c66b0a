package feed

import (
	"bytes"
	"io"
)

// csvRecords splits CSV text (RFC 4180, comma- or tab-separated) into rows. It is written by hand
// rather than with encoding/csv, which allocates a string per cell and a slice per row: here an
// unquoted row (almost every row of a machine-made feed) is cut into sub-slices of the read
// buffer without copying, and only a row with quotes is unescaped, into a reused buffer.
//
// A syntax error spoils one row, not the file: the row is reported and reading goes on at the
// next physical line. An unterminated quote at the end of the file (a truncated upload) is a
// *RowError for the line where the quote opened.
type csvRecords struct {
	in    *input
	comma byte
	cols  []column
	cells [][]byte
	buf   []byte // unescaped cells of a quoted row
	ends  []int  // cell ends in buf
}

// openCSV reads the header: the first line that is not blank. A header with tabs and no commas
// makes a tab-separated file (Excel's "文本文件").
func openCSV(src *Source, r io.Reader, enc string) (*csvRecords, error) {
	in, err := openInput(r, enc)
	if err != nil {
		return nil, err
	}
	c := &csvRecords{in: in, comma: ','}
	for {
		b, err := in.next()
		if err == io.EOF {
			return nil, fileErr("feed.no_header")
		} else if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		if bytes.IndexByte(b, '\t') >= 0 && bytes.IndexByte(b, ',') < 0 {
			c.comma = '\t'
		}
		cells, err := c.split(b, in.line)
		if err != nil {
			if re, ok := err.(*RowError); ok {
				return nil, &FileError{Key: "feed.bad_header", Msg: t("feed.bad_header", re.Msg)}
			}
			return nil, err
		}
		if blank(cells) {
			continue
		}
		head := make([]string, len(cells))
		for i, cell := range cells {
			head[i] = string(cell)
		}
		cols, ferr := mapHeader(src, head)
		if ferr != nil {
			return nil, ferr
		}
		c.cols = cols
		return c, nil
	}
}

func (c *csvRecords) next() (int, []column, [][]byte, error) {
	for {
		b, err := c.in.next()
		if err != nil {
			return 0, nil, nil, err
		}
		line := c.in.line
		cells, err := c.split(b, line)
		if err != nil {
			return 0, nil, nil, err
		}
		if blank(cells) {
			continue // blank lines, and the ",,,," Excel writes for an empty row
		}
		if len(cells) != len(c.cols) {
			return 0, nil, nil, rowErr(line, "feed.columns", len(cells), len(c.cols))
		}
		return line, c.cols, cells, nil
	}
}

// split cuts the row that starts with physical line b (number line) into cells.
func (c *csvRecords) split(b []byte, line int) ([][]byte, error) {
	if bytes.IndexByte(b, '"') >= 0 {
		return c.quoted(b, line)
	}
	c.cells = c.cells[:0]
	for {
		i := bytes.IndexByte(b, c.comma)
		if i < 0 {
			break
		}
		c.cells = append(c.cells, b[:i])
		b = b[i+1:]
	}
	c.cells = append(c.cells, b)
	return c.cells, nil
}

// quoted unescapes a row with quotes, reading more physical lines while a quoted cell is open.
// Spaces before an opening quote and after a closing one are dropped; any other character next
// to a quote is an error, as in encoding/csv without LazyQuotes.
func (c *csvRecords) quoted(b []byte, line int) ([][]byte, error) {
	c.buf, c.ends = c.buf[:0], c.ends[:0]
	inQuote, closed, start := false, false, true
	for {
		for i := 0; i < len(b); i++ {
			ch := b[i]
			if inQuote {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					c.buf = append(c.buf, b[i:]...)
					break
				}
				c.buf = append(c.buf, b[i:i+j]...)
				i += j
				if i+1 < len(b) && b[i+1] == '"' {
					c.buf = append(c.buf, '"')
					i++
					continue
				}
				inQuote, closed = false, true
				continue
			}
			switch {
			case ch == c.comma:
				c.ends = append(c.ends, len(c.buf))
				start, closed = true, false
			case closed:
				if ch != ' ' && ch != '\t' {
					return nil, rowErr(line, "feed.csv_bare_quote")
				}
			case ch == '"':
				if !start {
					return nil, rowErr(line, "feed.csv_bare_quote")
				}
				c.buf = c.buf[:c.cellStart()] // drop the spaces before the quote
				inQuote, start = true, false
			default:
				c.buf = append(c.buf, ch)
				if ch != ' ' && ch != '\t' {
					start = false
				}
			}
		}
		if !inQuote {
			break
		}
		c.buf = append(c.buf, '\n')
		if len(c.buf) > maxLine {
			return nil, fileErr("feed.line_too_long", line, maxLine>>20)
		}
		var err error
		if b, err = c.in.next(); err == io.EOF {
			return nil, rowErr(line, "feed.csv_quote")
		} else if err != nil {
			return nil, err
		}
	}
	c.ends = append(c.ends, len(c.buf))
	c.cells = c.cells[:0]
	from := 0
	for _, end := range c.ends {
		c.cells = append(c.cells, c.buf[from:end])
		from = end
	}
	return c.cells, nil
}

// cellStart is where the cell being built begins in buf.
func (c *csvRecords) cellStart() int {
	if len(c.ends) == 0 {
		return 0
	}
	return c.ends[len(c.ends)-1]
}

func (c *csvRecords) offset() int64 { return c.in.offset() }
func (c *csvRecords) close() error  { return nil }

// blank reports whether every cell is empty or spaces.
func blank(cells [][]byte) bool {
	for _, b := range cells {
		if len(trimSpace(b)) > 0 {
			return false
		}
	}
	return true
}
