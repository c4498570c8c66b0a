package feed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
)

// Hasher turns a valid, normalised ID number into its keyed hash. The caller supplies it (in
// the application, pii.Keyring.Hash with pii.IDNumber), so that this package holds no key and a
// raw number read from a file is hashed before anything else sees it.
type Hasher func(idNumber string) string

// Options are what a Reader needs from its caller besides the file.
type Options struct {
	// Hasher hashes raw ID numbers; required, since which column a file has is known only
	// after reading its header.
	Hasher Hasher
	// Today is the date against which "not in the future" is judged; required, because the
	// clock is injected everywhere in this code base.
	Today civil.Date
	// Encoding of a CSV or JSONL file: "" to detect (UTF-8 with or without BOM, UTF-16 with
	// BOM, else GBK), "utf-8" or "gbk". Ignored for .xlsx.
	Encoding string
}

// records is a file format's way of producing rows: the cells of the next non-blank row with
// their columns, a *RowError for a row that cannot be split into cells (the next call goes on),
// or a *FileError or io.EOF, after which there is nothing more.
type records interface {
	next() (line int, cols []column, cells [][]byte, err error)
	offset() int64
	close() error
}

// Reader reads one feed file row by row, strictly: every value is checked against its field,
// and a bad row is reported (as a *RowError) and skipped, never guessed at.
type Reader struct {
	src      Source
	opt      Options
	recs     records
	xlsx     bool  // cells are raw workbook values: date serials, float noise
	today    int64 // opt.Today as YYYYMMDD
	required []int // fields that must be set in every row
	row      Row
	rows     int
	err      error // sticky: a *FileError or io.EOF
}

// NewReader opens a feed file of the given format ("csv", "xlsx" or "jsonl"; see FormatOf) and,
// for CSV and .xlsx, reads and checks its header. Problems with the file as a whole are returned
// as a *FileError; a plain error means the call itself was wrong (missing options, bad source).
func NewReader(src Source, format string, r io.Reader, opt Options) (*Reader, error) {
	if opt.Hasher == nil || opt.Today.IsZero() {
		return nil, errors.New("feed: NewReader needs Options.Hasher and Options.Today")
	}
	switch strings.ToLower(opt.Encoding) {
	case "":
	case "utf-8", "utf8":
		opt.Encoding = "utf-8"
	case "gbk", "gb18030":
		opt.Encoding = "gbk"
	default:
		return nil, fmt.Errorf("feed: unknown encoding %q", opt.Encoding)
	}
	src = src.clone()
	if err := src.check(); err != nil {
		return nil, fmt.Errorf("feed: source %q: %w", src.Name, err)
	}
	rd := &Reader{src: src, opt: opt, xlsx: format == "xlsx",
		today: int64(opt.Today.Year*10000 + int(opt.Today.Month)*100 + opt.Today.Day)}
	for i, f := range rd.src.Fields {
		if f.Required {
			rd.required = append(rd.required, i)
		}
	}
	rd.row = Row{src: &rd.src, vals: make([]value, len(src.Fields))}
	var err error
	switch format {
	case "csv":
		rd.recs, err = openCSV(&rd.src, r, opt.Encoding)
	case "xlsx":
		rd.recs, err = openXLSX(&rd.src, r)
	case "jsonl":
		rd.recs, err = openJSONL(&rd.src, r, opt.Encoding)
	default:
		return nil, fileErr("feed.format")
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// FormatOf names the format of a file by its extension, for NewReader; "" means unsupported.
// .txt is taken as CSV because that is how some agencies' systems name their exports.
func FormatOf(filename string) string {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".csv", ".txt":
		return "csv"
	case ".xlsx":
		return "xlsx"
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	}
	return ""
}

// Next returns the next good row, or a *RowError for a bad one (call Next again to go on), or
// io.EOF at the end, or a *FileError when the file cannot be read further. The returned Row is
// reused by the following call.
func (r *Reader) Next() (*Row, error) {
	if r.err != nil {
		return nil, r.err
	}
	line, cols, cells, err := r.recs.next()
	if err != nil {
		var re *RowError
		if errors.As(err, &re) {
			r.rows++
			return nil, re
		}
		r.err = err
		_ = r.recs.close()
		return nil, err
	}
	r.rows++
	if re := r.fill(line, cols, cells); re != nil {
		return nil, re
	}
	return &r.row, nil
}

// fill parses the cells of one row into r.row, stopping at the first bad cell.
func (r *Reader) fill(line int, cols []column, cells [][]byte) *RowError {
	row := &r.row
	row.Line = line
	row.buf = row.buf[:0]
	clear(row.vals)
	for c, b := range cells {
		col := cols[c]
		b = trimSpace(b)
		if col.field < 0 {
			if len(b) > 0 {
				return rowErr(line, "feed.unnamed_column", c+1)
			}
			continue
		}
		f := &r.src.Fields[col.field]
		if len(b) == 0 {
			if f.Required {
				return cellErr(line, f, "feed.required")
			}
			continue
		}
		if key, args := r.parseCell(f, col, b, &row.vals[col.field]); key != "" {
			return cellErr(line, f, key, args...)
		}
	}
	for _, i := range r.required {
		if !row.vals[i].set { // only a JSONL line can leave out a key
			return cellErr(line, &r.src.Fields[i], "feed.required")
		}
	}
	return nil
}

// Rows is the number of data rows read so far, good and bad, for progress and for the summary
// of an import ("10,000,000 rows, 12 errors").
func (r *Reader) Rows() int { return r.rows }

// Offset is how far into the file the reader is, for a progress bar: bytes of a CSV or JSONL
// file (approximate when it is decoded from GBK), rows of an .xlsx sheet.
func (r *Reader) Offset() int64 { return r.recs.offset() }

// Close releases what the reader holds (an .xlsx file's temporary files); Next does it by itself
// at the end of the file, so Close matters only when a caller stops early.
func (r *Reader) Close() error {
	if r.err == nil {
		r.err = io.EOF
	}
	return r.recs.close()
}

// trimSpace trims spaces and tabs quickly and falls back to bytes.TrimSpace (full-width and
// no-break spaces, line breaks) only when a cell starts or ends with a byte that may be one.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	if n := len(b); n > 0 && (b[0] >= 0x80 || b[n-1] >= 0x80 || b[0] < ' ' || b[n-1] < ' ') {
		b = bytes.TrimSpace(b)
	}
	return b
}
