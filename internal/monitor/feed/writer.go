package feed

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// CSVWriter writes a feed file in the layout the Reader expects: UTF-8 without BOM, a header of
// field names, one row per line. The demo data generator, tests and benchmarks use it to make the
// files an agency would send, and it doubles as the reference layout to show an agency.
type CSVWriter struct {
	w     *bufio.Writer
	width int
	line  []byte
}

// NewCSVWriter writes src's header to w: every field in order, the identity column as "id_hash"
// when hashed, else "id_number". Output is buffered; call Flush at the end.
func NewCSVWriter(w io.Writer, src Source, hashed bool) *CSVWriter {
	cw := &CSVWriter{w: bufio.NewWriterSize(w, 64<<10), width: len(src.Fields)}
	head := make([]string, len(src.Fields))
	for i, f := range src.Fields {
		head[i] = f.Name
		if f.Type == TypeID {
			head[i] = ColIDNumber
			if hashed {
				head[i] = ColIDHash
			}
		}
	}
	_ = cw.Write(head) // an error stays in the bufio.Writer and is returned by later calls
	return cw
}

// Write writes one row; values are in field order, "" for an empty cell. Cells with commas, quotes or
// line breaks are quoted, so such text reads back as written (less surrounding spaces, which
// the Reader trims).
func (cw *CSVWriter) Write(values []string) error {
	if len(values) != cw.width {
		return fmt.Errorf("feed: CSVWriter.Write: %d values for %d fields", len(values), cw.width)
	}
	b := cw.line[:0]
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		if needsQuotes(v) {
			b = append(b, '"')
			for j := 0; j < len(v); j++ {
				if v[j] == '"' {
					b = append(b, '"')
				}
				b = append(b, v[j])
			}
			b = append(b, '"')
		} else {
			b = append(b, v...)
		}
	}
	b = append(b, '\n')
	cw.line = b
	_, err := cw.w.Write(b)
	return err
}

// Flush writes out buffered rows and reports the first error of any write.
func (cw *CSVWriter) Flush() error { return cw.w.Flush() }

func needsQuotes(v string) bool { return strings.ContainsAny(v, ",\"\r\n") }
